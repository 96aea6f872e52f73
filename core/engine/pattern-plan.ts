/**
 * Pattern rules inside a plan: the items a command created (or received)
 * are counted in their rules' sliding windows per group (e.g. leak tasks per
 * site); reaching the threshold opens the rule's case once, then not again
 * for that group until the cooldown has passed. Work a pattern opens is
 * created by the steps directly and never observed, so a rule cannot feed
 * itself.
 */
import type { NormalizedSignal } from "../flow-rules/evaluate";
import type { Case, Location, Task } from "../model/records";
import { emptyPatternState, groupKeyOf, matchesPattern, recordAndCheck, renderPatternAction, type PatternCandidate, type PatternRule } from "../patterns";
import { durationMs } from "../scheduling/duration";
import type { Author, PlanBuilder } from "./plan";
import { addTask, caseDraft, openCase, taskDraft } from "./steps";

/** What one command brought in: the signal, the case it opened, the tasks it added and where they are. */
export interface Observed {
  signal: NormalizedSignal | null;
  case: Case | null;
  tasks: readonly Task[];
  /** The tasks' case's location (`group_by: location.site` on tasks reads it). */
  location: Location;
}

interface Item {
  candidate: PatternCandidate;
  data: unknown;
}

function itemsOf(what: Observed): Item[] {
  const items: Item[] = [];
  const s = what.signal;
  if (s) {
    const candidate: PatternCandidate = { entity: "signal", title: s.title, body: s.body };
    if (s.label !== null) candidate.label = s.label;
    if (s.severity !== null) candidate.severity = s.severity;
    items.push({ candidate, data: s });
  }
  const c = what.case;
  if (c) items.push({ candidate: { entity: "case", title: c.title, body: c.description, label: c.label, severity: c.severity }, data: c });
  for (const t of what.tasks) {
    items.push({
      candidate: { entity: "task", type: t.type, subtype: t.subtype, title: t.title, label: t.label, severity: t.severity },
      data: { ...t, location: what.location },
    });
  }
  return items;
}

/** Counts what was observed; returns the cases the rules that fired opened. */
export function observePatterns(b: PlanBuilder, what: Observed): Case[] {
  const rules = b.profile.pattern_rules;
  if (rules.length === 0) return [];
  const items = itemsOf(what);
  const opened: Case[] = [];
  for (const rule of rules) {
    for (const item of items) {
      if (!matchesPattern(rule, item.candidate)) continue;
      const group = groupKeyOf(rule, item.data);
      if (group === null) continue;
      const prior = b.patternWindow(rule.id, group) ?? emptyPatternState();
      const counted = recordAndCheck(prior, durationMs(rule.window), rule.threshold, durationMs(rule.cooldown), group, b.env.now.getTime());
      b.setPatternWindow(rule.id, group, counted.state);
      if (counted.fired) opened.push(openPatternCase(b, rule, group, counted.count));
    }
  }
  return opened;
}

function openPatternCase(b: PlanBuilder, rule: PatternRule, group: string, n: number): Case {
  // The rule acts, on behalf of whoever brought the item that tipped it over.
  const by: Author = { ref: "pattern", user_id: b.env.actor.user_id };
  const action = renderPatternAction(rule, group, n);
  const draft = caseDraft({
    ...action.case,
    title: action.case.title ?? `Pattern ${rule.id}: ${group}`,
    description: action.case.description ?? `${n} matching items for ${group} within ${rule.window} (rule ${rule.id}).`,
    tags: [...(action.case.tags ?? []), "pattern", `pattern:${rule.id}`],
    metadata: { pattern_rule: rule.id, group, count: n },
  });
  let c = openCase(b, by, draft, "pattern_alert", []);
  const tasks: Task[] = [];
  for (const t of action.tasks) {
    const added = addTask(b, by, c, tasks, taskDraft(t));
    tasks.push(added.task);
    c = added.case;
  }
  b.audit(by, "pattern.fired", "case", c.case_id, { rule_id: rule.id, group, count: n }, c.case_id);
  return c;
}
