/**
 * Conversions between API records and D1 rows. The Durable Object writes rows
 * through its outbox and the read routes turn them back into records, so both
 * directions live here together.
 */
import type { AuditEvent, Case, Task } from "../core/model";
import type { audit_events, cases, signals, tasks } from "./schema";

export type CaseRow = typeof cases.$inferSelect;
export type TaskRow = typeof tasks.$inferSelect;
export type SignalRow = typeof signals.$inferSelect;
export type AuditRow = typeof audit_events.$inferSelect;

export function caseToRow(org_id: string, seq: number, c: Case): CaseRow {
  const { location, ...rest } = c;
  return { ...rest, origin_label: c.origin_label ?? null, org_id, seq, site: location.site, area: location.area };
}

export function rowToCase(r: CaseRow): Case {
  const { org_id: _o, seq: _s, site, area, ...rest } = r;
  return { ...rest, location: { site, area } } as Case;
}

export function taskToRow(org_id: string, seq: number, t: Task, location: Case["location"]): TaskRow {
  return { ...t, origin_label: t.origin_label ?? null, org_id, seq, site: location.site, area: location.area };
}

export function rowToTask(r: TaskRow): Task {
  const { org_id: _o, seq: _s, site: _site, area: _area, ...rest } = r;
  return rest as Task;
}

export function rowToAudit(r: AuditRow): AuditEvent {
  const { org_id: _o, seq: _s, case_id: _c, ...rest } = r;
  return rest;
}
