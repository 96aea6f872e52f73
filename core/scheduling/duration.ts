/**
 * ISO 8601 durations (PnYnMnWnDTnHnMnS). Reactivity windows and escalation
 * steps are written this way in profiles; adding one to an instant is
 * calendar-aware in UTC (P1M from Jan 31 lands on the last day of February).
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

const PATTERN =
  /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export function parseDuration(text: string): DurationParts | null {
  const m = PATTERN.exec(text);
  if (!m) return null;
  const n = (i: number) => (m[i] === undefined ? 0 : Number(m[i]));
  return { years: n(1), months: n(2), weeks: n(3), days: n(4), hours: n(5), minutes: n(6), seconds: n(7) };
}

export const IsoDuration = z
  .string()
  .refine((s) => parseDuration(s) !== null, { message: "must be an ISO 8601 duration such as PT15M, PT2S or P3D" });
export type IsoDuration = z.infer<typeof IsoDuration>;

/** Adds a duration to an instant (UTC calendar arithmetic). */
export function addDuration(from: Date, duration: string | DurationParts): Date {
  const d = typeof duration === "string" ? parseDuration(duration) : duration;
  if (!d) throw new RangeError(`invalid ISO 8601 duration: ${String(duration)}`);
  const out = new Date(from.getTime());
  if (d.years || d.months) {
    const day = out.getUTCDate();
    out.setUTCDate(1);
    out.setUTCMonth(out.getUTCMonth() + d.years * 12 + d.months);
    const lastDay = new Date(Date.UTC(out.getUTCFullYear(), out.getUTCMonth() + 1, 0)).getUTCDate();
    out.setUTCDate(Math.min(day, lastDay));
  }
  const ms =
    ((d.weeks * 7 + d.days) * 86_400 + d.hours * 3_600 + d.minutes * 60) * 1000 + Math.round(d.seconds * 1000);
  return new Date(out.getTime() + ms);
}

/** Nominal length in milliseconds (a month counts 30 days, a year 365): for comparisons and windows. */
export function durationMs(duration: string | DurationParts): number {
  const d = typeof duration === "string" ? parseDuration(duration) : duration;
  if (!d) throw new RangeError(`invalid ISO 8601 duration: ${String(duration)}`);
  return (
    (((d.years * 365 + d.months * 30 + d.weeks * 7 + d.days) * 24 + d.hours) * 60 + d.minutes) * 60_000 +
    Math.round(d.seconds * 1000)
  );
}
