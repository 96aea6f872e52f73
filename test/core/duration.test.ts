import { describe, expect, it } from "vitest";
import { addDuration, durationMs, parseDuration } from "../../core/scheduling/duration";

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
