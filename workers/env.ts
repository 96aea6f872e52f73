/** The Worker's bindings and per-request variables. Binding types come from `wrangler types`. */
import type { Actor } from "../core/privacy/visibility";
import type { Bearer, Principal } from "../core/security/credential";
import type { Org, Position } from "../core/model";
import type { Database } from "../d1/database";

export type Bindings = Env & {
  /** Platform admin token (secret; `.dev.vars` locally). */
  ORGO_ADMIN_TOKEN: string;
};

export type Caller =
  | { kind: "platform" }
  | {
      kind: "member";
      org_id: string;
      token_id: string;
      token_kind: "api" | "session";
      expires_at: string | null;
      user_id: string | null;
      admin: boolean;
      positions: Position[];
    };

export interface AppEnv {
  Bindings: Bindings;
  Variables: {
    requestId: string;
    caller: Caller;
    org: Org;
    /** The organization a path names, read in the same round trip as the token (null: no such organization). */
    prefetchedOrg: { slug: string; org: Org | null };
    actor: Actor;
    /** Who the organization's object is told the request speaks for: the actor, or a bearer it judges itself. */
    principal: Principal;
    /** Set where authentication is left to the object (a write), or to the read's own D1 batch, for an organization this isolate already knows. */
    deferred: { kind: "object" | "batch"; slug: string; org_id: string; bearer: Bearer };
    /** A deferred bearer has been judged (admitted by the object or by the read's batch): its errors may be told as they are. */
    bearerJudged: boolean;
    orgId: string;
    orgSlug: string;
    db: Database;
  };
}
