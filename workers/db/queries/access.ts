/**
 * What authentication and sessions read: the token behind a bearer, the
 * credentials a login checks, and whom a token speaks for. The first two
 * decide access, so they take only the primary (see primary-db.ts).
 */
import { and, eq } from "drizzle-orm";
import type { Org, Position } from "../../../core/model";
import type { Database } from "../../../d1/database";
import type { TokenRow } from "../../../d1/rows";
import { orgs, tokens, users } from "../../../d1/schema";
import type { BatchRead } from "../batch-read";
import type { PrimaryDatabase } from "../primary-db";

/** The stored token with this hash, revoked or expired ones included: the caller judges them. */
export async function tokenByHash(db: PrimaryDatabase, tokenHash: string): Promise<TokenRow | null> {
  return (await db.select().from(tokens).where(eq(tokens.token_hash, tokenHash)).get()) ?? null;
}

/**
 * The token behind a bearer and the organization a path names, in one round
 * trip: authentication and scoping are the cost every request pays before
 * its own work, so they share one D1 batch.
 */
export async function tokenAndOrg(db: PrimaryDatabase, tokenHash: string, slug: string): Promise<{ token: TokenRow | null; org: Org | null }> {
  const [token, org] = await db.batch(tokenAndOrgQueries(db, tokenHash, slug));
  return { token: token[0] ?? null, org: org[0] ?? null };
}

function tokenAndOrgQueries(db: PrimaryDatabase, tokenHash: string, slug: string) {
  return [db.select().from(tokens).where(eq(tokens.token_hash, tokenHash)).limit(1), db.select().from(orgs).where(eq(orgs.slug, slug)).limit(1)] as const;
}

/**
 * The token, the organization a path names and a read of that organization's
 * data (`orgId`: the one the slug is believed to name), in one round trip.
 * The read's value counts only once the caller has judged the token and the
 * organization, and only if the organization is the one believed.
 */
export async function tokenOrgAndRead<T>(
  db: PrimaryDatabase,
  tokenHash: string,
  slug: string,
  orgId: string,
  read: BatchRead<T>,
): Promise<{ token: TokenRow | null; org: Org | null; value: T }> {
  const [token, org, ...rest] = await db.batch([...tokenAndOrgQueries(db, tokenHash, slug), ...read.queries(db, orgId)]);
  return { token: token[0] ?? null, org: org[0] ?? null, value: read.decode(rest) };
}

export interface Credentials {
  user_id: string;
  active: boolean;
  admin: boolean;
  positions: Position[];
  password_hash: string | null;
}

/** What a login needs of the user with this email: a user deactivated or given a new password a moment ago must not pass. */
export async function loginCredentials(db: PrimaryDatabase, orgId: string, email: string): Promise<Credentials | null> {
  const row = await db
    .select({ user_id: users.user_id, active: users.active, admin: users.admin, positions: users.positions, password_hash: users.password_hash })
    .from(users)
    .where(and(eq(users.org_id, orgId), eq(users.email, email)))
    .get();
  return row ?? null;
}

export interface Whom {
  org: { org_id: string; slug: string; name: string } | null;
  user: { user_id: string; email: string; display_name: string } | null;
}

/**
 * The organization and user a member's token speaks for, in one round trip.
 * An API token has no user: its lookup of the empty id finds nothing.
 */
export async function whoAmI(db: Database, orgId: string, userId: string | null): Promise<Whom> {
  const [org, user] = await db.batch([
    db.select({ org_id: orgs.org_id, slug: orgs.slug, name: orgs.name }).from(orgs).where(eq(orgs.org_id, orgId)),
    db
      .select({ user_id: users.user_id, email: users.email, display_name: users.display_name })
      .from(users)
      .where(and(eq(users.org_id, orgId), eq(users.user_id, userId ?? ""))),
  ]);
  return { org: org[0] ?? null, user: user[0] ?? null };
}
