import { describe, expect, it } from "vitest";
import {
  Calendar,
  computeDeadline,
  isWorkingTime,
  nextWorkingInstant,
} from "../../core/scheduling/calendar";

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
const business = (start: string, duration: string, cal: Calendar) =>
  iso(computeDeadline(at(start), duration, "business", cal));

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
    for (const mon of bad)
      expect(Calendar.safeParse({ time_zone: "UTC", working_hours: { mon } }).success, JSON.stringify(mon)).toBe(false);
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
    expect(isWorkingTime(at("2026-04-03T10:00:00+02:00"), cal)).toBe(false);
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

describe("isWorkingTime and nextWorkingInstant", () => {
  it("reads working hours in the calendar's zone, end exclusive", () => {
    expect(isWorkingTime(at("2026-02-11T09:00:00+01:00"), berlin)).toBe(true);
    expect(isWorkingTime(at("2026-02-11T16:59:59+01:00"), berlin)).toBe(true);
    expect(isWorkingTime(at("2026-02-11T17:00:00+01:00"), berlin)).toBe(false);
    expect(isWorkingTime(at("2026-02-14T12:00:00+01:00"), berlin)).toBe(false);
    // 17:00 UTC is noon in New York and 18:00 in Berlin.
    expect(isWorkingTime(at("2026-02-11T17:00:00Z"), newYork)).toBe(true);
    expect(isWorkingTime(at("2026-02-11T17:00:00Z"), berlin)).toBe(false);
  });
  it("finds the next opening", () => {
    const wed = at("2026-02-11T10:00:00+01:00");
    expect(nextWorkingInstant(wed, berlin)).toEqual(wed);
    expect(iso(nextWorkingInstant(at("2026-02-13T17:00:00+01:00"), berlin))).toBe(iso(at("2026-02-16T09:00:00+01:00")));
    expect(iso(nextWorkingInstant(at("2026-03-28T12:00:00+01:00"), berlin))).toBe(iso(at("2026-03-30T09:00:00+02:00")));
  });
  it("treats an interval ending at 24:00 as running to midnight", () => {
    const cal = Calendar.parse({ time_zone: "Europe/Berlin", working_hours: { sat: [["20:00", "24:00"]] } });
    expect(isWorkingTime(at("2026-02-14T23:59:00+01:00"), cal)).toBe(true);
    expect(isWorkingTime(at("2026-02-15T00:00:00+01:00"), cal)).toBe(false);
    expect(business("2026-02-14T22:00:00+01:00", "PT2H", cal)).toBe(iso(at("2026-02-15T00:00:00+01:00")));
    expect(business("2026-02-14T22:00:00+01:00", "PT3H", cal)).toBe(iso(at("2026-02-21T21:00:00+01:00")));
  });
});
