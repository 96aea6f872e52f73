import { describe, expect, it } from "vitest";
import { DomainError } from "../../core/errors";
import {
  CASE_TRANSITIONS,
  TASK_TRANSITIONS,
  aggregateCaseStatus,
  applyCaseAggregate,
  canTransitionCase,
  canTransitionTask,
  isTerminalTaskStatus,
  transitionCase,
  transitionTask,
} from "../../core/machines";
import { CaseStatus, TaskStatus } from "../../core/model/enums";
import { Case, Task } from "../../core/model/records";

const T0 = "2026-11-25T14:00:00Z";
const NOW = "2026-11-25T15:30:00Z";
const EARLIER = "2026-11-25T14:10:00Z";

const TASK_STATUSES = TaskStatus.options;
const CASE_STATUSES = CaseStatus.options;

function makeTask(overrides: Partial<Task> = {}): Task {
  return Task.parse({
    task_id: "6b0f7c3e-2f4a-4f55-9a52-1c3c5d8f0a11",
    profile_version: 1,
    case_id: "0d2c5c1a-8e7b-4a9e-b1c2-3d4e5f607182",
    title: "Fix leak",
    type: "maintenance",
    subtype: "leak",
    status: "pending",
    label: "1001.91.Operations.Maintenance",
    owner_role_id: "role-1",
    owner_role: "Operations.Maintenance",
    severity: "high",
    reactivity_time: "PT1H",
    reactivity_deadline: "2026-11-25T15:00:00Z",
    reacted_at: null,
    due_at: null,
    escalation_level: 0,
    created_by: null,
    created_at: T0,
    updated_at: T0,
    version: 1,
    ...overrides,
  });
}

function makeCase(overrides: Partial<Case> = {}): Case {
  return Case.parse({
    case_id: "0d2c5c1a-8e7b-4a9e-b1c2-3d4e5f607182",
    ref: "0D2C5C1A8E",
    profile_version: 1,
    title: "Water leak",
    description: null,
    label: "1001.91.Operations.Maintenance",
    status: "open",
    severity: "high",
    reactivity_time: "PT1H",
    reactivity_deadline: "2026-11-25T15:00:00Z",
    origin_role: null,
    location: { site: "Store 12", area: null },
    tags: [],
    metadata: {},
    person_id: null,
    escalation_level: 0,
    reacted_at: null,
    created_by: null,
    created_at: T0,
    updated_at: T0,
    version: 1,
    ...overrides,
  });
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object") {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

function caught(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error("expected a DomainError");
}

const tasks = (...statuses: TaskStatus[]) => statuses.map((status) => ({ status }));

// ---------------------------------------------------------------- tasks

const ALLOWED_TASK_MOVES = new Set(["pending>in_progress", "in_progress>completed", "pending>cancelled", "in_progress>cancelled"]);
/** What a refusal says can be done instead, per current status. */
const TASK_MOVES_HINT: Record<string, string> = {
  pending: "allowed from pending: in_progress, cancelled",
  in_progress: "allowed from in_progress: completed, cancelled",
  completed: "completed is final: no move is allowed",
  cancelled: "cancelled is final: no move is allowed",
};
const TASK_PAIRS = TASK_STATUSES.flatMap((from) => TASK_STATUSES.map((to) => [from, to] as const));

describe("task transitions", () => {
  it("covers all 16 pairs", () => {
    expect(TASK_PAIRS).toHaveLength(16);
  });

  it("declares exactly the contract's four moves", () => {
    expect(TASK_TRANSITIONS).toEqual({
      pending: ["in_progress", "cancelled"],
      in_progress: ["completed", "cancelled"],
      completed: [],
      cancelled: [],
    });
  });

  it.each(TASK_PAIRS)("%s → %s", (from, to) => {
    const allowed = ALLOWED_TASK_MOVES.has(`${from}>${to}`);
    expect(canTransitionTask(from, to)).toBe(allowed);
    const task = deepFreeze(makeTask({ status: from, version: 4 }));
    if (allowed) {
      const { next } = transitionTask(task, to, NOW);
      expect(next.status).toBe(to);
      expect(next.version).toBe(5);
      expect(next.updated_at).toBe(NOW);
    } else {
      const err = caught(() => transitionTask(task, to, NOW));
      const message = `cannot move a task from ${from} to ${to}; ${TASK_MOVES_HINT[from]}`;
      expect(err.code).toBe("invalid_transition");
      expect(err.message).toBe(message);
      expect(err.errors).toEqual([{ path: "to", message }]);
    }
  });

  it("rejects unknown statuses arriving unchecked", () => {
    expect(canTransitionTask("pending", "done" as TaskStatus)).toBe(false);
    expect(canTransitionTask("toString" as TaskStatus, "pending")).toBe(false);
    expect(caught(() => transitionTask(makeTask(), "done" as TaskStatus, NOW)).message).toBe(
      "cannot move a task from pending to done; allowed from pending: in_progress, cancelled",
    );
  });

  it("knows the terminal statuses", () => {
    expect(TASK_STATUSES.filter(isTerminalTaskStatus)).toEqual(["completed", "cancelled"]);
    for (const s of TASK_STATUSES) expect(isTerminalTaskStatus(s)).toBe(TASK_TRANSITIONS[s].length === 0);
  });

  it("pending → in_progress is the first reaction: sets reacted_at and drops timers", () => {
    const task = deepFreeze(makeTask());
    const { next, effects } = transitionTask(task, "in_progress", NOW);
    expect(next).toEqual({ ...task, status: "in_progress", version: 2, updated_at: NOW, reacted_at: NOW });
    expect(effects).toEqual([{ type: "reacted", at: NOW }, { type: "timers_dropped" }, { type: "case_status_affected" }]);
  });

  it("keeps an existing reacted_at and reports no second reaction", () => {
    const task = deepFreeze(makeTask({ reacted_at: EARLIER }));
    const { next, effects } = transitionTask(task, "in_progress", NOW);
    expect(next.reacted_at).toBe(EARLIER);
    expect(effects).toEqual([{ type: "timers_dropped" }, { type: "case_status_affected" }]);
  });

  it("pending → cancelled drops timers without a reaction", () => {
    const { next, effects } = transitionTask(deepFreeze(makeTask()), "cancelled", NOW);
    expect(next.reacted_at).toBeNull();
    expect(next.status).toBe("cancelled");
    expect(effects).toEqual([{ type: "timers_dropped" }, { type: "case_status_affected" }]);
  });

  it.each(["completed", "cancelled"] as const)("in_progress → %s only affects the case", (to) => {
    const task = deepFreeze(makeTask({ status: "in_progress", reacted_at: EARLIER, version: 2 }));
    const { next, effects } = transitionTask(task, to, NOW);
    expect(next).toEqual({ ...task, status: to, version: 3, updated_at: NOW });
    expect(effects).toEqual([{ type: "case_status_affected" }]);
  });

  it("never mutates the input and leaves other fields alone", () => {
    const task = makeTask({ escalation_level: 2, label: "11.91.Operations.Maintenance" });
    const before = structuredClone(task);
    const { next } = transitionTask(task, "in_progress", NOW);
    expect(task).toEqual(before);
    expect(next).not.toBe(task);
    expect(next.escalation_level).toBe(2);
    expect(next.label).toBe("11.91.Operations.Maintenance");
    expect(Task.parse(next)).toEqual(next);
  });

  it("a rejected transition changes nothing", () => {
    const task = makeTask({ status: "completed" });
    const before = structuredClone(task);
    expect(() => transitionTask(task, "in_progress", NOW)).toThrow(DomainError);
    expect(task).toEqual(before);
  });
});

// ---------------------------------------------------------------- case transitions

const ALLOWED_CASE_MOVES = new Set(["open>resolved", "open>closed", "in_progress>resolved", "in_progress>closed", "resolved>closed"]);
const CASE_MOVES_HINT: Record<string, string> = {
  open: "allowed from open: resolved, closed",
  in_progress: "allowed from in_progress: resolved, closed",
  resolved: "allowed from resolved: closed",
  closed: "closed is final: no move is allowed",
};
const MANUAL = ["resolved", "closed"] as const;
const CASE_PAIRS = CASE_STATUSES.flatMap((from) => MANUAL.map((to) => [from, to] as const));

describe("case transitions by a person", () => {
  it("declares the manual moves", () => {
    expect(CASE_TRANSITIONS).toEqual({
      open: ["resolved", "closed"],
      in_progress: ["resolved", "closed"],
      resolved: ["closed"],
      closed: [],
    });
  });

  it("canTransitionCase answers the full 4×4 matrix", () => {
    for (const from of CASE_STATUSES) {
      for (const to of CASE_STATUSES) {
        expect(canTransitionCase(from, to), `${from} → ${to}`).toBe(ALLOWED_CASE_MOVES.has(`${from}>${to}`));
      }
    }
  });

  it.each(CASE_PAIRS)("%s → %s", (from, to) => {
    const reacted_at = from === "open" ? null : EARLIER;
    const c = deepFreeze(makeCase({ status: from, version: 7, reacted_at }));
    if (ALLOWED_CASE_MOVES.has(`${from}>${to}`)) {
      const { next } = transitionCase(c, to, NOW);
      expect(next.status).toBe(to);
      expect(next.version).toBe(8);
      expect(next.updated_at).toBe(NOW);
    } else {
      const err = caught(() => transitionCase(c, to, NOW));
      const message = `cannot move a case from ${from} to ${to}; ${CASE_MOVES_HINT[from]}`;
      expect(err.code).toBe("invalid_transition");
      expect(err.message).toBe(message);
      expect(err.errors).toEqual([{ path: "status", message }]);
    }
  });

  it("rejects moving to open or in_progress by hand", () => {
    for (const to of ["open", "in_progress"]) {
      expect(caught(() => transitionCase(makeCase({ status: "resolved", reacted_at: EARLIER }), to as "resolved", NOW)).code).toBe("invalid_transition");
    }
  });

  it.each(MANUAL)("leaving open for %s is the first reaction and drops timers", (to) => {
    const c = deepFreeze(makeCase());
    const { next, effects } = transitionCase(c, to, NOW);
    expect(next).toEqual({ ...c, status: to, version: 2, updated_at: NOW, reacted_at: NOW });
    expect(effects).toEqual([{ type: "reacted", at: NOW }, { type: "timers_dropped" }]);
  });

  it("leaving open again after a reopen keeps reacted_at and only drops timers", () => {
    const { next, effects } = transitionCase(deepFreeze(makeCase({ reacted_at: EARLIER })), "closed", NOW);
    expect(next.reacted_at).toBe(EARLIER);
    expect(effects).toEqual([{ type: "timers_dropped" }]);
  });

  it.each([
    ["in_progress", "resolved"],
    ["in_progress", "closed"],
    ["resolved", "closed"],
  ] as const)("%s → %s has no effects", (from, to) => {
    const c = deepFreeze(makeCase({ status: from, reacted_at: EARLIER, version: 3 }));
    const { next, effects } = transitionCase(c, to, NOW);
    expect(next).toEqual({ ...c, status: to, version: 4, updated_at: NOW });
    expect(effects).toEqual([]);
  });

  it("never mutates the input", () => {
    const c = makeCase();
    const before = structuredClone(c);
    const { next } = transitionCase(c, "resolved", NOW);
    expect(c).toEqual(before);
    expect(Case.parse(next)).toEqual(next);
  });
});

// ---------------------------------------------------------------- aggregation

describe("aggregateCaseStatus", () => {
  it("closed is final whatever the tasks say", () => {
    for (const list of [tasks(), tasks("in_progress"), tasks("pending"), tasks("completed"), tasks("cancelled")]) {
      for (const reacted of [true, false]) expect(aggregateCaseStatus("closed", list, reacted)).toBe("closed");
    }
  });

  it("without tasks the current status stands", () => {
    for (const s of CASE_STATUSES) {
      for (const reacted of [true, false]) expect(aggregateCaseStatus(s, [], reacted)).toBe(s);
    }
  });

  // [current, tasks, reacted, expected]
  const TABLE: Array<[CaseStatus, TaskStatus[], boolean, CaseStatus]> = [
    // any task in progress → in_progress
    ["open", ["in_progress"], false, "in_progress"],
    ["open", ["pending", "in_progress"], false, "in_progress"],
    ["open", ["in_progress", "completed", "cancelled"], true, "in_progress"],
    ["in_progress", ["in_progress"], true, "in_progress"],
    ["resolved", ["completed", "in_progress"], true, "in_progress"],
    // all terminal with at least one completed → resolved
    ["open", ["completed"], false, "resolved"],
    ["in_progress", ["completed"], true, "resolved"],
    ["in_progress", ["completed", "cancelled"], true, "resolved"],
    ["in_progress", ["cancelled", "cancelled", "completed"], true, "resolved"],
    ["resolved", ["completed"], true, "resolved"],
    // all cancelled → current unchanged
    ["open", ["cancelled"], false, "open"],
    ["open", ["cancelled", "cancelled"], true, "open"],
    ["in_progress", ["cancelled"], true, "in_progress"],
    ["resolved", ["cancelled"], true, "resolved"],
    ["resolved", ["cancelled", "cancelled"], false, "resolved"],
    // some pending, none in progress, resolved → reopen to open
    ["resolved", ["completed", "pending"], true, "open"],
    ["resolved", ["pending"], false, "open"],
    ["resolved", ["cancelled", "pending"], true, "open"],
    // some pending, none in progress, otherwise: in_progress if work happened
    ["open", ["pending"], false, "open"],
    ["open", ["pending", "cancelled"], false, "open"],
    ["open", ["pending"], true, "in_progress"],
    ["open", ["pending", "completed"], false, "in_progress"],
    ["in_progress", ["pending"], true, "in_progress"],
    ["in_progress", ["pending", "cancelled"], true, "in_progress"],
    ["in_progress", ["pending", "completed"], true, "in_progress"],
    ["in_progress", ["pending"], false, "open"],
  ];

  it.each(TABLE)("%s with %j (reacted=%s) → %s", (current, statuses, reacted, expected) => {
    expect(aggregateCaseStatus(current, tasks(...statuses), reacted)).toBe(expected);
  });

  it("does not depend on task order", () => {
    for (const [current, statuses, reacted, expected] of TABLE) {
      expect(aggregateCaseStatus(current, tasks(...[...statuses].reverse()), reacted)).toBe(expected);
    }
  });
});

describe("applyCaseAggregate", () => {
  it("open → in_progress when the first task starts: reaction, timers dropped, version+1", () => {
    const c = deepFreeze(makeCase());
    const r = applyCaseAggregate(c, tasks("in_progress", "pending"), NOW);
    expect(r.changed).toBe(true);
    expect(r.next).toEqual({ ...c, status: "in_progress", version: 2, updated_at: NOW, reacted_at: NOW });
    expect(r.effects).toEqual([{ type: "reacted", at: NOW }, { type: "timers_dropped" }]);
  });

  it("in_progress → resolved when all tasks are done: version+1, no effects", () => {
    const c = deepFreeze(makeCase({ status: "in_progress", reacted_at: EARLIER, version: 3 }));
    const r = applyCaseAggregate(c, tasks("completed", "cancelled"), NOW);
    expect(r).toEqual({
      next: { ...c, status: "resolved", version: 4, updated_at: NOW },
      changed: true,
      effects: [],
    });
  });

  it("resolved → open when new work arrives: keeps reacted_at, no effects", () => {
    const c = deepFreeze(makeCase({ status: "resolved", reacted_at: EARLIER, version: 5 }));
    const r = applyCaseAggregate(c, tasks("completed", "pending"), NOW);
    expect(r.changed).toBe(true);
    expect(r.next).toEqual({ ...c, status: "open", version: 6, updated_at: NOW });
    expect(r.effects).toEqual([]);
  });

  it("a reopened case leaving open again drops timers but does not react twice", () => {
    const c = deepFreeze(makeCase({ status: "open", reacted_at: EARLIER, version: 6 }));
    const r = applyCaseAggregate(c, tasks("completed", "in_progress"), NOW);
    expect(r.next.status).toBe("in_progress");
    expect(r.next.reacted_at).toBe(EARLIER);
    expect(r.effects).toEqual([{ type: "timers_dropped" }]);
  });

  it("open → resolved directly (tasks finished between aggregations) reacts too", () => {
    const r = applyCaseAggregate(deepFreeze(makeCase()), tasks("completed"), NOW);
    expect(r.next.status).toBe("resolved");
    expect(r.next.reacted_at).toBe(NOW);
    expect(r.effects).toEqual([{ type: "reacted", at: NOW }, { type: "timers_dropped" }]);
  });

  it("uses the case's own reacted_at as the reacted flag", () => {
    // A pending task on an open case that already reacted means work is under way.
    const reacted = applyCaseAggregate(makeCase({ reacted_at: EARLIER }), tasks("pending"), NOW);
    expect(reacted.next.status).toBe("in_progress");
    const fresh = applyCaseAggregate(makeCase(), tasks("pending"), NOW);
    expect(fresh.changed).toBe(false);
  });

  it.each([
    ["open", [], null],
    ["open", ["pending"], null],
    ["open", ["cancelled"], null],
    ["in_progress", ["in_progress"], EARLIER],
    ["resolved", ["completed"], EARLIER],
    ["closed", ["pending", "in_progress"], EARLIER],
  ] as Array<[CaseStatus, TaskStatus[], string | null]>)("no change for %s with %j: same record, same version, no effects", (status, statuses, reacted_at) => {
    const c = deepFreeze(makeCase({ status, reacted_at, version: 9 }));
    const r = applyCaseAggregate(c, tasks(...statuses), NOW);
    expect(r.changed).toBe(false);
    expect(r.next).toEqual(c);
    expect(r.next.version).toBe(9);
    expect(r.next.updated_at).toBe(T0);
    expect(r.effects).toEqual([]);
  });

  it("never mutates the input", () => {
    const c = makeCase();
    const before = structuredClone(c);
    applyCaseAggregate(c, tasks("in_progress"), NOW);
    expect(c).toEqual(before);
  });

  it("follows a task's life through the case", () => {
    let c = makeCase();
    let t = makeTask();
    let moved = transitionTask(t, "in_progress", NOW);
    t = moved.next;
    c = applyCaseAggregate(c, [t], NOW).next;
    expect([c.status, c.version, c.reacted_at]).toEqual(["in_progress", 2, NOW]);

    const later = "2026-11-25T16:00:00Z";
    moved = transitionTask(t, "completed", later);
    t = moved.next;
    c = applyCaseAggregate(c, [t], later).next;
    expect([c.status, c.version, c.reacted_at]).toEqual(["resolved", 3, NOW]);

    const extra = makeTask({ task_id: "7c1e8d4f-3a5b-4c66-8b63-2d4d6e9f1b22" });
    c = applyCaseAggregate(c, [t, extra], later).next;
    expect([c.status, c.version]).toEqual(["open", 4]);

    c = transitionCase(c, "closed", later).next;
    expect([c.status, c.version]).toEqual(["closed", 5]);
    expect(applyCaseAggregate(c, [t, { status: "in_progress" }], later).changed).toBe(false);
    expect(() => transitionCase(c, "resolved", later)).toThrow("cannot move a case from closed to resolved");
  });
});
