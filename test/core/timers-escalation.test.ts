import { describe, expect, it } from "vitest";
import { Calendar } from "../../core/scheduling/calendar";
import { BROADCAST_LEVELS, LEVELS, escalateLabel } from "../../core/labels";
import { planEscalation, reactivityDeadline, type EscalatableItem } from "../../core/scheduling/escalation";
import { dropTimersFor, makeTimer, timerId, upsertTimer, type Timer } from "../../core/scheduling/timers";

const profile = { escalation: { step: "PT30M", repeat_at_top: "PT1H" } };

/** What the Durable Object does with a plan: applies it to the stored item. */
function apply(item: EscalatableItem, plan: ReturnType<typeof planEscalation>): EscalatableItem {
  if (plan.kind === "escalate") return { ...item, label: plan.nextLabel, escalation_level: plan.nextLevel, reactivity_deadline: plan.nextDeadline };
  if (plan.kind === "notify_top") return { ...item, reactivity_deadline: plan.nextDeadline };
  return item;
}

const pendingTask = (label: string, deadline = "2026-05-04T10:00:00.000Z"): EscalatableItem => ({
  label,
  escalation_level: 0,
  status: "pending",
  reacted_at: null,
  reactivity_deadline: deadline,
});

describe("timers", () => {
  it("gives a deterministic id per kind, entity and step", () => {
    expect(timerId("escalation", "tsk_1", 2)).toBe(timerId("escalation", "tsk_1", 2));
    expect(timerId("escalation", "tsk_1", 2)).not.toBe(timerId("escalation", "tsk_1", 3));
    expect(timerId("escalation", "tsk_1", 2)).not.toBe(timerId("repeat_top", "tsk_1", 2));
    expect(timerId("escalation", "tsk_1", 2)).not.toBe(timerId("escalation", "tsk_2", 2));
    expect(() => timerId("escalation", "tsk_1", -1)).toThrow(RangeError);
    expect(() => timerId("escalation", "tsk_1", 1.5)).toThrow(RangeError);
  });
  it("re-arming the same step replaces the timer instead of adding one", () => {
    let table: Timer[] = [];
    table = upsertTimer(table, makeTimer("escalation", "task", "tsk_1", 1_000, 0));
    table = upsertTimer(table, makeTimer("escalation", "task", "tsk_1", 2_000, 0));
    expect(table).toHaveLength(1);
    expect(table[0]?.due_at).toBe(2_000);
    table = upsertTimer(table, makeTimer("escalation", "task", "tsk_1", 3_000, 1));
    expect(table).toHaveLength(2);
  });
  it("drops an entity's timers when it reacts", () => {
    const table = [makeTimer("escalation", "task", "tsk_1", 1, 0), makeTimer("stale", "task", "tsk_1", 2, 0), makeTimer("escalation", "task", "tsk_2", 3, 0)];
    expect(dropTimersFor(table, "tsk_1").map((t) => t.entity_id)).toEqual(["tsk_2"]);
    expect(dropTimersFor(table, "tsk_1", ["escalation"]).map((t) => t.kind)).toEqual(["stale", "escalation"]);
  });
});

describe("planEscalation", () => {
  it("climbs the full ladder 1001→101→11→1, then re-notifies the top every repeat_at_top", () => {
    let item = pendingTask("1001.91.Operations.Maintenance");
    const labels: string[] = [];
    const deadlines: string[] = [];
    const kinds: string[] = [];
    for (let i = 0; i < 6; i++) {
      const now = new Date(item.reactivity_deadline!);
      const plan = planEscalation(item, now, profile, item.escalation_level);
      kinds.push(plan.kind);
      item = apply(item, plan);
      labels.push(item.label);
      deadlines.push(item.reactivity_deadline!);
    }
    expect(kinds).toEqual(["escalate", "escalate", "escalate", "notify_top", "notify_top", "notify_top"]);
    expect(labels).toEqual([
      "101.91.Operations.Maintenance",
      "11.91.Operations.Maintenance",
      "1.91.Operations.Maintenance",
      "1.91.Operations.Maintenance",
      "1.91.Operations.Maintenance",
      "1.91.Operations.Maintenance",
    ]);
    expect(item.escalation_level).toBe(3);
    expect(deadlines).toEqual([
      "2026-05-04T10:30:00.000Z",
      "2026-05-04T11:00:00.000Z",
      "2026-05-04T11:30:00.000Z",
      "2026-05-04T12:30:00.000Z",
      "2026-05-04T13:30:00.000Z",
      "2026-05-04T14:30:00.000Z",
    ]);
  });
  it("climbs the broadcast ladder 1000→100→10→1", () => {
    let item = pendingTask("1000.95.Operations");
    const labels: string[] = [];
    for (let i = 0; i < 4; i++) {
      item = apply(item, planEscalation(item, new Date(item.reactivity_deadline!), profile, item.escalation_level));
      labels.push(item.label);
    }
    expect(labels).toEqual(["100.95.Operations", "10.95.Operations", "1.95.Operations", "1.95.Operations"]);
    expect(item.escalation_level).toBe(3);
  });
  it("keeps dotted roles and categories intact", () => {
    const plan = planEscalation(pendingTask("101.14.Operations.Safety.Night"), new Date("2026-05-05T00:00:00Z"), profile, 0);
    expect(plan).toEqual({
      kind: "escalate",
      nextLabel: "11.14.Operations.Safety.Night",
      nextLevel: 1,
      nextDeadline: "2026-05-04T10:30:00.000Z",
    });
  });
  it("escalates once when the same step fires twice (at-least-once alarms)", () => {
    const item = pendingTask("1001.91.Operations");
    const now = new Date("2026-05-04T10:00:05Z");
    const first = planEscalation(item, now, profile, 0);
    expect(first.kind).toBe("escalate");
    const after = apply(item, first);
    const second = planEscalation(after, now, profile, 0);
    expect(second.kind).toBe("skip");
    expect(apply(after, second)).toEqual(after);
    // A retry of a handler that failed before storing anything sees the old item and escalates (once).
    expect(planEscalation(item, now, profile, 0).kind).toBe("escalate");
  });
  it("notifies the top once per repeat even if that timer fires twice", () => {
    const top = { ...pendingTask("1.91.Operations"), escalation_level: 3 };
    const now = new Date("2026-05-04T10:00:00Z");
    const once = planEscalation(top, now, profile, 3);
    expect(once).toEqual({ kind: "notify_top", nextDeadline: "2026-05-04T11:00:00.000Z" });
    expect(planEscalation(apply(top, once), now, profile, 3)).toMatchObject({ kind: "skip", reason: "deadline not reached" });
  });
  it("chains deadlines from the previous deadline, not from a late alarm", () => {
    const plan = planEscalation(pendingTask("1001.91.Operations"), new Date("2026-05-04T18:00:00Z"), profile, 0);
    expect(plan).toMatchObject({ kind: "escalate", nextDeadline: "2026-05-04T10:30:00.000Z" });
  });
  it("skips items that reacted, finished, are not due or cannot climb", () => {
    const due = new Date("2026-05-04T10:00:00Z");
    const base = pendingTask("1001.91.Operations");
    const skip = (item: EscalatableItem, now = due, step = 0) => planEscalation(item, now, profile, step).kind;
    expect(skip({ ...base, reacted_at: "2026-05-04T09:59:00Z" })).toBe("skip");
    expect(skip({ ...base, status: "in_progress" })).toBe("skip");
    expect(skip({ ...base, status: "completed" })).toBe("skip");
    expect(skip({ ...base, status: "cancelled" })).toBe("skip");
    expect(skip({ ...base, status: "resolved" })).toBe("skip");
    expect(skip({ ...base, status: "closed" })).toBe("skip");
    expect(skip({ ...base, reactivity_deadline: null })).toBe("skip");
    expect(skip(base, new Date("2026-05-04T09:59:59Z"))).toBe("skip");
    expect(skip({ ...base, label: "2002.91.Operations" })).toBe("skip");
    expect(skip({ ...base, label: "not-a-label" })).toBe("skip");
    expect(skip(base, due, 1)).toBe("skip");
  });
  it("escalates a case that is still open with no reaction", () => {
    const openCase: EscalatableItem = { ...pendingTask("11.91.Operations"), status: "open" };
    expect(planEscalation(openCase, new Date("2026-05-04T10:00:00Z"), profile, 0)).toMatchObject({
      kind: "escalate",
      nextLabel: "1.91.Operations",
      nextLevel: 1,
    });
  });
});

describe("reactivityDeadline", () => {
  const reactivity = { critical: "PT15M", high: "PT1H", medium: "PT4H", low: "P1D" } as const;
  const calendar = Calendar.parse({
    time_zone: "Europe/Berlin",
    working_hours: {
      mon: [["09:00", "17:00"]],
      tue: [["09:00", "17:00"]],
      wed: [["09:00", "17:00"]],
      thu: [["09:00", "17:00"]],
      fri: [["09:00", "17:00"]],
    },
  });
  const friday = new Date("2026-02-13T16:00:00+01:00");

  it("uses the severity's window in wall time by default", () => {
    expect(reactivityDeadline(friday, "critical", { reactivity })).toEqual({
      reactivity_time: "PT15M",
      deadline: new Date("2026-02-13T15:15:00Z"),
    });
  });
  it("uses business time for severities so configured", () => {
    const p = { reactivity, reactivity_mode: { medium: "business", low: "business" } as const, calendar };
    expect(reactivityDeadline(friday, "medium", p).deadline.toISOString()).toBe("2026-02-16T11:00:00.000Z");
    expect(reactivityDeadline(friday, "low", p).deadline.toISOString()).toBe("2026-02-16T15:00:00.000Z");
    expect(reactivityDeadline(friday, "critical", p).deadline.toISOString()).toBe("2026-02-13T15:15:00.000Z");
  });
  it("takes an explicit override, still in the severity's mode", () => {
    const p = { reactivity, reactivity_mode: { medium: "business" } as const, calendar };
    expect(reactivityDeadline(friday, "medium", p, "PT2H")).toEqual({
      reactivity_time: "PT2H",
      deadline: new Date("2026-02-16T09:00:00Z"),
    });
    expect(reactivityDeadline(friday, "high", p, "PT2S").deadline.toISOString()).toBe("2026-02-13T15:00:02.000Z");
  });
  it("counts wall time when business mode has no calendar", () => {
    const p = { reactivity, reactivity_mode: { high: "business" } as const };
    expect(reactivityDeadline(friday, "high", p).deadline.toISOString()).toBe("2026-02-13T16:00:00.000Z");
  });
});

describe("a profile's top_level stops the climb", () => {
  const profile = { escalation: { step: "PT30M", repeat_at_top: "PT1H", top_level: 11 } };
  const at = (label: string, level: number) => ({
    label,
    escalation_level: level,
    status: "pending",
    reacted_at: null,
    reactivity_deadline: "2026-11-25T10:00:00.000Z",
  });
  const now = new Date("2026-11-25T10:00:01.000Z");

  it("climbs up to the top level", () => {
    expect(planEscalation(at("1001.14.Circle", 0), now, profile, 0)).toMatchObject({ kind: "escalate", nextLabel: "101.14.Circle" });
    expect(planEscalation(at("101.14.Circle", 1), now, profile, 1)).toMatchObject({ kind: "escalate", nextLabel: "11.14.Circle" });
  });

  it("at the top level it re-notifies instead of climbing further", () => {
    expect(planEscalation(at("11.14.Circle", 2), now, profile, 2)).toEqual({ kind: "notify_top", nextDeadline: "2026-11-25T11:00:00.000Z" });
    expect(planEscalation(at("10.15.Circle", 2), now, profile, 2)).toMatchObject({ kind: "notify_top" });
  });
});

describe("one ladder", () => {
  it("planEscalation climbs exactly as escalateLabel does, for every BASE and every top_level", () => {
    const due = "2026-11-25T10:00:00.000Z";
    for (const top of LEVELS) {
      for (const base of [...LEVELS, ...BROADCAST_LEVELS]) {
        const label = `${base}.14.Operations`;
        const item = { label, escalation_level: 0, status: "pending", reacted_at: null, reactivity_deadline: due };
        const plan = planEscalation(item, new Date(due), { escalation: { step: "PT30M", repeat_at_top: "PT1H", top_level: top } }, 0);
        expect(plan.kind === "escalate" ? plan.nextLabel : null, `${label} under top_level ${top}`).toBe(escalateLabel(label, top));
        expect(plan.kind).toBe(escalateLabel(label, top) === null ? "notify_top" : "escalate");
      }
    }
  });
});
