/** The audit log, newest first, optionally of one entity. */
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import type { AuditEvent } from "../../../core/model";
import type { Database } from "../../../d1/database";
import { rowToAudit } from "../../../d1/rows";
import { audit_events } from "../../../d1/schema";
import { page } from "../pagination";
import type { Page } from "./scan";

export async function listAudit(db: Database, orgId: string, f: { entity_id?: string; limit: number; before: number | null }): Promise<Page<AuditEvent>> {
  const where: SQL[] = [eq(audit_events.org_id, orgId)];
  if (f.entity_id) where.push(eq(audit_events.entity_id, f.entity_id));
  if (f.before !== null) where.push(lt(audit_events.seq, f.before));
  const rows = await db
    .select()
    .from(audit_events)
    .where(and(...where))
    .orderBy(desc(audit_events.seq))
    .limit(f.limit + 1);
  return page(rows, f.limit, rowToAudit);
}
