/**
 * Pattern rules: sliding-window counts per group (e.g. leak tasks per site)
 * kept in the organization's storage; reaching the threshold opens the rule's
 * case once, then not again for that group until the cooldown has passed.
 * Work created by a pattern is not counted again, so a rule cannot feed itself.
 */
import type { NormalizedSignal } from "../../core/flow-rules";
import type { Case, Task } from "../../core/model";
import { emptyPatternState, groupKeyOf, matchesPattern, recordAndCheck, renderPatternAction, type PatternCandidate, type PatternRule, type PatternState } from "../../core/patterns";
import { durationMs } from "../../core/scheduling/duration";
import { auditEvent, createCase } from "./cases";
import type { CommandContext } from "./context";
import { addTask } from "./tasks";

interface Observed {
  candidate: PatternCandidate;
  data: unknown;
}

export function observePatterns(ctx: CommandContext, what: { signal: NormalizedSignal | null; case: Case | null; tasks: Task[] }): Case[] {
  const rules = ctx.profile.pattern_rules;
  if (rules.length === 0 || ctx.actor.ref === "pattern") return [];
  const observed: Observed[] = [];
  const s = what.signal;
  if (s) observed.push({ candidate: { entity: "signal", title: s.title, body: s.body, ...(s.label ? { label: s.label } : {}), ...(s.severity ? { severity: s.severity } : {}) }, data: s });
  const c = what.case;
  if (c) observed.push({ candidate: { entity: "case", title: c.title, body: c.description, label: c.label, severity: c.severity }, data: c });
  for (const t of what.tasks) {
    const location = c?.location ?? ctx.store.getCase(t.case_id)?.location ?? { site: null, area: null };
    observed.push({
      candidate: { entity: "task", type: t.type, subtype: t.subtype, title: t.title, label: t.label, severity: t.severity },
      data: { ...t, location },
    });
  }
  const opened: Case[] = [];
  for (const rule of rules) {
    for (const o of observed) {
      if (!matchesPattern(rule, o.candidate)) continue;
      const group = groupKeyOf(rule, o.data);
      if (group === null) continue;
      const fired = count(ctx, rule, group);
      if (fired) opened.push(openPatternCase(ctx, rule, group, fired.count));
    }
  }
  return opened;
}

function count(ctx: CommandContext, rule: PatternRule, group: string): { count: number } | null {
  const prior = ctx.store.patternState<PatternState>(rule.id, group) ?? emptyPatternState();
  const result = recordAndCheck(prior, durationMs(rule.window), rule.threshold, durationMs(rule.cooldown), group, ctx.now.getTime());
  ctx.store.setPatternState(rule.id, group, result.state);
  return result.fired ? { count: result.count } : null;
}

function openPatternCase(ctx: CommandContext, rule: PatternRule, group: string, n: number): Case {
  const action = renderPatternAction(rule, group, n);
  const patternCtx: CommandContext = { ...ctx, actor: { ...ctx.actor, ref: "pattern" } };
  const created = createCase(patternCtx, {
    title: action.case.title ?? `Pattern ${rule.id}: ${group}`,
    description: action.case.description ?? `${n} matching items for ${group} within ${rule.window} (rule ${rule.id}).`,
    ...(action.case.label ? { label: action.case.label } : {}),
    ...(action.case.severity ? { severity: action.case.severity } : {}),
    ...(action.case.reactivity_time ? { reactivity_time: action.case.reactivity_time } : {}),
    tags: [...(action.case.tags ?? []), "pattern", `pattern:${rule.id}`],
    metadata: { pattern_rule: rule.id, group, count: n },
  });
  for (const t of action.tasks) {
    addTask(patternCtx, created, {
      title: t.title,
      ...(t.type ? { type: t.type } : {}),
      ...(t.subtype ? { subtype: t.subtype } : {}),
      ...(t.owner_role ? { owner_role: t.owner_role } : {}),
      ...(t.label ? { label: t.label } : {}),
      ...(t.severity ? { severity: t.severity } : {}),
      ...(t.reactivity_time ? { reactivity_time: t.reactivity_time } : {}),
    });
  }
  ctx.store.audit(auditEvent(patternCtx, "pattern.fired", "case", created.case_id, { rule_id: rule.id, group, count: n }), created.case_id);
  return created;
}
