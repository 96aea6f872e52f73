/**
 * The case lifecycle. A case's status mostly follows its tasks (aggregate),
 * while a person may resolve or close it directly; `closed` is final. Like the
 * task machine, transitions return the next record plus effects (first
 * reaction, alarms to drop) and never touch storage.
 */
import { refusedMove } from "./refused-move";
import type { CaseStatus, TaskStatus } from "../model/enums";
import type { Case } from "../model/records";
import { isTerminalTaskStatus } from "./task-machine";

export type CaseEffect =
  /** The case left open for the first time; its reactivity clock stops at `at`. */
  | { type: "reacted"; at: string }
  /** The case left open, so its reactivity/escalation alarms must be cancelled. */
  | { type: "timers_dropped" };

/** Statuses a person may set directly (PATCH); the rest follow the tasks. */
export type ManualCaseStatus = "resolved" | "closed";

export const CASE_TRANSITIONS: Readonly<Record<CaseStatus, readonly ManualCaseStatus[]>> = {
  open: ["resolved", "closed"],
  in_progress: ["resolved", "closed"],
  resolved: ["closed"],
  closed: [],
};

export function canTransitionCase(from: CaseStatus, to: CaseStatus): boolean {
  if (!Object.hasOwn(CASE_TRANSITIONS, from)) return false;
  return (CASE_TRANSITIONS[from] as readonly CaseStatus[]).includes(to);
}

/**
 * The status a case should have given its tasks.
 * - closed is final.
 * - No tasks: nothing to aggregate, the current status stands.
 * - Any task in progress: in_progress.
 * - All tasks completed or cancelled, at least one completed: resolved.
 * - All tasks cancelled: the current status stands (nothing was done, but
 *   cancelling is not a reason to reopen or resolve).
 * - Some pending, none in progress: a resolved case reopens to open, because
 *   the new work has not been picked up yet. Otherwise in_progress when work
 *   has already happened (the case reacted, or a task is completed), else open.
 */
export function aggregateCaseStatus(current: CaseStatus, tasks: ReadonlyArray<{ status: TaskStatus }>, reacted: boolean): CaseStatus {
  if (current === "closed") return "closed";
  if (tasks.length === 0) return current;
  if (tasks.some((t) => t.status === "in_progress")) return "in_progress";
  const anyCompleted = tasks.some((t) => t.status === "completed");
  if (tasks.every((t) => isTerminalTaskStatus(t.status))) return anyCompleted ? "resolved" : current;
  if (current === "resolved") return "open";
  return reacted || anyCompleted ? "in_progress" : "open";
}

// Shared by manual and aggregate transitions so both stop the reactivity clock
// the same way: only leaving `open` counts, and only the first time sets it.
function moveCase(current: Case, to: CaseStatus, now: string): { next: Case; effects: CaseEffect[] } {
  const effects: CaseEffect[] = [];
  const leavingOpen = current.status === "open" && to !== "open";
  const firstReaction = leavingOpen && current.reacted_at === null;
  if (firstReaction) effects.push({ type: "reacted", at: now });
  if (leavingOpen) effects.push({ type: "timers_dropped" });
  const next: Case = {
    ...current,
    status: to,
    version: current.version + 1,
    updated_at: now,
    reacted_at: firstReaction ? now : current.reacted_at,
  };
  return { next, effects };
}

/** A person resolving or closing the case. */
export function transitionCase(current: Case, to: ManualCaseStatus, now: string): { next: Case; effects: CaseEffect[] } {
  if (!canTransitionCase(current.status, to)) {
    throw refusedMove("case", current.status, to, CASE_TRANSITIONS, "status");
  }
  return moveCase(current, to, now);
}

/**
 * Re-derive the case status after its tasks changed. The version rises only
 * when the status actually changes, so callers can run this after every task
 * event without creating phantom versions.
 */
export function applyCaseAggregate(
  current: Case,
  tasks: ReadonlyArray<{ status: TaskStatus }>,
  now: string,
): { next: Case; changed: boolean; effects: CaseEffect[] } {
  const status = aggregateCaseStatus(current.status, tasks, current.reacted_at !== null);
  if (status === current.status) return { next: current, changed: false, effects: [] };
  const { next, effects } = moveCase(current, status, now);
  return { next, changed: true, effects };
}
