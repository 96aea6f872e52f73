/**
 * Who a request speaks for. The Worker knows the platform admin at once and
 * resolves a token itself where it must read D1 anyway; for a write it hands
 * the token's hash to the organization's object instead, which holds the
 * organization's tokens and judges it there, so the write costs no D1 round
 * trip before the command, and a revocation holds from the moment the object
 * commits it.
 */
import type { Position } from "../model";
import type { Actor } from "../privacy/visibility";

/** A bearer token not yet judged: the SHA-256 hash of what the client sent (the token itself never travels further). */
export interface Bearer {
  bearer: string;
}

/** What a command is given: an actor already resolved, or a bearer for the object to resolve. */
export type Principal = Actor | Bearer;

export function isBearer(p: Principal): p is Bearer {
  return typeof (p as Partial<Bearer>).bearer === "string";
}

/** The parts of a stored token (in D1 or in the object) that decide what it may do. */
export interface TokenStanding {
  token_id: string;
  user_id: string | null;
  admin: boolean;
  positions: Position[];
  expires_at: string | null;
  revoked_at: string | null;
}

/** A token counts while it is neither revoked nor expired at `now`. */
export function tokenIsLive(token: Pick<TokenStanding, "expires_at" | "revoked_at">, now: Date): boolean {
  return !token.revoked_at && !(token.expires_at && token.expires_at <= now.toISOString());
}

/** The actor a live token speaks for; the audit log names its user, or the token when it has none. */
export function actorOfToken(token: Pick<TokenStanding, "token_id" | "user_id" | "admin" | "positions">): Actor {
  return {
    ref: token.user_id ? `user:${token.user_id}` : `token:${token.token_id}`,
    user_id: token.user_id,
    admin: token.admin,
    positions: token.positions,
  };
}
