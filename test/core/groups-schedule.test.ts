/**
 * Group schedules: RFC 5545 rules read as local times in an IANA zone, so a
 * session keeps its wall-clock time when the zone's offset changes; the
 * forms of DTSTART; the bounds every rule and window is held to.
 */
import { describe, expect, it } from "vitest";
import { DomainError } from "../../core/errors";
import { MAX_SESSIONS, checkWindow, normalizeSchedule, sessionsBetween, type Schedule } from "../../core/modules/groups/schedule";
import { fromWall, localTimestamp } from "../../core/scheduling/time-zone";

const at = (iso: string) => new Date(iso);
const starts = (s: Schedule, from: string, to: string) => sessionsBetween(s, at(from), at(to)).items.map((x) => x.starts_at);

function refusal(f: () => unknown): { path: string; message: string }[] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe("validation");
    return (e as DomainError).errors;
  }
  throw new Error("not refused");
}

const TUE_THU_18 = "FREQ=WEEKLY;BYDAY=TU,TH;BYHOUR=18;BYMINUTE=0";

describe("weekly sessions across a change of offset", () => {
  it("Europe/Paris: 18:00 stays 18:00 local when summer time ends (UTC+2 → UTC+1)", () => {
    const s = normalizeSchedule({ rrule: TUE_THU_18, duration: "PT90M", timezone: "Europe/Paris" }, at("2026-10-01T12:34:56Z"));
    const r = sessionsBetween(s, at("2026-10-19T00:00:00Z"), at("2026-11-02T00:00:00Z"));
    expect(r.truncated).toBe(false);
    expect(r.items).toEqual([
      { starts_at: "2026-10-20T16:00:00Z", ends_at: "2026-10-20T17:30:00Z", local_start: "2026-10-20T18:00:00+02:00" },
      { starts_at: "2026-10-22T16:00:00Z", ends_at: "2026-10-22T17:30:00Z", local_start: "2026-10-22T18:00:00+02:00" },
      { starts_at: "2026-10-27T17:00:00Z", ends_at: "2026-10-27T18:30:00Z", local_start: "2026-10-27T18:00:00+01:00" },
      { starts_at: "2026-10-29T17:00:00Z", ends_at: "2026-10-29T18:30:00Z", local_start: "2026-10-29T18:00:00+01:00" },
    ]);
  });

  it("Europe/Paris: and when it starts again in March (UTC+1 → UTC+2)", () => {
    const s = normalizeSchedule({ rrule: TUE_THU_18, duration: "PT1H", timezone: "Europe/Paris" }, at("2026-01-01T00:00:00Z"));
    expect(starts(s, "2026-03-23T00:00:00Z", "2026-04-03T00:00:00Z")).toEqual([
      "2026-03-24T17:00:00Z",
      "2026-03-26T17:00:00Z",
      "2026-03-31T16:00:00Z",
      "2026-04-02T16:00:00Z",
    ]);
  });

  it("America/New_York: the change a week later than Europe's (1 November 2026, UTC-4 → UTC-5)", () => {
    const s = normalizeSchedule(
      { rrule: "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=30", duration: "PT45M", timezone: "America/New_York" },
      at("2026-10-01T00:00:00Z"),
    );
    const r = sessionsBetween(s, at("2026-10-20T00:00:00Z"), at("2026-11-10T00:00:00Z"));
    expect(r.items.map((x) => [x.starts_at, x.local_start])).toEqual([
      ["2026-10-26T13:30:00Z", "2026-10-26T09:30:00-04:00"],
      ["2026-11-02T14:30:00Z", "2026-11-02T09:30:00-05:00"],
      ["2026-11-09T14:30:00Z", "2026-11-09T09:30:00-05:00"],
    ]);
    // A session that spans no change lasts its duration; the end is in UTC too.
    expect(r.items[0]!.ends_at).toBe("2026-10-26T14:15:00Z");
  });

  it("a local time that happens twice is its first occurrence; one that never happens lands just after the jump", () => {
    // 25 October 2026, Paris: 02:30 happens at 00:30Z (summer) and again at 01:30Z (winter).
    expect(new Date(fromWall(Date.UTC(2026, 9, 25, 2, 30), "Europe/Paris")).toISOString()).toBe("2026-10-25T00:30:00.000Z");
    // 29 March 2026, Paris: 02:30 never happens; read with the winter offset it is 01:30Z (03:30 summer time).
    expect(new Date(fromWall(Date.UTC(2026, 2, 29, 2, 30), "Europe/Paris")).toISOString()).toBe("2026-03-29T01:30:00.000Z");
    const daily = normalizeSchedule({ rrule: "FREQ=DAILY;BYHOUR=2;BYMINUTE=30", duration: "PT30M", timezone: "Europe/Paris" }, at("2026-03-01T00:00:00Z"));
    expect(starts(daily, "2026-03-28T00:00:00Z", "2026-03-31T00:00:00Z")).toEqual(["2026-03-28T01:30:00Z", "2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z"]);
    expect(localTimestamp(Date.parse("2026-03-29T01:30:00Z"), "Europe/Paris")).toBe("2026-03-29T03:30:00+02:00");
  });
});

describe("DTSTART forms", () => {
  const base = { duration: "PT90M", timezone: "Europe/Paris" };

  it("with TZID: the local reading is kept as written", () => {
    const s = normalizeSchedule({ ...base, rrule: `DTSTART;TZID=Europe/Paris:20260105T180000\nRRULE:FREQ=WEEKLY;BYDAY=TU,TH` }, at("2030-01-01T00:00:00Z"));
    expect(s.rrule).toBe("DTSTART;TZID=Europe/Paris:20260105T180000\nRRULE:FREQ=WEEKLY;BYDAY=TU,TH");
    // Time of day from DTSTART (18:00 local), days from BYDAY; the anchor plays no part.
    expect(starts(s, "2026-01-05T00:00:00Z", "2026-01-10T00:00:00Z")).toEqual(["2026-01-06T17:00:00Z", "2026-01-08T17:00:00Z"]);
    expect(starts(s, "2026-07-06T00:00:00Z", "2026-07-10T00:00:00Z")).toEqual(["2026-07-07T16:00:00Z", "2026-07-09T16:00:00Z"]);
  });

  it("in UTC (Z) it is read in the schedule's zone; floating it is local; CRLF lines and lower case are read too", () => {
    const z = normalizeSchedule({ ...base, rrule: "DTSTART:20260105T170000Z\r\nrrule:freq=weekly;byday=tu" }, at("2030-01-01T00:00:00Z"));
    expect(z.rrule).toBe("DTSTART;TZID=Europe/Paris:20260105T180000\nRRULE:FREQ=WEEKLY;BYDAY=TU");
    const floating = normalizeSchedule({ ...base, rrule: "DTSTART:20260105T180000\nRRULE:FREQ=WEEKLY;BYDAY=TU" }, at("2030-01-01T00:00:00Z"));
    expect(floating.rrule).toBe(z.rrule);
  });

  it("without DTSTART the rule starts on the anchor's local day, at midnight (no stray seconds)", () => {
    // 23:30Z on 4 January is already 5 January in Paris.
    const s = normalizeSchedule({ ...base, rrule: TUE_THU_18 }, at("2026-01-04T23:30:17Z"));
    expect(s.rrule).toBe(`DTSTART;TZID=Europe/Paris:20260105T000000\nRRULE:${TUE_THU_18}`);
  });

  it("a TZID other than the schedule's zone is refused", () => {
    expect(
      refusal(() => normalizeSchedule({ ...base, rrule: "DTSTART;TZID=Europe/London:20260105T180000\nRRULE:FREQ=WEEKLY" }, at("2026-01-01T00:00:00Z")))[0]!
        .path,
    ).toBe("rrule");
  });

  it("UNTIL in UTC ends the rule at that instant; COUNT counts sessions", () => {
    const until = normalizeSchedule({ ...base, rrule: "FREQ=DAILY;BYHOUR=18;BYMINUTE=0;UNTIL=20261022T160000Z" }, at("2026-10-20T00:00:00Z"));
    expect(starts(until, "2026-10-01T00:00:00Z", "2026-12-01T00:00:00Z")).toEqual(["2026-10-20T16:00:00Z", "2026-10-21T16:00:00Z", "2026-10-22T16:00:00Z"]);
    const count = normalizeSchedule({ ...base, rrule: "FREQ=WEEKLY;BYDAY=TU;BYHOUR=18;BYMINUTE=0;COUNT=2" }, at("2026-10-19T00:00:00Z"));
    expect(starts(count, "2026-10-01T00:00:00Z", "2026-12-01T00:00:00Z")).toEqual(["2026-10-20T16:00:00Z", "2026-10-27T17:00:00Z"]);
  });
});

describe("far from DTSTART", () => {
  it("a window years later costs little and keeps the weekday, the time and the phase of INTERVAL", () => {
    const s = normalizeSchedule(
      { rrule: "DTSTART;TZID=Europe/Paris:20260106T180000\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", duration: "PT1H", timezone: "Europe/Paris" },
      at("2026-01-01T00:00:00Z"),
    );
    const t0 = Date.now();
    const r = sessionsBetween(s, at("2031-06-01T00:00:00Z"), at("2031-07-01T00:00:00Z"));
    expect(Date.now() - t0).toBeLessThan(1_000);
    const weeks = (iso: string) => Math.round((Date.parse(iso) - Date.parse("2026-01-06T17:00:00Z")) / (7 * 86_400_000));
    expect(r.items.length).toBe(2);
    for (const x of r.items) {
      expect(new Date(x.starts_at).getUTCDay()).toBe(2);
      expect(x.local_start).toMatch(/T18:00:00\+02:00$/);
      expect(weeks(x.starts_at) % 2).toBe(0);
    }
  });
});

describe("bounds", () => {
  const ok = { rrule: TUE_THU_18, duration: "PT1H", timezone: "Europe/Paris" };
  const anchor = at("2026-01-01T00:00:00Z");
  const pathOf = (s: Partial<Schedule>) => refusal(() => normalizeSchedule({ ...ok, ...s }, anchor)).map((e) => e.path);

  it("refuses frequencies finer than hourly, and parts a timetable has no use for", () => {
    for (const rrule of ["FREQ=MINUTELY", "FREQ=SECONDLY", "FREQ=WEEKLY;BYSECOND=5", "FREQ=WEEKLY;BYHOUR=24", "FREQ=WEEKLY;BYDAY=XX", "FREQ=FORTNIGHTLY"]) {
      expect(pathOf({ rrule }), rrule).toEqual(["rrule"]);
    }
    const minutely = refusal(() => normalizeSchedule({ ...ok, rrule: "FREQ=MINUTELY" }, anchor))[0]!;
    expect(minutely.message).toMatch(/HOURLY/);
    for (const rrule of [
      "BYDAY=TU",
      "FREQ=WEEKLY;COUNT=3;UNTIL=20270101",
      "FREQ=WEEKLY;FREQ=DAILY",
      "FREQ=WEEKLY;X-NAME=1",
      "FREQ=WEEKLY;BYDAY=1TU",
      "FREQ=WEEKLY\nFREQ=DAILY",
      "EXDATE:20260101",
    ]) {
      expect(pathOf({ rrule }), rrule).toEqual(["rrule"]);
    }
    expect(pathOf({ rrule: `FREQ=WEEKLY;BYDAY=${"TU,".repeat(400)}TU` })).toEqual(["rrule"]);
  });

  it("refuses a rule of more than 1,000 characters", () => {
    const long = `FREQ=WEEKLY;BYMINUTE=${Array.from({ length: 60 }, (_, i) => i).join(",")};${"BYHOUR=1;".repeat(100)}`;
    expect(long.length).toBeGreaterThan(1_000);
    expect(refusal(() => normalizeSchedule({ ...ok, rrule: long }, anchor))[0]!.message).toMatch(/1000/);
  });

  it("refuses a rule that never yields a session, quickly", () => {
    const t0 = Date.now();
    expect(pathOf({ rrule: "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30" })).toEqual(["rrule"]);
    expect(pathOf({ rrule: "DTSTART:20260106T180000\nRRULE:FREQ=DAILY;INTERVAL=7;BYDAY=MO" })).toEqual(["rrule"]);
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it("refuses unknown zones and bare offsets", () => {
    for (const timezone of ["Mars/Olympus", "+02:00", "CEST+2", "", "Europe/Paris/../x"]) expect(pathOf({ timezone }), timezone).toEqual(["timezone"]);
    expect(normalizeSchedule({ ...ok, timezone: "UTC" }, anchor).timezone).toBe("UTC");
  });

  it("refuses durations that are not ISO 8601, not positive, or longer than a day", () => {
    for (const duration of ["90 minutes", "PT0S", "P2D", "PT25H", "P1M", ""]) expect(pathOf({ duration }), duration).toEqual(["duration"]);
    expect(normalizeSchedule({ ...ok, duration: "P1D" }, anchor).duration).toBe("P1D");
  });

  it("answers at most 1,000 sessions, and says when there were more", () => {
    const hourly = normalizeSchedule({ rrule: "FREQ=HOURLY", duration: "PT1H", timezone: "Europe/Paris" }, anchor);
    const r = sessionsBetween(hourly, at("2026-02-01T00:00:00Z"), at("2027-02-01T00:00:00Z"));
    expect(r.items).toHaveLength(MAX_SESSIONS);
    expect(r.truncated).toBe(true);
    expect(r.items[0]!.starts_at).toBe("2026-02-01T00:00:00Z");
    const few = sessionsBetween(hourly, at("2026-02-01T00:00:00Z"), at("2026-02-01T10:00:00Z"));
    expect(few.items).toHaveLength(10);
    expect(few.truncated).toBe(false);
  });

  it("holds a window to 366 days, forward", () => {
    expect(() => checkWindow(at("2026-01-01T00:00:00Z"), at("2027-01-02T00:00:00Z"))).not.toThrow();
    expect(refusal(() => checkWindow(at("2026-01-01T00:00:00Z"), at("2027-01-03T00:00:00Z")))[0]!.path).toBe("to");
    expect(refusal(() => checkWindow(at("2026-01-02T00:00:00Z"), at("2026-01-01T00:00:00Z")))[0]!.path).toBe("to");
  });
});
