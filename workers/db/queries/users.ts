/** Users of an organization, as the API shows them (never a password hash). */
import { and, desc, eq, lt } from "drizzle-orm";
import type { Database } from "../../../d1/database";
import type { User } from "../../../core/model";
import { rowToUser } from "../../../d1/rows";
import { users } from "../../../d1/schema";
import { page } from "../pagination";
import type { Page } from "./scan";

export async function listUsers(db: Database, orgId: string, f: { limit: number; before: number | null }): Promise<Page<User>> {
  const rows = await db
    .select()
    .from(users)
    .where(and(eq(users.org_id, orgId), ...(f.before === null ? [] : [lt(users.seq, f.before)])))
    .orderBy(desc(users.seq))
    .limit(f.limit + 1);
  return page(rows, f.limit, rowToUser);
}

export async function getUser(db: Database, orgId: string, userId: string): Promise<User | null> {
  const row = await db
    .select()
    .from(users)
    .where(and(eq(users.org_id, orgId), eq(users.user_id, userId)))
    .get();
  return row ? rowToUser(row) : null;
}
