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
import {
  emptyPatternState,
  groupKeyOf,
  matchesPattern,
  quietAt,
  recordAndCheck,
  renderPatternAction,
  withOpenCase,
  type PatternCandidate,
  type PatternRule,
} from "../patterns";
import { makeTimer } from "../scheduling/timers";
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
  /** The records whose notifications an inhibiting rule mutes for this item. */
  mutes: Muted[];
}

interface Muted {
  entity_type: "case" | "task";
  entity_id: string;
  case_id: string;
}

/** The timer that notices a pattern gone quiet: one per pattern case. */
export const PATTERN_QUIET = "pattern_quiet";

function mutesOf(c: Case, tasks: readonly Task[]): Muted[] {
  return [
    { entity_type: "case", entity_id: c.case_id, case_id: c.case_id },
    ...tasks.map((t) => ({ entity_type: "task" as const, entity_id: t.task_id, case_id: t.case_id })),
  ];
}

function itemsOf(what: Observed): Item[] {
  const items: Item[] = [];
  const s = what.signal;
  if (s) {
    const candidate: PatternCandidate = { entity: "signal", title: s.title, body: s.body };
    if (s.label !== null) candidate.label = s.label;
    if (s.severity !== null) candidate.severity = s.severity;
    // A signal's own alerts are those of the case it opened and that case's tasks.
    items.push({ candidate, data: s, mutes: what.case ? mutesOf(what.case, what.tasks) : [] });
  }
  const c = what.case;
  if (c) {
    items.push({
      candidate: { entity: "case", title: c.title, body: c.description, label: c.label, severity: c.severity },
      data: c,
      mutes: mutesOf(c, what.tasks),
    });
  }
  for (const t of what.tasks) {
    items.push({
      candidate: { entity: "task", type: t.type, subtype: t.subtype, title: t.title, label: t.label, severity: t.severity },
      data: { ...t, location: what.location },
      // A case opened in the same command exists for this work: its alert is part of the same burst.
      mutes: [
        { entity_type: "task", entity_id: t.task_id, case_id: t.case_id },
        ...(what.case?.case_id === t.case_id ? [{ entity_type: "case" as const, entity_id: t.case_id, case_id: t.case_id }] : []),
      ],
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
  const muted = new Map<string, Muted & { pattern_case_id: string }>();
  const now = b.env.now.getTime();
  for (const rule of rules) {
    for (const item of items) {
      if (!matchesPattern(rule, item.candidate)) continue;
      const group = groupKeyOf(rule, item.data);
      if (group === null) continue;
      const prior = b.patternWindow(rule.id, group) ?? emptyPatternState();
      const windowMs = durationMs(rule.window);
      const counted = recordAndCheck(prior, windowMs, rule.threshold, durationMs(rule.cooldown), group, now);
      let state = counted.state;
      if (counted.fired) {
        const patternCase = openPatternCase(b, rule, group, counted.count);
        opened.push(patternCase);
        state = withOpenCase(state, group, patternCase.case_id);
      }
      b.setPatternWindow(rule.id, group, state);
      const patternCaseId = state.open?.[group];
      if (!patternCaseId) continue;
      // Every item of the group moves the moment the pattern counts as quiet.
      b.arm(makeTimer(PATTERN_QUIET, "case", patternCaseId, quietAt(state, group, windowMs, rule.threshold, now)));
      if (rule.inhibit) for (const m of item.mutes) muted.set(m.entity_id, { ...m, pattern_case_id: patternCaseId });
    }
  }
  inhibit(b, muted);
  return opened;
}

/** Mutes the items' own notifications; each says on its timeline which pattern case spoke for it. */
function inhibit(b: PlanBuilder, muted: ReadonlyMap<string, Muted & { pattern_case_id: string }>): void {
  if (muted.size === 0) return;
  b.muteNotices(new Set(muted.keys()));
  const by: Author = { ref: "pattern", user_id: null };
  for (const m of muted.values()) {
    b.audit(by, "notifications.inhibited", m.entity_type, m.entity_id, { pattern_case_id: m.pattern_case_id }, m.case_id);
  }
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
