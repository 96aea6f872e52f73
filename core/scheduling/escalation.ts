/**
 * Escalation decisions, free of storage and clocks. When a reactivity timer
 * fires, the Durable Object asks `planEscalation` what to do with the item:
 * climb one rung of the label ladder (core/labels/ladder.ts; next deadline =
 * previous deadline + escalation.step), re-notify the top level every
 * repeat_at_top, or nothing. Timers are at-least-once, so the decision
 * must be idempotent: the timer carries the step it was armed for, and a step
 * the item has already passed is skipped; a top-level repeat that already
 * moved the deadline forward is "not due" the second time.
 * `reactivityDeadline` computes the first deadline from severity and profile.
 */
import { escalateLabel, parseLabel } from "../labels";
import type { Severity } from "../model/enums";
import { computeDeadline, type Calendar } from "./calendar";
import { addDuration } from "./duration";

export interface EscalatableItem {
  label: string;
  escalation_level: number;
  status: string;
  reacted_at: string | null;
  reactivity_deadline: string | null;
}

export interface EscalationProfile {
  /** top_level: the highest level the ladder climbs to (1 when absent); a profile's is always a Level. */
  escalation: { step: string; repeat_at_top: string; top_level?: number };
}

export type EscalationPlan =
  | { kind: "escalate"; nextLabel: string; nextLevel: number; nextDeadline: string }
  | { kind: "notify_top"; nextDeadline: string }
  | { kind: "skip"; reason: string };

// Statuses in which nobody has started on the item yet: a task not picked up,
// a case nobody moved out of `open`.
const AWAITING_REACTION = new Set(["pending", "open"]);

export function planEscalation(item: EscalatableItem, now: Date, profile: EscalationProfile, firedStep: number): EscalationPlan {
  if (item.reacted_at !== null) return { kind: "skip", reason: "reacted" };
  if (!AWAITING_REACTION.has(item.status)) return { kind: "skip", reason: `status ${item.status} is not awaiting a reaction` };
  if (item.escalation_level !== firedStep) return { kind: "skip", reason: `step ${firedStep} already handled (item is at level ${item.escalation_level})` };
  if (item.reactivity_deadline === null) return { kind: "skip", reason: "no reactivity deadline" };
  const deadline = new Date(item.reactivity_deadline);
  if (Number.isNaN(deadline.getTime())) return { kind: "skip", reason: "reactivity deadline is not a date" };
  // A timer left over from before the deadline moved (severity change, a
  // top-level repeat already handled) must not act early.
  if (now.getTime() < deadline.getTime()) return { kind: "skip", reason: "deadline not reached" };

  if (!parseLabel(item.label).ok) return { kind: "skip", reason: `label ${item.label} has no escalation ladder` };
  // Deadlines chain from the previous deadline, not from `now`, so a late alarm
  // does not push the whole ladder back.
  const next = escalateLabel(item.label, profile.escalation.top_level);
  if (next === null) return { kind: "notify_top", nextDeadline: addDuration(deadline, profile.escalation.repeat_at_top).toISOString() };
  return {
    kind: "escalate",
    nextLabel: next,
    nextLevel: item.escalation_level + 1,
    nextDeadline: addDuration(deadline, profile.escalation.step).toISOString(),
  };
}

export interface ReactivityProfile {
  reactivity: Record<Severity, string>;
  reactivity_mode?: Partial<Record<Severity, "wall" | "business">>;
  calendar?: Calendar;
}

/**
 * The reactivity window (the override if given, else the profile's for the
 * severity) and its deadline from `start` (receipt time). The severity's mode
 * applies to an override too. A business mode without a calendar counts wall
 * time: with no working hours defined, every hour is a working hour.
 */
export function reactivityDeadline(
  start: Date,
  severity: Severity,
  profile: ReactivityProfile,
  override?: string,
): { reactivity_time: string; deadline: Date } {
  const reactivity_time = override ?? profile.reactivity[severity];
  const mode = profile.reactivity_mode?.[severity] ?? "wall";
  const deadline =
    mode === "business" && profile.calendar
      ? computeDeadline(start, reactivity_time, "business", profile.calendar)
      : computeDeadline(start, reactivity_time, "wall");
  return { reactivity_time, deadline };
}
