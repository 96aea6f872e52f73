/**
 * Plans for the task commands: add a task to a case, and move a task through
 * its state machine. The case's status follows its tasks in the same plan.
 */
import { DomainError, notFound } from "../errors";
import { transitionTask } from "../machines";
import type { TaskCreate, TaskTransition } from "../model/inputs";
import type { Case, Task } from "../model/records";
import { durationMs } from "../scheduling/duration";
import { observePatterns } from "./pattern-plan";
import { PlanBuilder, type OrgLookup, type Plan, type PlanEnv } from "./plan";
import { addTask, guard, reaggregateCase, staleTimer, taskDraft } from "./steps";

export interface TaskCreateSnapshot {
  case: Case | null;
  /** The case's tasks as stored (its status is re-derived from them and the new one). */
  tasks: readonly Task[];
  lookup: OrgLookup;
}

/** A person adding work: they must be allowed to act on the case. */
export function planTaskCreate(snapshot: TaskCreateSnapshot, input: TaskCreate, env: PlanEnv): Plan<Task> {
  const b = new PlanBuilder(env, snapshot.lookup);
  const c = guard(env.actor, env.profile.privacy, snapshot.case, "case", "act");
  const { task } = addTask(b, env.actor, c, snapshot.tasks, taskDraft(input));
  observePatterns(b, { signal: null, case: null, tasks: [task], location: c.location });
  return b.build(task);
}

export interface TaskTransitionSnapshot {
  task: Task | null;
  /** The task's case and all its tasks, this one included. */
  case: Case | null;
  tasks: readonly Task[];
  lookup: OrgLookup;
}

export function planTaskTransition(snapshot: TaskTransitionSnapshot, input: TaskTransition, env: PlanEnv): Plan<Task> {
  const { actor, profile, now } = env;
  const b = new PlanBuilder(env, snapshot.lookup);
  const before = guard(actor, profile.privacy, snapshot.task, "task", "act");
  const taskId = before.task_id;
  if (input.expected_version !== undefined && input.expected_version !== before.version) {
    throw new DomainError("version_conflict", `task is at version ${before.version}, not ${input.expected_version}`, [
      { path: "expected_version", message: `current version is ${before.version}` },
    ]);
  }
  const { next, effects } = transitionTask(before, input.to, b.at);
  if (effects.some((e) => e.type === "timers_dropped")) b.dropTimers(taskId);
  // Work in progress gets a fresh quiet-period reminder; finished work needs none.
  b.dropTimers(taskId, "stale");
  const staleAfter = profile.escalation.stale_after;
  if (next.status === "in_progress" && staleAfter) b.arm(staleTimer(taskId, 0, now.getTime() + durationMs(staleAfter)));
  const c = snapshot.case;
  if (!c) throw notFound("case");
  b.putTask(next, c.location);
  const changes: Record<string, unknown> = { status: { from: before.status, to: next.status } };
  if (input.note) changes.note = input.note;
  if (next.reacted_at !== before.reacted_at) changes.reacted_at = { from: before.reacted_at, to: next.reacted_at };
  b.audit(actor, "task.transitioned", "task", taskId, changes, before.case_id);
  reaggregateCase(
    b,
    actor,
    c,
    snapshot.tasks.map((t) => (t.task_id === taskId ? next : t)),
  );
  return b.build(next);
}
