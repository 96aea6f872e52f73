/**
 * Business calendars: when an organization is actually at work. A profile may
 * give a time zone, working hours per weekday and holidays, and say per
 * severity whether a reactivity window counts wall time or only working time
 * (a shop's `low` item raised on Friday evening waits for Monday; a hospital's
 * `critical` never waits). This module validates the calendar and computes
 * deadlines in the calendar's own time zone, daylight-saving changes included,
 * using only Intl (no date library in the Workers runtime).
 *
 * Business-mode semantics, stated once:
 * - Hours, minutes and seconds are consumed only inside working intervals, as
 *   real elapsed time (a 09:00–17:00 day is 8 h on either side of a DST change;
 *   a 00:00–24:00 day on spring-forward is 23 h).
 * - Days count working days: P1D ends at the same local clock time on the
 *   next working day (Tue 11:00 → Wed 11:00 with 09:00–17:00, also across a
 *   DST change). If the target day is not open at that clock time (different
 *   hours that day), it ends the same amount of working time into that day,
 *   or at its closing if the day is shorter. A start outside working hours
 *   counts from the next opening, and a deadline that would fall exactly on an
 *   opening is reported as the previous closing instead (the earliest instant
 *   at which that much working time has passed), so P1D from Friday 18:00
 *   ends Monday 17:00.
 * - Weeks count as the number of weekdays that have working hours (5 for
 *   Mon–Fri, 6 for a shop open Mon–Sat), i.e. P1W is one working week.
 * - Months and years move the local date by calendar months first, then land
 *   on the first working day on or after it at the same offset.
 * - Holidays are whole local days off.
 */
import { z } from "zod";
import { addDuration, parseDuration, type DurationParts } from "./duration";

// ---------------------------------------------------------------------------
// Schema

const HHMM = /^(?:[01]\d|2[0-3]):[0-5]\d$/;

const StartTime = z.string().regex(HHMM, { message: 'must be a time "HH:MM" between 00:00 and 23:59' });
const EndTime = z
  .string()
  .refine((s) => s === "24:00" || HHMM.test(s), { message: 'must be a time "HH:MM" between 00:01 and 24:00' });

export const WorkingInterval = z
  .tuple([StartTime, EndTime])
  .describe('One working interval of a day: ["09:00", "17:00"]. "24:00" ends at midnight.');
export type WorkingInterval = z.infer<typeof WorkingInterval>;

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(":");
  return Number(h) * 60 + Number(m);
};

const DayHours = z
  .array(WorkingInterval)
  .max(48)
  .superRefine((intervals, ctx) => {
    let prevEnd = -1;
    intervals.forEach(([start, end], i) => {
      const s = minutesOf(start);
      const e = minutesOf(end);
      if (!(s < e)) ctx.addIssue({ code: "custom", path: [i], message: "an interval must start before it ends" });
      // Touching intervals ([09:00,12:00],[12:00,17:00]) are allowed: they simply join.
      if (s < prevEnd)
        ctx.addIssue({ code: "custom", path: [i], message: "intervals must be sorted and must not overlap" });
      prevEnd = Math.max(prevEnd, e);
    });
  })
  .describe("Working intervals of that weekday, sorted and non-overlapping; an absent day is closed.");

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const WorkingHours = z
  .object({
    mon: DayHours.optional(),
    tue: DayHours.optional(),
    wed: DayHours.optional(),
    thu: DayHours.optional(),
    fri: DayHours.optional(),
    sat: DayHours.optional(),
    sun: DayHours.optional(),
  })
  .strict()
  .refine((wh) => Object.values(wh).some((day) => day !== undefined && day.length > 0), {
    // Without one working day a business-time deadline would never arrive.
    message: "at least one working day is required",
  })
  .describe("Working hours per weekday (mon…sun), in the calendar's time zone.");
export type WorkingHours = z.infer<typeof WorkingHours>;

const isIsoDate = (s: string): boolean => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
};

export const isValidTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const Calendar = z
  .object({
    time_zone: z
      .string()
      .min(1)
      .refine(isValidTimeZone, { message: "must be an IANA time zone such as Europe/Berlin" })
      .describe("IANA time zone in which working hours and holidays are read (e.g. Europe/Berlin)."),
    working_hours: WorkingHours,
    holidays: z
      .array(z.string().refine(isIsoDate, { message: 'must be a date "YYYY-MM-DD"' }))
      .max(1_000)
      .default([])
      .describe("Local dates (YYYY-MM-DD) on which nobody works."),
  })
  .strict()
  .describe("When the organization works: business-mode reactivity windows only run inside these hours.");
export type Calendar = z.infer<typeof Calendar>;

// ---------------------------------------------------------------------------
// Time-zone arithmetic with Intl

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      // h23: some engines print midnight as "24" with hour12:false.
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      era: "short",
    });
    formatters.set(tz, f);
  }
  return f;
}

/** The local wall-clock reading of an instant, expressed as if it were UTC ms. */
function wallMs(instant: number, tz: string): number {
  const parts = formatter(tz).formatToParts(new Date(instant));
  let y = 0;
  let mo = 0;
  let d = 0;
  let h = 0;
  let mi = 0;
  let s = 0;
  let bc = false;
  for (const p of parts) {
    switch (p.type) {
      case "year":
        y = Number(p.value);
        break;
      case "month":
        mo = Number(p.value);
        break;
      case "day":
        d = Number(p.value);
        break;
      case "hour":
        h = Number(p.value);
        break;
      case "minute":
        mi = Number(p.value);
        break;
      case "second":
        s = Number(p.value);
        break;
      case "era":
        bc = p.value.startsWith("B");
        break;
    }
  }
  const date = new Date(0);
  date.setUTCFullYear(bc ? 1 - y : y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  return date.getTime() + (instant % 1000 + 1000) % 1000;
}

const offsetAt = (instant: number, tz: string): number => wallMs(instant, tz) - instant;

const DAY_MS = 86_400_000;

/**
 * The instant at which the local clock reads `wall` (local time written as UTC ms).
 * Ambiguous readings (fall-back) take the earlier instant; readings that do not
 * exist (spring-forward gap) are pushed forward by the gap, like Temporal's
 * "compatible" disambiguation, so 02:30 on a Berlin spring-forward day is 03:30.
 */
function instantOfWall(wall: number, tz: string): number {
  const before = offsetAt(wall - DAY_MS, tz);
  const after = offsetAt(wall + DAY_MS, tz);
  const candidates = [wall - before, wall - after].filter((c) => wallMs(c, tz) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  return wall - before;
}

/** A civil date, counted in days since 1970-01-01 (so "next day" is +1). */
type DayNumber = number;

const dayOfWall = (wall: number): DayNumber => Math.floor(wall / DAY_MS);
const localDay = (at: number, tz: string): DayNumber => dayOfWall(wallMs(at, tz));
const isoOfDay = (day: DayNumber): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
const weekdayOfDay = (day: DayNumber): Weekday => WEEKDAYS[new Date(day * DAY_MS).getUTCDay()] as Weekday;

function addMonthsToDay(day: DayNumber, months: number): DayNumber {
  const d = new Date(day * DAY_MS);
  const dom = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(dom, last));
  return dayOfWall(d.getTime());
}

/** Working intervals of one local day as instants [start, end), empty if closed or a holiday. */
function intervalsOn(day: DayNumber, cal: Calendar, holidays: ReadonlySet<string>): Array<[number, number]> {
  if (holidays.has(isoOfDay(day))) return [];
  const hours = cal.working_hours[weekdayOfDay(day)];
  if (!hours) return [];
  const out: Array<[number, number]> = [];
  for (const [start, end] of hours) {
    const s = instantOfWall(day * DAY_MS + minutesOf(start) * 60_000, cal.time_zone);
    const e = instantOfWall(day * DAY_MS + minutesOf(end) * 60_000, cal.time_zone);
    // An interval lying wholly inside a DST gap has no real time in it.
    if (e > s) out.push([s, e]);
  }
  return out;
}

// A calendar needs at least one working weekday, so only holidays can make
// days empty; this bound is far beyond any real holiday list and only stops a
// corrupted calendar from spinning forever.
const MAX_EMPTY_DAYS = 3_700;

class Days {
  private readonly holidays: ReadonlySet<string>;
  private readonly cache = new Map<DayNumber, Array<[number, number]>>();
  constructor(readonly cal: Calendar) {
    this.holidays = new Set(cal.holidays ?? []);
    if (!Object.values(cal.working_hours).some((d) => d !== undefined && d.length > 0))
      throw new RangeError("calendar has no working hours");
  }
  on(day: DayNumber): Array<[number, number]> {
    let v = this.cache.get(day);
    if (!v) {
      v = intervalsOn(day, this.cal, this.holidays);
      this.cache.set(day, v);
    }
    return v;
  }
  total(day: DayNumber): number {
    return this.on(day).reduce((sum, [s, e]) => sum + (e - s), 0);
  }
  /** The first working day strictly after `day`. */
  nextWorkingDay(day: DayNumber): DayNumber {
    for (let d = day + 1, n = 0; n < MAX_EMPTY_DAYS; d++, n++) if (this.on(d).length > 0) return d;
    throw new RangeError("calendar has no working day within ten years");
  }
  /** The last working day strictly before `day`. */
  previousWorkingDay(day: DayNumber): DayNumber {
    for (let d = day - 1, n = 0; n < MAX_EMPTY_DAYS; d--, n++) if (this.on(d).length > 0) return d;
    throw new RangeError("calendar has no working day within ten years");
  }
  workingDayOnOrAfter(day: DayNumber): DayNumber {
    return this.on(day).length > 0 ? day : this.nextWorkingDay(day);
  }
}

// ---------------------------------------------------------------------------
// Queries

/** Whether `at` falls inside a working interval (start inclusive, end exclusive). */
export function isWorkingTime(at: Date, calendar: Calendar): boolean {
  const days = new Days(calendar);
  const t = at.getTime();
  const day = localDay(t, calendar.time_zone);
  // An interval ending at 24:00 belongs to its own day, so the local day suffices;
  // the previous day is checked too in case a DST jump moved the boundary.
  for (const d of [day - 1, day]) for (const [s, e] of days.on(d)) if (s <= t && t < e) return true;
  return false;
}

/** `at` itself if it is working time, otherwise the next opening. */
export function nextWorkingInstant(at: Date, calendar: Calendar): Date {
  const days = new Days(calendar);
  const t = at.getTime();
  const first = localDay(t, calendar.time_zone) - 1;
  for (let d = first, n = 0; n < MAX_EMPTY_DAYS; d++, n++) {
    for (const [s, e] of days.on(d)) if (e > t) return new Date(Math.max(s, t));
  }
  throw new RangeError("calendar has no working time within ten years");
}

/** Consumes `ms` of working time from `from`; lands on a closing rather than the next opening. */
function consume(days: Days, from: number, ms: number): number {
  if (ms <= 0) return from;
  let remaining = ms;
  let empty = 0;
  for (let d = localDay(from, days.cal.time_zone) - 1; empty < MAX_EMPTY_DAYS; d++) {
    const intervals = days.on(d);
    if (intervals.length === 0) empty++;
    else empty = 0;
    for (const [s, e] of intervals) {
      if (e <= from) continue;
      const begin = Math.max(s, from);
      const available = e - begin;
      if (remaining <= available) return begin + remaining;
      remaining -= available;
    }
  }
  throw new RangeError("calendar has no working time within ten years");
}

/** Position of `t` as (working day, working time already elapsed that day), with offset < that day's total. */
function position(days: Days, t: number): { day: DayNumber; offset: number } {
  const day = localDay(t, days.cal.time_zone);
  for (const d of [day - 1, day]) {
    const intervals = days.on(d);
    let offset = 0;
    let remainsAfter = false;
    for (const [s, e] of intervals) {
      if (e <= t) offset += e - s;
      else {
        remainsAfter = true;
        if (s < t) offset += t - s;
        break;
      }
    }
    if (remainsAfter) return { day: d, offset };
  }
  return { day: days.nextWorkingDay(day), offset: 0 };
}

/** The instant on `day` at which `offset` of its working time has elapsed (clamped to its closing). */
function instantAtOffset(days: Days, day: DayNumber, offset: number): number {
  const intervals = days.on(day);
  let remaining = offset;
  for (const [s, e] of intervals) {
    if (remaining <= e - s) return s + remaining;
    remaining -= e - s;
  }
  const last = intervals[intervals.length - 1];
  if (!last) throw new RangeError("not a working day");
  return last[1];
}

const closingOf = (days: Days, day: DayNumber): number => {
  const last = days.on(day).at(-1);
  if (!last) throw new RangeError("not a working day");
  return last[1];
};

function businessDeadline(start: Date, d: DurationParts, calendar: Calendar): Date {
  const days = new Days(calendar);
  const workweek = WEEKDAYS.filter((w) => (calendar.working_hours[w]?.length ?? 0) > 0).length;
  const months = d.years * 12 + d.months;
  const dayCount = d.days + d.weeks * workweek;
  const timeMs = (d.hours * 3_600 + d.minutes * 60) * 1000 + Math.round(d.seconds * 1000);

  let cursor = start.getTime();
  if (months > 0 || dayCount > 0) {
    const pos = position(days, cursor);
    let day = pos.day;
    if (months > 0) day = days.workingDayOnOrAfter(addMonthsToDay(day, months));
    for (let i = 0; i < dayCount; i++) day = days.nextWorkingDay(day);
    // Offset 0 means an opening; the previous closing has the same working time
    // behind it and is earlier, so whole days from an opening end at a closing.
    if (pos.offset === 0) cursor = closingOf(days, days.previousWorkingDay(day));
    else {
      // Same local clock time when the target day is open then (so DST does
      // not shift "tomorrow, same time" by an hour); otherwise the same amount
      // of working time into that day.
      const tz = calendar.time_zone;
      const clock = wallMs(cursor, tz) - localDay(cursor, tz) * DAY_MS;
      const sameClock = instantOfWall(day * DAY_MS + clock, tz);
      cursor = days.on(day).some(([s, e]) => s < sameClock && sameClock <= e)
        ? sameClock
        : instantAtOffset(days, day, pos.offset);
    }
  }
  return new Date(consume(days, cursor, timeMs));
}

/**
 * The deadline of a window of `duration` started at `start`: `wall` is plain
 * elapsed time; `business` only counts the calendar's working time (see the
 * module comment for how days, weeks and months are read).
 */
export function computeDeadline(start: Date, duration: string, mode: "wall" | "business", calendar?: Calendar): Date {
  const parts = parseDuration(duration);
  if (!parts) throw new RangeError(`invalid ISO 8601 duration: ${duration}`);
  if (mode === "wall") return addDuration(start, parts);
  if (!calendar) throw new RangeError("business-time deadlines need a calendar");
  return businessDeadline(start, parts, calendar);
}
