/**
 * The organization's secrets (org admin): webhook signing keys that a
 * profile's `secret_name` refers to. Values go in and never come out: the list
 * shows names and dates only.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { SecretName, SecretPut, SecretSummary } from "../../../core/security/org-secret";
import { requireOrgAdmin } from "../auth";
import { stubOf, unwrap } from "../org-client";
import { ERRORS, OrgParam, SECURITY, json, jsonBody, router } from "../openapi";

const SecretParams = OrgParam.extend({ name: SecretName.openapi({ param: { name: "name", in: "path" }, example: "WEBHOOK_SECRET" }) });

const put = createRoute({
  tags: ["Secrets"],
  security: SECURITY,
  method: "put",
  path: "/v1/orgs/{org}/secrets/{name}",
  summary: "Create or replace a secret (org admin); the value is stored encrypted and never returned",
  middleware: [requireOrgAdmin] as const,
  request: { params: SecretParams, body: jsonBody(SecretPut) },
  responses: { 204: { description: "Stored" }, ...ERRORS },
});

const list = createRoute({
  tags: ["Secrets"],
  security: SECURITY,
  method: "get",
  path: "/v1/orgs/{org}/secrets",
  summary: "The organization's secrets, by name (org admin); never their values",
  middleware: [requireOrgAdmin] as const,
  request: { params: OrgParam },
  responses: { 200: json(z.object({ items: z.array(SecretSummary) }), "Secret names, in name order"), ...ERRORS },
});

const remove = createRoute({
  tags: ["Secrets"],
  security: SECURITY,
  method: "delete",
  path: "/v1/orgs/{org}/secrets/{name}",
  summary: "Delete a secret (org admin); webhooks naming it are no longer sent",
  middleware: [requireOrgAdmin] as const,
  request: { params: SecretParams },
  responses: { 204: { description: "Deleted" }, ...ERRORS },
});

export const secretRoutes = router()
  .openapi(put, async (c) => {
    const { name } = c.req.valid("param");
    unwrap(c, await stubOf(c).putSecret(c.get("actor"), name, c.req.valid("json").value));
    return c.body(null, 204);
  })
  .openapi(list, async (c) => c.json({ items: await stubOf(c).listSecrets() }, 200))
  .openapi(remove, async (c) => {
    unwrap(c, await stubOf(c).deleteSecret(c.get("actor"), c.req.valid("param").name));
    return c.body(null, 204);
  });
