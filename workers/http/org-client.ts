/**
 * The Worker's side of the Durable Object RPC: find the organization's object
 * and turn its Result back into a value or a typed error.
 */
import type { Context } from "hono";
import { DomainError, type Result } from "../../core/errors";
import type { OrgObject } from "../../durable-objects/org-object";
import { BOOKMARK_HEADER } from "../db/read-db";
import type { AppEnv } from "../env";

/**
 * The object's methods as seen across RPC: every call is async. The runtime's
 * generic stub type rewrites `unknown`-typed fields (metadata) into opaque
 * types, so the class's own signatures are used instead; the values are plain
 * structured-cloneable data either way.
 */
export type OrgClient = {
  [K in keyof OrgObject as OrgObject[K] extends (...args: never[]) => unknown ? K : never]: OrgObject[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
};

export function orgObject(env: Env, orgId: string): OrgClient {
  const ns = env.ORG as unknown as DurableObjectNamespace<OrgObject>;
  return ns.get(ns.idFromName(orgId)) as unknown as OrgClient;
}

export function stubOf(c: Context<AppEnv>): OrgClient {
  return orgObject(c.env, c.get("orgId"));
}

/** Unwraps a command's Result; on success the D1 bookmark of the write goes to the client. */
export function unwrap<T>(c: Context<AppEnv>, result: Result<T>): T {
  // Any answer but a refusal of the bearer means the object admitted it (core/security/credential.ts).
  if (result.ok || result.error.code !== "unauthorized") c.set("bearerJudged", true);
  if (!result.ok) throw DomainError.fromData(result.error);
  if (result.bookmark) c.header(BOOKMARK_HEADER, result.bookmark);
  return result.value;
}
