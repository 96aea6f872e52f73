/**
 * Fires due escalation timers. Alarms are at-least-once and a handler may be
 * retried after failing halfway, so each timer is handled in its own
 * transaction that deletes or re-arms it; and the core compares the level the
 * timer was armed for with the item's current level, so a timer replayed after
 * its step already happened does nothing.
 */
import { planEscalation } from "../../core/scheduling/escalation";
import type { Timer } from "../../core/scheduling/timers";
import { timerId } from "../../core/scheduling/timers";
import { auditEvent, raiseCaseLevel } from "./cases";
import { iso, type CommandContext } from "./context";
import { notify } from "./notify";

export type EscalationOutcome = "escalated" | "notified_top" | "skipped";

export function fireEscalationTimer(ctx: CommandContext, timer: Timer): EscalationOutcome {
  ctx.store.deleteTimer(timer.timer_id);
  const isTask = timer.entity_type === "task";
  const item = isTask ? ctx.store.getTask(timer.entity_id) : ctx.store.getCase(timer.entity_id);
  if (!item) return "skipped";

  // The timer's own due time is the deadline it was armed for: at the top the
  // record's deadline stays put while the repeat notifications move on.
  const armedFor = { ...item, reactivity_deadline: new Date(timer.due_at).toISOString() };
  const plan = planEscalation(armedFor, ctx.now, ctx.profile, timer.step);
  if (plan.kind === "skip") return "skipped";

  const caseId = isTask ? (item as { case_id: string }).case_id : timer.entity_id;
  const rearm = (level: number, deadline: string) =>
    ctx.store.setTimer({
      timer_id: timerId("escalation", timer.entity_id, level),
      kind: "escalation",
      entity_type: timer.entity_type,
      entity_id: timer.entity_id,
      due_at: Date.parse(deadline),
      step: level,
    });

  if (plan.kind === "notify_top") {
    rearm(item.escalation_level, plan.nextDeadline);
    notify(ctx, "escalation_repeat", timer.entity_type, timer.entity_id, caseId, item.label, item.severity, {
      title: item.title,
      label: item.label,
      escalation_level: item.escalation_level,
    });
    return "notified_top";
  }

  const next = {
    ...item,
    label: plan.nextLabel,
    escalation_level: plan.nextLevel,
    reactivity_deadline: plan.nextDeadline,
    version: item.version + 1,
    updated_at: iso(ctx.now),
  };
  if (isTask) {
    const c = ctx.store.getCase(caseId);
    ctx.store.putTask(next as typeof item & { case_id: string } as never, c?.location ?? { site: null, area: null });
  } else {
    ctx.store.putCase(next as never);
  }
  const changes = {
    label: { from: item.label, to: plan.nextLabel },
    escalation_level: { from: item.escalation_level, to: plan.nextLevel },
    reactivity_deadline: { from: item.reactivity_deadline, to: plan.nextDeadline },
  };
  ctx.store.audit(auditEvent(ctx, `${timer.entity_type}.escalated`, timer.entity_type, timer.entity_id, changes), caseId);
  rearm(plan.nextLevel, plan.nextDeadline);
  if (isTask) raiseCaseLevel(ctx, caseId, plan.nextLevel);
  notify(ctx, "escalation", timer.entity_type, timer.entity_id, caseId, plan.nextLabel, item.severity, {
    title: item.title,
    from_label: item.label,
    label: plan.nextLabel,
    escalation_level: plan.nextLevel,
  });
  return "escalated";
}
