/**
 * Authentication and organization scoping. A bearer token is either the
 * platform admin secret or an organization token (stored as a hash). Any
 * resource under /v1/orgs/{org} that the caller's token does not belong to is
 * answered 404, exactly like a missing one, so nothing about other tenants
 * leaks, not even their existence.
 */
import type { Context, MiddlewareHandler } from "hono";
import { DomainError } from "../../core/errors";
import { constantTimeEqualText, hashToken } from "../../core/security/secrets";
import type { Actor } from "../../core/privacy/visibility";
import { primaryDatabase } from "../db/primary-db";
import { orgBySlug, tokenAndOrg, tokenByHash } from "../db/queries";
import type { AppEnv, Caller } from "../env";

export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header("authorization");
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) throw new DomainError("unauthorized", "send Authorization: Bearer <token>");
  const token = match[1] as string;
  const admin = c.env.ORGO_ADMIN_TOKEN;
  if (admin && constantTimeEqualText(token, admin)) {
    c.set("caller", { kind: "platform" });
    return next();
  }
  const hash = await hashToken(token);
  // Always the primary, never a replica or a bookmark's snapshot: a revocation is written
  // there before it is acknowledged, and must hold from that moment. A path under an
  // organization has it read in the same batch, so scoping costs no round trip of its own.
  const primary = primaryDatabase(c.env.DB);
  const slug = orgSlugOf(c.req.path);
  let row: Awaited<ReturnType<typeof tokenByHash>>;
  if (slug === null) row = await tokenByHash(primary, hash);
  else {
    const found = await tokenAndOrg(primary, hash, slug);
    row = found.token;
    c.set("prefetchedOrg", { slug, org: found.org });
  }
  const now = new Date().toISOString();
  if (!row || row.revoked_at || (row.expires_at && row.expires_at <= now)) {
    throw new DomainError("unauthorized", "the token is unknown, expired or revoked");
  }
  c.set("caller", {
    kind: "member",
    org_id: row.org_id,
    token_id: row.token_id,
    token_kind: row.kind,
    expires_at: row.expires_at,
    user_id: row.user_id,
    admin: row.admin,
    positions: row.positions,
  });
  return next();
};

/** Resolves `{org}` (a slug) and hides organizations the caller does not belong to. */
export const scopeToOrg: MiddlewareHandler<AppEnv> = async (c, next) => {
  const slug = c.req.param("org");
  const caller = c.get("caller");
  const prefetched = c.get("prefetchedOrg");
  const org = !slug ? null : prefetched?.slug === slug ? prefetched.org : await orgBySlug(c.get("db"), slug);
  if (!org || (caller.kind === "member" && caller.org_id !== org.org_id)) {
    throw new DomainError("not_found", "organization not found");
  }
  c.set("org", org);
  c.set("actor", actorOf(caller));
  return next();
};

export function actorOf(caller: Caller): Actor {
  if (caller.kind === "platform") return { ref: "platform", user_id: null, admin: true, positions: [] };
  return {
    ref: caller.user_id ? `user:${caller.user_id}` : `token:${caller.token_id}`,
    user_id: caller.user_id,
    admin: caller.admin,
    positions: caller.positions,
  };
}

export function isOrgAdmin(c: Context<AppEnv>): boolean {
  const caller = c.get("caller");
  return caller.kind === "platform" || caller.admin;
}

export const requireOrgAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!isOrgAdmin(c)) throw new DomainError("forbidden", "this needs an organization admin");
  return next();
};

export const requirePlatformAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get("caller").kind !== "platform") throw new DomainError("forbidden", "this needs the platform admin token");
  return next();
};

/** The organization slug a path names (`/v1/orgs/{org}/…`), as the router will read it; null for other paths. */
function orgSlugOf(path: string): string | null {
  const m = /^\/v1\/orgs\/([^/]+)/.exec(path);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1] as string);
  } catch {
    return null;
  }
}
