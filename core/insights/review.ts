/**
 * The periodic review (`GET …/insights/review`): what a weekly, monthly or
 * yearly look back needs, computed from the insight facts the caller may
 * see. Pure: the route reads the facts, asks `listedCaseIds` which case
 * records the lists need, reads those, and hands everything to
 * `computeReview`. Every figure is taken after the visibility filter, so a
 * count never reveals an item the caller could not open.
 *
 * Definitions (also in the OpenAPI description and the README):
 * - opened: cases created in the period; resolved: cases whose resolved_at
 *   is in the period; open_now: cases open or in progress now (any creation
 *   date); critical_open: open_now of severity critical; unresolved: cases
 *   created before the period's end and still open now; escalated: cases of
 *   the period with escalation_count > 0; reactivity_met / _missed: cases of
 *   the period whose reactivity was met / missed (unknown ones count in
 *   neither); share = met / (met + missed), null when both are 0;
 *   escalation_rate = escalated / opened, null when nothing was opened.
 */
import type { Case, Severity } from "../model";
import type { Guarded } from "../privacy/visibility";
import type { CaseFact, TaskFact } from "./facts";
import type { Period, ReviewCycle } from "./review-periods";
import { type ReactivityProfile, type Suggestion, suggestReactivity } from "./suggestions";

/** `critical`, `unresolved` and `patterns` list at most this many items each. */
export const MAX_LISTED = 200;
const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low"];
const OPEN_CASE = new Set(["open", "in_progress"]);
const OPEN_TASK = new Set(["pending", "in_progress"]);

export interface ReviewFacts {
  cycle: ReviewCycle;
  period: Period;
  previous: Period;
  now: Date;
  /** Cases created in the period. */
  periodCases: readonly CaseFact[];
  /** Cases created in the previous period. */
  previousCases: readonly CaseFact[];
  /** Cases resolved (or closed) in the period, whenever created. */
  resolvedCases: readonly CaseFact[];
  /** Cases open or in progress now, whenever created. */
  openCases: readonly CaseFact[];
  /** Tasks pending or in progress now. */
  openTasks: readonly TaskFact[];
  visible: (item: Guarded) => boolean;
  /** Some read stopped at its bound: the figures cover part of the data. */
  truncated?: boolean;
}

export interface ReviewInput extends ReviewFacts {
  /** The records of (at least) the ids `listedCaseIds` named. */
  cases: readonly Case[];
  profile: ReactivityProfile;
}

export type ReactivityStatus = "met" | "missed" | "pending" | "overdue";
export type ListedCase = Case & { age_hours: number; reactivity_status: ReactivityStatus };

export interface Compliance {
  met: number;
  missed: number;
  share: number | null;
}

export interface Review {
  cycle: ReviewCycle;
  period: { from: string; to: string; name: string };
  previous_period: { from: string; to: string; name: string };
  totals: {
    opened: number;
    resolved: number;
    open_now: number;
    critical_open: number;
    unresolved: number;
    escalated: number;
    reactivity_met: number;
    reactivity_missed: number;
  };
  critical: ListedCase[];
  unresolved: ListedCase[];
  by_department: { department: string; opened: number; critical: number; open_now: number; previous_opened: number }[];
  by_location: { site: string | null; opened: number; critical: number; previous_opened: number }[];
  role_load: { role: string; open_tasks: number }[];
  reactivity_compliance: Record<string, Compliance>;
  reactivity_compliance_by_version: Record<string, Record<string, Compliance>>;
  escalation_rate: number | null;
  patterns: { rule_id: string; group: string | null; case_id: string; count: number | null }[];
  suggestions: Suggestion[];
  truncated: boolean;
}

const within = (t: Date, p: Period) => t.getTime() >= p.from.getTime() && t.getTime() < p.to.getTime();
const oldestFirst = (a: CaseFact, b: CaseFact) => a.created_at.getTime() - b.created_at.getTime() || (a.case_id < b.case_id ? -1 : 1);
const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);

/** The facts each figure is taken from, visible ones only, each held to its own definition. */
function selectFacts(f: ReviewFacts) {
  const seen = <T extends Guarded>(items: readonly T[]) => items.filter(f.visible);
  const open = seen(f.openCases).filter((c) => OPEN_CASE.has(c.status));
  return {
    period: seen(f.periodCases).filter((c) => within(c.created_at, f.period)),
    previous: seen(f.previousCases).filter((c) => within(c.created_at, f.previous)),
    resolved: seen(f.resolvedCases).filter((c) => c.resolved_at !== null && within(c.resolved_at, f.period)),
    open,
    critical: open.filter((c) => c.severity === "critical").sort(oldestFirst),
    unresolved: open.filter((c) => c.created_at.getTime() < f.period.to.getTime()).sort(oldestFirst),
    tasks: seen(f.openTasks).filter((t) => OPEN_TASK.has(t.status)),
  };
}

/** Pattern cases of the period: rules that fired most first, then newest first. */
function topPatterns(period: readonly CaseFact[]): CaseFact[] {
  const fired = period.filter((c) => c.pattern_rule !== null);
  const firings = new Map<string, number>();
  for (const c of fired) firings.set(c.pattern_rule as string, (firings.get(c.pattern_rule as string) ?? 0) + 1);
  const rank = (c: CaseFact) => firings.get(c.pattern_rule as string) ?? 0;
  return fired.sort((a, b) => rank(b) - rank(a) || b.created_at.getTime() - a.created_at.getTime() || (a.case_id < b.case_id ? -1 : 1)).slice(0, MAX_LISTED);
}

/** The case records the review lists: critical, unresolved and pattern cases (at most 3 × MAX_LISTED ids). */
export function listedCaseIds(f: ReviewFacts): string[] {
  const s = selectFacts(f);
  const ids = [...s.critical.slice(0, MAX_LISTED), ...s.unresolved.slice(0, MAX_LISTED), ...topPatterns(s.period)].map((c) => c.case_id);
  return [...new Set(ids)];
}

export function reactivityStatus(c: Pick<Case, "reacted_at" | "reactivity_deadline">, now: Date): ReactivityStatus {
  const deadline = c.reactivity_deadline === null ? null : Date.parse(c.reactivity_deadline);
  if (c.reacted_at !== null) return deadline === null || Date.parse(c.reacted_at) <= deadline ? "met" : "missed";
  return deadline !== null && now.getTime() > deadline ? "overdue" : "pending";
}

function listed(facts: readonly CaseFact[], records: ReadonlyMap<string, Case>, f: ReviewFacts): ListedCase[] {
  const out: ListedCase[] = [];
  for (const fact of facts) {
    const c = records.get(fact.case_id);
    // A record gone since its fact was read (or no longer visible) is left out rather than shown stale.
    if (!c || !f.visible(c)) continue;
    const age_hours = Math.round((f.now.getTime() - Date.parse(c.created_at)) / 360_000) / 10;
    out.push({ ...c, age_hours, reactivity_status: reactivityStatus(c, f.now) });
    if (out.length === MAX_LISTED) break;
  }
  return out;
}

function compliance(cases: readonly CaseFact[]): Record<string, Compliance> {
  const out: Record<string, Compliance> = {};
  for (const s of SEVERITIES) {
    const of = cases.filter((c) => c.severity === s);
    const met = of.filter((c) => c.reactivity_met === true).length;
    const missed = of.filter((c) => c.reactivity_met === false).length;
    out[s] = { met, missed, share: ratio(met, met + missed) };
  }
  return out;
}

function complianceByVersion(cases: readonly CaseFact[]): Record<string, Record<string, Compliance>> {
  const versions = [...new Set(cases.map((c) => c.profile_version))].sort((a, b) => a - b);
  return Object.fromEntries(versions.map((v) => [String(v), compliance(cases.filter((c) => c.profile_version === v))]));
}

function countBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, number> {
  const out = new Map<K, number>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0) + 1);
  return out;
}

function byDepartment(s: ReturnType<typeof selectFacts>): Review["by_department"] {
  const dep = (c: CaseFact) => c.department;
  const opened = countBy(s.period, dep);
  const critical = countBy(
    s.period.filter((c) => c.severity === "critical"),
    dep,
  );
  const open = countBy(s.open, dep);
  const previous = countBy(s.previous, dep);
  const names = new Set([...opened.keys(), ...open.keys(), ...previous.keys()]);
  return [...names]
    .map((department) => ({
      department,
      opened: opened.get(department) ?? 0,
      critical: critical.get(department) ?? 0,
      open_now: open.get(department) ?? 0,
      previous_opened: previous.get(department) ?? 0,
    }))
    .sort((a, b) => b.opened - a.opened || b.open_now - a.open_now || a.department.localeCompare(b.department));
}

function byLocation(s: ReturnType<typeof selectFacts>): Review["by_location"] {
  const site = (c: CaseFact) => c.site;
  const opened = countBy(s.period, site);
  const critical = countBy(
    s.period.filter((c) => c.severity === "critical"),
    site,
  );
  const previous = countBy(s.previous, site);
  const sites = new Set([...opened.keys(), ...previous.keys()]);
  return [...sites]
    .map((name) => ({ site: name, opened: opened.get(name) ?? 0, critical: critical.get(name) ?? 0, previous_opened: previous.get(name) ?? 0 }))
    .sort((a, b) => b.opened - a.opened || b.previous_opened - a.previous_opened || (a.site ?? "\uffff").localeCompare(b.site ?? "\uffff"));
}

function roleLoad(tasks: readonly TaskFact[]): Review["role_load"] {
  return [...countBy(tasks, (t) => t.owner_role ?? t.role)]
    .map(([role, open_tasks]) => ({ role, open_tasks }))
    .sort((a, b) => b.open_tasks - a.open_tasks || a.role.localeCompare(b.role));
}

const span = (p: Period) => ({ from: p.from.toISOString(), to: p.to.toISOString(), name: p.name });

export function computeReview(input: ReviewInput): Review {
  const s = selectFacts(input);
  const records = new Map(input.cases.map((c) => [c.case_id, c]));
  const escalated = s.period.filter((c) => c.escalation_count > 0).length;
  return {
    cycle: input.cycle,
    period: span(input.period),
    previous_period: span(input.previous),
    totals: {
      opened: s.period.length,
      resolved: s.resolved.length,
      open_now: s.open.length,
      critical_open: s.critical.length,
      unresolved: s.unresolved.length,
      escalated,
      reactivity_met: s.period.filter((c) => c.reactivity_met === true).length,
      reactivity_missed: s.period.filter((c) => c.reactivity_met === false).length,
    },
    critical: listed(s.critical, records, input),
    unresolved: listed(s.unresolved, records, input),
    by_department: byDepartment(s),
    by_location: byLocation(s),
    role_load: roleLoad(s.tasks),
    reactivity_compliance: compliance(s.period),
    reactivity_compliance_by_version: complianceByVersion(s.period),
    escalation_rate: ratio(escalated, s.period.length),
    patterns: topPatterns(s.period).flatMap((fact) => {
      const c = records.get(fact.case_id);
      if (!c || !input.visible(c)) return [];
      const { group, count } = c.metadata;
      return [
        {
          rule_id: fact.pattern_rule as string,
          group: typeof group === "string" ? group : null,
          case_id: fact.case_id,
          count: typeof count === "number" ? count : null,
        },
      ];
    }),
    suggestions: suggestReactivity(s.period, input.profile, input.now),
    truncated: input.truncated ?? false,
  };
}

export { isoWeekOf, type Period, REVIEW_CYCLES, type ReviewCycle, reviewPeriod } from "./review-periods";
