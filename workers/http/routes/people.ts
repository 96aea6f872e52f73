/** Users of an organization and API tokens. */
import { createRoute, z } from "@hono/zod-openapi";
import { notFound } from "../../../core/errors";
import { Position, User, UserPatch } from "../../../core/model";
import { hashPassword, hashToken, newToken } from "../../../core/security/secrets";
import { decodeCursor, Limit } from "../../db/pagination";
import { getUser, listUsers as usersPage } from "../../db/queries";
import { isOrgAdmin, requireOrgAdmin } from "../auth";
import { stubOf, unwrap } from "../org-client";
import { CONFLICT, ERRORS, OrgParam, SECURITY, json, jsonBody, router } from "../openapi";

const UserCreate = z
  .object({
    email: z.string().email().max(254),
    display_name: z.string().trim().min(1).max(200),
    password: z.string().min(8).max(200).optional(),
    positions: z.array(Position).max(20).default([]),
    admin: z.boolean().default(false),
  })
  .strict();

const TokenCreate = z
  .object({ name: z.string().trim().min(1).max(100), positions: z.array(Position).max(20).optional(), admin: z.boolean().default(false) })
  .strict();
const TokenCreated = z.object({ token_id: z.string(), token: z.string() });

const createUser = createRoute({
  tags: ["People"],
  security: SECURITY,
  method: "post",
  path: "/v1/orgs/{org}/users",
  summary: "Create a user (org admin)",
  middleware: [requireOrgAdmin] as const,
  request: { params: OrgParam, body: jsonBody(UserCreate) },
  responses: { 201: json(User, "The user (never the password)"), ...ERRORS, ...CONFLICT },
});

const createToken = createRoute({
  tags: ["People"],
  security: SECURITY,
  method: "post",
  path: "/v1/orgs/{org}/tokens",
  summary: "Issue an API token (org admin)",
  middleware: [requireOrgAdmin] as const,
  request: { params: OrgParam, body: jsonBody(TokenCreate) },
  responses: { 201: json(TokenCreated, "The token; shown only here"), ...ERRORS },
});

const revokeToken = createRoute({
  tags: ["People"],
  security: SECURITY,
  method: "delete",
  path: "/v1/orgs/{org}/tokens/{token_id}",
  summary: "Revoke a token (org admin)",
  middleware: [requireOrgAdmin] as const,
  request: {
    params: OrgParam.extend({
      token_id: z
        .string()
        .min(1)
        .max(100)
        .openapi({ param: { name: "token_id", in: "path" } }),
    }),
  },
  responses: { 204: { description: "Revoked" }, ...ERRORS },
});

const UserParams = OrgParam.extend({
  user_id: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: "user_id", in: "path" } }),
});

const listUsers = createRoute({
  tags: ["People"],
  security: SECURITY,
  method: "get",
  path: "/v1/orgs/{org}/users",
  summary: "List users, newest first (org admin)",
  middleware: [requireOrgAdmin] as const,
  request: { params: OrgParam, query: z.object({ limit: Limit, cursor: z.string().max(100).optional() }).strict() },
  responses: { 200: json(z.object({ items: z.array(User), next_cursor: z.string().nullable() }), "A page of users"), ...ERRORS },
});

const readUser = createRoute({
  tags: ["People"],
  security: SECURITY,
  method: "get",
  path: "/v1/orgs/{org}/users/{user_id}",
  summary: "Read a user (org admin, or the user)",
  request: { params: UserParams },
  responses: { 200: json(User, "The user"), ...ERRORS },
});

const patchUser = createRoute({
  tags: ["People"],
  security: SECURITY,
  method: "patch",
  path: "/v1/orgs/{org}/users/{user_id}",
  summary: "Change a user (org admin); active: false deactivates and revokes the user's tokens",
  middleware: [requireOrgAdmin] as const,
  request: { params: UserParams, body: jsonBody(UserPatch) },
  responses: { 200: json(User, "The user"), ...ERRORS },
});

const deactivateUser = createRoute({
  tags: ["People"],
  security: SECURITY,
  method: "delete",
  path: "/v1/orgs/{org}/users/{user_id}",
  summary: "Deactivate a user and revoke its tokens (org admin); the record stays for the audit trail",
  middleware: [requireOrgAdmin] as const,
  request: { params: UserParams },
  responses: { 204: { description: "Deactivated" }, ...ERRORS },
});

export const peopleRoutes = router()
  .openapi(createUser, async (c) => {
    const body = c.req.valid("json");
    const password_hash = body.password ? await hashPassword(body.password) : null;
    const user = unwrap(
      c,
      await stubOf(c).createUser(c.get("actor"), {
        email: body.email,
        display_name: body.display_name,
        password_hash,
        admin: body.admin,
        positions: body.positions,
      }),
    );
    return c.json(user, 201);
  })
  .openapi(createToken, async (c) => {
    const body = c.req.valid("json");
    const token = newToken();
    const stored = unwrap(
      c,
      await stubOf(c).createToken(c.get("actor"), {
        token_hash: await hashToken(token),
        kind: "api",
        name: body.name,
        user_id: null,
        admin: body.admin,
        positions: body.positions ?? [],
        expires_at: null,
      }),
    );
    return c.json({ token_id: stored.token_id, token }, 201);
  })
  .openapi(revokeToken, async (c) => {
    unwrap(c, await stubOf(c).revokeToken(c.get("actor"), c.req.valid("param").token_id));
    return c.body(null, 204);
  })
  .openapi(listUsers, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await usersPage(c.get("db"), c.get("org").org_id, { limit, before: decodeCursor(cursor) }), 200);
  })
  .openapi(readUser, async (c) => {
    const { user_id } = c.req.valid("param");
    const caller = c.get("caller");
    const self = caller.kind === "member" && caller.user_id === user_id;
    if (!isOrgAdmin(c) && !self) throw notFound("user");
    const user = await getUser(c.get("db"), c.get("org").org_id, user_id);
    if (!user) throw notFound("user");
    return c.json(user, 200);
  })
  .openapi(patchUser, async (c) => {
    const { user_id } = c.req.valid("param");
    const { password, ...rest } = c.req.valid("json");
    const change = { ...rest, ...(password ? { password_hash: await hashPassword(password) } : {}) };
    return c.json(unwrap(c, await stubOf(c).updateUser(c.get("actor"), user_id, change)), 200);
  })
  .openapi(deactivateUser, async (c) => {
    unwrap(c, await stubOf(c).updateUser(c.get("actor"), c.req.valid("param").user_id, { active: false }));
    return c.body(null, 204);
  });
