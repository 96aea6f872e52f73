/** The organization's roles (created from its profile). */
import { createRoute, z } from "@hono/zod-openapi";
import { Role } from "../../../core/model";
import { listRoles } from "../../db/queries";
import { ERRORS, OrgParam, SECURITY, json, router } from "../openapi";

const list = createRoute({
  tags: ["Organizations"],
  security: SECURITY,
  method: "get",
  path: "/v1/orgs/{org}/roles",
  summary: "Roles of the organization",
  request: { params: OrgParam },
  responses: {
    200: json(z.object({ items: z.array(Role) }), "Roles, parents first (every role of the organization: a bounded list, so no paging)"),
    ...ERRORS,
  },
});

export const roleRoutes = router().openapi(list, async (c) => c.json({ items: await listRoles(c.get("db"), c.get("org").org_id) }, 200));
