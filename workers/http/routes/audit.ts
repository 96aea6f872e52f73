/** The append-only audit log, newest first. */
import { createRoute, z } from "@hono/zod-openapi";
import { AuditEvent } from "../../../core/model";
import { decodeCursor, Limit } from "../../db/pagination";
import { listAudit } from "../../db/queries";
import { requireOrgAdmin } from "../auth";
import { ERRORS, OrgParam, SECURITY, json, router } from "../openapi";

const list = createRoute({
  tags: ["Audit"],
  security: SECURITY,
  method: "get",
  path: "/v1/orgs/{org}/audit",
  summary: "Audit events, newest first (org admin)",
  middleware: [requireOrgAdmin] as const,
  request: {
    params: OrgParam,
    query: z.object({ entity_id: z.string().max(100).optional(), limit: Limit, cursor: z.string().max(100).optional() }).strict(),
  },
  responses: { 200: json(z.object({ items: z.array(AuditEvent), next_cursor: z.string().nullable() }), "A page of events"), ...ERRORS },
});

export const auditRoutes = router().openapi(list, async (c) => {
  const { cursor, ...filters } = c.req.valid("query");
  return c.json(await listAudit(c.get("db"), c.get("org").org_id, { ...filters, before: decodeCursor(cursor) }), 200);
});
