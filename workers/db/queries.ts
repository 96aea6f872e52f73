/**
 * Read queries over D1. Every one is scoped by organization and served by an
 * index of workers/db/schema.ts (checked by a test with EXPLAIN QUERY PLAN).
 */
import { and, asc, desc, eq, lt, type SQL } from "drizzle-orm";
import type { AuditEvent, Case, CaseStatus, Role, Severity, Task, TaskStatus } from "../../core/model";
import { page } from "./pagination";
import type { ReadDb } from "./read-db";
import { rowToAudit, rowToCase, rowToTask } from "./rows";
import { audit_events, cases, roles, signals, tasks } from "./schema";

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export async function listCases(
  db: ReadDb,
  orgId: string,
  f: { status?: CaseStatus; label?: string; severity?: Severity; limit: number; before: number | null },
): Promise<Page<Case>> {
  const where: SQL[] = [eq(cases.org_id, orgId)];
  if (f.status) where.push(eq(cases.status, f.status));
  if (f.label) where.push(eq(cases.label, f.label));
  if (f.severity) where.push(eq(cases.severity, f.severity));
  if (f.before !== null) where.push(lt(cases.seq, f.before));
  const rows = await db.select().from(cases).where(and(...where)).orderBy(desc(cases.seq)).limit(f.limit + 1);
  return page(rows, f.limit, rowToCase);
}

export async function getCase(db: ReadDb, orgId: string, caseId: string): Promise<Case | null> {
  const row = await db.select().from(cases).where(and(eq(cases.org_id, orgId), eq(cases.case_id, caseId))).get();
  return row ? rowToCase(row) : null;
}

export async function tasksOfCase(db: ReadDb, orgId: string, caseId: string): Promise<Task[]> {
  const rows = await db
    .select()
    .from(tasks)
    .where(and(eq(tasks.org_id, orgId), eq(tasks.case_id, caseId)))
    .orderBy(asc(tasks.seq));
  return rows.map(rowToTask);
}

export async function listTasks(
  db: ReadDb,
  orgId: string,
  f: { status?: TaskStatus; label?: string; case_id?: string; limit: number; before: number | null },
): Promise<Page<Task>> {
  const where: SQL[] = [eq(tasks.org_id, orgId)];
  if (f.status) where.push(eq(tasks.status, f.status));
  if (f.label) where.push(eq(tasks.label, f.label));
  if (f.case_id) where.push(eq(tasks.case_id, f.case_id));
  if (f.before !== null) where.push(lt(tasks.seq, f.before));
  const rows = await db.select().from(tasks).where(and(...where)).orderBy(desc(tasks.seq)).limit(f.limit + 1);
  return page(rows, f.limit, rowToTask);
}

export async function getTask(db: ReadDb, orgId: string, taskId: string): Promise<Task | null> {
  const row = await db.select().from(tasks).where(and(eq(tasks.org_id, orgId), eq(tasks.task_id, taskId))).get();
  return row ? rowToTask(row) : null;
}

export async function listAudit(
  db: ReadDb,
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
export async function caseTimeline(db: ReadDb, orgId: string, caseId: string): Promise<TimelineItem[]> {
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

export async function listRoles(db: ReadDb, orgId: string): Promise<Role[]> {
  const rows = await db.select().from(roles).where(eq(roles.org_id, orgId)).orderBy(asc(roles.seq));
  return rows.map(({ role_id, name, parent }) => ({ role_id, name, parent }));
}
