/**
 * Sessions: log in with email and password, see who a token speaks for, log
 * out. Lookups that decide access read the D1 primary, never a replica: a
 * user deactivated or a token revoked a moment ago must not pass.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { DomainError } from "../../../core/errors";
import { Position } from "../../../core/model";
import { hashToken, newToken, verifyPassword } from "../../../core/security/secrets";
import { primaryDatabase } from "../../db/primary-db";
import { loginCredentials, orgBySlug, whoAmI } from "../../db/queries";
import { actorOf } from "../auth";
import { orgObject, unwrap } from "../org-client";
import { ERRORS, SECURITY, json, jsonBody, router } from "../openapi";

const SESSION_HOURS = 12;

const Login = z.object({ org: z.string().min(1).max(64), email: z.string().max(254), password: z.string().max(200) }).strict();

const Me = z.object({
  kind: z.enum(["platform", "member"]),
  org: z.object({ org_id: z.string(), slug: z.string(), name: z.string() }).nullable(),
  user: z.object({ user_id: z.string(), email: z.string(), display_name: z.string() }).nullable(),
  token_id: z.string().nullable(),
  token_kind: z.enum(["api", "session"]).nullable(),
  admin: z.boolean(),
  positions: z.array(Position),
  expires_at: z.string().nullable(),
});

const login = createRoute({
  tags: ["Sessions"],
  method: "post",
  path: "/v1/auth/login",
  summary: "Exchange organization, email and password for a session token (12 h)",
  request: { body: jsonBody(Login) },
  responses: { 200: json(z.object({ token: z.string(), expires_at: z.string() }), "A session token"), 429: ERRORS[422], ...ERRORS },
});

const logout = createRoute({
  tags: ["Sessions"],
  security: SECURITY,
  method: "post",
  path: "/v1/auth/logout",
  summary: "Revoke the token this request carries",
  responses: { 204: { description: "Revoked; the token answers 401 from now on" }, ...ERRORS },
});

const me = createRoute({
  tags: ["Sessions"],
  security: SECURITY,
  method: "get",
  path: "/v1/me",
  summary: "Who this token speaks for: organization, user, rights and expiry",
  responses: { 200: json(Me, "The caller"), ...ERRORS },
});

export const sessionRoutes = router()
  .openapi(login, async (c) => {
    const body = c.req.valid("json");
    const denied = new DomainError("unauthorized", "wrong organization, email or password");
    const db = primaryDatabase(c.env.DB);
    const email = body.email.toLowerCase();
    const org = await orgBySlug(db, body.org);
    const object = org ? orgObject(c.env, org.org_id) : null;
    if (object) unwrap(c, await object.loginAttempt(email));
    const user = org ? await loginCredentials(db, org.org_id, email) : null;
    // The hash is computed even for unknown users, so timing does not tell them apart.
    const valid = await verifyPassword(body.password, user?.password_hash ?? null);
    if (!org || !object || !user?.active || !valid) throw denied;
    await object.loginSucceeded(email);
    const token = newToken();
    const expires_at = new Date(Date.now() + SESSION_HOURS * 3_600_000).toISOString();
    unwrap(
      c,
      await object.createToken(
        { ref: `user:${user.user_id}`, user_id: user.user_id, admin: user.admin, positions: user.positions },
        {
          token_hash: await hashToken(token),
          kind: "session",
          name: "login",
          user_id: user.user_id,
          admin: user.admin,
          positions: user.positions,
          expires_at,
        },
      ),
    );
    return c.json({ token, expires_at }, 200);
  })
  .openapi(logout, async (c) => {
    const caller = c.get("caller");
    if (caller.kind !== "member") throw new DomainError("forbidden", "the platform admin token is a secret, not a session: rotate it instead");
    unwrap(c, await orgObject(c.env, caller.org_id).revokeToken(actorOf(caller), caller.token_id));
    return c.body(null, 204);
  })
  .openapi(me, async (c) => {
    const caller = c.get("caller");
    if (caller.kind === "platform") {
      return c.json({ kind: "platform" as const, org: null, user: null, token_id: null, token_kind: null, admin: true, positions: [], expires_at: null }, 200);
    }
    const { org, user } = await whoAmI(c.get("db"), caller.org_id, caller.user_id);
    return c.json(
      {
        kind: "member" as const,
        org,
        user,
        token_id: caller.token_id,
        token_kind: caller.token_kind,
        admin: caller.admin,
        positions: caller.positions,
        expires_at: caller.expires_at,
      },
      200,
    );
  });
