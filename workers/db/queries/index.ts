/**
 * Every D1 read the Worker makes, one named function each, so that one test
 * can hold them all to house rule 13. Each is scoped by organization (or by a
 * globally unique key) and served by an index of d1/schema.ts;
 * test/workers/query-plans.test.ts runs
 * every function exported here and fails on one it does not exercise or whose
 * plan scans a table. Export query functions only: helpers stay in their own
 * files.
 */
export { tokenByHash, tokenAndOrg, tokenOrgAndRead, loginCredentials, whoAmI, type Credentials, type Whom } from "./access";
export { orgBySlug } from "./orgs";
export { listRoles } from "./roles";
export { listUsers, getUser } from "./users";
export { listPersons, getPerson, getPersonWithTrustedLinks } from "./persons";
export { listCases, firstCases, getCaseWithTasks, caseWithTasks } from "./cases";
export { caseTimeline, type TimelineItem } from "./case-timeline";
export { listTasks, firstTasks, getTask, oneTask } from "./tasks";
export { getPersonnel, listPersonnel, listConsents } from "./care";
export { listLocations, getLocation, listAssets, getAsset, assetHistory } from "./maintenance";
export { listAudit } from "./audit";
export { listNotifications } from "./notifications";
export { routedSignalsSince } from "./signals";
export { listOpen311Requests, getOpen311Request } from "./open311";
export type { Page } from "./scan";
export { caseAttachment, caseMessage, listRecordedMail } from "./email";
export { factCasesCreatedBetween, factCasesResolvedBetween, openFactCases, openFactTasks, casesByIds, reviewInput } from "./insights";
