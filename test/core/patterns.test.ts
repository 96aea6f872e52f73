import { describe, expect, it } from "vitest";
import { PatternRule, renderPatternAction } from "../../core/patterns/pattern-rule";
import { emptyPatternState, groupKeyOf, matchesPattern, recordAndCheck, type PatternState } from "../../core/patterns/window";
import { durationMs } from "../../core/scheduling/duration";

// The contract's example rule.
const leakAudit = PatternRule.parse({
  id: "leak-audit",
  match: { entity: "task", subtype: "leak" },
  group_by: "location.site",
  window: "P30D",
  threshold: 5,
  cooldown: "P30D",
  action: { case: { title: "Infrastructure Audit: {{group}}", label: "11.14.Facilities", severity: "high" } },
});

const DAY = 86_400_000;
const WINDOW = durationMs(leakAudit.window);
const COOLDOWN = durationMs(leakAudit.cooldown);
const T0 = Date.parse("2026-01-01T00:00:00Z");

/** Feeds receipts (in days after T0) for one group; returns which of them fired and the final state. */
function feed(days: number[], group = "store-12", start: PatternState = emptyPatternState()) {
  let state = start;
  const fired: boolean[] = [];
  const counts: number[] = [];
  for (const d of days) {
    const r = recordAndCheck(state, WINDOW, leakAudit.threshold, COOLDOWN, group, T0 + d * DAY);
    state = r.state;
    fired.push(r.fired);
    counts.push(r.count);
  }
  return { state, fired, counts };
}

describe("PatternRule schema", () => {
  it("accepts the contract's example and richer matches", () => {
    expect(leakAudit.threshold).toBe(5);
    const rich = PatternRule.safeParse({
      id: "fall-cluster",
      description: "Several falls on one ward",
      match: {
        entity: "signal",
        type: ["incident"],
        subtype: ["fall", "slip"],
        label_prefix: ["1001.9"],
        keywords: ["fall", "slipped"],
        severity: ["high", "critical"],
      },
      group_by: "location.area",
      window: "PT12H",
      threshold: 3,
      cooldown: "P1D",
      action: {
        case: { title: "{{count}} falls on {{group}}", severity: "critical" },
        tasks: [{ title: "Review ward {{group}}", owner_role: "Nursing" }],
      },
    });
    expect(rich.success).toBe(true);
  });
  it("rejects what a profile author could get wrong", () => {
    const bad: Array<Record<string, unknown>> = [
      { threshold: 1 },
      { threshold: 2.5 },
      { window: "30 days" },
      { cooldown: "P" },
      { id: "Leak Audit" },
      { group_by: "location..site" },
      { match: { entity: "ticket" } },
      { match: { entity: "task", colour: "red" } },
      { match: { entity: "task", severity: ["urgent"] } },
      { action: { case: { title: "x" }, extra: true } },
      { action: { case: { label: "x", priority: 1 } } },
      { extra: true },
    ];
    for (const patch of bad) expect(PatternRule.safeParse({ ...leakAudit, ...patch }).success, JSON.stringify(patch)).toBe(false);
  });
  it("renders {{group}} and {{count}} into the case and tasks", () => {
    const rule = PatternRule.parse({
      ...leakAudit,
      action: { ...leakAudit.action, tasks: [{ title: "Inspect pipes at {{group}} ({{count}} leaks)" }] },
    });
    const out = renderPatternAction(rule, "store-12", 5);
    expect(out.case).toEqual({ title: "Infrastructure Audit: store-12", label: "11.14.Facilities", severity: "high" });
    expect(out.tasks[0]?.title).toBe("Inspect pipes at store-12 (5 leaks)");
    // The rule itself is untouched.
    expect(rule.action.case.title).toBe("Infrastructure Audit: {{group}}");
  });
});

describe("recordAndCheck", () => {
  it("fires on the 5th leak in 30 days", () => {
    const { fired, counts } = feed([0, 3, 10, 20, 29]);
    expect(fired).toEqual([false, false, false, false, true]);
    expect(counts).toEqual([1, 2, 3, 4, 5]);
  });
  it("does not fire on 4", () => {
    expect(feed([0, 1, 2, 3]).fired).toEqual([false, false, false, false]);
  });
  it("lets old receipts slide out of the window", () => {
    // The first falls out before the fifth arrives: exactly 30 days old is outside.
    const { fired, counts, state } = feed([0, 10, 15, 20, 30]);
    expect(fired.some(Boolean)).toBe(false);
    expect(counts.at(-1)).toBe(4);
    expect(state.events["store-12"]).toEqual([10, 15, 20, 30].map((d) => T0 + d * DAY));
    // One more inside the window makes five again.
    expect(feed([31], "store-12", state).fired).toEqual([true]);
  });
  it("stays quiet during the cooldown, then fires again", () => {
    const { fired, state } = feed([0, 1, 2, 3, 4, 5, 6, 20]);
    // Days 5, 6 and 20 still have five or more in the window but fall in the cooldown.
    expect(fired).toEqual([false, false, false, false, true, false, false, false]);
    expect(state.lastFired["store-12"]).toBe(T0 + 4 * DAY);
    // Day 33 is still cooling down; day 34 is exactly 30 days after firing.
    const later = feed([25, 30, 33, 34], "store-12", state);
    expect(later.fired).toEqual([false, false, false, true]);
    expect(later.counts).toEqual([9, 9, 7, 7]);
  });
  it("keeps groups independent", () => {
    let state = emptyPatternState();
    const results: Array<[string, boolean]> = [];
    const sites = ["a", "b", "a", "b", "a", "b", "a", "b", "a", "b"];
    sites.forEach((site, i) => {
      const r = recordAndCheck(state, WINDOW, 5, COOLDOWN, site, T0 + i * DAY);
      state = r.state;
      results.push([site, r.fired]);
    });
    expect(results.filter(([, f]) => f)).toEqual([
      ["a", true],
      ["b", true],
    ]);
    expect(results.findIndex(([, f]) => f)).toBe(8);
    expect(state.events.a).toHaveLength(5);
    expect(Object.keys(state.lastFired).sort()).toEqual(["a", "b"]);
  });
  it("is pure: the input state is not modified", () => {
    const before = feed([0, 1, 2, 3]).state;
    const snapshot = structuredClone(before);
    recordAndCheck(before, WINDOW, 5, COOLDOWN, "store-12", T0 + 4 * DAY);
    expect(before).toEqual(snapshot);
  });
  it("keeps receipts sorted when one arrives out of order", () => {
    const { state } = feed([5, 1, 3]);
    expect(state.events["store-12"]).toEqual([1, 3, 5].map((d) => T0 + d * DAY));
  });
});

describe("matchesPattern and groupKeyOf", () => {
  const leakTask = { entity: "task" as const, type: "maintenance", subtype: "leak", label: "1001.91.Operations.Maintenance" };

  it("matches on entity and subtype", () => {
    expect(matchesPattern(leakAudit, leakTask)).toBe(true);
    expect(matchesPattern(leakAudit, { ...leakTask, subtype: "paint" })).toBe(false);
    expect(matchesPattern(leakAudit, { ...leakTask, subtype: null })).toBe(false);
    expect(matchesPattern(leakAudit, { ...leakTask, entity: "case" })).toBe(false);
  });
  it("ANDs the keys and ORs each key's values", () => {
    const rule = PatternRule.parse({
      ...leakAudit,
      match: {
        entity: "signal",
        type: ["incident", "hazard"],
        label_prefix: ["1001.9", "101.9"],
        keywords: ["Flood", "leak"],
        severity: ["high", "critical"],
      },
    });
    const signal = {
      entity: "signal" as const,
      type: "hazard",
      label: "101.91.Operations",
      title: "Water on the floor",
      body: "A big LEAK near aisle 4",
      severity: "high",
    };
    expect(matchesPattern(rule, signal)).toBe(true);
    expect(matchesPattern(rule, { ...signal, type: "request" })).toBe(false);
    expect(matchesPattern(rule, { ...signal, label: "11.91.Operations" })).toBe(false);
    expect(matchesPattern(rule, { ...signal, body: null, title: "Flood in the basement" })).toBe(true);
    // Keywords are whole words, as in flow rules: "flooding" is not "flood".
    expect(matchesPattern(rule, { ...signal, body: null, title: "flooding in the basement" })).toBe(false);
    expect(matchesPattern(rule, { ...signal, body: "all fine" })).toBe(false);
    expect(matchesPattern(rule, { ...signal, severity: "low" })).toBe(false);
    expect(matchesPattern(rule, { ...signal, severity: undefined })).toBe(false);
  });
  it("reads the group from a dot path; a missing group is not counted", () => {
    expect(groupKeyOf(leakAudit, { location: { site: "store-12", area: "aisle 4" } })).toBe("store-12");
    expect(groupKeyOf(leakAudit, { location: { site: 12 } })).toBe("12");
    expect(groupKeyOf(leakAudit, { location: { area: "aisle 4" } })).toBeNull();
    expect(groupKeyOf(leakAudit, { location: null })).toBeNull();
    expect(groupKeyOf(leakAudit, { location: { site: "  " } })).toBeNull();
    expect(groupKeyOf(leakAudit, { location: { site: { id: 1 } } })).toBeNull();
    expect(groupKeyOf(leakAudit, {})).toBeNull();
  });
});

describe("quiet patterns", () => {
  const DAY = 86_400_000;
  it("counts a group quiet one whole window after it fell under the threshold", async () => {
    const { quietAt, withOpenCase, emptyPatternState } = await import("../../core/patterns");
    const state = { ...emptyPatternState(), events: { A: [0, 1 * DAY, 2 * DAY, 3 * DAY, 4 * DAY, 5 * DAY] } };
    // Threshold 5 of a 30-day window: the 5th newest (day 1) slides out at day 31; quiet a window later.
    expect(quietAt(state, "A", 30 * DAY, 5, 5 * DAY)).toBe(61 * DAY);
    // Already under the threshold: one window from now.
    expect(quietAt(state, "A", 30 * DAY, 10, 5 * DAY)).toBe(35 * DAY);
    const open = withOpenCase(state, "A", "case-1");
    expect(open.open).toEqual({ A: "case-1" });
    expect(withOpenCase(open, "A", null).open).toEqual({});
  });
});
