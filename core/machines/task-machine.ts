/**
 * The task lifecycle. The contract allows only four moves (pending→in_progress,
 * in_progress→completed, pending→cancelled, in_progress→cancelled); everything
 * else is a 422. Besides the next record, a transition reports what else must
 * happen as plain effects, so the Durable Object that owns the task can drop
 * its alarms and re-aggregate the case without this module knowing about
 * storage or timers.
 */
import { refusedMove } from "./refused-move";
import type { TaskStatus } from "../model/enums";
import type { Task } from "../model/records";

export const TASK_TRANSITIONS: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  pending: ["in_progress", "cancelled"],
  in_progress: ["completed", "cancelled"],
  completed: [],
  cancelled: [],
};

export type TaskEffect =
  /** First reaction: the reactivity clock stops at `at`. */
  | { type: "reacted"; at: string }
  /** The task left pending, so its reactivity/escalation alarms must be cancelled. */
  | { type: "timers_dropped" }
  /** The case's aggregate status must be recomputed. */
  | { type: "case_status_affected" };

export interface TaskTransition {
  next: Task;
  effects: TaskEffect[];
}

export function canTransitionTask(from: TaskStatus, to: TaskStatus): boolean {
  // Own-property lookup so a status that arrived unchecked over RPC cannot
  // reach Object.prototype members.
  if (!Object.hasOwn(TASK_TRANSITIONS, from)) return false;
  return TASK_TRANSITIONS[from].includes(to);
}

export function isTerminalTaskStatus(status: TaskStatus): boolean {
  return status === "completed" || status === "cancelled";
}

export function transitionTask(task: Task, to: TaskStatus, now: string): TaskTransition {
  const from = task.status;
  if (!canTransitionTask(from, to)) {
    throw refusedMove("task", from, to, TASK_TRANSITIONS, "to");
  }

  const effects: TaskEffect[] = [];
  // reacted_at records the first reaction only; a task cannot return to
  // pending today, but keeping an existing value makes that rule local.
  const firstReaction = to === "in_progress" && task.reacted_at === null;
  if (firstReaction) effects.push({ type: "reacted", at: now });
  if (from === "pending") effects.push({ type: "timers_dropped" });
  effects.push({ type: "case_status_affected" });

  const next: Task = {
    ...task,
    status: to,
    version: task.version + 1,
    updated_at: now,
    reacted_at: firstReaction ? now : task.reacted_at,
  };
  return { next, effects };
}
