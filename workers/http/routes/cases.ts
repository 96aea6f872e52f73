/** Cases: create, list, read with tasks, timeline and patch. */
import { createRoute, z } from "@hono/zod-openapi";
import { buildCaseJsonLd, JSON_LD_MEDIA_TYPE, wantsJsonLd } from "../../../core/interop/json-ld";
import { Case, CaseCreate, CasePatch, CaseStatus, CaseWithTasks, Severity } from "../../../core/model";
import { decodeCursor, Limit } from "../../db/pagination";
import { caseTimeline, caseWithTasks, firstCases, getCaseWithTasks, listCases } from "../../db/queries";
import { readAuthorized, readDatabase } from "../auth";
import { stubOf, unwrap } from "../org-client";
import { seen, visibleTo } from "../visibility";
import { CONFLICT, ERRORS, OrgParam, SECURITY, json, jsonBody, router } from "../openapi";
import { parseIfMatch } from "../if-match";

const CaseParams = OrgParam.extend({
  case_id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "case_id", in: "path" } }),
});

const CaseList = z.object({ items: z.array(Case), next_cursor: z.string().nullable() });
const CaseQuery = z
  .object({
    status: CaseStatus.optional(),
    label: z.string().max(200).optional(),
    severity: Severity.optional(),
    limit: Limit,
    cursor: z.string().max(100).optional(),
  })
  .strict();

const TimelineItem = z.object({
  at: z.string(),
  type: z.enum(["signal", "event", "email"]),
  kind: z.enum(["signal", "event", "email"]),
  action: z.string(),
  actor: z.string().nullable(),
  entity_type: z.string(),
  entity_id: z.string(),
  details: z.record(z.string(), z.unknown()),
  direction: z.enum(["inbound", "outbound"]).optional().openapi({ description: "email entries" }),
  from: z.string().optional(),
  to: z.array(z.string()).optional(),
  subject: z.string().optional(),
  text: z.string().optional().openapi({ description: "the author's new text only" }),
  message_id: z.string().optional(),
  attachments: z.array(z.object({ attachment_id: z.string(), filename: z.string().nullable(), content_type: z.string(), size: z.number().int() })).optional(),
});

const tag = { tags: ["Cases"], security: SECURITY };

const create = createRoute({
  ...tag,
  method: "post",
  path: "/v1/orgs/{org}/cases",
  summary: "Open a case",
  request: { params: OrgParam, body: jsonBody(CaseCreate) },
  responses: { 201: json(Case, "The new case"), ...ERRORS },
});

const list = createRoute({
  ...tag,
  method: "get",
  path: "/v1/orgs/{org}/cases",
  summary: "List cases, newest first",
  request: { params: OrgParam, query: CaseQuery },
  responses: { 200: json(CaseList, "A page of cases"), ...ERRORS },
});

const read = createRoute({
  ...tag,
  method: "get",
  path: "/v1/orgs/{org}/cases/{case_id}",
  summary: "Read a case with its tasks (JSON-LD over schema.org with Accept: application/ld+json)",
  request: { params: CaseParams },
  responses: {
    200: {
      description: "The case; as JSON-LD a schema.org CreativeWork with its tasks as Actions, places, categories and roles tied to Wikidata (sameAs)",
      content: {
        "application/json": { schema: CaseWithTasks },
        [JSON_LD_MEDIA_TYPE]: { schema: z.record(z.string(), z.unknown()).openapi({ description: "JSON-LD (core/interop/json-ld.ts)" }) },
      },
    },
    ...ERRORS,
  },
});

const timeline = createRoute({
  ...tag,
  method: "get",
  path: "/v1/orgs/{org}/cases/{case_id}/timeline",
  summary: "Signals, notes, transitions and escalations of a case, oldest first",
  request: { params: CaseParams },
  responses: { 200: json(z.object({ items: z.array(TimelineItem) }), "The timeline"), ...ERRORS },
});

const patch = createRoute({
  ...tag,
  method: "patch",
  path: "/v1/orgs/{org}/cases/{case_id}",
  summary: "Change a case (optionally If-Match: <version>)",
  request: {
    params: CaseParams,
    headers: z.object({ "if-match": z.string().optional() }),
    body: jsonBody(CasePatch),
  },
  responses: { 200: json(Case, "The changed case"), ...ERRORS, ...CONFLICT },
});

const NO_CASE = { case: null, tasks: [] } as const;

export const caseRoutes = router()
  .openapi(create, async (c) => {
    const value = unwrap(c, await stubOf(c).createCase(c.get("principal"), c.req.valid("json")));
    c.header("etag", `"${value.version}"`);
    return c.json(value, 201);
  })
  .openapi(list, async (c) => {
    const q = c.req.valid("query");
    const { cursor, ...filters } = q;
    const f = { ...filters, before: decodeCursor(cursor) };
    const first = await readAuthorized(c, firstCases(f));
    return c.json(await listCases(readDatabase(c), c.get("orgId"), f, visibleTo(c), first), 200);
  })
  .openapi(read, async (c) => {
    const { case_id } = c.req.valid("param");
    const { case: kase, tasks } = (await readAuthorized(c, caseWithTasks(case_id))) ?? NO_CASE;
    const found = seen(c, kase, "case");
    const visibleTasks = tasks.filter(visibleTo(c));
    c.header("etag", `"${found.version}"`);
    c.header("vary", "Accept");
    if (wantsJsonLd(c.req.header("accept"))) {
      const org = c.get("org");
      const current = await stubOf(c).getProfile();
      const doc = buildCaseJsonLd(found, visibleTasks, {
        org: { slug: org.slug, name: org.name },
        baseUrl: new URL(c.req.url).origin,
        linkedData: current?.profile.linked_data,
      });
      // The document's shape is declared in the route's responses; the typed handler knows only the JSON one.
      return c.body(JSON.stringify(doc), 200, { "content-type": `${JSON_LD_MEDIA_TYPE}; charset=utf-8` }) as never;
    }
    return c.json({ ...found, tasks: visibleTasks }, 200);
  })
  .openapi(timeline, async (c) => {
    const { case_id } = c.req.valid("param");
    const orgId = c.get("org").org_id;
    const { case: kase, tasks } = (await getCaseWithTasks(c.get("db"), orgId, case_id)) ?? NO_CASE;
    seen(c, kase, "case");
    // The case's story without the tasks (and their events) the caller may not see.
    const hidden = new Set(tasks.filter((t) => !visibleTo(c)(t)).map((t) => t.task_id));
    const items = (await caseTimeline(c.get("db"), orgId, case_id)).filter((i) => !hidden.has(i.entity_id));
    return c.json({ items }, 200);
  })
  .openapi(patch, async (c) => {
    const { case_id } = c.req.valid("param");
    const ifMatch = parseIfMatch(c.req.header("if-match"));
    const value = unwrap(c, await stubOf(c).patchCase(c.get("principal"), case_id, c.req.valid("json"), ifMatch));
    c.header("etag", `"${value.version}"`);
    return c.json(value, 200);
  });
