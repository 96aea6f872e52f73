/**
 * Groups module routes: teams, classes and units with their roster, a
 * recurring schedule and its sessions, and broadcasts to the roster (one
 * case, one task per member). Writes go through the organization's object;
 * reads, sessions included (a pure expansion of the stored rule), come from
 * the D1 copy.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { notFound } from "../../../core/errors";
import { Timestamp } from "../../../core/model/records";
import {
  BroadcastInput,
  BroadcastResult,
  Group,
  GroupCreate,
  GroupPatch,
  MembersReplace,
  ScheduleInput,
  SessionList,
} from "../../../core/modules/groups/model";
import { checkWindow, sessionsBetween } from "../../../core/modules/groups/schedule";
import { decodeCursor, Limit } from "../../db/pagination";
import { getGroup, listGroups } from "../../db/queries/groups";
import { requireModule, runModuleCommand } from "../modules";
import { CONFLICT, ERRORS, OrgParam, SECURITY, json, jsonBody, router } from "../openapi";
import { visibleTo } from "../visibility";
import { IfMatchHeader, parseIfMatch } from "../if-match";

const tag = { tags: ["Groups"], security: SECURITY };
const GroupParams = OrgParam.extend({
  group_id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "group_id", in: "path" } }),
});
const DEFAULT_WINDOW_MS = 30 * 86_400_000;

const create = createRoute({
  ...tag,
  method: "post",
  path: "/v1/orgs/{org}/groups",
  summary: "Create a group (team, class, unit)",
  request: { params: OrgParam, body: jsonBody(GroupCreate) },
  responses: { 201: json(Group, "The group"), ...ERRORS },
});
const list = createRoute({
  ...tag,
  method: "get",
  path: "/v1/orgs/{org}/groups",
  summary: "List groups, newest first",
  request: {
    params: OrgParam,
    query: z.object({ kind: z.string().min(1).max(64).optional(), limit: Limit, cursor: z.string().max(100).optional() }).strict(),
  },
  responses: { 200: json(z.object({ items: z.array(Group), next_cursor: z.string().nullable() }), "A page of groups"), ...ERRORS },
});
const read = createRoute({
  ...tag,
  method: "get",
  path: "/v1/orgs/{org}/groups/{group_id}",
  summary: "Read a group with its roster and schedule",
  request: { params: GroupParams },
  responses: { 200: json(Group, "The group"), ...ERRORS },
});
const patch = createRoute({
  ...tag,
  method: "patch",
  path: "/v1/orgs/{org}/groups/{group_id}",
  summary: "Change a group (optionally If-Match: <version>)",
  request: { params: GroupParams, headers: IfMatchHeader, body: jsonBody(GroupPatch) },
  responses: { 200: json(Group, "The changed group"), ...ERRORS, ...CONFLICT },
});
const members = createRoute({
  ...tag,
  method: "put",
  path: "/v1/orgs/{org}/groups/{group_id}/members",
  summary: "Replace a group's roster (optionally If-Match: <version>)",
  request: { params: GroupParams, headers: IfMatchHeader, body: jsonBody(MembersReplace) },
  responses: { 200: json(Group, "The group with its new roster"), ...ERRORS, ...CONFLICT },
});
const schedule = createRoute({
  ...tag,
  method: "put",
  path: "/v1/orgs/{org}/groups/{group_id}/schedule",
  summary: "Set a group's recurring schedule, an RFC 5545 rule (optionally If-Match: <version>)",
  request: { params: GroupParams, headers: IfMatchHeader, body: jsonBody(ScheduleInput) },
  responses: { 200: json(Group, "The group with its schedule"), ...ERRORS, ...CONFLICT },
});
const sessions = createRoute({
  ...tag,
  method: "get",
  path: "/v1/orgs/{org}/groups/{group_id}/sessions",
  summary: "The sessions of a group's schedule in a window (now to 30 days on by default; 366 days and 1,000 sessions at most)",
  request: { params: GroupParams, query: z.object({ from: Timestamp.optional(), to: Timestamp.optional() }).strict() },
  responses: { 200: json(SessionList, "Sessions, oldest first, in UTC"), ...ERRORS },
});
const broadcast = createRoute({
  ...tag,
  method: "post",
  path: "/v1/orgs/{org}/groups/{group_id}/broadcast",
  summary: "Broadcast to a group: one case, one task per member",
  request: { params: GroupParams, body: jsonBody(BroadcastInput) },
  responses: { 201: json(BroadcastResult, "The case and its tasks"), ...ERRORS },
});

export const groupRoutes = router();
groupRoutes.use("/v1/orgs/:org/groups", requireModule("groups"));
groupRoutes.use("/v1/orgs/:org/groups/*", requireModule("groups"));

groupRoutes
  .openapi(create, async (c) => {
    const group = await runModuleCommand(c, "groups", "createGroup", c.req.valid("json"));
    c.header("etag", `"${group.version}"`);
    return c.json(group, 201);
  })
  .openapi(list, async (c) => {
    const { cursor, ...f } = c.req.valid("query");
    return c.json(await listGroups(c.get("db"), c.get("org").org_id, { ...f, before: decodeCursor(cursor) }), 200);
  })
  .openapi(read, async (c) => {
    const group = await getGroup(c.get("db"), c.get("org").org_id, c.req.valid("param").group_id);
    if (!group) throw notFound("group");
    c.header("etag", `"${group.version}"`);
    return c.json(group, 200);
  })
  .openapi(patch, async (c) => {
    const if_match = parseIfMatch(c.req.valid("header")["if-match"]);
    const group = await runModuleCommand(c, "groups", "patchGroup", { group_id: c.req.valid("param").group_id, if_match, body: c.req.valid("json") });
    c.header("etag", `"${group.version}"`);
    return c.json(group, 200);
  })
  .openapi(members, async (c) => {
    const if_match = parseIfMatch(c.req.valid("header")["if-match"]);
    const group = await runModuleCommand(c, "groups", "replaceMembers", { group_id: c.req.valid("param").group_id, if_match, body: c.req.valid("json") });
    c.header("etag", `"${group.version}"`);
    return c.json(group, 200);
  })
  .openapi(schedule, async (c) => {
    const if_match = parseIfMatch(c.req.valid("header")["if-match"]);
    const group = await runModuleCommand(c, "groups", "setSchedule", { group_id: c.req.valid("param").group_id, if_match, body: c.req.valid("json") });
    c.header("etag", `"${group.version}"`);
    return c.json(group, 200);
  })
  .openapi(sessions, async (c) => {
    const q = c.req.valid("query");
    const group = await getGroup(c.get("db"), c.get("org").org_id, c.req.valid("param").group_id);
    if (!group) throw notFound("group");
    const from = q.from ? new Date(q.from) : new Date();
    const to = q.to ? new Date(q.to) : new Date(from.getTime() + DEFAULT_WINDOW_MS);
    checkWindow(from, to);
    if (!group.schedule) return c.json({ items: [], truncated: false }, 200);
    return c.json(sessionsBetween(group.schedule, from, to), 200);
  })
  .openapi(broadcast, async (c) => {
    const result = await runModuleCommand(c, "groups", "broadcast", { group_id: c.req.valid("param").group_id, if_match: null, body: c.req.valid("json") });
    return c.json({ case: result.case, tasks: result.tasks.filter(visibleTo(c)) }, 201);
  });
