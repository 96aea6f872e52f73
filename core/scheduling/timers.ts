/**
 * The organization's timer table as pure data. A Durable Object has a single
 * alarm, so the org's object keeps every pending timer (reactivity deadlines,
 * escalation steps, top-level repeats, stale reminders, webhook retries,
 * pattern cooldowns) in its own storage and arms the alarm for the earliest.
 * Alarms are at-least-once, so these functions pin down the two things that
 * make that safe: a deterministic id (re-arming a step overwrites instead of
 * duplicating; a second delivery is recognisable) and one total firing order,
 * (due_at, timer_id), which the Durable Object mirrors in SQL:
 *   SELECT … FROM timers WHERE due_at <= ? ORDER BY due_at, timer_id LIMIT ?
 */

export type TimerKind =
  | "reactivity"
  | "escalation"
  | "repeat_top"
  | "stale"
  | "webhook_retry"
  | "pattern_cooldown"
  | (string & {});

export type TimerEntityType = "case" | "task" | "webhook" | (string & {});

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
export function makeTimer(
  kind: TimerKind,
  entityType: TimerEntityType,
  entityId: string,
  dueAt: number | Date,
  step = 0,
): Timer {
  return {
    timer_id: timerId(kind, entityId, step),
    kind,
    entity_type: entityType,
    entity_id: entityId,
    due_at: typeof dueAt === "number" ? dueAt : dueAt.getTime(),
    step,
  };
}

// Code-unit comparison, not localeCompare: it must agree with SQLite's BINARY
// collation for the ASCII ids this module produces.
const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The firing order: earlier due_at first, ties broken by timer_id. */
export function compareTimers(a: Timer, b: Timer): number {
  return a.due_at - b.due_at || compareIds(a.timer_id, b.timer_id);
}

/** The timer the alarm should be armed for, or null when nothing is pending. */
export function earliest(timers: Iterable<Timer>): Timer | null {
  let best: Timer | null = null;
  for (const t of timers) if (best === null || compareTimers(t, best) < 0) best = t;
  return best;
}

/**
 * Timers due at `now` (due_at <= now), in firing order, at most `limit` of
 * them so one alarm invocation stays bounded; the rest fire on the next alarm.
 */
export function takeDue(timers: Iterable<Timer>, now: number | Date, limit = Number.POSITIVE_INFINITY): Timer[] {
  const t = typeof now === "number" ? now : now.getTime();
  const due: Timer[] = [];
  for (const timer of timers) if (timer.due_at <= t) due.push(timer);
  due.sort(compareTimers);
  return Number.isFinite(limit) ? due.slice(0, Math.max(0, limit)) : due;
}

/** Inserts or replaces (by timer_id) — the in-memory counterpart of INSERT … ON CONFLICT DO UPDATE. */
export function upsertTimer(timers: readonly Timer[], timer: Timer): Timer[] {
  return [...timers.filter((t) => t.timer_id !== timer.timer_id), timer];
}

/** Removes every timer of an entity (it reacted, completed or was cancelled), optionally only some kinds. */
export function dropTimersFor(timers: readonly Timer[], entityId: string, kinds?: readonly TimerKind[]): Timer[] {
  return timers.filter((t) => t.entity_id !== entityId || (kinds !== undefined && !kinds.includes(t.kind)));
}
