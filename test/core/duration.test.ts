import { describe, expect, it } from "vitest";
import { computeDeadline } from "../../core/scheduling/calendar";
import { IsoDuration, addDuration, checkDuration, durationMs, parseDuration } from "../../core/scheduling/duration";

describe("ISO 8601 durations", () => {
  it("parses the forms profiles use", () => {
    expect(parseDuration("PT15M")).toMatchObject({ minutes: 15, hours: 0 });
    expect(parseDuration("PT2S")).toMatchObject({ seconds: 2 });
    expect(parseDuration("P1DT2H")).toMatchObject({ days: 1, hours: 2 });
    expect(parseDuration("P2W")).toMatchObject({ weeks: 2 });
  });
  it("rejects malformed text", () => {
    for (const bad of ["", "P", "PT", "15M", "PT-1S", "P1H", "PT1D", "1 day"]) expect(parseDuration(bad)).toBeNull();
  });
  it("adds calendar months without overflowing into the next month", () => {
    expect(addDuration(new Date("2026-01-31T10:00:00Z"), "P1M").toISOString()).toBe("2026-02-28T10:00:00.000Z");
    expect(addDuration(new Date("2026-11-25T14:00:00Z"), "PT90M").toISOString()).toBe("2026-11-25T15:30:00.000Z");
  });
  it("gives nominal lengths", () => {
    expect(durationMs("PT2S")).toBe(2000);
    expect(durationMs("P1D")).toBe(86_400_000);
  });
});

describe("the accepted range: PT1S to P10Y", () => {
  it("accepts its ends and everything between", () => {
    for (const ok of ["PT1S", "PT1.5S", "PT15M", "P10Y", "P120M", "P3650D", "P521W", "PT87600H", "PT315360000S"]) {
      expect(checkDuration(ok), ok).toMatchObject({ ok: true });
      expect(IsoDuration.safeParse(ok).success, ok).toBe(true);
    }
  });
  it("refuses what is shorter than a second or longer than ten years, saying the range", () => {
    for (const [text, reason] of [
      ["PT0S", /too short/],
      ["PT0.999S", /too short/],
      ["P0D", /too short/],
      ["P300000D", /too long/],
      ["P300000Y", /too long/],
      ["P10YT1S", /too long/],
      ["P3651D", /too long/],
      ["PT9999999999H", /too long/],
    ] as const) {
      expect(parseDuration(text), text).toBeNull();
      const r = IsoDuration.safeParse(text);
      expect(r.success, text).toBe(false);
      expect(r.error?.issues[0]?.message, text).toMatch(reason);
      expect(r.error?.issues[0]?.message, text).toMatch(/PT1S.*P10Y/);
    }
  });
  it("refuses absurd components the grammar would otherwise admit", () => {
    for (const text of [`P${"9".repeat(400)}D`, `PT${"1".repeat(11)}S`, `PT1.${"0".repeat(10)}1S`, `P1D${"T".repeat(200)}`]) {
      expect(parseDuration(text), text.slice(0, 20)).toBeNull();
      expect(IsoDuration.safeParse(text).error?.issues[0]?.message).toMatch(/ISO 8601 duration from PT1S/);
    }
  });
  it("arithmetic never leaves the range, even for a value stored before the bounds existed", () => {
    const from = new Date("2026-02-16T09:00:00Z");
    // Before the bound, P300000Y overflowed Date (a 500) and P300000D walked 300,000 days.
    expect(addDuration(from, "P300000Y").toISOString()).toBe(addDuration(from, "P3650D").toISOString());
    expect(durationMs("P300000D")).toBe(3_650 * 86_400_000);
    expect(durationMs("PT0S")).toBe(1_000);
    expect(computeDeadline(from, "P300000Y", "wall").toISOString()).toBe("2036-02-14T09:00:00.000Z");
    const cal = { time_zone: "UTC", working_hours: { mon: [["09:00", "17:00"]] as [string, string][] }, holidays: [] };
    expect(computeDeadline(from, "P300000D", "business", cal).toISOString()).toBe(computeDeadline(from, "P3650D", "business", cal).toISOString());
    expect(() => durationMs("soon")).toThrow(RangeError);
  });
});
