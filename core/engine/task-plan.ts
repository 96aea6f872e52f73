/**
 * Plans for the task commands: add a task to a case, and move a task through
 * its state machine. The case's status follows its tasks in the same plan,
 * and so does the work a workflow asks for after a move (follow-ups.ts).
 */
import { DomainError, notFound } from "../errors";
import { transitionTask } from "../machines";
import type { TaskCreate, TaskTransition } from "../model/inputs";
import type { Case, Task } from "../model/records";
import { type AssetRef, requireAsset } from "../modules/maintenance/asset-ref";
import { durationMs } from "../scheduling/duration";
import { followUpsOf } from "./follow-ups";
import { observePatterns } from "./pattern-plan";
import { PlanBuilder, type OrgLookup, type Plan, type PlanEnv } from "./plan";
import { addTask, guard, reaggregateCase, staleTimer, taskDraft } from "./steps";

export interface TaskCreateSnapshot {
  case: Case | null;
  /** The case's tasks as stored (its status is re-derived from them and the new one). */
  tasks: readonly Task[];
  /** The asset the input names, if it names one and it exists. */
  asset?: AssetRef | null;
  lookup: OrgLookup;
}

/** A person adding work: they must be allowed to act on the case. */
export function planTaskCreate(snapshot: TaskCreateSnapshot, input: TaskCreate, env: PlanEnv): Plan<Task> {
  const b = new PlanBuilder(env, snapshot.lookup);
  const c = guard(env.actor, env.profile.privacy, snapshot.case, "case", "act");
  if (input.asset_id) requireAsset(input.asset_id, snapshot.asset);
  requireAssignee(b.lookup, input);
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

  const tasks = snapshot.tasks.map((t) => (t.task_id === taskId ? next : t));
  const asked = followUpsOf({ before, task: next, case: c, tasks, profile });
  // The next step is added before the case's status is re-derived, so a case
  // whose workflow goes on does not resolve and reopen within one move. A
  // closed case takes no more work; its workflow simply ends.
  let theCase = c;
  const added: Task[] = [];
  if (c.status !== "closed") {
    for (const fields of asked.tasks) {
      const step = addTask(b, actor, theCase, [...tasks, ...added], taskDraft(fields));
      added.push(step.task);
      theCase = step.case;
    }
  }
  for (const update of asked.updates) b.updateModuleRecord(actor, update, c.case_id);
  reaggregateCase(b, actor, theCase, [...tasks, ...added]);
  if (added.length > 0) observePatterns(b, { signal: null, case: null, tasks: added, location: c.location });
  return b.build(next);
}

/** An assignee is someone of this organization: an unknown id is refused at its field, like an unknown person on a case. */
function requireAssignee(lookup: OrgLookup, input: TaskCreate): void {
  if (input.assignee_user_id && !lookup.userExists(input.assignee_user_id)) {
    throw new DomainError("validation", "no such user in this organization", [{ path: "assignee_user_id", message: "unknown user" }]);
  }
  if (input.assignee_person_id && !lookup.personExists(input.assignee_person_id)) {
    throw new DomainError("validation", "no such person in this organization", [{ path: "assignee_person_id", message: "unknown person" }]);
  }
}
