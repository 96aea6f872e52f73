/**
 * The profile format. One codebase serves a hospital and a basketball team;
 * what differs between them (how fast work must be picked up, who sees what,
 * how signals become cases, who is told when things go wrong) lives in a YAML
 * profile. These zod schemas are the format's documentation: every key carries
 * a `.describe()`, and the OpenAPI document and error messages come from here.
 *
 * Two shapes:
 * - `ProfileDocument`: what one YAML file may contain. Every key but `name` is
 *   optional (it comes from `extends` or the built-in defaults); maps are
 *   partial at every depth so a child can override a single nested key; every
 *   object is strict, so a misspelt key is an error rather than silently ignored.
 * - `Profile`: the resolved profile the rest of Orgo runs on (defaults filled).
 *
 * Checks that need the whole profile (labels against the profile's roles,
 * duplicate ids, placeholders, channels that are used but not configured)
 * live in `checkProfile` below, so parsing a stored profile with `Profile`
 * applies them too.
 */
import { z } from "zod";
import { Level, checkRoleSyntax, parseLabel, roleParent } from "../labels";
import { Privacy, Severity, SignalSource } from "../model/enums";
import { CaseTemplate, TaskTemplate, templatePaths } from "../model/templates";
import { PatternRule } from "../patterns/pattern-rule";
import { KEYWORDS_MEANING, Keywords } from "../text/keywords";
import { RolePath, RuleId, RuleText } from "./rule-leaves";
import { LinkedData, Modules } from "../modules/config";
import { Calendar } from "../scheduling/calendar";
import { SecretName } from "../security/org-secret";
import { IsoDuration } from "../scheduling/duration";
import { MAX_PATTERN_LENGTH, compileProfilePattern } from "../flow-rules/profile-regex";

// ---------------------------------------------------------------------------
// Leaves

// Every duration below is an IsoDuration, at least PT1S. For escalation steps,
// top-level repeats, stale reminders and retries that floor is what keeps a
// tiny value from flooding work: at most one notice per second per item,
// never a tight loop.

// Each regex costs a linear scan of the text per signal (and per replayed
// signal in a dry run); this keeps a profile's total within reason.
const MAX_PROFILE_PATTERNS = 32;

const ProfileName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, {
    message: "must be lowercase letters, digits, '_' or '-', starting with a letter or digit (e.g. retail_ops)",
  });

export { RolePath };

export const RegexSource = z
  .string()
  .min(1)
  .max(MAX_PATTERN_LENGTH)
  .superRefine((source, ctx) => {
    const compiled = compileProfilePattern(source);
    if (!compiled.ok) ctx.addIssue({ code: "custom", message: compiled.reason });
  })
  .describe(
    `A regular expression in RE2 syntax (source only, no slashes; as in JavaScript but without backreferences or lookaround, \\x{e9} instead of \\u00e9), matched case-insensitively in linear time. At most ${MAX_PATTERN_LENGTH} characters.`,
  );

const MetadataValue = z.union([z.string(), z.number(), z.boolean()], {
  error: "must be text, a number or true/false",
});

export const ReactivityModeValue = z
  .enum(["wall", "business"])
  .describe("`wall`: the window counts elapsed time; `business`: only the calendar's working time counts.");
export type ReactivityModeValue = z.infer<typeof ReactivityModeValue>;

export const CHANNEL_NAMES = ["email", "webhook", "in_app"] as const;
export const ChannelName = z.enum(CHANNEL_NAMES).describe("A notification channel configured under notifications.channels.");
export type ChannelName = z.infer<typeof ChannelName>;

export const NOTIFICATION_EVENTS = ["new_case", "escalation", "assignment", "pattern_alert", "stale"] as const;
export const NotificationEvent = z
  .enum(NOTIFICATION_EVENTS)
  .describe(
    "new_case: a case was opened; escalation: an item climbed a level; assignment: a task was given an owner; pattern_alert: a pattern rule fired; stale: an item in progress went silent for escalation.stale_after.",
  );
export type NotificationEvent = z.infer<typeof NotificationEvent>;

export const EscalationAudience = z
  .enum(["new_level", "previous_levels", "owner_role"])
  .describe("new_level: holders of the label's new BASE; previous_levels: everyone at the levels it already passed; owner_role: the role that owns the task.");
export type EscalationAudience = z.infer<typeof EscalationAudience>;

// ---------------------------------------------------------------------------
// Flow rules (lists are replaced as a whole by `extends`, so one shape serves both)

export const FlowWhen = z
  .object({
    source: z.array(SignalSource).min(1).optional().describe("The signal came in through one of these sources."),
    keywords: Keywords.optional().describe(KEYWORDS_MEANING),
    regex: z
      .array(RegexSource)
      .min(1)
      .max(20)
      .optional()
      .describe(
        `Any of these regular expressions matches the title or body (case-insensitive; RE2 syntax: linear-time, no backreferences or lookaround). Checked when the profile loads; at most ${MAX_PROFILE_PATTERNS} in all flow rules. Reads the first 8,192 characters of title and body together.`,
      ),
    metadata: z
      .record(
        z.string().min(1).max(100),
        z.union([MetadataValue, z.array(MetadataValue).min(1)], {
          error: "must be text, a number or true/false, or a list of them",
        }),
      )
      .optional()
      .describe(
        "Metadata fields that must equal the given value, or one of the given values (compared as text; a key may be a dot path such as device.kind; a list in the signal matches if any element does). All keys must match.",
      ),
    location: z
      .object({
        site: z.array(RuleText).min(1).optional().describe("The signal's site is one of these (case-insensitive)."),
        area: z.array(RuleText).min(1).optional().describe("The signal's area is one of these (case-insensitive)."),
      })
      .strict()
      .optional()
      .describe("Where the signal comes from."),
    severity: z.array(Severity).min(1).optional().describe("The signal was sent with one of these severities."),
    label_prefix: z.array(RuleText).min(1).optional().describe("The signal was sent with a label starting with one of these (e.g. `1001.9`)."),
    has_person: z.boolean().optional().describe("true: the signal names a person (person_id); false: it does not."),
  })
  .strict()
  .describe(
    "Conditions. Different keys must all match (AND); the values listed under one key are alternatives (OR). An empty `when: {}` matches every signal.",
  );
export type FlowWhen = z.infer<typeof FlowWhen>;

export const FlowThen = z
  .object({
    case: CaseTemplate.optional().describe(
      "The case to open: title (default: the signal's title), description (default: the signal's body), label (default: default_label), severity (default: medium), reactivity_time (default: the profile's window for the severity), tags. A label or severity sent with the signal wins.",
    ),
    tasks: z.array(TaskTemplate).max(50).optional().describe("Tasks to create in the case; titles may use placeholders."),
    dedupe_key: z
      .string()
      .min(1)
      .max(300)
      .optional()
      .describe(
        "Template such as `leak:{{location.site}}`: a signal whose rendered key equals an open case's joins that case instead of opening another. If a placeholder has no value the signal is not deduplicated.",
      ),
  })
  .strict()
  .describe(
    "What a matching rule does. Templates may use {{signal.title}}, {{signal.body}}, {{location.site}}, {{location.area}}, {{metadata.<key>}}, {{person_id}} and {{source}}.",
  );
export type FlowThen = z.infer<typeof FlowThen>;

export const FlowRule = z
  .object({
    id: RuleId.describe("Unique id of the rule within the profile; shown in matched_rules."),
    description: z.string().max(1_000).optional().describe("What the rule is for, for humans."),
    continue: z
      .boolean()
      .default(false)
      .describe(
        "When an earlier rule already matched, a later matching rule with `continue: true` still adds its tasks to the same case. The first matching rule decides the case either way.",
      ),
    when: FlowWhen,
    // biome-ignore lint/suspicious/noThenProperty: `then` is the profile format's documented key; profiles are data, never awaited.
    then: FlowThen,
  })
  .strict()
  .describe("A flow rule: rules are tried in order; the first match decides the case.");
export type FlowRule = z.infer<typeof FlowRule>;

// ---------------------------------------------------------------------------
// Notifications

export const NotificationRule = z
  .object({
    on: NotificationEvent,
    min_severity: Severity.optional().describe("Only for items at or above this severity."),
    channels: z.array(ChannelName).min(1).describe("Channels to send on; each must be configured."),
    to_levels: z.array(Level).min(1).optional().describe("Notify the holders of these vertical levels in the item's role."),
    to_roles: z.array(RolePath).min(1).optional().describe("Notify these roles (each must be in `roles`)."),
  })
  .strict()
  .describe(
    "Who hears about an event. Without to_levels and to_roles the event's natural audience is notified (the label's holders, the new level, the assignee).",
  );
export type NotificationRule = z.infer<typeof NotificationRule>;

const EmailChannelFields = {
  to: z.array(z.email()).min(1).max(50).describe("Addresses that always receive this channel's mail, besides the people an event addresses."),
};
const WebhookChannelFields = {
  url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .describe(
      "Receiver URL; each event is POSTed as JSON, and redirects are not followed. Outside development it must be https on the standard port, to a public host: loopback, private, link-local, unique-local, CGNAT, multicast, reserved and unspecified addresses, and localhost, *.local and *.internal names, are refused.",
    ),
  secret_name: SecretName.optional().describe(
    "Name of one of the organization's own secrets (PUT /v1/orgs/{org}/secrets/{name}) holding the HMAC-SHA-256 key; the signature goes in the X-Orgo-Signature header. A profile may name a secret before it is set; until it is, deliveries are not sent (they fail with the reason, are retried, then dead-lettered). Unsigned when absent.",
  ),
  max_attempts: z.number().int().min(1).max(20).default(8).describe("Deliveries attempted (with exponential backoff) before the event is dead-lettered."),
  initial_backoff: IsoDuration.default("PT10S").describe("Wait before the first retry; doubled after each failure."),
};

export const EmailChannel = z.object(EmailChannelFields).strict().describe("Email notifications.");
export const WebhookChannel = z.object(WebhookChannelFields).strict().describe("Signed JSON POSTs to a receiver.");
export const InAppChannel = z.object({}).strict().describe("In-app notifications (GET /v1/orgs/{org}/notifications).");

export const NotificationChannels = z
  .object({
    email: EmailChannel.optional(),
    webhook: WebhookChannel.optional(),
    in_app: InAppChannel.optional(),
  })
  .strict()
  .describe("Configured channels; a channel that is absent cannot be used by a rule.");

export const Notifications = z
  .object({
    channels: NotificationChannels,
    rules: z.array(NotificationRule).max(100).describe("Which events notify whom, on which channels."),
  })
  .strict()
  .describe("Notification channels and rules.");
export type Notifications = z.infer<typeof Notifications>;

// ---------------------------------------------------------------------------
// Resolved profile

const reactivityFields = (what: string) => ({
  critical: IsoDuration.describe(`${what} for critical items.`),
  high: IsoDuration.describe(`${what} for high items.`),
  medium: IsoDuration.describe(`${what} for medium items.`),
  low: IsoDuration.describe(`${what} for low items.`),
});

export const Reactivity = z
  .object(reactivityFields("Time to first reaction (ISO 8601, e.g. PT15M; seconds allowed)"))
  .strict()
  .describe("Per severity, how long an item may wait for its first reaction before it escalates.");

export const ReactivityMode = z
  .object({ critical: ReactivityModeValue, high: ReactivityModeValue, medium: ReactivityModeValue, low: ReactivityModeValue })
  .strict()
  .describe("Per severity, whether the reactivity window counts wall time or the calendar's working time (needs `calendar`).");

export const EscalationNotify = z
  .object({
    levels: z.array(EscalationAudience).min(1).describe("Who is told at each climb."),
    channels: z.array(ChannelName).min(1).describe("Channels used for escalation notices; each must be configured."),
  })
  .strict()
  .describe("Who hears about each escalation step. notifications.rules with `on: escalation` may add more.");

export const Escalation = z
  .object({
    step: IsoDuration.describe(
      "Time an ignored item spends at each level before climbing one more (1001→101→11→1). At least PT1S, so an item climbs at most once a second.",
    ),
    top_level: Level.default(1).describe("The level at which climbing stops (1 = executive; broadcast labels stop at the matching broadcast tier)."),
    repeat_at_top: IsoDuration.describe(
      "Once at the top, re-notify at this interval until someone reacts. At least PT1S: at most one notice per second per item.",
    ),
    stale_after: IsoDuration.optional().describe(
      "An item in progress with no update for this long reminds its owner, then the level above. No reminders when absent. At least PT1S.",
    ),
    notify: EscalationNotify,
  })
  .strict()
  .describe("The escalation ladder.");
export type Escalation = z.infer<typeof Escalation>;

const RetentionDays = (what: string) => z.number().int().positive().max(36_500).describe(`Days ${what} are kept.`);
export const Retention = z
  .object({
    audit: RetentionDays("audit events"),
    signal_bodies: RetentionDays("signal bodies (and raw email) are kept; the signal record itself stays"),
    closed_cases: RetentionDays("closed cases (with their tasks)"),
  })
  .strict()
  .describe("How long data is kept, in days; the daily cron purges what is older.");

/** Roles with every implied parent inserted before its first child, duplicates dropped. */
export function expandRoles(roles: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (role: string): void => {
    if (seen.has(role)) return;
    const parent = roleParent(role);
    if (parent !== null) add(parent);
    seen.add(role);
    out.push(role);
  };
  for (const role of roles) add(role);
  return out;
}

export const REVIEW_CASE_CYCLES = ["weekly", "monthly", "yearly"] as const;
export type ReviewCaseCycle = (typeof REVIEW_CASE_CYCLES)[number];
export const Reviews = z
  .object({
    cycles: z
      .array(z.enum(REVIEW_CASE_CYCLES))
      .max(3)
      .describe(
        "Cycles whose review opens a case at the start of the next period (weekly: Monday, monthly: the 1st, yearly: 1 January, UTC), for the level that owns it: weekly to team leads (101), monthly to department heads (11), yearly to executives (1). Its tasks are the items needing a decision.",
      ),
    role: RolePath.optional().describe("The role whose review it is (default: the profile's first role)."),
  })
  .strict()
  .describe("Reviews as tracked work.");

const profileFields = {
  name: ProfileName.describe("The profile's name (a shipped profile's file name without .yaml)."),
  extends: ProfileName.optional().describe(
    "Another profile whose keys this one inherits: maps merge key by key, a list here replaces the parent's list, name and description are not inherited.",
  ),
  description: z.string().max(2_000).optional().describe("What kind of organization the profile is for."),
  privacy: Privacy,
  reactivity: Reactivity,
  reactivity_mode: ReactivityMode,
  calendar: Calendar.optional().describe("Working hours and holidays; needed when any reactivity_mode is `business`."),
  escalation: Escalation,
  retention: Retention,
  roles: z
    .array(RolePath)
    .min(1, { message: "at least one role is required" })
    .max(500)
    // No .transform here: a transform would keep `Profile` out of the OpenAPI document.
    .describe(
      "The organization's roles (teams, departments). A sub-role implies its parents (Operations.Safety implies Operations); the resolved profile lists them. Labels and owner_role must name these.",
    ),
  flow_rules: z.array(FlowRule).max(500).describe("How signals become cases and tasks; the first matching rule decides."),
  default_label: z.string().min(1).max(200).describe("Label of the case opened for a signal no flow rule matches (triage)."),
  triage_task: TaskTemplate.describe("The task created in a triage case."),
  pattern_rules: z.array(PatternRule).max(200).describe("Patterns across many items that open a case of their own."),
  reviews: Reviews,
  notifications: Notifications,
  sensitive_person_fields: z
    .array(z.string().min(1).max(100))
    .max(100)
    .describe("Metadata keys about a person that are shown only to the item's role, whatever the privacy mode."),
  modules: Modules,
  linked_data: LinkedData,
};

/** The resolved shape without the cross-key checks (the loader runs those itself on possibly broken input). */
export const ProfileStructure = z.object(profileFields).strict();

export const Profile = ProfileStructure.superRefine((profile, ctx) => {
  for (const p of checkProfile(profile)) ctx.addIssue({ code: "custom", path: p.path, message: p.message });
}).describe("A resolved profile: every key present, defaults filled.");
export type Profile = z.infer<typeof Profile>;

// ---------------------------------------------------------------------------
// Document (one YAML file)

// `.optional()` wraps a schema without carrying its description over; the document needs both.
const optional = <T extends z.ZodType>(schema: T) => schema.optional().describe(schema.description ?? "");

const partialReactivity = z
  .object({
    critical: IsoDuration.optional(),
    high: IsoDuration.optional(),
    medium: IsoDuration.optional(),
    low: IsoDuration.optional(),
  })
  .strict();

export const ProfileDocument = z
  .object({
    name: profileFields.name,
    extends: profileFields.extends,
    description: profileFields.description,
    privacy: optional(Privacy),
    reactivity: partialReactivity.optional().describe(Reactivity.description ?? ""),
    reactivity_mode: z
      .object({
        critical: ReactivityModeValue.optional(),
        high: ReactivityModeValue.optional(),
        medium: ReactivityModeValue.optional(),
        low: ReactivityModeValue.optional(),
      })
      .strict()
      .optional()
      .describe(ReactivityMode.description ?? ""),
    calendar: Calendar.partial().optional().describe("Working hours and holidays; keys merge with the parent's calendar."),
    escalation: z
      .object({
        step: IsoDuration.optional(),
        top_level: Level.optional(),
        repeat_at_top: IsoDuration.optional(),
        stale_after: IsoDuration.optional(),
        notify: z
          .object({
            levels: z.array(EscalationAudience).min(1).optional(),
            channels: z.array(ChannelName).min(1).optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional()
      .describe(Escalation.description ?? ""),
    retention: Retention.partial()
      .optional()
      .describe(Retention.description ?? ""),
    roles: z
      .array(RolePath)
      .max(500)
      .optional()
      .describe(profileFields.roles.description ?? ""),
    flow_rules: optional(profileFields.flow_rules),
    default_label: optional(profileFields.default_label),
    triage_task: TaskTemplate.partial().strict().optional().describe("The task created in a triage case; keys merge with the parent's."),
    pattern_rules: optional(profileFields.pattern_rules),
    reviews: Reviews.partial()
      .strict()
      .optional()
      .describe(Reviews.description ?? ""),
    notifications: z
      .object({
        channels: z
          .object({
            email: EmailChannel.partial().optional(),
            webhook: z
              .object({
                url: WebhookChannelFields.url.optional(),
                secret_name: WebhookChannelFields.secret_name,
                max_attempts: z.number().int().min(1).max(20).optional(),
                initial_backoff: IsoDuration.optional(),
              })
              .strict()
              .optional(),
            in_app: InAppChannel.optional(),
          })
          .strict()
          .optional(),
        rules: Notifications.shape.rules.optional(),
      })
      .strict()
      .optional()
      .describe(Notifications.description ?? ""),
    sensitive_person_fields: optional(profileFields.sensitive_person_fields),
    modules: optional(Modules),
    linked_data: optional(LinkedData),
  })
  .strict()
  .describe("One profile YAML document. Only `name` is required; everything else comes from `extends` or the built-in defaults.");
export type ProfileDocument = z.infer<typeof ProfileDocument>;

// ---------------------------------------------------------------------------
// Built-in defaults: the bottom of every `extends` chain

export type ProfileDefaults = Omit<Profile, "name" | "extends" | "description" | "calendar">;

export const BUILTIN_DEFAULTS: ProfileDefaults = Object.freeze({
  privacy: "open",
  reactivity: { critical: "PT15M", high: "PT1H", medium: "PT4H", low: "P1D" },
  reactivity_mode: { critical: "wall", high: "wall", medium: "wall", low: "wall" },
  escalation: {
    step: "PT30M",
    top_level: 1,
    repeat_at_top: "PT1H",
    notify: { levels: ["new_level"], channels: ["in_app"] },
  },
  retention: { audit: 365, signal_bodies: 90, closed_cases: 730 },
  roles: ["Operations"],
  flow_rules: [],
  default_label: "1001.14.Operations",
  triage_task: { title: "Triage: {{signal.title}}", type: "triage" },
  pattern_rules: [],
  reviews: { cycles: [] },
  notifications: {
    channels: { in_app: {} },
    rules: [
      { on: "new_case", min_severity: "high", channels: ["in_app"] },
      { on: "assignment", channels: ["in_app"] },
      { on: "pattern_alert", channels: ["in_app"] },
      { on: "stale", channels: ["in_app"] },
    ],
  },
  sensitive_person_fields: [],
  modules: {},
  linked_data: {},
} satisfies ProfileDefaults) as ProfileDefaults;

// ---------------------------------------------------------------------------
// Cross-key checks

/** A problem found by `checkProfile`: a path into the profile and a sentence. */
export interface ProfileProblem {
  path: (string | number)[];
  message: string;
}

/** Roots a flow-rule template may read; see `templateContext` in core/flow-rules. */
export const FLOW_TEMPLATE_FIELDS: Readonly<Record<string, "leaf" | "object" | "any">> = {
  source: "leaf",
  person_id: "leaf",
  location: "object",
  metadata: "any",
  signal: "object",
};
const LOCATION_FIELDS = new Set(["site", "area"]);
const SIGNAL_FIELDS = new Set(["source", "title", "body", "severity", "label", "location", "metadata", "person_id", "occurred_at", "received_at"]);
/** Roots a pattern-rule action template may read (filled by the pattern engine). */
export const PATTERN_TEMPLATE_ROOTS: readonly string[] = ["group", "count"];

function flowPlaceholderProblem(path: string): string | null {
  const [root, ...rest] = path.split(".");
  const first = rest[0];
  const kind = root === undefined ? undefined : FLOW_TEMPLATE_FIELDS[root];
  const known = "signal.<field>, location.site, location.area, metadata.<key>, person_id, source";
  if (kind === undefined) return `placeholder {{${path}}} is unknown; use ${known}`;
  if (kind === "leaf" && rest.length > 0) return `placeholder {{${path}}}: ${root} has no fields`;
  if (root === "location" && (rest.length !== 1 || !LOCATION_FIELDS.has(first ?? ""))) {
    return `placeholder {{${path}}}: location has only site and area`;
  }
  if (root === "metadata" && rest.length === 0) return `placeholder {{${path}}} needs a key, e.g. {{metadata.asset}}`;
  if (root === "signal") {
    if (first === undefined || !SIGNAL_FIELDS.has(first)) {
      return `placeholder {{${path}}}: a signal has ${[...SIGNAL_FIELDS].join(", ")}`;
    }
    if (first === "location" && (rest.length !== 2 || !LOCATION_FIELDS.has(rest[1] ?? ""))) {
      return `placeholder {{${path}}}: location has only site and area`;
    }
    if (first === "metadata" && rest.length < 2) return `placeholder {{${path}}} needs a key, e.g. {{signal.metadata.asset}}`;
    if (first !== "location" && first !== "metadata" && rest.length > 1) return `placeholder {{${path}}}: ${first} has no fields`;
  }
  return null;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * Checks that need more than one key: labels and owner roles against the
 * profile's roles, duplicate ids, template placeholders, channels used but not
 * configured, business-time windows without a calendar. Written against
 * `unknown` shapes so the loader can run it on input that also has type errors
 * and still report every problem in one answer.
 */
export function checkProfile(input: unknown): ProfileProblem[] {
  const problems: ProfileProblem[] = [];
  if (!isRecord(input)) return problems;
  const add = (path: (string | number)[], message: string) => problems.push({ path, message });

  const rawRoles = asArray(input.roles);
  const roleStrings = rawRoles.filter((r): r is string => typeof r === "string" && checkRoleSyntax(r) === null);
  // Role-dependent checks only make sense when the role list itself is usable;
  // otherwise every label would be reported as well, burying the real error.
  const rolesUsable = Array.isArray(input.roles) && roleStrings.length === rawRoles.length && roleStrings.length > 0;
  const roles = expandRoles(roleStrings);
  const roleSet = new Set(roles);

  const seenRoles = new Map<string, number>();
  rawRoles.forEach((r, i) => {
    if (typeof r !== "string") return;
    const first = seenRoles.get(r);
    if (first !== undefined) add(["roles", i], `role "${r}" is listed twice (first at roles.${first})`);
    else seenRoles.set(r, i);
  });

  const checkLabel = (value: unknown, path: (string | number)[]) => {
    if (typeof value !== "string" || !rolesUsable) return;
    const r = parseLabel(value, { roles });
    if (!r.ok) add(path, r.reason);
  };
  // Listed in each owner problem, so a long role list is cut rather than repeated whole.
  const shownRoles = roles.slice(0, 10).join(", ") + (roles.length > 10 ? `, … (${roles.length - 10} more)` : "");
  const checkOwner = (value: unknown, path: (string | number)[]) => {
    if (typeof value !== "string" || !rolesUsable) return;
    if (!roleSet.has(value)) add(path, `owner_role "${value}" is not one of the profile's roles (${shownRoles})`);
  };
  const reviewRole = (input.reviews as { role?: unknown } | undefined)?.role;
  if (typeof reviewRole === "string" && rolesUsable && !roleSet.has(reviewRole))
    add(["reviews", "role"], `role "${reviewRole}" is not one of the profile's roles (${shownRoles})`);
  const checkFlowTemplate = (value: unknown, path: (string | number)[]) => {
    if (typeof value !== "string") return;
    for (const p of templatePaths(value)) {
      const problem = flowPlaceholderProblem(p);
      if (problem !== null) add(path, problem);
    }
  };
  const checkPatternTemplate = (value: unknown, path: (string | number)[]) => {
    if (typeof value !== "string") return;
    for (const p of templatePaths(value)) {
      const root = p.split(".")[0] ?? "";
      if (!PATTERN_TEMPLATE_ROOTS.includes(root)) {
        add(path, `placeholder {{${p}}} is unknown in a pattern rule; use ${PATTERN_TEMPLATE_ROOTS.map((r) => `{{${r}}}`).join(" or ")}`);
      }
    }
  };
  const checkTask = (task: unknown, path: (string | number)[], template: typeof checkFlowTemplate) => {
    if (!isRecord(task)) return;
    template(task.title, [...path, "title"]);
    checkLabel(task.label, [...path, "label"]);
    checkOwner(task.owner_role, [...path, "owner_role"]);
  };
  const checkCase = (c: unknown, path: (string | number)[], template: typeof checkFlowTemplate) => {
    if (!isRecord(c)) return;
    template(c.title, [...path, "title"]);
    template(c.description, [...path, "description"]);
    for (const [i, t] of asArray(c.tags).entries()) template(t, [...path, "tags", i]);
    checkLabel(c.label, [...path, "label"]);
  };
  const checkUniqueIds = (key: "flow_rules" | "pattern_rules") => {
    const seen = new Map<string, number>();
    asArray(input[key]).forEach((rule, i) => {
      if (!isRecord(rule) || typeof rule.id !== "string") return;
      const first = seen.get(rule.id);
      if (first !== undefined) add([key, i, "id"], `rule id "${rule.id}" is used twice (first at ${key}.${first})`);
      else seen.set(rule.id, i);
    });
  };

  checkLabel(input.default_label, ["default_label"]);
  checkTask(input.triage_task, ["triage_task"], checkFlowTemplate);

  checkUniqueIds("flow_rules");
  // Reported once, at the rule whose patterns pass the limit.
  let patterns = 0;
  asArray(input.flow_rules).forEach((rule, i) => {
    const before = patterns;
    if (isRecord(rule) && isRecord(rule.when)) patterns += asArray(rule.when.regex).length;
    if (before <= MAX_PROFILE_PATTERNS && patterns > MAX_PROFILE_PATTERNS) {
      add(["flow_rules", i, "when", "regex"], `flow rules may hold at most ${MAX_PROFILE_PATTERNS} regular expressions in all`);
    }
  });
  asArray(input.flow_rules).forEach((rule, i) => {
    if (!isRecord(rule) || !isRecord(rule.then)) return;
    const path = ["flow_rules", i, "then"];
    checkCase(rule.then.case, [...path, "case"], checkFlowTemplate);
    for (const [j, t] of asArray(rule.then.tasks).entries()) checkTask(t, [...path, "tasks", j], checkFlowTemplate);
    checkFlowTemplate(rule.then.dedupe_key, [...path, "dedupe_key"]);
  });

  checkUniqueIds("pattern_rules");
  asArray(input.pattern_rules).forEach((rule, i) => {
    if (!isRecord(rule) || !isRecord(rule.action)) return;
    const path = ["pattern_rules", i, "action"];
    checkCase(rule.action.case, [...path, "case"], checkPatternTemplate);
    for (const [j, t] of asArray(rule.action.tasks).entries()) checkTask(t, [...path, "tasks", j], checkPatternTemplate);
  });

  const notifications = isRecord(input.notifications) ? input.notifications : {};
  const configured = isRecord(notifications.channels) ? notifications.channels : {};
  const checkChannels = (channels: unknown, path: (string | number)[]) => {
    asArray(channels).forEach((c, i) => {
      if (typeof c === "string" && (CHANNEL_NAMES as readonly string[]).includes(c) && configured[c] === undefined) {
        add([...path, i], `channel "${c}" is not configured under notifications.channels`);
      }
    });
  };
  asArray(notifications.rules).forEach((rule, i) => {
    if (!isRecord(rule)) return;
    checkChannels(rule.channels, ["notifications", "rules", i, "channels"]);
    asArray(rule.to_roles).forEach((r, j) => {
      if (typeof r === "string" && rolesUsable && !roleSet.has(r)) {
        add(["notifications", "rules", i, "to_roles", j], `role "${r}" is not one of the profile's roles`);
      }
    });
  });
  if (isRecord(input.escalation) && isRecord(input.escalation.notify)) {
    checkChannels(input.escalation.notify.channels, ["escalation", "notify", "channels"]);
  }

  const modules = isRecord(input.modules) ? input.modules : {};
  const checkRole = (value: unknown, path: (string | number)[]) => {
    if (typeof value === "string" && rolesUsable && !roleSet.has(value)) add(path, `role "${value}" is not one of the profile's roles (${shownRoles})`);
  };
  if (isRecord(modules.maintenance)) {
    checkRole(modules.maintenance.repair_role, ["modules", "maintenance", "repair_role"]);
    checkRole(modules.maintenance.verify_role, ["modules", "maintenance", "verify_role"]);
    checkLabel(modules.maintenance.repair_label, ["modules", "maintenance", "repair_label"]);
  }
  if (isRecord(modules.care)) {
    checkRole(modules.care.intake_role, ["modules", "care", "intake_role"]);
    asArray(modules.care.screening).forEach((t, i) => {
      if (isRecord(t)) checkOwner(t.owner_role, ["modules", "care", "screening", i, "owner_role"]);
    });
  }
  if (isRecord(modules.open311)) {
    const codes = new Map<string, number>();
    asArray(modules.open311.services).forEach((service, i) => {
      if (!isRecord(service)) return;
      checkLabel(service.label, ["modules", "open311", "services", i, "label"]);
      if (typeof service.service_code !== "string") return;
      const first = codes.get(service.service_code);
      if (first !== undefined)
        add(["modules", "open311", "services", i, "service_code"], `service_code "${service.service_code}" is used twice (first at services.${first})`);
      else codes.set(service.service_code, i);
    });
  }

  if (isRecord(input.reactivity_mode) && input.calendar === undefined) {
    for (const severity of Severity.options) {
      if (input.reactivity_mode[severity] === "business") {
        add(["reactivity_mode", severity], `business time needs a calendar; add \`calendar\` or use wall`);
      }
    }
  }
  return problems;
}
