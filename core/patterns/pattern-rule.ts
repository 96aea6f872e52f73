/**
 * Pattern rules: the profile's way to notice that many small items add up to
 * one bigger problem (five leak repairs at one site in a month → an
 * infrastructure audit). A rule says which items count, how to group them,
 * over what sliding window, how many make a pattern, and what case to open.
 * The schema doubles as the documentation of the `pattern_rules` profile key.
 */
import { z } from "zod";
import { Severity } from "../model/enums";
import { CaseTemplate, TaskTemplate, renderTemplate } from "../model/templates";
import { RuleId, RuleText } from "../profiles/rule-leaves";
import { IsoDuration } from "../scheduling/duration";
import { KEYWORDS_MEANING, Keywords } from "../text/keywords";

export const PatternMatch = z
  .object({
    entity: z.enum(["task", "case", "signal"]).describe("Which kind of item the rule counts: tasks, cases or incoming signals."),
    type: z.array(RuleText).min(1).optional().describe("Task types that count (any of them)."),
    subtype: z
      .union([RuleText, z.array(RuleText).min(1)])
      .optional()
      .describe("Task subtype, or a list of alternatives (any of them)."),
    label_prefix: z
      .array(RuleText)
      .min(1)
      .optional()
      .describe("The item's label must start with one of these (e.g. `1001.9` for any operations crisis at staff level)."),
    keywords: Keywords.optional().describe(KEYWORDS_MEANING),
    severity: z.array(Severity).min(1).optional().describe("Severities that count (any of them)."),
  })
  .strict()
  .describe("Which items count towards the pattern. Different keys must all match (AND); a key's values are alternatives (OR).");
export type PatternMatch = z.infer<typeof PatternMatch>;

export const PatternAction = z
  .object({
    case: CaseTemplate.describe("The case opened when the pattern fires. Its title may use {{group}} (the group's value) and {{count}} (items in the window)."),
    tasks: z.array(TaskTemplate).max(50).optional().describe("Tasks spawned in that case."),
  })
  .strict()
  .describe("What happens when the pattern fires.");
export type PatternAction = z.infer<typeof PatternAction>;

export const PatternRule = z
  .object({
    id: RuleId.describe("Unique id of the rule within the profile."),
    description: z.string().max(1_000).optional().describe("What the rule is for, for humans."),
    match: PatternMatch,
    group_by: z
      .string()
      .regex(/^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$/, { message: "must be a dot path such as location.site" })
      .describe("Dot path of the field whose value forms the group (e.g. `location.site`); items without it are not counted."),
    window: IsoDuration.describe("Sliding window over receipt time (ISO 8601 duration, e.g. P30D; PT1S to P10Y)."),
    threshold: z.number().int().min(2).describe("Items in the window, for one group, that make the pattern fire."),
    // The floor of every duration (PT1S) bounds how often one group can fire.
    cooldown: IsoDuration.describe(
      "After firing, the same group does not fire again until this has passed. At least PT1S: a group fires at most once a second.",
    ),
    action: PatternAction,
    when_quiet: z
      .enum(["note", "resolve"])
      .optional()
      .describe(
        "When the group has stayed under the threshold for a whole window after firing: `note` (default) says so on the pattern case's timeline; `resolve` also resolves the case.",
      ),
    inhibit: z
      .boolean()
      .optional()
      .describe(
        "While the pattern case is open, the items it groups raise no notifications of their own (the pattern case speaks for them; each muted item says so in its timeline). Default false.",
      ),
  })
  .strict()
  .describe("A pattern rule: counts matching items per group over a sliding window and opens a case when a threshold is reached.");
export type PatternRule = z.infer<typeof PatternRule>;

/**
 * The case (and tasks) a fired rule opens, with {{group}} and {{count}} filled
 * in; other placeholders read from `context` (e.g. the item that tipped it over).
 */
export function renderPatternAction(
  rule: PatternRule,
  group: string,
  count: number,
  context: Record<string, unknown> = {},
): { case: CaseTemplate; tasks: TaskTemplate[] } {
  const ctx = { ...context, group, count, rule: rule.id };
  const c: CaseTemplate = { ...rule.action.case };
  if (c.title !== undefined) c.title = renderTemplate(c.title, ctx);
  if (c.description !== undefined) c.description = renderTemplate(c.description, ctx);
  const tasks = (rule.action.tasks ?? []).map((t) => ({ ...t, title: renderTemplate(t.title, ctx) }));
  return { case: c, tasks };
}
