import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Calendar, computeDeadline, workingIntervals } from "../../core/scheduling/calendar";

const officeHours = (tz: string, holidays: string[] = []): Calendar =>
  Calendar.parse({
    time_zone: tz,
    working_hours: {
      mon: [["09:00", "17:00"]],
      tue: [["09:00", "17:00"]],
      wed: [["09:00", "17:00"]],
      thu: [["09:00", "17:00"]],
      fri: [["09:00", "17:00"]],
    },
    holidays,
  });

const every = (hours: Array<[string, string]>) => ({
  mon: hours,
  tue: hours,
  wed: hours,
  thu: hours,
  fri: hours,
  sat: hours,
  sun: hours,
});

const berlin = officeHours("Europe/Berlin");
const newYork = officeHours("America/New_York");
const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();
const business = (start: string, duration: string, cal: Calendar) => iso(computeDeadline(at(start), duration, "business", cal));

describe("Calendar schema", () => {
  it("accepts a valid calendar, defaults holidays and allows 24:00 as an end", () => {
    const cal = Calendar.parse({ time_zone: "Europe/Berlin", working_hours: { sat: [["20:00", "24:00"]] } });
    expect(cal.holidays).toEqual([]);
  });
  it("rejects an unknown time zone", () => {
    const r = Calendar.safeParse({ time_zone: "Europe/Atlantis", working_hours: { mon: [["09:00", "17:00"]] } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["time_zone"]);
  });
  it("requires at least one working day", () => {
    expect(Calendar.safeParse({ time_zone: "UTC", working_hours: {} }).success).toBe(false);
    expect(Calendar.safeParse({ time_zone: "UTC", working_hours: { mon: [] } }).success).toBe(false);
  });
  it("rejects reversed, overlapping and unsorted intervals and malformed times", () => {
    const bad = [
      [["17:00", "09:00"]],
      [["09:00", "09:00"]],
      [
        ["09:00", "13:00"],
        ["12:00", "17:00"],
      ],
      [
        ["13:00", "17:00"],
        ["09:00", "12:00"],
      ],
      [["9:00", "17:00"]],
      [["24:00", "24:00"]],
      [["09:00", "24:01"]],
    ];
    for (const mon of bad) expect(Calendar.safeParse({ time_zone: "UTC", working_hours: { mon } }).success, JSON.stringify(mon)).toBe(false);
  });
  it("allows touching intervals", () => {
    const mon = [
      ["09:00", "12:00"],
      ["12:00", "17:00"],
    ];
    expect(Calendar.safeParse({ time_zone: "UTC", working_hours: { mon } }).success).toBe(true);
  });
  it("rejects bad holidays and unknown keys", () => {
    const base = { time_zone: "UTC", working_hours: { mon: [["09:00", "17:00"]] } };
    expect(Calendar.safeParse({ ...base, holidays: ["2026-02-30"] }).success).toBe(false);
    expect(Calendar.safeParse({ ...base, holidays: ["26-01-01"] }).success).toBe(false);
    expect(Calendar.safeParse({ ...base, weekend: ["sat"] }).success).toBe(false);
    expect(Calendar.safeParse({ ...base, working_hours: { monday: [["09:00", "17:00"]] } }).success).toBe(false);
  });
});

describe("wall mode", () => {
  it("is plain elapsed time, with or without a calendar", () => {
    expect(iso(computeDeadline(at("2026-03-27T15:00:00Z"), "PT4H", "wall"))).toBe("2026-03-27T19:00:00.000Z");
    expect(iso(computeDeadline(at("2026-03-27T15:00:00Z"), "PT4H", "wall", berlin))).toBe("2026-03-27T19:00:00.000Z");
    // Across Berlin's spring-forward night: still 24 real hours.
    expect(iso(computeDeadline(at("2026-03-28T11:00:00Z"), "P1D", "wall", berlin))).toBe("2026-03-29T11:00:00.000Z");
  });
  it("rejects business mode without a calendar and bad durations", () => {
    expect(() => computeDeadline(at("2026-03-27T15:00:00Z"), "PT4H", "business")).toThrow(RangeError);
    expect(() => computeDeadline(at("2026-03-27T15:00:00Z"), "4 hours", "wall")).toThrow(RangeError);
  });
});

describe("business mode: hours", () => {
  it("carries a Friday afternoon window over the weekend (PT4H from Fri 16:00 ends Mon 12:00)", () => {
    // Plain weeks, no DST change: Berlin is +01:00 both days.
    expect(business("2026-02-13T16:00:00+01:00", "PT4H", berlin)).toBe(iso(at("2026-02-16T12:00:00+01:00")));
  });
  it("stays within the day when it fits, and ends at closing rather than the next opening", () => {
    expect(business("2026-02-11T10:00:00+01:00", "PT2H30M", berlin)).toBe(iso(at("2026-02-11T12:30:00+01:00")));
    expect(business("2026-02-11T09:00:00+01:00", "PT8H", berlin)).toBe(iso(at("2026-02-11T17:00:00+01:00")));
    expect(business("2026-02-11T09:00:00+01:00", "PT8H1S", berlin)).toBe(iso(at("2026-02-12T09:00:01+01:00")));
  });
  it("starts counting at the next opening when started outside working hours", () => {
    // Wednesday 20:00 → Thursday 09:00 + 1h.
    expect(business("2026-02-11T20:00:00+01:00", "PT1H", berlin)).toBe(iso(at("2026-02-12T10:00:00+01:00")));
    // Wednesday 06:00 → same day 09:00 + 1h.
    expect(business("2026-02-11T06:00:00+01:00", "PT1H", berlin)).toBe(iso(at("2026-02-11T10:00:00+01:00")));
    // Saturday → Monday.
    expect(business("2026-02-14T12:00:00+01:00", "PT30M", berlin)).toBe(iso(at("2026-02-16T09:30:00+01:00")));
  });
  it("skips holidays, also when started on one", () => {
    // Good Friday 2026-04-03 and Easter Monday 2026-04-06.
    const cal = officeHours("Europe/Berlin", ["2026-04-03", "2026-04-06"]);
    expect(business("2026-04-02T15:00:00+02:00", "PT4H", cal)).toBe(iso(at("2026-04-07T11:00:00+02:00")));
    expect(business("2026-04-03T10:00:00+02:00", "PT1H", cal)).toBe(iso(at("2026-04-07T10:00:00+02:00")));
    expect(workingIntervals("2026-04-03", cal)).toEqual([]);
  });
  it("handles several intervals per day (lunch break)", () => {
    const cal = Calendar.parse({
      time_zone: "Europe/Berlin",
      working_hours: {
        mon: [
          ["08:00", "12:00"],
          ["13:00", "17:00"],
        ],
        tue: [
          ["08:00", "12:00"],
          ["13:00", "17:00"],
        ],
      },
    });
    expect(business("2026-02-16T11:00:00+01:00", "PT2H", cal)).toBe(iso(at("2026-02-16T14:00:00+01:00")));
    expect(business("2026-02-16T12:30:00+01:00", "PT1H", cal)).toBe(iso(at("2026-02-16T14:00:00+01:00")));
    expect(business("2026-02-16T11:00:00+01:00", "PT8H", cal)).toBe(iso(at("2026-02-17T11:00:00+01:00")));
    // Tuesday afternoon, then nothing until next Monday.
    expect(business("2026-02-17T16:00:00+01:00", "PT2H", cal)).toBe(iso(at("2026-02-23T09:00:00+01:00")));
  });
});

describe("business mode across daylight-saving changes", () => {
  it("Europe/Berlin spring forward (Sun 2026-03-29): Fri 16:00 + PT4H = Mon 12:00 CEST", () => {
    expect(business("2026-03-27T16:00:00+01:00", "PT4H", berlin)).toBe("2026-03-30T10:00:00.000Z");
  });
  it("Europe/Berlin fall back (Sun 2026-10-25): Fri 16:00 + PT4H = Mon 12:00 CET", () => {
    expect(business("2026-10-23T16:00:00+02:00", "PT4H", berlin)).toBe("2026-10-26T11:00:00.000Z");
  });
  it("America/New_York spring forward (Sun 2026-03-08): Fri 16:00 + PT4H = Mon 12:00 EDT", () => {
    expect(business("2026-03-06T16:00:00-05:00", "PT4H", newYork)).toBe("2026-03-09T16:00:00.000Z");
  });
  it("America/New_York fall back (Sun 2026-11-01): Fri 16:00 + PT4H = Mon 12:00 EST", () => {
    expect(business("2026-10-30T16:00:00-04:00", "PT4H", newYork)).toBe("2026-11-02T17:00:00.000Z");
  });
  it("counts real time inside a night shift that contains the change", () => {
    const nights = Calendar.parse({ time_zone: "America/New_York", working_hours: every([["00:00", "06:00"]]) });
    // 2026-03-08 00:00–06:00 EST/EDT holds only 5 real hours; the 6th is Monday 00:00–01:00.
    expect(business("2026-03-07T23:00:00-05:00", "PT6H", nights)).toBe(iso(at("2026-03-09T01:00:00-04:00")));
    // 2026-11-01 00:00–06:00 holds 7 real hours; 6 of them end at 05:00 EST.
    expect(business("2026-10-31T23:00:00-04:00", "PT6H", nights)).toBe(iso(at("2026-11-01T05:00:00-05:00")));
  });
  it("a round-the-clock day is 23 h on spring forward and 25 h on fall back", () => {
    const always = Calendar.parse({ time_zone: "Europe/Berlin", working_hours: every([["00:00", "24:00"]]) });
    expect(business("2026-03-29T00:00:00+01:00", "PT23H", always)).toBe(iso(at("2026-03-30T00:00:00+02:00")));
    expect(business("2026-10-25T00:00:00+02:00", "PT25H", always)).toBe(iso(at("2026-10-26T00:00:00+01:00")));
  });
});

describe("business mode: days and weeks", () => {
  it("P1D is the same clock time on the next working day", () => {
    expect(business("2026-02-10T11:00:00+01:00", "P1D", berlin)).toBe(iso(at("2026-02-11T11:00:00+01:00")));
    expect(business("2026-02-13T16:00:00+01:00", "P1D", berlin)).toBe(iso(at("2026-02-16T16:00:00+01:00")));
    expect(business("2026-02-13T16:00:00+01:00", "P2D", berlin)).toBe(iso(at("2026-02-17T16:00:00+01:00")));
  });
  it("keeps the clock time across a DST weekend", () => {
    expect(business("2026-03-27T11:00:00+01:00", "P1D", berlin)).toBe(iso(at("2026-03-30T11:00:00+02:00")));
    const always = Calendar.parse({ time_zone: "Europe/Berlin", working_hours: every([["00:00", "24:00"]]) });
    expect(business("2026-03-28T12:00:00+01:00", "P1D", always)).toBe(iso(at("2026-03-29T12:00:00+02:00")));
  });
  it("from outside working hours, whole days end at a closing", () => {
    expect(business("2026-02-13T18:00:00+01:00", "P1D", berlin)).toBe(iso(at("2026-02-16T17:00:00+01:00")));
    expect(business("2026-02-16T09:00:00+01:00", "P1D", berlin)).toBe(iso(at("2026-02-16T17:00:00+01:00")));
  });
  it("skips holidays when counting days", () => {
    const cal = officeHours("Europe/Berlin", ["2026-04-03", "2026-04-06"]);
    expect(business("2026-04-02T10:00:00+02:00", "P1D", cal)).toBe(iso(at("2026-04-07T10:00:00+02:00")));
  });
  it("adds the time part after the days", () => {
    expect(business("2026-02-13T16:00:00+01:00", "P1DT2H", berlin)).toBe(iso(at("2026-02-17T10:00:00+01:00")));
  });
  it("P1W is one working week (5 working days for Mon–Fri)", () => {
    expect(business("2026-02-10T11:00:00+01:00", "P1W", berlin)).toBe(iso(at("2026-02-17T11:00:00+01:00")));
  });
  it("P1M moves the local date a month, then to the first working day at the same clock time", () => {
    // 2026-03-10 is a Tuesday and on summer time in New York; 2026-02-10 was not.
    expect(business("2026-02-10T11:00:00-05:00", "P1M", newYork)).toBe(iso(at("2026-03-10T11:00:00-04:00")));
    // Started on Saturday 14 Feb: counts from Monday 16 Feb 09:00, so a month later is the
    // opening of Monday 16 Mar, reported as the previous closing.
    expect(business("2026-02-14T10:00:00-05:00", "P1M", newYork)).toBe(iso(at("2026-03-13T17:00:00-04:00")));
  });
  it("a shorter target day ends at its closing", () => {
    const cal = Calendar.parse({
      time_zone: "Europe/Berlin",
      working_hours: { fri: [["09:00", "17:00"]], sat: [["10:00", "13:00"]] },
    });
    expect(business("2026-02-13T16:00:00+01:00", "P1D", cal)).toBe(iso(at("2026-02-14T13:00:00+01:00")));
  });
});

describe("workingIntervals", () => {
  it("reads working hours in the calendar's zone", () => {
    expect(workingIntervals("2026-02-11", berlin)).toEqual([[at("2026-02-11T09:00:00+01:00"), at("2026-02-11T17:00:00+01:00")]]);
    // The same office hours are noon to 22:00 UTC in New York.
    expect(workingIntervals("2026-02-11", newYork)).toEqual([[at("2026-02-11T14:00:00Z"), at("2026-02-11T22:00:00Z")]]);
    expect(workingIntervals("2026-02-14", berlin)).toEqual([]);
  });
  it("counts from the next opening across a weekend and a daylight-saving change", () => {
    expect(business("2026-02-13T17:00:00+01:00", "PT1H", berlin)).toBe(iso(at("2026-02-16T10:00:00+01:00")));
    expect(business("2026-03-28T12:00:00+01:00", "PT1H", berlin)).toBe(iso(at("2026-03-30T10:00:00+02:00")));
  });
  it("treats an interval ending at 24:00 as running to midnight", () => {
    const cal = Calendar.parse({ time_zone: "Europe/Berlin", working_hours: { sat: [["20:00", "24:00"]] } });
    expect(workingIntervals("2026-02-14", cal)).toEqual([[at("2026-02-14T20:00:00+01:00"), at("2026-02-15T00:00:00+01:00")]]);
    expect(business("2026-02-14T22:00:00+01:00", "PT2H", cal)).toBe(iso(at("2026-02-15T00:00:00+01:00")));
    expect(business("2026-02-14T22:00:00+01:00", "PT3H", cal)).toBe(iso(at("2026-02-21T21:00:00+01:00")));
  });
});

// ---------------------------------------------------------------------------
// Long windows: whole weeks are counted, not walked; the answer must not change.

const DAY = 86_400_000;
const localParts = (t: Date, tz: string) => {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: tz,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(t);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return { date: `${get("year")}-${get("month")}-${get("day")}`, clock: `${get("hour")}:${get("minute")}:${get("second")}` };
};
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

/** Reference: consumes working time interval by interval, one local day after another. */
function walkTime(start: Date, ms: number, cal: Calendar): Date {
  const t = start.getTime();
  let remaining = ms;
  for (let date = addDays(localParts(start, cal.time_zone).date, -1); ; date = addDays(date, 1)) {
    for (const [s, e] of workingIntervals(date, cal)) {
      if (e.getTime() <= t) continue;
      const begin = Math.max(s.getTime(), t);
      if (remaining <= e.getTime() - begin) return new Date(begin + remaining);
      remaining -= e.getTime() - begin;
    }
  }
}

/** Reference: the n-th local date after `date` that has working hours. */
function walkWorkingDays(date: string, n: number, cal: Calendar): string {
  let d = date;
  for (let left = n; left > 0; ) {
    d = addDays(d, 1);
    if (workingIntervals(d, cal).length > 0) left--;
  }
  return d;
}

const ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "America/Santiago"];
// Night shifts and round-the-clock days contain the daylight-saving changes; 01:30–03:30 straddles the gap.
const DAY_SHAPES: Array<Array<[string, string]>> = [
  [["09:00", "17:00"]],
  [
    ["08:00", "12:00"],
    ["13:00", "17:00"],
  ],
  [["00:00", "06:00"]],
  [["00:00", "24:00"]],
  [["20:00", "24:00"]],
  [["01:30", "03:30"]],
];
const FROM = Date.parse("2026-01-01T00:00:00Z");
const YEAR = 365 * DAY;
const holidayArb = fc
  .array(fc.integer({ min: 0, max: 3 * 365 }), { maxLength: 40 })
  .map((offsets) => [...new Set(offsets)].map((o) => new Date(FROM + o * DAY).toISOString().slice(0, 10)));
const calendarArb = fc
  .record({
    tz: fc.constantFrom(...ZONES),
    shapes: fc.array(fc.option(fc.integer({ min: 0, max: DAY_SHAPES.length - 1 }), { nil: undefined }), { minLength: 7, maxLength: 7 }),
    holidays: holidayArb,
  })
  .filter(({ shapes }) => shapes.some((s) => s !== undefined))
  .map(({ tz, shapes, holidays }) => {
    const working_hours: Record<string, Array<[string, string]>> = {};
    (["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const).forEach((w, i) => {
      const shape = shapes[i];
      if (shape !== undefined) working_hours[w] = DAY_SHAPES[shape] ?? [];
    });
    return Calendar.parse({ time_zone: tz, working_hours, holidays });
  });
const weeklyHours = (cal: Calendar) =>
  Object.values(cal.working_hours).reduce(
    (sum, day) =>
      sum + (day ?? []).reduce((h, [s, e]) => h + (Number(e.slice(0, 2)) * 60 + Number(e.slice(3)) - Number(s.slice(0, 2)) * 60 - Number(s.slice(3))) / 60, 0),
    0,
  );

describe("business mode: long windows", () => {
  it("hours and minutes: the same deadline as consuming working time day by day (up to a year of working time)", () => {
    fc.assert(
      fc.property(calendarArb, fc.integer({ min: 0, max: YEAR - 1 }), fc.double({ min: 0, max: 1, noNaN: true }), (cal, offset, share) => {
        // Up to a year of this calendar's working time, in whole minutes.
        const minutes = Math.max(1, Math.floor(share * weeklyHours(cal) * 52 * 60));
        const start = new Date(FROM + offset);
        const duration = `PT${Math.floor(minutes / 60)}H${minutes % 60}M`;
        expect(iso(computeDeadline(start, duration, "business", cal)), `${cal.time_zone} ${start.toISOString()} ${duration}`).toBe(
          iso(walkTime(start, minutes * 60_000, cal)),
        );
      }),
      { seed: 20_260_211, numRuns: 100 },
    );
  });

  it("days and weeks: the same working day as counting day by day, at the same clock time", () => {
    const sameHoursArb = fc
      .record({
        tz: fc.constantFrom(...ZONES),
        days: fc.subarray(["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const, { minLength: 1 }),
        holidays: holidayArb,
      })
      .map(({ tz, days, holidays }) =>
        Calendar.parse({ time_zone: tz, working_hours: Object.fromEntries(days.map((d) => [d, [["08:00", "18:00"]]])), holidays }),
      );
    fc.assert(
      fc.property(
        sameHoursArb,
        fc.integer({ min: 0, max: 364 }),
        fc.integer({ min: 1, max: 599 }),
        fc.integer({ min: 1, max: 300 }),
        (cal, dayOffset, minute, count) => {
          // A start inside working hours (not at an opening) on a working date.
          let date = addDays("2026-01-01", dayOffset);
          while (workingIntervals(date, cal).length === 0) date = addDays(date, 1);
          const [open] = workingIntervals(date, cal)[0] ?? [];
          const start = new Date((open as Date).getTime() + minute * 60_000);
          const got = localParts(computeDeadline(start, `P${count}D`, "business", cal), cal.time_zone);
          expect(got, `${cal.time_zone} ${start.toISOString()} P${count}D`).toEqual({
            date: walkWorkingDays(date, count, cal),
            clock: localParts(start, cal.time_zone).clock,
          });
        },
      ),
      { seed: 20_260_212, numRuns: 40 },
    );
  });

  it("a round-the-clock calendar counts real elapsed time over months, across a DST change", () => {
    const always = Calendar.parse({ time_zone: "Europe/Berlin", working_hours: every([["00:00", "24:00"]]) });
    // January to May: the spring-forward week has an hour less than its weekday hours say.
    expect(business("2026-01-05T10:00:00Z", "PT3000H", always)).toBe(iso(new Date(Date.parse("2026-01-05T10:00:00Z") + 3_000 * 3_600_000)));
    // Over a year both changes are inside: still real time.
    expect(business("2026-01-05T10:00:00Z", "PT8000H", always)).toBe(iso(new Date(Date.parse("2026-01-05T10:00:00Z") + 8_000 * 3_600_000)));
  });

  it("a day whose only hours fall into the spring-forward gap is not a working day", () => {
    // 02:00–03:00 does not exist in Berlin on 2026-03-29.
    const cal = Calendar.parse({ time_zone: "Europe/Berlin", working_hours: { sun: [["02:00", "03:00"]] } });
    expect(workingIntervals("2026-03-29", cal)).toEqual([]);
    const end = localParts(computeDeadline(at("2026-01-04T02:30:00+01:00"), "P30D", "business", cal), "Europe/Berlin");
    expect(end.date).toBe(walkWorkingDays("2026-01-04", 30, cal));
    expect(end.date).toBe(addDays("2026-01-04", 31 * 7));
  });

  it("computes ten years of working time (office hours: 2,190 weeks of 40 h end on a Friday's closing)", () => {
    const start = at("2026-02-16T09:00:00+01:00"); // a Monday opening
    const end = localParts(computeDeadline(start, "PT87600H", "business", berlin), "Europe/Berlin");
    expect(end).toEqual({ date: addDays("2026-02-16", 2_189 * 7 + 4), clock: "17:00:00" });
  });

  it("a window used up exactly by whole weeks ends on a closing, not at the next opening", () => {
    // Tuesday's closing: Wednesday takes 8 h, then 100 weeks of 40 h end on a Wednesday at 17:00.
    const start = at("2026-02-17T17:00:00+01:00");
    const end = computeDeadline(start, "PT4008H", "business", berlin);
    expect(localParts(end, "Europe/Berlin")).toEqual({ date: addDays("2026-02-18", 700), clock: "17:00:00" });
    expect(iso(end)).toBe(iso(walkTime(start, 4_008 * 3_600_000, berlin)));
  });

  it("computes ten years of working days, and P10Y", () => {
    const start = at("2026-02-16T11:00:00+01:00");
    // 3,650 working days are 730 weeks of five.
    expect(localParts(computeDeadline(start, "P3650D", "business", berlin), "Europe/Berlin")).toEqual({
      date: addDays("2026-02-16", 730 * 7),
      clock: "11:00:00",
    });
    expect(localParts(computeDeadline(start, "P520W", "business", berlin), "Europe/Berlin")).toEqual({
      date: addDays("2026-02-16", 520 * 7),
      clock: "11:00:00",
    });
    // 2036-02-16 is a Saturday: the first working day on or after it.
    expect(localParts(computeDeadline(start, "P10Y", "business", berlin), "Europe/Berlin")).toEqual({
      date: "2036-02-18",
      clock: "11:00:00",
    });
  });

  it("skips holidays inside the counted weeks", () => {
    const holidays = ["2026-05-01", "2026-12-24", "2026-12-25", "2027-01-01", "2030-10-03"];
    const cal = officeHours("Europe/Berlin", holidays);
    const start = at("2026-02-16T11:00:00+01:00");
    expect(localParts(computeDeadline(start, "P1000D", "business", cal), "Europe/Berlin")).toEqual({
      date: walkWorkingDays("2026-02-16", 1_000, cal),
      clock: "11:00:00",
    });
    expect(iso(computeDeadline(start, "PT8000H", "business", cal))).toBe(iso(walkTime(start, 8_000 * 3_600_000, cal)));
  });

  it("a window a sparse calendar would stretch beyond 100 years ends 100 years after its start", () => {
    const saturdayEvenings = Calendar.parse({ time_zone: "UTC", working_hours: { sat: [["20:00", "24:00"]] } });
    const start = at("2026-02-14T21:00:00Z");
    // 87,600 h at 4 h a week would take about 420 years.
    expect(iso(computeDeadline(start, "PT87600H", "business", saturdayEvenings))).toBe(iso(new Date(start.getTime() + 36_525 * DAY)));
    // 3,650 working days are 70 years of Saturdays: within the horizon.
    expect(localParts(computeDeadline(start, "P3650D", "business", saturdayEvenings), "UTC")).toEqual({
      date: addDays("2026-02-14", 3_650 * 7),
      clock: "21:00:00",
    });
  });
});
