/** The organization's roles, parents first (the order the profile created them). */
import { asc, eq } from "drizzle-orm";
import type { Role } from "../../../core/model";
import type { Database } from "../../../d1/database";
import { roles } from "../../../d1/schema";

export async function listRoles(db: Database, orgId: string): Promise<Role[]> {
  const rows = await db.select().from(roles).where(eq(roles.org_id, orgId)).orderBy(asc(roles.seq));
  return rows.map(({ role_id, name, parent }) => ({ role_id, name, parent }));
}
