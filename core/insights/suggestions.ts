/**
 * Suggested profile changes from what a period shows. One kind for now: a
 * reactivity window that most cases of a severity missed. Cases are judged
 * against the profile's current window (not the one that timed them, which
 * an earlier profile version may have set), so the figure in the reason is
 * what keeping the current window would mean. The suggested window covers
 * nine in ten of the observed reaction times, rounded up to a step a person
 * would write. Windows counted in working time (`business` mode) are left
 * alone: wall-clock reaction times say nothing about them.
 */
import { SEVERITY_RANK, type Severity } from "../model";
import { checkDuration, MAX_DURATION_MS } from "../scheduling/duration";
import type { CaseFact } from "./facts";

export interface Suggestion {
  path: string;
  current: string;
  suggested: string;
  reason: string;
}

export interface ReactivityProfile {
  reactivity: Record<Severity, string>;
  reactivity_mode?: Partial<Record<Severity, "wall" | "business">>;
}

/** Fewer judged cases than this say too little to change a profile on. */
export const MIN_CASES_FOR_SUGGESTION = 5;
/** Share of cases missing the window above which a change is suggested ("most of the time"). */
export const MISSED_SHARE_THRESHOLD = 0.5;
/** The suggested window covers this share of the observed reaction times. */
export const COVERED_SHARE = 0.9;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Windows people write; past the last, whole days. */
const STEPS = [
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  20 * MINUTE,
  30 * MINUTE,
  45 * MINUTE,
  HOUR,
  90 * MINUTE,
  2 * HOUR,
  3 * HOUR,
  4 * HOUR,
  6 * HOUR,
  8 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  3 * DAY,
  5 * DAY,
  7 * DAY,
];

/** An ISO 8601 duration for a length in milliseconds, in days, hours, minutes and seconds (PT1H30M, P2DT3H). */
export function formatDuration(ms: number): string {
  const total = Math.max(1, Math.round(ms / 1000));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3_600);
  const minutes = Math.floor((total % 3_600) / 60);
  const seconds = total % 60;
  const time = `${hours ? `${hours}H` : ""}${minutes ? `${minutes}M` : ""}${seconds ? `${seconds}S` : ""}`;
  return `P${days ? `${days}D` : ""}${time ? `T${time}` : ""}`;
}

/** The smallest step at or above `ms`, within the durations a profile accepts. */
export function roundUpWindow(ms: number): number {
  const step = STEPS.find((s) => s >= ms) ?? Math.ceil(ms / DAY) * DAY;
  return Math.min(step, MAX_DURATION_MS);
}

/** Nearest-rank quantile of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

/** The lower median of sorted values: an observed reaction time, never an average of two. */
export const median = (sorted: readonly number[]) => quantile(sorted, 0.5);

const pct = (share: number) => `${Math.round(share * 100)}%`;

/**
 * Suggestions from the period's cases the caller may see. A case counts as
 * missed when its first reaction came after the current window, or when it
 * has not reacted and is older than the window at `now`; as met when it
 * reacted within the window; cases still inside the window are not judged.
 */
export function suggestReactivity(cases: readonly CaseFact[], profile: ReactivityProfile, now: Date): Suggestion[] {
  const out: Suggestion[] = [];
  const severities = (Object.keys(profile.reactivity) as Severity[]).sort((a, b) => SEVERITY_RANK[b] - SEVERITY_RANK[a]);
  for (const severity of severities) {
    if (profile.reactivity_mode?.[severity] === "business") continue;
    const current = profile.reactivity[severity];
    const window = checkDuration(current);
    if (!window.ok) continue;
    const reactions: number[] = [];
    let met = 0;
    let missed = 0;
    for (const c of cases) {
      if (c.severity !== severity) continue;
      const waited = (c.reacted_at ?? now).getTime() - c.created_at.getTime();
      if (c.reacted_at) reactions.push(waited);
      if (waited > window.ms) missed += 1;
      else if (c.reacted_at) met += 1;
    }
    const judged = met + missed;
    if (judged < MIN_CASES_FOR_SUGGESTION || missed / judged <= MISSED_SHARE_THRESHOLD || reactions.length === 0) continue;
    reactions.sort((a, b) => a - b);
    const covering = roundUpWindow(quantile(reactions, COVERED_SHARE));
    if (covering <= window.ms) continue;
    const mid = median(reactions);
    out.push({
      path: `reactivity.${severity}`,
      current,
      suggested: formatDuration(covering),
      reason:
        `${missed} of ${judged} ${severity} cases (${pct(missed / judged)}) waited longer than ${current} for a first reaction; ` +
        `median reaction ${formatDuration(mid)} over ${reactions.length} reacted cases; ` +
        `${formatDuration(covering)} covers ${pct(reactions.filter((r) => r <= covering).length / reactions.length)} of them.`,
    });
  }
  return out;
}
