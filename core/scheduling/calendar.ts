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
 * - A deadline lies at most 100 years after its start: a sparse calendar
 *   could otherwise stretch a ten-year window over centuries.
 *
 * The cost of a deadline does not grow with the window: whole weeks are
 * counted from the weekday table, with the holidays and daylight-saving days
 * inside them computed exactly, and only the last stretch is walked day by
 * day, so it ends exactly where a walk day by day would.
 */
import { z } from "zod";
import { addDuration, boundedParts, type DurationParts } from "./duration";
import { fromWall, offsetAt, toWall } from "./time-zone";

// ---------------------------------------------------------------------------
// Schema

const HHMM = /^(?:[01]\d|2[0-3]):[0-5]\d$/;

const StartTime = z.string().regex(HHMM, { message: 'must be a time "HH:MM" between 00:00 and 23:59' });
const EndTime = z.string().refine((s) => s === "24:00" || HHMM.test(s), { message: 'must be a time "HH:MM" between 00:01 and 24:00' });

export const WorkingInterval = z.tuple([StartTime, EndTime]).describe('One working interval of a day: ["09:00", "17:00"]. "24:00" ends at midnight.');
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
      if (s < prevEnd) ctx.addIssue({ code: "custom", path: [i], message: "intervals must be sorted and must not overlap" });
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
// Time-zone arithmetic (core/scheduling/time-zone.ts)

const DAY_MS = 86_400_000;

/** A civil date, counted in days since 1970-01-01 (so "next day" is +1). */
type DayNumber = number;

const dayOfWall = (wall: number): DayNumber => Math.floor(wall / DAY_MS);
const localDay = (at: number, tz: string): DayNumber => dayOfWall(toWall(at, tz));
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
    const s = fromWall(day * DAY_MS + minutesOf(start) * 60_000, cal.time_zone);
    const e = fromWall(day * DAY_MS + minutesOf(end) * 60_000, cal.time_zone);
    // An interval lying wholly inside a DST gap has no real time in it.
    if (e > s) out.push([s, e]);
  }
  return out;
}

// A calendar needs at least one working weekday, so only holidays can make
// days empty; this bound is far beyond any real holiday list and only stops a
// corrupted calendar from spinning forever.
const MAX_EMPTY_DAYS = 3_700;
/** Days whose intervals one calendar keeps (a long-lived calendar must not grow without bound). */
const MAX_CACHED_DAYS = 8_192;

const weekdayIndex = (day: DayNumber): number => (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
const yearOfDay = (day: DayNumber): number => new Date(day * DAY_MS).getUTCFullYear();
const dayOfIso = (iso: string): DayNumber => {
  const [y, m, d] = iso.split("-").map(Number);
  return dayOfWall(new Date(0).setUTCFullYear(y ?? 1970, (m ?? 1) - 1, d ?? 1));
};

// ---------------------------------------------------------------------------
// Offset changes

// Besides holidays, only a change of the zone's UTC offset (daylight saving)
// makes a day's working time differ from what its weekday's hours say. The
// changes are found by reading the offset a week apart (no zone changes it
// twice within a week and back) and narrowing each change to the hour; the
// local days around it are then computed exactly. The result depends on the
// zone alone, so it is cached per zone and year and a long span pays for it
// once.
const PROBE_MS = 7 * DAY_MS;
const HOUR_MS = 3_600_000;
const MAX_CACHED_YEARS = 20_000;
const offsetChangeDaysCache = new Map<string, readonly DayNumber[]>();

function offsetChangeDays(tz: string, year: number): readonly DayNumber[] {
  const key = `${tz}\u0000${year}`;
  const known = offsetChangeDaysCache.get(key);
  if (known) return known;
  const out: DayNumber[] = [];
  const end = new Date(0).setUTCFullYear(year + 1, 0, 1);
  let t = new Date(0).setUTCFullYear(year, 0, 1);
  let off = offsetAt(t, tz);
  while (t < end) {
    const next = Math.min(t + PROBE_MS, end);
    const nextOff = offsetAt(next, tz);
    if (nextOff !== off) {
      let lo = t;
      let hi = next;
      while (hi - lo > HOUR_MS) {
        const mid = lo + Math.floor((hi - lo) / 2);
        if (offsetAt(mid, tz) === off) lo = mid;
        else hi = mid;
      }
      for (let d = localDay(lo, tz) - 1; d <= localDay(hi, tz) + 1; d++) out.push(d);
    }
    t = next;
    off = nextOff;
  }
  if (offsetChangeDaysCache.size >= MAX_CACHED_YEARS) offsetChangeDaysCache.clear();
  offsetChangeDaysCache.set(key, out);
  return out;
}

// ---------------------------------------------------------------------------
// Working days

class Days {
  private readonly holidays: ReadonlySet<string>;
  /** Holidays as sorted day numbers, to find those inside a span by binary search. */
  private readonly holidayDays: readonly DayNumber[];
  private readonly cache = new Map<DayNumber, Array<[number, number]>>();
  /** Working time each weekday's hours give (index 0 = Sunday), before holidays and offset changes. */
  private readonly weekdayMs: readonly number[];
  /** Working time of a week without holidays or offset changes. */
  readonly weekMs: number;
  /** Weekdays with working hours: the working days of a week without holidays. */
  readonly workweek: number;

  constructor(readonly cal: Calendar) {
    this.holidays = new Set(cal.holidays ?? []);
    this.holidayDays = [...new Set((cal.holidays ?? []).map(dayOfIso))].sort((a, b) => a - b);
    this.weekdayMs = WEEKDAYS.map((w) => (cal.working_hours[w] ?? []).reduce((sum, [s, e]) => sum + (minutesOf(e) - minutesOf(s)) * 60_000, 0));
    this.weekMs = this.weekdayMs.reduce((a, b) => a + b, 0);
    this.workweek = this.weekdayMs.filter((ms) => ms > 0).length;
    if (this.workweek === 0) throw new RangeError("calendar has no working hours");
  }
  on(day: DayNumber): Array<[number, number]> {
    let v = this.cache.get(day);
    if (!v) {
      if (this.cache.size >= MAX_CACHED_DAYS) this.cache.clear();
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

  /**
   * Working time and working days of the local days [from, to), without
   * visiting them one by one: whole weeks from the weekday table, then the
   * days that may differ from it (holidays, offset changes) computed exactly.
   */
  span(from: DayNumber, to: DayNumber): { ms: number; workingDays: number } {
    const weeks = Math.max(0, Math.floor((to - from) / 7));
    let ms = weeks * this.weekMs;
    let workingDays = weeks * this.workweek;
    for (let d = from + weeks * 7; d < to; d++) {
      const nominal = this.weekdayMs[weekdayIndex(d)] ?? 0;
      ms += nominal;
      if (nominal > 0) workingDays++;
    }
    for (const d of this.irregularDays(from, to)) {
      const nominal = this.weekdayMs[weekdayIndex(d)] ?? 0;
      ms += this.total(d) - nominal;
      workingDays += (this.on(d).length > 0 ? 1 : 0) - (nominal > 0 ? 1 : 0);
    }
    return { ms, workingDays };
  }

  /** Days in [from, to) whose working time may differ from their weekday's: holidays and days around an offset change. */
  private irregularDays(from: DayNumber, to: DayNumber): Set<DayNumber> {
    const out = new Set<DayNumber>();
    let lo = 0;
    let hi = this.holidayDays.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.holidayDays[mid] ?? 0) < from) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.holidayDays.length; i++) {
      const holiday = this.holidayDays[i] as DayNumber;
      if (holiday >= to) break;
      out.add(holiday);
    }
    // A local day lies within a day of the UTC day with the same number.
    for (let y = yearOfDay(from - 1); y <= yearOfDay(to + 1); y++) {
      for (const d of offsetChangeDays(this.cal.time_zone, y)) if (d >= from && d < to) out.add(d);
    }
    return out;
  }
}

// ---------------------------------------------------------------------------
// Queries

/**
 * Consumes `ms` of working time from `from`; lands on a closing rather than
 * the next opening. Null when that lies beyond the local day `limit`.
 */
function consume(days: Days, from: number, ms: number, limit: DayNumber): number | null {
  if (ms <= 0) return from;
  let remaining = ms;
  let empty = 0;
  const first = localDay(from, days.cal.time_zone);
  for (let d = first - 1; empty < MAX_EMPTY_DAYS; d++) {
    if (d > limit) return null;
    // Days from first + 2 on lie wholly after `from`, so whole weeks of them
    // can be consumed at once.
    if (d >= first + 2 && remaining > 2 * days.weekMs) {
      const skipped = wholeWeeksWithin(days, d, remaining, limit);
      if (skipped !== null) {
        remaining -= skipped.ms;
        d += skipped.days;
        if (d > limit) return null;
      }
    }
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

/**
 * The most whole weeks from local day `from` whose working time stays
 * strictly below `remaining`, and that time. Strictly below: the deadline then
 * lies after them, where the walk finds it exactly as a walk day by day would
 * (ending on a closing when the time runs out there).
 */
function wholeWeeksWithin(days: Days, from: DayNumber, remaining: number, limit: DayNumber): { days: number; ms: number } | null {
  // One week fewer than the nominal count leaves room for the hour a fall-back
  // adds; going a week past `limit` is enough to know the deadline is beyond it.
  let weeks = Math.min(Math.floor(remaining / days.weekMs) - 1, Math.floor((limit - from) / 7) + 1);
  while (weeks >= 1) {
    const { ms } = days.span(from, from + 7 * weeks);
    if (ms < remaining) return { days: 7 * weeks, ms };
    weeks -= Math.max(1, Math.ceil((ms - remaining + 1) / days.weekMs));
  }
  return null;
}

/**
 * The `n`-th working day after `day` (`day` itself for n = 0), or null when it
 * lies beyond `limit`. While more than a week of working days is left, whole
 * weeks are counted at once: k weeks hold at most k × workweek working days,
 * fewer than are left, so the target is never passed.
 */
function nthWorkingDayAfter(days: Days, day: DayNumber, n: number, limit: DayNumber): DayNumber | null {
  let d = day;
  let left = n;
  while (left > days.workweek) {
    if (d > limit) return null;
    const weeks = Math.min(Math.floor((left - 1) / days.workweek), Math.floor((limit - d) / 7) + 1);
    left -= days.span(d + 1, d + 1 + 7 * weeks).workingDays;
    d += 7 * weeks;
  }
  for (; left > 0 && d <= limit; left--) d = days.nextWorkingDay(d);
  return d > limit ? null : d;
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

// A sparse calendar stretches a long window far: ten years of working hours
// at four hours a week take four centuries. A business-time deadline lies at
// most this far after its start, which bounds the work of computing it (the
// offset changes of every year in between) and changes nothing in practice.
const HORIZON_DAYS = 36_525; // 100 years

// A calendar's working intervals depend on it alone: one Days (and its day
// cache) per calendar object serves every deadline computed against it.
const daysOfCalendar = new WeakMap<Calendar, Days>();
function daysOf(calendar: Calendar): Days {
  let days = daysOfCalendar.get(calendar);
  if (!days) {
    days = new Days(calendar);
    daysOfCalendar.set(calendar, days);
  }
  return days;
}

function businessDeadline(start: Date, d: DurationParts, calendar: Calendar): Date {
  const days = daysOf(calendar);
  const tz = calendar.time_zone;
  const months = d.years * 12 + d.months;
  const dayCount = d.days + d.weeks * days.workweek;
  const timeMs = (d.hours * 3_600 + d.minutes * 60) * 1000 + Math.round(d.seconds * 1000);
  const limit = localDay(start.getTime(), tz) + HORIZON_DAYS;
  const horizon = start.getTime() + HORIZON_DAYS * DAY_MS;

  let cursor = start.getTime();
  if (months > 0 || dayCount > 0) {
    const pos = position(days, cursor);
    let day = pos.day;
    if (months > 0) day = days.workingDayOnOrAfter(addMonthsToDay(day, months));
    const target = nthWorkingDayAfter(days, day, dayCount, limit);
    if (target === null) return new Date(horizon);
    day = target;
    // Offset 0 means an opening; the previous closing has the same working time
    // behind it and is earlier, so whole days from an opening end at a closing.
    if (pos.offset === 0) cursor = closingOf(days, days.previousWorkingDay(day));
    else {
      // Same local clock time when the target day is open then (so DST does
      // not shift "tomorrow, same time" by an hour); otherwise the same amount
      // of working time into that day.
      const clock = toWall(cursor, tz) - localDay(cursor, tz) * DAY_MS;
      const sameClock = fromWall(day * DAY_MS + clock, tz);
      cursor = days.on(day).some(([s, e]) => s < sameClock && sameClock <= e) ? sameClock : instantAtOffset(days, day, pos.offset);
    }
  }
  const end = consume(days, cursor, timeMs, limit);
  return new Date(end === null ? horizon : Math.min(end, horizon));
}

/**
 * The deadline of a window of `duration` started at `start`: `wall` is plain
 * elapsed time; `business` only counts the calendar's working time (see the
 * module comment for how days, weeks and months are read).
 */
export function computeDeadline(start: Date, duration: string, mode: "wall" | "business", calendar?: Calendar): Date {
  const parts = boundedParts(duration);
  if (mode === "wall") return addDuration(start, parts);
  if (!calendar) throw new RangeError("business-time deadlines need a calendar");
  return businessDeadline(start, parts, calendar);
}

/**
 * The working intervals of one local date ("YYYY-MM-DD") as instants, in
 * order; empty on a holiday or a closed day.
 */
export function workingIntervals(localDate: string, calendar: Calendar): Array<[Date, Date]> {
  return new Days(calendar).on(dayOfIso(localDate)).map(([s, e]) => [new Date(s), new Date(e)]);
}
