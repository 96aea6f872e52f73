/**
 * Plans for due timers (other than deliveries, which wait on the network).
 * Alarms are at-least-once and a handler may be retried after failing
 * halfway, so each timer is handled in its own plan that drops or re-arms
 * it; and the escalation decision compares the level the timer was armed
 * for with the item's current level, so a timer replayed after its step
 * already happened does nothing.
 */
import { escalateLabel } from "../labels";
import { NO_LOCATION, type Case, type Task } from "../model/records";
import { durationMs } from "../scheduling/duration";
import { planEscalation } from "../scheduling/escalation";
import type { Timer } from "../scheduling/timers";
import { notify } from "./notices";
import { PATTERN_QUIET } from "./pattern-plan";
import { transitionCase } from "../machines";
import { withOpenCase } from "../patterns";
import { PlanBuilder, type OrgLookup, type Plan, type PlanEnv } from "./plan";
import { escalationTimer, raiseCaseLevel, staleTimer } from "./steps";

export interface TimerSnapshot {
  timer: Timer;
  /** The task a task's timer points at. */
  task: Task | null;
  /** The case a case's timer points at, or the task's case. */
  case: Case | null;
  lookup: OrgLookup;
}

export type TimerOutcome = "escalated" | "notified_top" | "reminded" | "skipped" | "pattern_quiet" | "pattern_resolved";

export function planTimer(snapshot: TimerSnapshot, env: PlanEnv): Plan<TimerOutcome> {
  if (snapshot.timer.kind === "escalation") return planEscalationTimer(snapshot, env);
  if (snapshot.timer.kind === "stale") return planStaleTimer(snapshot, env);
  if (snapshot.timer.kind === PATTERN_QUIET) return planPatternQuiet(snapshot, env);
  // A kind no longer armed (left by an earlier version): nothing to do but forget it.
  const b = new PlanBuilder(env, snapshot.lookup);
  b.dropTimer(snapshot.timer.timer_id);
  return b.build("skipped");
}

/**
 * The pattern's group has stayed under the threshold for a whole window
 * (every new item of the group pushed this timer later). The pattern case
 * says so on its timeline and, if the rule says `resolve`, resolves itself;
 * the group's next firing opens a new case.
 */
function planPatternQuiet(snapshot: TimerSnapshot, env: PlanEnv): Plan<TimerOutcome> {
  const b = new PlanBuilder(env, snapshot.lookup);
  b.dropTimer(snapshot.timer.timer_id);
  const c = snapshot.case;
  const ruleId = c?.metadata.pattern_rule;
  const group = c?.metadata.group;
  if (!c || typeof ruleId !== "string" || typeof group !== "string") return b.build("skipped");
  const state = b.patternWindow(ruleId, group);
  if (state?.open?.[group] === c.case_id) b.setPatternWindow(ruleId, group, withOpenCase(state, group, null));
  if (c.status === "resolved" || c.status === "closed") return b.build("skipped");
  const rule = env.profile.pattern_rules.find((r) => r.id === ruleId);
  const by = { ref: "pattern", user_id: null };
  b.audit(by, "pattern.quiet", "case", c.case_id, { rule_id: ruleId, group, window: rule?.window ?? null }, c.case_id);
  if (rule?.when_quiet !== "resolve") return b.build("pattern_quiet");
  const { next } = transitionCase(c, "resolved", b.at);
  b.putCase(next);
  b.dropTimers(c.case_id, "escalation");
  b.clearDedupe(c.case_id);
  b.audit(by, "case.updated", "case", c.case_id, { status: { from: c.status, to: "resolved" } }, c.case_id);
  return b.build("pattern_resolved");
}

/** Every label the item held on its way up: the origin, then each step to the current one. */
function labelsPassed(item: Case | Task): string[] {
  const passed: string[] = [];
  let label: string | null = item.origin_label ?? item.label;
  while (label && label !== item.label && passed.length < 4) {
    passed.push(label);
    label = escalateLabel(label);
  }
  passed.push(item.label);
  return passed;
}

function planEscalationTimer(snapshot: TimerSnapshot, env: PlanEnv): Plan<TimerOutcome> {
  const { timer } = snapshot;
  const b = new PlanBuilder(env, snapshot.lookup);
  const by = env.actor;
  b.dropTimer(timer.timer_id);
  const isTask = timer.entity_type === "task";
  const item: Case | Task | null = isTask ? snapshot.task : snapshot.case;
  if (!item) return b.build("skipped");
  const caseId = item.case_id;
  const ownerRole = isTask ? (item as Task).owner_role : null;

  // The timer's own due time is the deadline it was armed for: at the top the
  // record's deadline stays put while the repeat notifications move on.
  const armedFor = { ...item, reactivity_deadline: new Date(timer.due_at).toISOString() };
  const decision = planEscalation(armedFor, env.now, env.profile, timer.step);
  if (decision.kind === "skip") return b.build("skipped");

  const entityType = isTask ? "task" : "case";
  const subject = { entity_type: timer.entity_type, entity_id: timer.entity_id, case_id: caseId, title: item.title };

  if (decision.kind === "notify_top") {
    b.arm(escalationTimer(entityType, timer.entity_id, item.escalation_level, decision.nextDeadline));
    notify(
      b,
      { on: "escalation", severity: item.severity, label: item.label, owner_role: ownerRole, previous_labels: labelsPassed(item).slice(0, -1) },
      subject,
      { repeat_at_top: true, escalation_level: item.escalation_level },
    );
    return b.build("notified_top");
  }

  const moved = {
    label: decision.nextLabel,
    escalation_level: decision.nextLevel,
    reactivity_deadline: decision.nextDeadline,
    version: item.version + 1,
    updated_at: b.at,
  };
  if (isTask) b.putTask({ ...(item as Task), ...moved }, snapshot.case?.location ?? NO_LOCATION);
  else b.putCase({ ...(item as Case), ...moved });
  const changes = {
    label: { from: item.label, to: decision.nextLabel },
    escalation_level: { from: item.escalation_level, to: decision.nextLevel },
    reactivity_deadline: { from: item.reactivity_deadline, to: decision.nextDeadline },
  };
  b.audit(by, `${timer.entity_type}.escalated`, timer.entity_type, timer.entity_id, changes, caseId);
  b.arm(escalationTimer(entityType, timer.entity_id, decision.nextLevel, decision.nextDeadline));
  if (isTask) raiseCaseLevel(b, by, snapshot.case, decision.nextLevel);
  notify(b, { on: "escalation", severity: item.severity, label: decision.nextLabel, owner_role: ownerRole, previous_labels: labelsPassed(item) }, subject, {
    from_label: item.label,
    escalation_level: decision.nextLevel,
  });
  return b.build("escalated");
}

/**
 * An item in progress with no update for the profile's `stale_after`
 * reminds its owner (step 0), then, still silent, the level above (step 1).
 * Any change to the task re-arms the reminder from scratch.
 */
function planStaleTimer(snapshot: TimerSnapshot, env: PlanEnv): Plan<TimerOutcome> {
  const { timer, task } = snapshot;
  const b = new PlanBuilder(env, snapshot.lookup);
  b.dropTimer(timer.timer_id);
  const staleAfter = env.profile.escalation.stale_after;
  if (task?.status !== "in_progress" || !staleAfter) return b.build("skipped");
  // The timer was armed for this quiet period; an update since then re-armed another one.
  if (Date.parse(task.updated_at) + durationMs(staleAfter) > env.now.getTime()) return b.build("skipped");
  notify(
    b,
    { on: "stale", severity: task.severity, label: task.label, owner_role: task.owner_role, stale_step: timer.step },
    { entity_type: "task", entity_id: task.task_id, case_id: task.case_id, title: task.title },
    { stale_since: task.updated_at, reminder: timer.step + 1 },
  );
  b.audit(env.actor, "task.stale_reminder", "task", task.task_id, { reminder: timer.step + 1 }, task.case_id);
  if (timer.step === 0) b.arm(staleTimer(task.task_id, 1, env.now.getTime() + durationMs(staleAfter)));
  return b.build("reminded");
}
