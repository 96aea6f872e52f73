/**
 * Task commands: create a task on a case and move it through its state
 * machine. The case's status follows its tasks in the same transaction.
 */
import { DomainError, notFound } from "../../core/errors";
import { requireLabel } from "../../core/labels";
import { transitionTask } from "../../core/machines";
import type { Case, Role, Task, TaskCreate, TaskTransition } from "../../core/model";
import { durationMs } from "../../core/scheduling/duration";
import { reactivityDeadline } from "../../core/scheduling/escalation";
import { auditEvent, guard, loadCase, loadCaseFor, reaggregateCase, roleNames } from "./cases";
import { iso, type CommandContext } from "./context";
import { armStale } from "./escalation";
import { notify } from "./notify";
import { armEscalation } from "./reactivity";

export function resolveOwnerRole(ctx: CommandContext, input: { owner_role?: string | undefined; owner_role_id?: string | undefined }): Role | null {
  if (input.owner_role_id !== undefined) {
    const role = ctx.store.roleById(input.owner_role_id);
    if (!role) throw new DomainError("validation", "unknown role id", [{ path: "owner_role_id", message: `no role with id ${input.owner_role_id}` }]);
    return role;
  }
  if (input.owner_role !== undefined) {
    const role = ctx.store.roleByName(input.owner_role);
    if (!role) throw new DomainError("validation", "unknown role", [{ path: "owner_role", message: `${input.owner_role} is not a role of this organization` }]);
    return role;
  }
  // No implicit owner: ownership grants sight and action at any level, so it
  // must be given on purpose (by a person or a rule), never inferred from the label.
  return null;
}

/** A person adding work: they must be allowed to act on the case. */
export function createTask(ctx: CommandContext, caseId: string, input: TaskCreate): Task {
  return addTask(ctx, loadCaseFor(ctx, caseId, "act"), input);
}

/** Work spawned by the organization's own rules (flow and pattern rules) on a case it just routed. */
export function addTask(ctx: CommandContext, c: Case, input: TaskCreate): Task {
  const caseId = c.case_id;
  if (c.status === "closed") {
    throw new DomainError("invalid_transition", "a closed case takes no new tasks", [{ path: "case_id", message: "case is closed" }]);
  }
  const label = input.label ?? c.label;
  requireLabel(label, roleNames(ctx), "label");
  const owner = resolveOwnerRole(ctx, input);
  const severity = input.severity ?? c.severity;
  const { reactivity_time, deadline } = reactivityDeadline(ctx.now, severity, ctx.profile, input.reactivity_time);
  const now = iso(ctx.now);
  const task: Task = {
    task_id: crypto.randomUUID(),
    case_id: caseId,
    title: input.title,
    type: input.type ?? null,
    subtype: input.subtype ?? null,
    status: "pending",
    label,
    origin_label: label,
    owner_role_id: owner?.role_id ?? null,
    owner_role: owner?.name ?? null,
    severity,
    reactivity_time,
    reactivity_deadline: iso(deadline),
    reacted_at: null,
    due_at: input.due_at ?? null,
    escalation_level: 0,
    created_by: ctx.actor.user_id,
    created_at: now,
    updated_at: now,
    version: 1,
  };
  ctx.store.putTask(task, c.location, ctx.store.nextSeq());
  ctx.store.audit(auditEvent(ctx, "task.created", "task", task.task_id, { task }), caseId);
  armEscalation(ctx.store, "task", task.task_id, 0, task.reactivity_deadline);
  if (task.owner_role) {
    notify(
      ctx,
      { on: "assignment", severity: task.severity, label: task.label, owner_role: task.owner_role },
      { entity_type: "task", entity_id: task.task_id, case_id: caseId, title: task.title },
    );
  }
  reaggregateCase(ctx, caseId);
  return task;
}

export function loadTask(ctx: CommandContext, taskId: string): Task {
  const t = ctx.store.getTask(taskId);
  if (!t) throw notFound("task");
  return t;
}

export function moveTask(ctx: CommandContext, taskId: string, input: TaskTransition): Task {
  const before = guard(ctx, ctx.store.getTask(taskId), "task", "act");
  if (input.expected_version !== undefined && input.expected_version !== before.version) {
    throw new DomainError("version_conflict", `task is at version ${before.version}, not ${input.expected_version}`, [
      { path: "expected_version", message: `current version is ${before.version}` },
    ]);
  }
  const { next, effects } = transitionTask(before, input.to, iso(ctx.now));
  for (const effect of effects) if (effect.type === "timers_dropped") ctx.store.dropTimers(taskId);
  // Work in progress gets a fresh quiet-period reminder; finished work needs none.
  ctx.store.dropTimers(taskId, "stale");
  const staleAfter = ctx.profile.escalation.stale_after;
  if (next.status === "in_progress" && staleAfter) armStale(ctx, taskId, 0, ctx.now.getTime() + durationMs(staleAfter));
  const c = loadCase(ctx, before.case_id);
  ctx.store.putTask(next, c.location);
  const changes: Record<string, unknown> = { status: { from: before.status, to: next.status } };
  if (input.note) changes.note = input.note;
  if (next.reacted_at !== before.reacted_at) changes.reacted_at = { from: before.reacted_at, to: next.reacted_at };
  ctx.store.audit(auditEvent(ctx, "task.transitioned", "task", taskId, changes), before.case_id);
  reaggregateCase(ctx, before.case_id);
  return next;
}
