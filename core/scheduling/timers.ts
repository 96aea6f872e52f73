/**
 * The organization's timer table as pure data. A Durable Object has a single
 * alarm, so the org's object keeps every pending timer (the escalation steps
 * of cases and tasks, the first of which is the reactivity deadline and the
 * last of which repeats at the top; reminders for work in progress gone
 * quiet; deliveries of notifications and their retries) in its own storage
 * and arms the alarm for the earliest. Plans say which timers a change arms
 * and drops with these helpers, so a timer is built one way everywhere.
 * Alarms are at-least-once, so these functions pin down the two things that
 * make that safe: a deterministic id (re-arming a step overwrites instead of
 * duplicating; a second delivery is recognisable) and one total firing order,
 * (due_at, timer_id), which the Durable Object mirrors in SQL:
 *   SELECT … FROM timers WHERE due_at <= ? ORDER BY due_at, timer_id LIMIT ?
 */

/**
 * The kinds the object arms. A row stored by an earlier version may hold a
 * kind no longer armed (the alarm drops those), so the type stays open.
 */
export type TimerKind = "escalation" | "stale" | "delivery" | (string & {});

export type TimerEntityType = "case" | "task" | "notification" | (string & {});

export interface Timer {
  timer_id: string;
  kind: TimerKind;
  entity_type: TimerEntityType;
  entity_id: string;
  /** Epoch milliseconds. */
  due_at: number;
  /** The escalation step the timer was armed for; a handler compares it with the item's current level. */
  step: number;
}

/**
 * Same kind, entity and step → same id, so arming a step again is an upsert
 * and the timer that fired can be matched against what is stored.
 */
export function timerId(kind: TimerKind, entityId: string, step: number): string {
  if (!Number.isInteger(step) || step < 0) throw new RangeError(`timer step must be a non-negative integer: ${step}`);
  if (kind.includes(":")) throw new RangeError(`timer kind must not contain ':': ${kind}`);
  // Step last and kind colon-free keep the id unambiguous even if entity ids contain ':'.
  return `${kind}:${entityId}:${step}`;
}

/** Builds a timer with its deterministic id. */
export function makeTimer(kind: TimerKind, entityType: TimerEntityType, entityId: string, dueAt: number | Date, step = 0): Timer {
  return {
    timer_id: timerId(kind, entityId, step),
    kind,
    entity_type: entityType,
    entity_id: entityId,
    due_at: typeof dueAt === "number" ? dueAt : dueAt.getTime(),
    step,
  };
}

/** Inserts or replaces (by timer_id) — the in-memory counterpart of INSERT … ON CONFLICT DO UPDATE. */
export function upsertTimer(timers: readonly Timer[], timer: Timer): Timer[] {
  return [...timers.filter((t) => t.timer_id !== timer.timer_id), timer];
}

/** Removes every timer of an entity (it reacted, completed or was cancelled), optionally only some kinds. */
export function dropTimersFor(timers: readonly Timer[], entityId: string, kinds?: readonly TimerKind[]): Timer[] {
  return timers.filter((t) => t.entity_id !== entityId || (kinds !== undefined && !kinds.includes(t.kind)));
}

/** Timers a change cancels: one by its id, or an entity's timers (of one kind, or of every kind). */
export type TimerDrop = { timer_id: string } | { entity_id: string; kind: TimerKind | null };

/** What remains of `timers` after `drop`: the in-memory counterpart of the object's DELETE. */
export function applyTimerDrop(timers: readonly Timer[], drop: TimerDrop): Timer[] {
  if ("timer_id" in drop) return timers.filter((t) => t.timer_id !== drop.timer_id);
  return dropTimersFor(timers, drop.entity_id, drop.kind === null ? undefined : [drop.kind]);
}
