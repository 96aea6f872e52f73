/**
 * ISO 8601 durations (PnYnMnWnDTnHnMnS). Reactivity windows and escalation
 * steps are written this way in profiles; adding one to an instant is
 * calendar-aware in UTC (P1M from Jan 31 lands on the last day of February).
 *
 * Every duration Orgo accepts lies between PT1S and P10Y, measured nominally
 * (a month counts 30 days, a year 365). The floor stops a window from firing
 * in a tight loop: an escalation step, a repeat or a retry of at least one
 * second sends at most one notice per second per item. The ceiling keeps
 * every instant computed from a duration far inside the Date range and
 * bounds the work of a business-time deadline; no real reactivity window,
 * step or pattern window comes close to ten years. The bounds live here, in
 * `IsoDuration` and `parseDuration`, so every schema and caller inherits them.
 */
import { z } from "zod";

export interface DurationParts {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const DAY_MS = 86_400_000;
export const MIN_DURATION_MS = 1_000;
export const MAX_DURATION_MS = 3_650 * DAY_MS;
export const DURATION_RANGE = "from PT1S (1 second) to P10Y (10 years)";

// Ten digits per component is enough to write ten years in seconds
// (PT315360000S) and keeps every product below far from overflowing before
// the range check; the fraction is rounded to milliseconds anyway.
const PATTERN =
  /^P(?!$)(?:(\d{1,10})Y)?(?:(\d{1,10})M)?(?:(\d{1,10})W)?(?:(\d{1,10})D)?(?:T(?=\d)(?:(\d{1,10})H)?(?:(\d{1,10})M)?(?:(\d{1,10}(?:\.\d{1,9})?)S)?)?$/;
// Longer than any text PATTERN can match: refuse without scanning it.
const MAX_TEXT = 100;

/** The components as written, or null when the text is not an ISO 8601 duration Orgo reads. */
function parseSyntax(text: string): DurationParts | null {
  if (text.length > MAX_TEXT) return null;
  const m = PATTERN.exec(text);
  if (!m) return null;
  const n = (i: number) => (m[i] === undefined ? 0 : Number(m[i]));
  return { years: n(1), months: n(2), weeks: n(3), days: n(4), hours: n(5), minutes: n(6), seconds: n(7) };
}

function nominalMs(d: DurationParts): number {
  return (((d.years * 365 + d.months * 30 + d.weeks * 7 + d.days) * 24 + d.hours) * 60 + d.minutes) * 60_000 + Math.round(d.seconds * 1000);
}

export type DurationCheck = { ok: true; parts: DurationParts; ms: number } | { ok: false; problem: string };

/** Reads a duration and checks it against the accepted range; `problem` is a sentence for the field. */
export function checkDuration(text: string): DurationCheck {
  const parts = parseSyntax(text);
  if (!parts) return { ok: false, problem: `must be an ISO 8601 duration ${DURATION_RANGE}, such as PT15M, PT2S or P3D` };
  const ms = nominalMs(parts);
  if (ms < MIN_DURATION_MS) return { ok: false, problem: `is too short: a duration must be ${DURATION_RANGE}` };
  if (ms > MAX_DURATION_MS) return { ok: false, problem: `is too long: a duration must be ${DURATION_RANGE}` };
  return { ok: true, parts, ms };
}

/** The components of an accepted duration; null when the text is malformed or outside PT1S…P10Y. */
export function parseDuration(text: string): DurationParts | null {
  const c = checkDuration(text);
  return c.ok ? c.parts : null;
}

export const IsoDuration = z.string().superRefine((s, ctx) => {
  const c = checkDuration(s);
  if (!c.ok) ctx.addIssue({ code: "custom", message: c.problem });
});
export type IsoDuration = z.infer<typeof IsoDuration>;

/**
 * The parts arithmetic runs on. Inputs are validated by `IsoDuration`, but a
 * record stored before the bounds existed may still hold a value outside
 * them: it is clamped into the range rather than failing a command or an
 * alarm, so no instant is ever computed from an unbounded duration.
 * Malformed text is a programming error and throws.
 */
export function boundedParts(duration: string | DurationParts): DurationParts {
  const d = typeof duration === "string" ? parseSyntax(duration) : duration;
  if (!d || !Object.values(d).every((v) => Number.isFinite(v) && v >= 0)) {
    throw new RangeError(`invalid ISO 8601 duration: ${typeof duration === "string" ? duration : JSON.stringify(duration)}`);
  }
  const ms = nominalMs(d);
  if (ms < MIN_DURATION_MS) return { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 1 };
  if (ms > MAX_DURATION_MS) return { years: 0, months: 0, weeks: 0, days: 3_650, hours: 0, minutes: 0, seconds: 0 };
  return d;
}

/** Adds a duration to an instant (UTC calendar arithmetic). */
export function addDuration(from: Date, duration: string | DurationParts): Date {
  const d = boundedParts(duration);
  const out = new Date(from.getTime());
  if (d.years || d.months) {
    const day = out.getUTCDate();
    out.setUTCDate(1);
    out.setUTCMonth(out.getUTCMonth() + d.years * 12 + d.months);
    const lastDay = new Date(Date.UTC(out.getUTCFullYear(), out.getUTCMonth() + 1, 0)).getUTCDate();
    out.setUTCDate(Math.min(day, lastDay));
  }
  const ms = ((d.weeks * 7 + d.days) * 86_400 + d.hours * 3_600 + d.minutes * 60) * 1000 + Math.round(d.seconds * 1000);
  return new Date(out.getTime() + ms);
}

/** Nominal length in milliseconds (a month counts 30 days, a year 365): for comparisons and windows. */
export function durationMs(duration: string | DurationParts): number {
  return nominalMs(boundedParts(duration));
}
