/**
 * Authentication and organization scoping. A bearer token is either the
 * platform admin secret or an organization token (stored as a hash). Any
 * resource under /v1/orgs/{org} that the caller's token does not belong to is
 * answered 404, exactly like a missing one, so nothing about other tenants
 * leaks, not even their existence.
 *
 * A write to an organization this isolate already knows reads nothing from D1
 * first: the token's hash goes to the organization's object with the command,
 * and the object judges it against its own tokens (core/security/credential.ts).
 * Only a bearer the object refuses costs a D1 read, to tell another
 * organization's token (404) from an unknown one (401).
 */
import type { Context, MiddlewareHandler } from "hono";
import { DomainError } from "../../core/errors";
import { actorOfToken, tokenIsLive } from "../../core/security/credential";
import { constantTimeEqualText, hashToken } from "../../core/security/secrets";
import type { Actor } from "../../core/privacy/visibility";
import { primaryDatabase } from "../db/primary-db";
import type { Org } from "../../core/model";
import type { Database } from "../../d1/database";
import type { TokenRow } from "../../d1/rows";
import { type BatchRead, runRead } from "../db/batch-read";
import { orgBySlug, tokenAndOrg, tokenByHash, tokenOrgAndRead } from "../db/queries";
import type { AppEnv, Caller } from "../env";

/**
 * Writes whose handlers need of the organization only its id and hand the
 * principal to the object untouched: no admin check, module switch or
 * visibility filter in the Worker. A route added here must keep it so.
 */
const OBJECT_AUTHENTICATED: ReadonlyArray<readonly [string, RegExp]> = [
  ["POST", /^\/v1\/orgs\/[^/]+\/signals(?:\/batch)?$/],
  ["POST", /^\/v1\/orgs\/[^/]+\/cases$/],
  ["PATCH", /^\/v1\/orgs\/[^/]+\/cases\/[^/]+$/],
  ["POST", /^\/v1\/orgs\/[^/]+\/cases\/[^/]+\/tasks$/],
  ["POST", /^\/v1\/orgs\/[^/]+\/tasks\/[^/]+\/transition$/],
];

/**
 * Reads whose handlers run their queries (a list's first fetch) through
 * `readAuthorized`, in the same D1 batch as the token and the organization.
 */
const READ_IN_ONE_BATCH: ReadonlyArray<RegExp> = [/^\/v1\/orgs\/[^/]+\/(?:cases|tasks)(?:\/[^/]+)?$/];

function deferral(method: string, path: string): "object" | "batch" | null {
  if (OBJECT_AUTHENTICATED.some(([m, pattern]) => m === method && pattern.test(path))) return "object";
  if (method === "GET" && READ_IN_ONE_BATCH.some((pattern) => pattern.test(path))) return "batch";
  return null;
}

/**
 * Slug → organization id, for this isolate's lifetime: the one thing about an
 * organization that never changes. Bounded; a slug released by a failed
 * creation is forgotten when its object refuses a request.
 */
const ORG_IDS_MAX = 10_000;
const orgIdBySlug = new Map<string, string>();

function rememberOrgId(slug: string, orgId: string): void {
  if (orgIdBySlug.get(slug) === orgId) return;
  if (orgIdBySlug.size >= ORG_IDS_MAX) orgIdBySlug.clear();
  orgIdBySlug.set(slug, orgId);
}

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
  const path = c.req.path;
  const slug = orgSlugOf(path);
  const knownOrgId = slug === null ? undefined : orgIdBySlug.get(slug);
  const deferredTo = knownOrgId ? deferral(c.req.method, path) : null;
  if (slug !== null && knownOrgId && deferredTo) {
    c.set("deferred", { kind: deferredTo, slug, org_id: knownOrgId, bearer: { bearer: hash } });
    return next();
  }
  // Always the primary, never a replica or a bookmark's snapshot: a revocation is written
  // there before it is acknowledged, and must hold from that moment. A path under an
  // organization has it read in the same batch, so scoping costs no round trip of its own.
  const primary = primaryDatabase(c.env.DB);
  let row: Awaited<ReturnType<typeof tokenByHash>>;
  if (slug === null) row = await tokenByHash(primary, hash);
  else {
    const found = await tokenAndOrg(primary, hash, slug);
    row = found.token;
    c.set("prefetchedOrg", { slug, org: found.org });
  }
  admitToken(c, row);
  return next();
};

/** Sets the caller a token speaks for, or refuses a token that is unknown, revoked or expired. */
function admitToken(c: Context<AppEnv>, row: TokenRow | null): void {
  if (!row || !tokenIsLive(row, new Date())) {
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
}

/** Resolves `{org}` (a slug) and hides organizations the caller does not belong to. */
export const scopeToOrg: MiddlewareHandler<AppEnv> = async (c, next) => {
  const slug = c.req.param("org");
  const deferred = c.get("deferred");
  if (deferred) {
    c.set("orgId", deferred.org_id);
    c.set("orgSlug", deferred.slug);
    c.set("principal", deferred.bearer);
    return next();
  }
  const prefetched = c.get("prefetchedOrg");
  admitToOrg(c, !slug ? null : prefetched?.slug === slug ? prefetched.org : await orgBySlug(c.get("db"), slug));
  return next();
};

/** Hides an organization the caller does not belong to; otherwise it becomes the request's. */
function admitToOrg(c: Context<AppEnv>, org: Org | null): void {
  const caller = c.get("caller");
  if (!org || (caller.kind === "member" && caller.org_id !== org.org_id)) {
    throw new DomainError("not_found", "organization not found");
  }
  rememberOrgId(org.slug, org.org_id);
  c.set("org", org);
  c.set("orgId", org.org_id);
  c.set("orgSlug", org.slug);
  const actor = actorOf(caller);
  c.set("actor", actor);
  c.set("principal", actor);
}

/**
 * A read's queries, run in one round trip with what authentication and
 * scoping need, where the request was deferred for it; the results count only
 * once the token and the organization are admitted, exactly as the
 * middleware would have. Everything comes from the primary (see primary-db.ts).
 * Without a deferral the caller is already admitted and the read takes the
 * request's read session.
 */
export async function readAuthorized<T>(c: Context<AppEnv>, read: BatchRead<T>): Promise<T> {
  const deferred = c.get("deferred");
  if (deferred?.kind !== "batch") return runRead(c.get("db"), c.get("orgId"), read);
  const primary = primaryDatabase(c.env.DB);
  const { token, org, value } = await tokenOrgAndRead(primary, deferred.bearer.bearer, deferred.slug, deferred.org_id, read);
  c.set("bearerJudged", true);
  admitToken(c, token);
  admitToOrg(c, org);
  // The organization remembered for the slug may not be the one found (a slug freed and taken again).
  if (c.get("orgId") !== deferred.org_id) return runRead(primary, c.get("orgId"), read);
  return value;
}

export function actorOf(caller: Caller): Actor {
  if (caller.kind === "platform") return { ref: "platform", user_id: null, admin: true, positions: [] };
  return actorOfToken(caller);
}

/** The database a read goes on with: the primary where its first batch ran there, so all of it is one snapshot's successor. */
export function readDatabase(c: Context<AppEnv>): Database {
  return c.get("deferred")?.kind === "batch" ? primaryDatabase(c.env.DB) : c.get("db");
}

/**
 * An error met by a deferred request before anything judged its bearer (its
 * input did not validate), or the object's refusal of it, is answered as the
 * undeferred path would have answered: an unknown, revoked or expired token
 * is a 401 and another organization's token a 404, whatever else was wrong, so
 * no outsider learns from an error that an organization exists. Only a caller
 * who would have been admitted gets the original error. One D1 read, on this
 * path alone.
 */
export async function asUndeferred(c: Context<AppEnv>, error: unknown): Promise<unknown> {
  const deferred = c.get("deferred");
  if (!deferred || c.get("bearerJudged")) return error;
  let found: Awaited<ReturnType<typeof tokenAndOrg>>;
  try {
    found = await tokenAndOrg(primaryDatabase(c.env.DB), deferred.bearer.bearer, deferred.slug);
  } catch {
    return new DomainError("unavailable", "the request could not be checked; try again");
  }
  const { token, org } = found;
  // A slug freed and taken again by another organization: forget what this isolate remembered.
  if (org?.org_id !== deferred.org_id) orgIdBySlug.delete(deferred.slug);
  if (!token || !tokenIsLive(token, new Date())) return new DomainError("unauthorized", "the token is unknown, expired or revoked");
  if (!org || token.org_id !== org.org_id) return new DomainError("not_found", "organization not found");
  return error;
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
