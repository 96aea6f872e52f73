/**
 * Care/HR module routes: personnel records, consents, intakes (404 unless
 * the profile enables `modules.care`), and the erasure of a person, which
 * every organization has whatever its modules: it is a legal duty.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { DomainError, notFound } from "../../../core/errors";
import { ConsentInput, Consent, IntakeInput, IntakeResult, Personnel, PersonnelInput, Purpose } from "../../../core/modules/care/records";
import { seesPerson } from "../../../core/privacy/person-sight";
import { decodeCursor, Limit } from "../../db/pagination";
import { getPersonnel, getPersonWithTrustedLinks, listConsents, listPersonnel } from "../../db/queries";
import type { AppEnv } from "../../env";
import { requireOrgAdmin } from "../auth";
import { requireModule, runModuleCommand } from "../modules";
import { stubOf, unwrap } from "../org-client";
import { ERRORS, OrgParam, PersonParams, SECURITY, json, jsonBody, router } from "../openapi";

const care = requireModule("care");
const tag = { tags: ["Care"], security: SECURITY };

const ConsentParams = PersonParams.extend({
  purpose: Purpose.openapi({ param: { name: "purpose", in: "path" }, example: "data_processing" }),
});

/** Admins, and those who see the person (a trusted link on a case they may act on), read what is kept about them. */
async function requireSight(c: Context<AppEnv>, personId: string): Promise<void> {
  const found = await getPersonWithTrustedLinks(c.get("db"), c.get("org").org_id, personId);
  if (!found) throw notFound("person");
  const actor = c.get("actor");
  if (!seesPerson(actor, found.links)) throw new DomainError("forbidden", "this needs admin rights or a trusted link to the person on a case in your scope");
}

const putPersonnel = createRoute({
  ...tag,
  method: "put",
  path: "/v1/orgs/{org}/persons/{person_id}/personnel",
  summary: "Set a person's personnel record (org admin)",
  middleware: [care, requireOrgAdmin] as const,
  request: { params: PersonParams, body: jsonBody(PersonnelInput) },
  responses: { 200: json(Personnel, "The personnel record"), ...ERRORS },
});

const readPersonnel = createRoute({
  ...tag,
  method: "get",
  path: "/v1/orgs/{org}/persons/{person_id}/personnel",
  summary: "Read a person's personnel record (org admin)",
  middleware: [care, requireOrgAdmin] as const,
  request: { params: PersonParams },
  responses: { 200: json(Personnel, "The personnel record"), ...ERRORS },
});

const personnelPage = createRoute({
  ...tag,
  method: "get",
  path: "/v1/orgs/{org}/personnel",
  summary: "List personnel records, newest first, optionally of one role (org admin)",
  middleware: [care, requireOrgAdmin] as const,
  request: {
    params: OrgParam,
    query: z.object({ role: z.string().min(1).max(200).optional(), limit: Limit, cursor: z.string().max(100).optional() }).strict(),
  },
  responses: { 200: json(z.object({ items: z.array(Personnel), next_cursor: z.string().nullable() }), "A page of personnel records"), ...ERRORS },
});

const putConsent = createRoute({
  ...tag,
  method: "put",
  path: "/v1/orgs/{org}/persons/{person_id}/consents/{purpose}",
  summary: "Record a person's consent for a purpose (the latest statement counts)",
  middleware: [care] as const,
  request: { params: ConsentParams, body: jsonBody(ConsentInput) },
  responses: { 200: json(Consent, "The consent as it now stands"), ...ERRORS },
});

const consentList = createRoute({
  ...tag,
  method: "get",
  path: "/v1/orgs/{org}/persons/{person_id}/consents",
  summary: "A person's consents, one per purpose",
  middleware: [care] as const,
  request: { params: PersonParams },
  responses: { 200: json(z.object({ items: z.array(Consent) }), "The consents"), ...ERRORS },
});

const intake = createRoute({
  ...tag,
  method: "post",
  path: "/v1/orgs/{org}/intakes",
  summary: "Take in a person: a case for the intake team with its screening tasks",
  description:
    "Records the person (when given inline) and the consents they stated, and opens a case labelled `1001.11.<intake_role>` naming them, with one task per screening template, in one transaction. A flow rule can do the same for a signal that names the person (`person_id`).",
  middleware: [care] as const,
  request: { params: OrgParam, body: jsonBody(IntakeInput) },
  responses: { 201: json(IntakeResult, "The case, its screening tasks and the person"), ...ERRORS },
});

const erase = createRoute({
  ...tag,
  method: "delete",
  path: "/v1/orgs/{org}/persons/{person_id}",
  summary: "Erase a person and their data everywhere (org admin)",
  description:
    "Available to every organization, whatever its modules: erasure is a legal duty. The person, their personnel and consent records go; their name and contact details are replaced by `[erased]` in cases, tasks, signals, mail, notifications and the audit log's values; the raw messages that mention them and the attachments they sent are deleted. Cases, tasks and insight counts stay. An erasure interrupted by an error is finished by sending the same request again.",
  middleware: [requireOrgAdmin] as const,
  request: { params: PersonParams },
  responses: { 204: { description: "Erased" }, ...ERRORS },
});

export const careRoutes = router()
  .openapi(putPersonnel, async (c) => {
    const { person_id } = c.req.valid("param");
    return c.json(await runModuleCommand(c, "care", "putPersonnel", { person_id, record: c.req.valid("json") }), 200);
  })
  .openapi(readPersonnel, async (c) => {
    const found = await getPersonnel(c.get("db"), c.get("org").org_id, c.req.valid("param").person_id);
    if (!found) throw notFound("personnel record");
    return c.json(found, 200);
  })
  .openapi(personnelPage, async (c) => {
    const { role, limit, cursor } = c.req.valid("query");
    return c.json(await listPersonnel(c.get("db"), c.get("org").org_id, { role, limit, before: decodeCursor(cursor) }), 200);
  })
  .openapi(putConsent, async (c) => {
    const { person_id, purpose } = c.req.valid("param");
    return c.json(await runModuleCommand(c, "care", "recordConsent", { person_id, purpose, granted: c.req.valid("json").granted }), 200);
  })
  .openapi(consentList, async (c) => {
    const { person_id } = c.req.valid("param");
    await requireSight(c, person_id);
    return c.json({ items: await listConsents(c.get("db"), c.get("org").org_id, person_id) }, 200);
  })
  .openapi(intake, async (c) => c.json(await runModuleCommand(c, "care", "intake", c.req.valid("json")), 201))
  .openapi(erase, async (c) => {
    unwrap(c, await stubOf(c).erasePerson(c.get("actor"), c.req.valid("param").person_id));
    return c.body(null, 204);
  });
