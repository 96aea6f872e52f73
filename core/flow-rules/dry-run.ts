/**
 * A profile dry run: replay recorded signals through a candidate profile and
 * say, without changing anything, how routing would differ from what
 * happened. Pure: the caller supplies the signals and their recorded routing.
 */
import type { Severity } from "../model/enums";
import type { Profile } from "../profiles/schema";
import { evaluateSignal, type NormalizedSignal, type RoutingDecision } from "./evaluate";

export interface Routing {
  label: string;
  severity: Severity;
  reactivity_time: string;
  matched_rules: string[];
  tasks: number;
}

export interface RecordedSignal {
  signal_id: string;
  title: string;
  received_at: string;
  signal: NormalizedSignal;
  before: Routing;
}

export interface RoutingChange {
  signal_id: string;
  title: string;
  received_at: string;
  fields: (keyof Routing)[];
  before: Routing;
  after: Routing;
}

export interface DryRunReport {
  signals: number;
  changed: number;
  before: { by_label: Record<string, number>; by_severity: Record<string, number> };
  after: { by_label: Record<string, number>; by_severity: Record<string, number> };
  changes: RoutingChange[];
}

export function routeWith(signal: NormalizedSignal, profile: Profile): Routing {
  return routingOf(evaluateSignal(signal, profile), profile);
}

/** A decision summed up as a signal's record keeps it: what a dry run compares. */
export function routingOf(d: RoutingDecision, profile: Profile): Routing {
  return {
    label: d.case.label,
    severity: d.case.severity,
    reactivity_time: d.case.reactivity_time ?? profile.reactivity[d.case.severity],
    matched_rules: d.matched_rules,
    tasks: d.tasks.length,
  };
}

const FIELDS: (keyof Routing)[] = ["label", "severity", "reactivity_time", "matched_rules", "tasks"];

function tally(rows: Routing[]) {
  const by_label: Record<string, number> = {};
  const by_severity: Record<string, number> = {};
  for (const r of rows) {
    by_label[r.label] = (by_label[r.label] ?? 0) + 1;
    by_severity[r.severity] = (by_severity[r.severity] ?? 0) + 1;
  }
  return { by_label, by_severity };
}

export function dryRun(recorded: RecordedSignal[], candidate: Profile, maxChanges = 500): DryRunReport {
  const afters = recorded.map((r) => routeWith(r.signal, candidate));
  const changes: RoutingChange[] = [];
  let changed = 0;
  recorded.forEach((r, i) => {
    const after = afters[i] as Routing;
    const fields = FIELDS.filter((f) => JSON.stringify(r.before[f]) !== JSON.stringify(after[f]));
    if (fields.length === 0) return;
    changed += 1;
    if (changes.length < maxChanges) changes.push({ signal_id: r.signal_id, title: r.title, received_at: r.received_at, fields, before: r.before, after });
  });
  return { signals: recorded.length, changed, before: tally(recorded.map((r) => r.before)), after: tally(afters), changes };
}
