/**
 * Conversions between API records and D1 rows. The Durable Object writes rows
 * through its outbox and the read routes turn them back into records, so both
 * directions live here together.
 */
import type { RecordedSignal } from "../core/flow-rules";
import { type AuditEvent, type Case, type Person, Severity, SignalSource, type Task, type User } from "../core/model";
import type { audit_events, cases, notifications, persons, signals, tasks, tokens, users } from "./schema";

export type CaseRow = typeof cases.$inferSelect;
export type TaskRow = typeof tasks.$inferSelect;
export type SignalRow = typeof signals.$inferSelect;
export type AuditRow = typeof audit_events.$inferSelect;
export type UserRow = typeof users.$inferSelect;
export type TokenRow = typeof tokens.$inferSelect;
export type PersonRow = typeof persons.$inferSelect;
export type NotificationRow = typeof notifications.$inferSelect;

export function caseToRow(org_id: string, seq: number, c: Case): CaseRow {
  const { location, ...rest } = c;
  return { ...rest, origin_label: c.origin_label ?? null, asset_id: c.asset_id ?? null, org_id, seq, site: location.site, area: location.area };
}

export function rowToCase(r: CaseRow): Case {
  const { org_id: _o, seq: _s, site, area, ...rest } = r;
  return { ...rest, location: { site, area } } as Case;
}

export function taskToRow(org_id: string, seq: number, t: Task, location: Case["location"]): TaskRow {
  return {
    ...t,
    origin_label: t.origin_label ?? null,
    asset_id: t.asset_id ?? null,
    assignee_user_id: t.assignee_user_id ?? null,
    assignee_person_id: t.assignee_person_id ?? null,
    org_id,
    seq,
    site: location.site,
    area: location.area,
  };
}

export function rowToTask(r: TaskRow): Task {
  const { org_id: _o, seq: _s, site: _site, area: _area, ...rest } = r;
  return rest as Task;
}

export function rowToAudit(r: AuditRow): AuditEvent {
  const { org_id: _o, seq: _s, case_id: _c, ...rest } = r;
  return rest;
}

/** A user as the API shows it: never the password hash. */
export function rowToUser(r: UserRow): User {
  const { org_id: _o, seq: _s, password_hash: _p, ...rest } = r;
  return rest;
}

export function rowToPerson(r: PersonRow): Person {
  const { org_id: _o, seq: _s, ...rest } = r;
  return rest;
}

export type NotificationRecord = Omit<NotificationRow, "org_id" | "seq" | "version">;

export function rowToNotification(r: NotificationRow): NotificationRecord {
  const { org_id: _o, seq: _s, version: _v, ...rest } = r;
  return rest;
}

/**
 * A signal as a profile dry run replays it, with the routing it got when it
 * arrived; null for a signal without a recorded routing (nothing to compare).
 */
export function rowToRecordedSignal(r: SignalRow): RecordedSignal | null {
  const severity = Severity.safeParse(r.routed_severity);
  if (!r.routed_label || !severity.success) return null;
  return {
    signal_id: r.signal_id,
    title: r.title,
    received_at: r.received_at,
    signal: {
      source: SignalSource.catch("api").parse(r.source),
      title: r.title,
      body: r.body,
      severity: Severity.nullable().catch(null).parse(r.severity),
      label: r.label,
      location: { site: r.site, area: r.area },
      metadata: r.metadata,
      person_id: r.person_id,
      occurred_at: r.occurred_at,
      received_at: r.received_at,
    },
    before: {
      label: r.routed_label,
      severity: severity.data,
      reactivity_time: r.routed_reactivity_time ?? "",
      matched_rules: r.matched_rules,
      tasks: r.routed_tasks ?? 0,
    },
  };
}
