/** The task commands as pure plans: inheritance, owners, deadlines, timers dropped and armed, the case following its tasks. */
import { describe, expect, it } from "vitest";
import { planTaskCreate, planTaskTransition, planTimer, type TaskTransitionSnapshot } from "../../core/engine";
import { makeTimer } from "../../core/scheduling/timers";
import { ADMIN, errorCode, MAINTENANCE_STAFF, NOW, at, env, memoryLookup, roleId, storedCase, storedTask } from "../support/plan-fixtures";

const code = errorCode;

describe("adding a task", () => {
  it("inherits the case's label and severity, takes its owner by id, and is timed from now", () => {
    const p = planTaskCreate({ case: storedCase(), tasks: [], lookup: memoryLookup() }, { title: "Mop up", owner_role_id: roleId("Operations.Safety") }, env());
    const t = p.answer;
    expect(t).toMatchObject({
      case_id: "case-stored",
      label: "1001.91.Operations.Maintenance",
      severity: "high",
      owner_role: "Operations.Safety",
      status: "pending",
      reactivity_deadline: "2026-03-02T10:00:00.000Z",
      created_by: "u-staff",
      type: null,
      due_at: null,
    });
    expect(p.tasks).toEqual([{ record: t, location: { site: "Store 12", area: null }, insert: true }]);
    expect(p.timers.arm).toEqual([makeTimer("escalation", "task", t.task_id, at("2026-03-02T10:00:00Z"), 0)]);
    expect(p.notices.map((n) => [n.event, n.recipient, n.entity_id])).toEqual([["assignment", "role:Operations.Safety", t.task_id]]);
    // A new pending task leaves an open case as it is.
    expect(p.cases).toEqual([]);
  });

  it("reopens a resolved case", () => {
    const resolved = storedCase({ status: "resolved", reacted_at: "2026-03-02T08:00:00.000Z", version: 4 });
    const done = storedTask({ status: "completed" });
    const p = planTaskCreate({ case: resolved, tasks: [done], lookup: memoryLookup() }, { title: "Again" }, env());
    expect(p.cases.map((c) => [c.record.status, c.record.version])).toEqual([["open", 5]]);
    expect(p.audit.map((a) => a.event.action)).toEqual(["task.created", "case.status_changed"]);
  });

  it("refuses a closed case, an unknown owner, and a case the actor may not act on", () => {
    expect(code(() => planTaskCreate({ case: storedCase({ status: "closed" }), tasks: [], lookup: memoryLookup() }, { title: "x" }, env()))).toBe(
      "invalid_transition",
    );
    expect(code(() => planTaskCreate({ case: storedCase(), tasks: [], lookup: memoryLookup() }, { title: "x", owner_role: "Nobody" }, env()))).toBe(
      "validation",
    );
    expect(code(() => planTaskCreate({ case: null, tasks: [], lookup: memoryLookup() }, { title: "x" }, env()))).toBe("not_found");
  });
});

describe("moving a task", () => {
  const pending = storedTask();
  const snap = (task = pending, others: ReturnType<typeof storedTask>[] = [], c = storedCase()): TaskTransitionSnapshot => ({
    task,
    case: c,
    tasks: [task, ...others],
    lookup: memoryLookup(),
  });

  it("starting it is the first reaction: its timers drop, a stale reminder is armed, the case moves to in_progress", () => {
    const p = planTaskTransition(snap(), { to: "in_progress" }, env());
    expect(p.answer).toMatchObject({ status: "in_progress", reacted_at: NOW.toISOString(), version: 2 });
    expect(p.timers.drop).toEqual([
      { entity_id: "task-stored", kind: null },
      { entity_id: "task-stored", kind: "stale" },
      { entity_id: "case-stored", kind: "escalation" },
    ]);
    // stale_after is PT2H in the profile.
    expect(p.timers.arm).toEqual([makeTimer("stale", "task", "task-stored", at("2026-03-02T11:00:00Z"), 0)]);
    expect(p.cases.map((c) => [c.record.status, c.record.reacted_at, c.record.version])).toEqual([["in_progress", NOW.toISOString(), 2]]);
    expect(p.audit.map((a) => [a.event.action, a.event.changes])).toEqual([
      ["task.transitioned", { status: { from: "pending", to: "in_progress" }, reacted_at: { from: null, to: NOW.toISOString() } }],
      ["case.status_changed", { status: { from: "open", to: "in_progress" } }],
    ]);
  });

  it("completing the last open task resolves the case and frees its dedupe key", () => {
    const started = storedTask({ status: "in_progress", reacted_at: "2026-03-02T08:00:00.000Z", version: 2 });
    const cancelled = storedTask({ task_id: "task-other", status: "cancelled" });
    const inProgress = storedCase({ status: "in_progress", reacted_at: "2026-03-02T08:00:00.000Z", version: 2 });
    const p = planTaskTransition(snap(started, [cancelled], inProgress), { to: "completed", note: "fixed" }, env());
    expect(p.timers).toEqual({ drop: [{ entity_id: "task-stored", kind: "stale" }], arm: [] });
    expect(p.cases.map((c) => c.record.status)).toEqual(["resolved"]);
    expect(p.dedupe.clear).toEqual(["case-stored"]);
    expect(p.audit[0]!.event.changes).toEqual({ status: { from: "in_progress", to: "completed" }, note: "fixed" });
  });

  it("refuses a stale expected_version and a move the machine does not allow", () => {
    expect(code(() => planTaskTransition(snap(), { to: "in_progress", expected_version: 3 }, env()))).toBe("version_conflict");
    expect(code(() => planTaskTransition(snap(), { to: "completed" }, env(ADMIN)))).toBe("invalid_transition");
    expect(code(() => planTaskTransition(snap(), { to: "in_progress" }, env(MAINTENANCE_STAFF)))).toBe("none");
  });
});

describe("a due escalation timer", () => {
  const task = storedTask({ owner_role: "Operations.Maintenance" });
  const timer = makeTimer("escalation", "task", task.task_id, at(task.reactivity_deadline!), 0);

  it("climbs the task one level, raises its case, re-arms one step later and tells the new level", () => {
    const p = planTimer({ timer, task, case: storedCase(), lookup: memoryLookup() }, env(ADMIN, new Date("2026-03-02T08:31:00Z")));
    expect(p.answer).toBe("escalated");
    expect(p.tasks[0]!.record).toMatchObject({
      label: "101.91.Operations.Maintenance",
      escalation_level: 1,
      reactivity_deadline: "2026-03-02T09:00:00.000Z",
      version: 2,
    });
    expect(p.cases[0]!.record).toMatchObject({ escalation_level: 1, version: 2 });
    expect(p.timers).toEqual({
      drop: [{ timer_id: timer.timer_id }],
      // The next deadline chains from the previous one (08:30 + PT30M), not from the late alarm.
      arm: [makeTimer("escalation", "task", task.task_id, at("2026-03-02T09:00:00Z"), 1)],
    });
    expect(p.audit.map((a) => a.event.action)).toEqual(["task.escalated", "case.escalation_raised"]);
    expect(p.notices.map((n) => [n.event, n.recipient])).toEqual([["escalation", `level:101:Operations.Maintenance`]]);
  });

  it("does nothing but forget itself when replayed after its step", () => {
    const moved = { ...task, escalation_level: 1, label: "101.91.Operations.Maintenance" };
    const p = planTimer({ timer, task: moved, case: storedCase(), lookup: memoryLookup() }, env(ADMIN, new Date("2026-03-02T08:31:00Z")));
    expect(p.answer).toBe("skipped");
    expect(p).toMatchObject({ cases: [], tasks: [], audit: [], notices: [], timers: { drop: [{ timer_id: timer.timer_id }], arm: [] } });
  });
});
