/**
 * A group's recurring schedule: an RFC 5545 rule read in an IANA time zone,
 * and the sessions it yields in a window. Sessions are local times: a weekly
 * 18:00 in Paris stays 18:00 in Paris when summer time ends, so its UTC
 * instant moves by an hour.
 *
 * The rrule package is used in floating mode (no tzid), where it computes
 * local readings; each one is then placed on the UTC line with the zone's
 * offset on that day (zone.ts). Its tzid mode would instead answer in the
 * host's own zone (see its README), which differs between a laptop and
 * the Workers runtime.
 *
 * Expansion is bounded twice: by the number of sessions answered, and by a
 * budget of work, because rrule walks period by period from DTSTART and a
 * rule whose filters never match (the 30th of February) would otherwise
 * walk to the year 9999.
 */
import { RRule } from "rrule";
import { DomainError } from "../../errors";
import { checkDuration } from "../../scheduling/duration";
import { compactWall, parseRule, ruleBody, type ParsedRule } from "./rule";
import { fromWall, isTimeZone, localTimestamp, toWall } from "../../scheduling/time-zone";

/** A session may last at most a day. */
export const MAX_SESSION_MS = 86_400_000;
/** Sessions answered at most per request. */
export const MAX_SESSIONS = 1_000;
/** The widest window of sessions a request may ask for. */
export const MAX_WINDOW_DAYS = 366;
/** Periods (days, weeks…) rrule may step through per expansion, and occurrences it may yield. */
const PERIOD_BUDGET = 20_000;
const YIELD_BUDGET = 50_000;
const DAY_MS = 86_400_000;
/** Periods of a fixed length in local time, which a rule can be moved forward by whole multiples of. */
const FIXED_PERIOD_MS: Partial<Record<string, number>> = { HOURLY: 3_600_000, DAILY: DAY_MS, WEEKLY: 7 * DAY_MS };

export interface Schedule {
  rrule: string;
  duration: string;
  timezone: string;
}

export interface Session {
  starts_at: string;
  ends_at: string;
  /** The start as read in the schedule's zone, with its offset that day. */
  local_start: string;
}

const invalid = (path: string, message: string): never => {
  throw new DomainError("validation", `${path} ${message}`, [{ path, message }]);
};

/**
 * Checks a schedule and writes its rule with its DTSTART in the schedule's
 * zone, so the stored text alone decides every session. A rule without
 * DTSTART starts on the local day of `anchor` (the group's creation, or a
 * given start), at midnight: the rule's BYHOUR and BYMINUTE then set the
 * time, and no stray seconds of the anchor leak into it.
 */
export function normalizeSchedule(input: Schedule, anchor: Date): Schedule {
  const zone = input.timezone;
  if (!isTimeZone(zone)) invalid("timezone", "must be an IANA time zone name such as Europe/Paris");
  const d = checkDuration(input.duration);
  if (!d.ok) return invalid("duration", d.problem);
  if (d.ms > MAX_SESSION_MS) invalid("duration", "is longer than a session may last (P1D at most)");
  const rule = parseRule(input.rrule);
  let wall: number;
  if (rule.start) {
    if (rule.start.tzid !== null && rule.start.tzid !== zone) invalid("rrule", `DTSTART names TZID=${rule.start.tzid}, not the schedule's timezone ${zone}`);
    wall = rule.start.utc ? toWall(rule.start.wall, zone) : rule.start.wall;
  } else {
    const local = toWall(anchor.getTime(), zone);
    wall = local - (((local % DAY_MS) + DAY_MS) % DAY_MS);
  }
  const normalized: Schedule = { rrule: `DTSTART;TZID=${zone}:${compactWall(wall)}\nRRULE:${ruleBody(rule)}`, duration: input.duration, timezone: zone };
  const first = expand(parseRule(normalized.rrule), zone, d.ms, -Infinity, Infinity, 1);
  if (first.items.length === 0) invalid("rrule", "yields no session: its parts never match a day (or not within reach of its DTSTART)");
  return normalized;
}

/** The sessions that start in [from, to), oldest first; `truncated` when there are more than `cap` (or the work budget ran out). */
export function sessionsBetween(schedule: Schedule, from: Date, to: Date, cap = MAX_SESSIONS): { items: Session[]; truncated: boolean } {
  const d = checkDuration(schedule.duration);
  if (!d.ok) throw new Error(`stored schedule has a bad duration: ${schedule.duration}`);
  return expand(parseRule(schedule.rrule), schedule.timezone, d.ms, from.getTime(), to.getTime(), cap);
}

/** Checks a requested window: `to` after `from`, at most MAX_WINDOW_DAYS apart. */
export function checkWindow(from: Date, to: Date): void {
  if (to.getTime() <= from.getTime()) invalid("to", "must be after from");
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS) invalid("to", `must be at most ${MAX_WINDOW_DAYS} days after from`);
}

const OUT_OF_BUDGET = Symbol("out of budget");

function expand(rule: ParsedRule, zone: string, durationMs: number, fromMs: number, toMs: number, cap: number): { items: Session[]; truncated: boolean } {
  const items: Session[] = [];
  let truncated = false;
  // A local reading is at most a day (and a few hours) away from its instant: look that much wider, then compare instants.
  const lowWall = Number.isFinite(fromMs) ? toWall(fromMs, zone) - 2 * DAY_MS : -Infinity;
  const highWall = Number.isFinite(toMs) ? toWall(toMs, zone) + 2 * DAY_MS : Infinity;
  let yielded = 0;
  try {
    budgeted(toRRule(rule, zone, lowWall)).all((date) => {
      if (++yielded > YIELD_BUDGET) throw OUT_OF_BUDGET;
      const wall = date.getTime();
      if (wall > highWall) return false;
      if (wall < lowWall) return true;
      const start = fromWall(wall, zone);
      if (start < fromMs || start >= toMs) return true;
      if (items.length >= cap) {
        truncated = true;
        return false;
      }
      items.push({ starts_at: iso(start), ends_at: iso(start + durationMs), local_start: localTimestamp(start, zone) });
      return true;
    });
  } catch (e) {
    if (e !== OUT_OF_BUDGET) throw e;
    truncated = true;
  }
  // Around a change of offset two local readings may swap order on the UTC line.
  items.sort((a, b) => (a.starts_at < b.starts_at ? -1 : a.starts_at > b.starts_at ? 1 : 0));
  return { items, truncated };
}

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

/**
 * The rule as rrule reads it, in floating mode: DTSTART and UNTIL as local
 * readings. A rule without COUNT whose periods have a fixed length starts
 * instead at the last whole step of its periods before `notBefore`: the same
 * weekday and time as its DTSTART and the same phase of INTERVAL, so the
 * sessions from there on are the same, and a window years after DTSTART
 * costs no more than one right after it.
 */
function toRRule(rule: ParsedRule, zone: string, notBefore: number): RRule {
  if (!rule.start) throw new Error("a stored rule always has its DTSTART");
  let start = rule.start.wall;
  const period = FIXED_PERIOD_MS[rule.freq];
  const counted = rule.parts.some(([k]) => k === "COUNT");
  if (period !== undefined && !counted && Number.isFinite(notBefore) && notBefore > start) {
    const step = period * Number(rule.parts.find(([k]) => k === "INTERVAL")?.[1] ?? "1");
    start += Math.floor((notBefore - start) / step) * step;
  }
  const options = RRule.parseString(
    rule.parts
      .filter(([k]) => k !== "UNTIL")
      .map(([k, v]) => `${k}=${v}`)
      .join(";"),
  );
  const until = rule.until ? new Date(rule.until.utc ? toWall(rule.until.ms, zone) : rule.until.ms) : null;
  return new RRule({ ...options, dtstart: new Date(start), until, tzid: null }, true);
}

/**
 * Bounds the periods rrule steps through: it reads `interval` on every step,
 * so a getter counting the reads stops a walk that would never end (the
 * throw unwinds rrule's loop; the rule object is thrown away with it).
 */
function budgeted(rule: RRule): RRule {
  const options = { ...rule.options };
  const interval = options.interval;
  let reads = 0;
  Object.defineProperty(options, "interval", {
    enumerable: true,
    get() {
      if (++reads > 2 * PERIOD_BUDGET) throw OUT_OF_BUDGET;
      return interval;
    },
  });
  (rule as { options: typeof options }).options = options;
  return rule;
}
