/**
 * The insights Parquet files of an organization: roll a period up, list the
 * files, download one. All three are for org admins: a file holds every case
 * and task of the organization, whatever need-to-know would hide from a
 * member. A key outside the caller's organization is the same 404 as one
 * that does not exist.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { notFound } from "../../../core/errors";
import { insightsPrefix } from "../../../core/insights/parquet-tables";
import { PERIOD_PATTERN } from "../../../core/insights/rollup-periods";
import { requireOrgAdmin } from "../auth";
import { stubOf, unwrap } from "../org-client";
import { ERRORS, OrgParam, SECURITY, json, router } from "../openapi";

const PARQUET_TYPE = "application/vnd.apache.parquet";

const RollupBody = z.object({ period: z.string().regex(PERIOD_PATTERN, "expected YYYY-MM").optional() }).strict();

const RollupAnswer = z.object({ files: z.array(z.object({ key: z.string(), rows: z.number().int() })) });

const InsightsFile = z.object({ key: z.string(), size: z.number().int(), uploaded: z.string() });

const rollup = createRoute({
  tags: ["Insights"],
  security: SECURITY,
  method: "post",
  path: "/v1/orgs/{org}/insights/rollup",
  summary: "Write the insights Parquet files of a period, or of this month and the last (org admin)",
  middleware: [requireOrgAdmin] as const,
  request: { params: OrgParam, body: { required: false, content: { "application/json": { schema: RollupBody } } } },
  responses: { 200: json(RollupAnswer, "The files written, with their row counts"), ...ERRORS },
});

const list = createRoute({
  tags: ["Insights"],
  security: SECURITY,
  method: "get",
  path: "/v1/orgs/{org}/insights/files",
  summary: "The organization's insights Parquet files (org admin)",
  middleware: [requireOrgAdmin] as const,
  request: { params: OrgParam },
  responses: { 200: json(z.object({ items: z.array(InsightsFile) }), "Every file, by key"), ...ERRORS },
});

const download = createRoute({
  tags: ["Insights"],
  security: SECURITY,
  method: "get",
  path: "/v1/orgs/{org}/insights/files/{key}",
  summary: "Download an insights Parquet file; the key is URL-encoded as one path segment (org admin)",
  middleware: [requireOrgAdmin] as const,
  request: {
    params: OrgParam.extend({
      key: z
        .string()
        .min(1)
        .max(1024)
        .openapi({ param: { name: "key", in: "path" }, example: "insights%2Forg%3D…%2Ftable%3Dfact_cases%2Fperiod%3D2026-11%2Fpart-0.parquet" }),
    }),
  },
  responses: { 200: { description: "The file", content: { [PARQUET_TYPE]: { schema: z.string().openapi({ format: "binary" }) } } }, ...ERRORS },
});

export const insightsFileRoutes = router()
  .openapi(rollup, async (c) => {
    // No body means the default periods; a JSON body has been validated.
    const period = c.req.header("content-type") ? c.req.valid("json").period : undefined;
    const files = unwrap(c, await stubOf(c).rollupInsights(period));
    return c.json({ files: files.map((f) => ({ key: f.key, rows: f.rows })) }, 200);
  })
  .openapi(list, async (c) => {
    const prefix = insightsPrefix(c.get("org").org_id);
    const items: z.infer<typeof InsightsFile>[] = [];
    let cursor: string | undefined;
    do {
      const page = await c.env.FILES.list({ prefix, cursor });
      for (const o of page.objects) items.push({ key: o.key, size: o.size, uploaded: o.uploaded.toISOString() });
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
    return c.json({ items }, 200);
  })
  .openapi(download, async (c) => {
    const { key } = c.req.valid("param");
    if (!key.startsWith(insightsPrefix(c.get("org").org_id))) throw notFound("file");
    const object = await c.env.FILES.get(key);
    if (!object) throw notFound("file");
    const name = key.slice(key.indexOf("table=")).replace(/[^\w.=-]+/g, "_");
    const headers = new Headers({
      "content-type": PARQUET_TYPE,
      "content-length": String(object.size),
      "content-disposition": `attachment; filename="${name}"`,
      "x-content-type-options": "nosniff",
      "content-security-policy": "sandbox",
    });
    return new Response(object.body, { status: 200, headers }) as never;
  });
