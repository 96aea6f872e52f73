/**
 * Sliding-window counting for pattern rules: per group (e.g. per site), keep
 * the receipt times of matching items inside the rule's window, fire when the
 * count reaches the threshold, and then stay quiet for that group until the
 * cooldown has passed. Pure: the Durable Object stores a PatternState per rule
 * id and replaces it with the returned one.
 */
import { readPath } from "../model/templates";
import { firstKeyword, keywordText, type KeywordText } from "../text/keywords";
import type { PatternMatch, PatternRule } from "./pattern-rule";

export interface PatternState {
  /** Receipt times (epoch ms, ascending) of counted items still inside the window, per group. */
  events: Record<string, number[]>;
  /** When the rule last fired for each group (epoch ms). */
  lastFired: Record<string, number>;
  /** The case the rule's last firing opened, per group, while it is open (until the pattern goes quiet). */
  open?: Record<string, string>;
}

export const emptyPatternState = (): PatternState => ({ events: {}, lastFired: {} });

// Keeps one busy group from growing the stored state without bound; counts
// above this are reported as this number, which is far above any threshold.
export const MAX_EVENTS_PER_GROUP = 1_000;

const toMs = (at: number | Date): number => (typeof at === "number" ? at : at.getTime());

/**
 * Records one item of `groupKey` received at `at` and says whether the rule
 * fires now. The window is (newest − window, newest]: an item exactly one
 * window old has slid out.
 */
export function recordAndCheck(
  state: PatternState,
  ruleWindowMs: number,
  threshold: number,
  cooldownMs: number,
  groupKey: string,
  at: number | Date,
): { state: PatternState; fired: boolean; count: number } {
  const t = toMs(at);
  const previous = state.events[groupKey] ?? [];
  // Receipt times normally arrive in order; an out-of-order one is slotted in
  // so the array stays sorted.
  let i = previous.length;
  while (i > 0 && (previous[i - 1] as number) > t) i--;
  const merged = [...previous.slice(0, i), t, ...previous.slice(i)];
  const newest = merged[merged.length - 1] as number;
  let kept = merged.filter((e) => e > newest - ruleWindowMs);
  const cap = Math.max(MAX_EVENTS_PER_GROUP, threshold);
  if (kept.length > cap) kept = kept.slice(kept.length - cap);
  const count = kept.length;

  const last = state.lastFired[groupKey];
  const coolingDown = last !== undefined && t - last < cooldownMs;
  const fired = count >= threshold && !coolingDown;

  return {
    state: {
      ...state,
      events: { ...state.events, [groupKey]: kept },
      lastFired: fired ? { ...state.lastFired, [groupKey]: t } : state.lastFired,
    },
    fired,
    count,
  };
}

/**
 * When the group will have been under the threshold for a whole window, if
 * nothing more arrives: the count drops below the threshold when the
 * threshold-th newest item slides out of the window (or already has), and
 * one more window must pass after that.
 */
export function quietAt(state: PatternState, groupKey: string, ruleWindowMs: number, threshold: number, now: number): number {
  const events = state.events[groupKey] ?? [];
  const pivot = events.length >= threshold ? (events[events.length - threshold] as number) + ruleWindowMs : now;
  return Math.max(pivot, now) + ruleWindowMs;
}

/** The state with the group's open pattern case set (or forgotten, with null). */
export function withOpenCase(state: PatternState, groupKey: string, caseId: string | null): PatternState {
  const open = { ...(state.open ?? {}) };
  if (caseId) open[groupKey] = caseId;
  else delete open[groupKey];
  return { ...state, open };
}

export interface PatternCandidate {
  entity: PatternMatch["entity"];
  type?: string | null;
  subtype?: string | null;
  label?: string;
  title?: string;
  body?: string | null;
  severity?: string;
}

// Every rule reads the same items, so an item's text is folded once, on the
// first rule with keywords; the source text is kept beside it so an item
// changed in place is folded again rather than matched on stale text.
const folded = new WeakMap<PatternCandidate, { title: string; body: string | null; text: KeywordText }>();
function foldedText(entity: PatternCandidate): KeywordText {
  const title = entity.title ?? "";
  const body = entity.body ?? null;
  const known = folded.get(entity);
  if (known !== undefined && known.title === title && known.body === body) return known.text;
  const text = keywordText(title, body);
  folded.set(entity, { title, body, text });
  return text;
}

/** Whether an item counts for the rule: every key given in `match` must hold; a key's values are alternatives. */
export function matchesPattern(rule: PatternRule, entity: PatternCandidate): boolean {
  const m = rule.match;
  if (m.entity !== entity.entity) return false;
  if (m.type && !(entity.type != null && m.type.includes(entity.type))) return false;
  if (m.subtype !== undefined) {
    const subtypes = typeof m.subtype === "string" ? [m.subtype] : m.subtype;
    if (!(entity.subtype != null && subtypes.includes(entity.subtype))) return false;
  }
  if (m.label_prefix) {
    const label = entity.label;
    if (label === undefined || !m.label_prefix.some((p) => label.startsWith(p))) return false;
  }
  if (m.keywords && firstKeyword(m.keywords, foldedText(entity)) === null) return false;
  if (m.severity) {
    const severity = entity.severity;
    if (severity === undefined || !(m.severity as readonly string[]).includes(severity)) return false;
  }
  return true;
}

/**
 * The group an item belongs to, read from `rule.group_by`; null when the
 * field is missing, empty or not a scalar — such items are not counted
 * (an unknown site must not pool reports from everywhere into one group).
 */
export function groupKeyOf(rule: PatternRule, data: unknown): string | null {
  const v = readPath(data, rule.group_by);
  if (typeof v === "string") return v.trim() === "" ? null : v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v === "boolean") return String(v);
  return null;
}
