/**
 * Escalation decisions, free of storage and clocks. When a reactivity timer
 * fires, the Durable Object asks `planEscalation` what to do with the item:
 * climb one level (label BASE 1001→101→11→1, broadcast 1000→100→10→1, next
 * deadline = previous deadline + escalation.step), re-notify the top level
 * every repeat_at_top, or nothing. Timers are at-least-once, so the decision
 * must be idempotent: the timer carries the step it was armed for, and a step
 * the item has already passed is skipped; a top-level repeat that already
 * moved the deadline forward is "not due" the second time.
 * `reactivityDeadline` computes the first deadline from severity and profile.
 */
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
  /** top_level: the highest level the ladder climbs to (1 when absent). */
  escalation: { step: string; repeat_at_top: string; top_level?: number };
}

export type EscalationPlan =
  | { kind: "escalate"; nextLabel: string; nextLevel: number; nextDeadline: string }
  | { kind: "notify_top"; nextDeadline: string }
  | { kind: "skip"; reason: string };

const LABEL = /^(\d+)\.(\d)(\d)\.(.+)$/;

// One level up the vertical scope; 1 has nowhere to go. Broadcast bases climb
// their own ladder and end at the same executive level.
const PARENT_BASE: Readonly<Record<string, string | null>> = {
  "1001": "101",
  "101": "11",
  "11": "1",
  "1": null,
  "1000": "100",
  "100": "10",
  "10": "1",
};

/** The label one level up, null at the top, undefined if the label is not a routable label. */
function climb(label: string): string | null | undefined {
  const m = LABEL.exec(label);
  if (!m) return undefined;
  const [, base, category, subcategory, role] = m;
  const parent = PARENT_BASE[base as string];
  if (parent === undefined) return undefined;
  if (parent === null) return null;
  return `${parent}.${category}${subcategory}.${role}`;
}

// Statuses in which nobody has started on the item yet: a task not picked up,
// a case nobody moved out of `open`.
const AWAITING_REACTION = new Set(["pending", "open"]);

/** Height of a BASE on its ladder by digit count: 1 → 0, 10/11 → 1, 100/101 → 2, 1000/1001 → 3. */
const height = (base: string) => base.length - 1;

function atOrAboveTop(label: string, topLevel: number): boolean {
  const base = label.split(".", 1)[0] ?? "";
  return height(base) <= height(String(topLevel));
}

export function planEscalation(
  item: EscalatableItem,
  now: Date,
  profile: EscalationProfile,
  firedStep: number,
): EscalationPlan {
  if (item.reacted_at !== null) return { kind: "skip", reason: "reacted" };
  if (!AWAITING_REACTION.has(item.status)) return { kind: "skip", reason: `status ${item.status} is not awaiting a reaction` };
  if (item.escalation_level !== firedStep)
    return { kind: "skip", reason: `step ${firedStep} already handled (item is at level ${item.escalation_level})` };
  if (item.reactivity_deadline === null) return { kind: "skip", reason: "no reactivity deadline" };
  const deadline = new Date(item.reactivity_deadline);
  if (Number.isNaN(deadline.getTime())) return { kind: "skip", reason: "reactivity deadline is not a date" };
  // A timer left over from before the deadline moved (severity change, a
  // top-level repeat already handled) must not act early.
  if (now.getTime() < deadline.getTime()) return { kind: "skip", reason: "deadline not reached" };

  const next = climb(item.label);
  if (next === undefined) return { kind: "skip", reason: `label ${item.label} has no escalation ladder` };
  // The profile may stop the climb below the executive level (a friend group tops out at 11).
  if (next !== null && atOrAboveTop(item.label, profile.escalation.top_level ?? 1)) {
    return { kind: "notify_top", nextDeadline: addDuration(deadline, profile.escalation.repeat_at_top).toISOString() };
  }
  // Deadlines chain from the previous deadline, not from `now`, so a late alarm
  // does not push the whole ladder back.
  if (next === null)
    return { kind: "notify_top", nextDeadline: addDuration(deadline, profile.escalation.repeat_at_top).toISOString() };
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
