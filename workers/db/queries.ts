/**
 * Read queries over D1. Every one is scoped by organization and served by an
 * index of workers/db/schema.ts (checked by a test with EXPLAIN QUERY PLAN).
 */
import { and, asc, desc, eq, lt, type SQL } from "drizzle-orm";
import type { AuditEvent, Case, CaseStatus, Role, Severity, Task, TaskStatus } from "../../core/model";
import { encodeCursor, page } from "./pagination";
import type { Database } from "../../d1/database";
import { rowToAudit, rowToCase, rowToTask } from "../../d1/rows";
import { audit_events, cases, roles, signals, tasks } from "../../d1/schema";

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** For callers that see everything (admins, open organizations). */
const everything = () => true;

/** Rows examined per request at most; a sparse view answers a short page with a cursor to go on. */
const MAX_SCAN = 2_000;

/**
 * Keyset scan with a visibility filter. Items the caller may not see are
 * skipped before they are counted, so pages and counts never reveal them;
 * the cursor is the last row examined, so nothing is served twice.
 */
export async function scan<R extends { seq: number }, T>(
  fetch: (before: number | null, n: number) => Promise<R[]>,
  map: (row: R) => T,
  visible: (item: T) => boolean,
  limit: number,
  before: number | null,
): Promise<Page<T>> {
  const batch = Math.min(500, Math.max(limit + 1, 50));
  const items: T[] = [];
  let cursor = before;
  let scanned = 0;
  for (;;) {
    const rows = await fetch(cursor, batch);
    for (const row of rows) {
      if (items.length === limit) return { items, next_cursor: cursor === null ? null : encodeCursor(cursor) };
      cursor = row.seq;
      scanned += 1;
      const item = map(row);
      if (visible(item)) items.push(item);
    }
    if (rows.length < batch) return { items, next_cursor: null };
    if (scanned >= MAX_SCAN) return { items, next_cursor: cursor === null ? null : encodeCursor(cursor) };
  }
}

export async function listCases(
  db: Database,
  orgId: string,
  f: { status?: CaseStatus; label?: string; severity?: Severity; limit: number; before: number | null },
  visible: (c: Case) => boolean = everything,
): Promise<Page<Case>> {
  const where: SQL[] = [eq(cases.org_id, orgId)];
  if (f.status) where.push(eq(cases.status, f.status));
  if (f.label) where.push(eq(cases.label, f.label));
  if (f.severity) where.push(eq(cases.severity, f.severity));
  const fetch = (before: number | null, n: number) =>
    db
      .select()
      .from(cases)
      .where(and(...where, ...(before === null ? [] : [lt(cases.seq, before)])))
      .orderBy(desc(cases.seq))
      .limit(n);
  return scan(fetch, rowToCase, visible, f.limit, f.before);
}

export async function getCase(db: Database, orgId: string, caseId: string): Promise<Case | null> {
  const row = await db.select().from(cases).where(and(eq(cases.org_id, orgId), eq(cases.case_id, caseId))).get();
  return row ? rowToCase(row) : null;
}

export async function tasksOfCase(db: Database, orgId: string, caseId: string): Promise<Task[]> {
  const rows = await db
    .select()
    .from(tasks)
    .where(and(eq(tasks.org_id, orgId), eq(tasks.case_id, caseId)))
    .orderBy(asc(tasks.seq));
  return rows.map(rowToTask);
}

export async function listTasks(
  db: Database,
  orgId: string,
  f: { status?: TaskStatus; label?: string; case_id?: string; limit: number; before: number | null },
  visible: (t: Task) => boolean = everything,
): Promise<Page<Task>> {
  const where: SQL[] = [eq(tasks.org_id, orgId)];
  if (f.status) where.push(eq(tasks.status, f.status));
  if (f.label) where.push(eq(tasks.label, f.label));
  if (f.case_id) where.push(eq(tasks.case_id, f.case_id));
  const fetch = (before: number | null, n: number) =>
    db
      .select()
      .from(tasks)
      .where(and(...where, ...(before === null ? [] : [lt(tasks.seq, before)])))
      .orderBy(desc(tasks.seq))
      .limit(n);
  return scan(fetch, rowToTask, visible, f.limit, f.before);
}

export async function getTask(db: Database, orgId: string, taskId: string): Promise<Task | null> {
  const row = await db.select().from(tasks).where(and(eq(tasks.org_id, orgId), eq(tasks.task_id, taskId))).get();
  return row ? rowToTask(row) : null;
}

export async function listAudit(
  db: Database,
  orgId: string,
  f: { entity_id?: string; limit: number; before: number | null },
): Promise<Page<AuditEvent>> {
  const where: SQL[] = [eq(audit_events.org_id, orgId)];
  if (f.entity_id) where.push(eq(audit_events.entity_id, f.entity_id));
  if (f.before !== null) where.push(lt(audit_events.seq, f.before));
  const rows = await db.select().from(audit_events).where(and(...where)).orderBy(desc(audit_events.seq)).limit(f.limit + 1);
  return page(rows, f.limit, rowToAudit);
}

export interface TimelineItem {
  at: string;
  kind: "signal" | "event";
  action: string;
  actor: string | null;
  entity_type: string;
  entity_id: string;
  details: Record<string, unknown>;
}

/** A case's story, oldest first: its signals and every audited change of it and its tasks. */
export async function caseTimeline(db: Database, orgId: string, caseId: string): Promise<TimelineItem[]> {
  const [events, sigs] = await Promise.all([
    db
      .select()
      .from(audit_events)
      .where(and(eq(audit_events.org_id, orgId), eq(audit_events.case_id, caseId)))
      .orderBy(asc(audit_events.seq))
      .limit(5_000),
    db
      .select()
      .from(signals)
      .where(and(eq(signals.org_id, orgId), eq(signals.case_id, caseId)))
      .orderBy(asc(signals.seq))
      .limit(5_000),
  ]);
  const items: TimelineItem[] = [
    ...sigs.map((s) => ({
      at: s.received_at,
      kind: "signal" as const,
      action: "signal.received",
      actor: null,
      entity_type: "signal",
      entity_id: s.signal_id,
      details: { source: s.source, title: s.title, body: s.body, occurred_at: s.occurred_at, matched_rules: s.matched_rules },
    })),
    ...events.map((e) => ({
      at: e.at,
      kind: "event" as const,
      action: e.action,
      actor: e.actor,
      entity_type: e.entity_type,
      entity_id: e.entity_id,
      details: e.changes,
    })),
  ];
  // Stable: equal instants keep signals before the changes they caused.
  return items.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

export async function listRoles(db: Database, orgId: string): Promise<Role[]> {
  const rows = await db.select().from(roles).where(eq(roles.org_id, orgId)).orderBy(asc(roles.seq));
  return rows.map(({ role_id, name, parent }) => ({ role_id, name, parent }));
}
