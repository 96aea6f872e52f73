/**
 * Groups as D1 holds them (the queryable copy): a page of an organization's
 * groups, newest first, optionally of one kind (index groups_org_kind_seq,
 * else groups_org_seq), and one group by id (its primary key, scoped by
 * organization).
 */
import { and, desc, eq, lt } from "drizzle-orm";
import type { Group } from "../../../core/modules/groups/model";
import type { Database } from "../../../d1/database";
import { groups } from "../../../d1/schema";
import { page } from "../pagination";
import type { Page } from "./scan";

type GroupRow = typeof groups.$inferSelect;

function rowToGroup(r: GroupRow): Group {
  const { org_id: _o, seq: _s, ...rest } = r;
  return { ...rest, role: rest.role ?? "", members: rest.members ?? [], schedule: rest.schedule ?? null };
}

export async function listGroups(db: Database, orgId: string, f: { kind?: string; limit: number; before: number | null }): Promise<Page<Group>> {
  const rows = await db
    .select()
    .from(groups)
    .where(and(eq(groups.org_id, orgId), ...(f.kind === undefined ? [] : [eq(groups.kind, f.kind)]), ...(f.before === null ? [] : [lt(groups.seq, f.before)])))
    .orderBy(desc(groups.seq))
    .limit(f.limit + 1);
  return page(rows, f.limit, rowToGroup);
}

export async function getGroup(db: Database, orgId: string, groupId: string): Promise<Group | null> {
  const row = await db
    .select()
    .from(groups)
    .where(and(eq(groups.org_id, orgId), eq(groups.group_id, groupId)))
    .get();
  return row ? rowToGroup(row) : null;
}
