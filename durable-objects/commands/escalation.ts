/**
 * Fires due escalation timers. Alarms are at-least-once and a handler may be
 * retried after failing halfway, so each timer is handled in its own
 * transaction that deletes or re-arms it; and the core compares the level the
 * timer was armed for with the item's current level, so a timer replayed after
 * its step already happened does nothing.
 */
import { escalateLabel } from "../../core/labels";
import { NO_LOCATION, type Case, type Task } from "../../core/model";
import { durationMs } from "../../core/scheduling/duration";
import { planEscalation } from "../../core/scheduling/escalation";
import type { Timer } from "../../core/scheduling/timers";
import { timerId } from "../../core/scheduling/timers";
import { auditEvent, raiseCaseLevel } from "./cases";
import { iso, type CommandContext } from "./context";
import { notify } from "./notify";

type EscalationPatch = Pick<Case, "label" | "escalation_level" | "reactivity_deadline" | "version" | "updated_at">;

/** The item a timer points at, with what escalation needs to know and how to save it. */
interface Target {
  item: Case | Task;
  caseId: string;
  ownerRole: string | null;
  save(patch: EscalationPatch): void;
}

function targetOf(ctx: CommandContext, timer: Timer): Target | null {
  if (timer.entity_type === "task") {
    const task = ctx.store.getTask(timer.entity_id);
    if (!task) return null;
    return {
      item: task,
      caseId: task.case_id,
      ownerRole: task.owner_role,
      save: (patch) => ctx.store.putTask({ ...task, ...patch }, ctx.store.getCase(task.case_id)?.location ?? NO_LOCATION),
    };
  }
  const c = ctx.store.getCase(timer.entity_id);
  if (!c) return null;
  return { item: c, caseId: c.case_id, ownerRole: null, save: (patch) => ctx.store.putCase({ ...c, ...patch }) };
}

/** Every label the item held on its way up: the origin, then each step to the current one. */
export function labelsPassed(item: Case | Task): string[] {
  const passed: string[] = [];
  let label: string | null = item.origin_label ?? item.label;
  while (label && label !== item.label && passed.length < 4) {
    passed.push(label);
    label = escalateLabel(label);
  }
  passed.push(item.label);
  return passed;
}

export type EscalationOutcome = "escalated" | "notified_top" | "skipped";

export function fireEscalationTimer(ctx: CommandContext, timer: Timer): EscalationOutcome {
  ctx.store.deleteTimer(timer.timer_id);
  const target = targetOf(ctx, timer);
  if (!target) return "skipped";
  const { item, caseId } = target;

  // The timer's own due time is the deadline it was armed for: at the top the
  // record's deadline stays put while the repeat notifications move on.
  const armedFor = { ...item, reactivity_deadline: new Date(timer.due_at).toISOString() };
  const plan = planEscalation(armedFor, ctx.now, ctx.profile, timer.step);
  if (plan.kind === "skip") return "skipped";

  const rearm = (level: number, deadline: string) =>
    ctx.store.setTimer({
      timer_id: timerId("escalation", timer.entity_id, level),
      kind: "escalation",
      entity_type: timer.entity_type,
      entity_id: timer.entity_id,
      due_at: Date.parse(deadline),
      step: level,
    });
  const subject = { entity_type: timer.entity_type, entity_id: timer.entity_id, case_id: caseId, title: item.title };

  if (plan.kind === "notify_top") {
    rearm(item.escalation_level, plan.nextDeadline);
    notify(
      ctx,
      { on: "escalation", severity: item.severity, label: item.label, owner_role: target.ownerRole, previous_labels: labelsPassed(item).slice(0, -1) },
      subject,
      { repeat_at_top: true, escalation_level: item.escalation_level },
    );
    return "notified_top";
  }

  target.save({
    label: plan.nextLabel,
    escalation_level: plan.nextLevel,
    reactivity_deadline: plan.nextDeadline,
    version: item.version + 1,
    updated_at: iso(ctx.now),
  });
  const changes = {
    label: { from: item.label, to: plan.nextLabel },
    escalation_level: { from: item.escalation_level, to: plan.nextLevel },
    reactivity_deadline: { from: item.reactivity_deadline, to: plan.nextDeadline },
  };
  ctx.store.audit(auditEvent(ctx, `${timer.entity_type}.escalated`, timer.entity_type, timer.entity_id, changes), caseId);
  rearm(plan.nextLevel, plan.nextDeadline);
  if (timer.entity_type === "task") raiseCaseLevel(ctx, caseId, plan.nextLevel);
  notify(
    ctx,
    { on: "escalation", severity: item.severity, label: plan.nextLabel, owner_role: target.ownerRole, previous_labels: labelsPassed(item) },
    subject,
    { from_label: item.label, escalation_level: plan.nextLevel },
  );
  return "escalated";
}

/**
 * An item in progress with no update for the profile's `stale_after`
 * reminds its owner (step 0), then, still silent, the level above (step 1).
 * Any change to the task re-arms the reminder from scratch.
 */
export function fireStaleTimer(ctx: CommandContext, timer: Timer): void {
  ctx.store.deleteTimer(timer.timer_id);
  const staleAfter = ctx.profile.escalation.stale_after;
  const task = ctx.store.getTask(timer.entity_id);
  if (!task || task.status !== "in_progress" || !staleAfter) return;
  // The timer was armed for this quiet period; an update since then re-armed another one.
  if (Date.parse(task.updated_at) + durationMs(staleAfter) > ctx.now.getTime()) return;
  notify(
    ctx,
    { on: "stale", severity: task.severity, label: task.label, owner_role: task.owner_role, stale_step: timer.step },
    { entity_type: "task", entity_id: task.task_id, case_id: task.case_id, title: task.title },
    { stale_since: task.updated_at, reminder: timer.step + 1 },
  );
  ctx.store.audit(auditEvent(ctx, "task.stale_reminder", "task", task.task_id, { reminder: timer.step + 1 }), task.case_id);
  if (timer.step === 0) armStale(ctx, task.task_id, 1, ctx.now.getTime() + durationMs(staleAfter));
}

export function armStale(ctx: CommandContext, taskId: string, step: number, dueAt: number): void {
  ctx.store.setTimer({ timer_id: timerId("stale", taskId, step), kind: "stale", entity_type: "task", entity_id: taskId, due_at: dueAt, step });
}
