/**
 * The workflow engine's decision step: given one normalized signal and the
 * organization's profile, say which case it opens (title, label, severity,
 * reactivity), which tasks it spawns, which dedupe key lets it join an open
 * case, and why. Pure and deterministic: no clock, no randomness, no I/O, so
 * the same signal and profile always route the same way (the dry run relies
 * on this to replay history through a candidate profile).
 *
 * Order: rules are tried top to bottom; the first matching rule decides the
 * case; every later matching rule with `continue: true` adds its tasks. No
 * match sends the signal to `default_label` with the profile's triage task.
 */
import type { RE2JS } from "re2js";
import type { Severity, SignalSource } from "../model/enums";
import { readPath, renderTemplate, templatePaths, type CaseTemplate, type TaskTemplate } from "../model/templates";
import type { FlowRule, FlowWhen, Profile } from "../profiles/schema";
import { firstKeyword, keywordText, type KeywordText } from "../text/keywords";
import { MAX_SCANNED_CHARS, scannedText } from "../text/scanned-text";
import { MAX_REGEX_SCANNED_CHARS, compileProfilePattern } from "./profile-regex";

export interface NormalizedSignal {
  source: SignalSource;
  title: string;
  body: string | null;
  severity: Severity | null;
  label: string | null;
  location: { site: string | null; area: string | null };
  metadata: Record<string, unknown>;
  person_id: string | null;
  occurred_at: string;
  received_at: string;
}

export interface RoutedTask {
  title: string;
  type: string | null;
  subtype: string | null;
  owner_role: string | null;
  /** null: the task takes its case's label. */
  label: string | null;
  /** null: the task takes its case's severity. */
  severity: Severity | null;
  /** null: the profile's window for the task's severity. */
  reactivity_time: string | null;
}

export interface RoutingDecision {
  matched_rules: string[];
  explanations: { rule_id: string; reasons: string[] }[];
  case: {
    title: string;
    description: string | null;
    label: string;
    severity: Severity;
    /** null: the profile's reactivity window for the severity (and its wall/business mode). */
    reactivity_time: string | null;
    tags: string[];
  };
  /** Open case with the same key in the organization absorbs the signal; null: always a new case. */
  dedupe_key: string | null;
  tasks: RoutedTask[];
  /** True when no rule matched and the case went to the profile's default_label. */
  triage: boolean;
}

export const DEFAULT_SEVERITY: Severity = "medium";

// Case descriptions have a bound in the API; a huge email body should not make the case unstorable.
const MAX_DESCRIPTION = 20_000;

/** What `{{…}}` placeholders read: the signal under `signal`, and its most used fields at the top. */
export function templateContext(signal: NormalizedSignal): Record<string, unknown> {
  return {
    signal,
    location: signal.location,
    metadata: signal.metadata,
    person_id: signal.person_id,
    source: signal.source,
  };
}

export function evaluateSignal(signal: NormalizedSignal, profile: Profile): RoutingDecision {
  const context = templateContext(signal);
  const text = signalText(signal);

  let decider: FlowRule | null = null;
  const matched_rules: string[] = [];
  const explanations: RoutingDecision["explanations"] = [];
  const tasks: RoutedTask[] = [];

  for (const rule of profile.flow_rules) {
    if (decider !== null && !rule.continue) continue;
    const reasons = matchWhen(rule.when, signal, text);
    if (reasons === null) continue;
    if (decider === null) decider = rule;
    matched_rules.push(rule.id);
    explanations.push({ rule_id: rule.id, reasons });
    for (const t of rule.then.tasks ?? []) tasks.push(renderTask(t, context));
  }

  if (decider === null) {
    return {
      matched_rules,
      explanations,
      case: buildCase(signal, undefined, profile.default_label, context, []),
      dedupe_key: null,
      tasks: [renderTask(profile.triage_task, context)],
      triage: true,
    };
  }

  // Overrides by the signal's own label/severity are explained on the deciding rule.
  const deciderReasons = explanations[0]?.reasons ?? [];
  return {
    matched_rules,
    explanations,
    case: buildCase(signal, decider.then.case, profile.default_label, context, deciderReasons),
    dedupe_key: renderDedupeKey(decider.then.dedupe_key, context),
    tasks,
    triage: false,
  };
}

function buildCase(
  signal: NormalizedSignal,
  template: CaseTemplate | undefined,
  defaultLabel: string,
  context: Record<string, unknown>,
  reasons: string[],
): RoutingDecision["case"] {
  // The sender's explicit label and severity win; the rule still counts as matched.
  if (signal.label !== null && template?.label !== undefined && template.label !== signal.label) {
    reasons.push(`label "${signal.label}" given with the signal wins over the rule's "${template.label}"`);
  }
  if (signal.severity !== null && template?.severity !== undefined && template.severity !== signal.severity) {
    reasons.push(`severity "${signal.severity}" given with the signal wins over the rule's "${template.severity}"`);
  }
  const description = template?.description !== undefined ? renderTemplate(template.description, context) : signal.body;
  const tags: string[] = [];
  for (const tag of template?.tags ?? []) {
    const rendered = renderTemplate(tag, context);
    if (!tags.includes(rendered)) tags.push(rendered);
  }
  return {
    title: template?.title !== undefined ? renderTemplate(template.title, context) : signal.title,
    description: description === null ? null : description.slice(0, MAX_DESCRIPTION),
    label: signal.label ?? template?.label ?? defaultLabel,
    severity: signal.severity ?? template?.severity ?? DEFAULT_SEVERITY,
    reactivity_time: template?.reactivity_time ?? null,
    tags,
  };
}

function renderTask(t: TaskTemplate, context: Record<string, unknown>): RoutedTask {
  return {
    title: renderTemplate(t.title, context),
    type: t.type ?? null,
    subtype: t.subtype ?? null,
    owner_role: t.owner_role ?? null,
    label: t.label ?? null,
    severity: t.severity ?? null,
    reactivity_time: t.reactivity_time ?? null,
  };
}

/**
 * A key with a missing field would glue unrelated signals together (every
 * report without a site under `leak:unknown`), so such a signal is not deduplicated.
 */
function renderDedupeKey(template: string | undefined, context: Record<string, unknown>): string | null {
  if (template === undefined) return null;
  for (const path of templatePaths(template)) {
    const v = readPath(context, path);
    if (v === undefined || v === null || v === "") return null;
  }
  return renderTemplate(template, context);
}

// ---------------------------------------------------------------------------
// Matching

/** What text conditions read: NFKC text for regexes, folded text for keywords (made on first use). */
interface SignalText {
  title: string;
  body: string;
  keywords(): KeywordText;
}

function signalText(signal: NormalizedSignal): SignalText {
  const text = scannedText(normalizeText(signal.title), normalizeText(signal.body ?? ""));
  let folded: KeywordText | undefined;
  return { ...text, keywords: () => (folded ??= keywordText(signal.title, signal.body)) };
}

// Cut before normalizing too, so a huge body is not normalized only to be cut.
function normalizeText(s: string): string {
  return s.slice(0, MAX_SCANNED_CHARS).normalize("NFKC");
}

/** The reasons the rule matches, or null when any condition fails (keys AND, values OR). */
function matchWhen(when: FlowWhen, signal: NormalizedSignal, text: SignalText): string[] | null {
  const reasons: string[] = [];
  const need = (reason: string | null): boolean => {
    if (reason === null) return false;
    reasons.push(reason);
    return true;
  };

  if (when.source && !need(when.source.includes(signal.source) ? `source is ${signal.source}` : null)) return null;
  if (when.severity && !need(signal.severity !== null && when.severity.includes(signal.severity) ? `severity ${signal.severity} given` : null)) {
    return null;
  }
  if (when.label_prefix) {
    const prefix = signal.label === null ? undefined : when.label_prefix.find((p) => (signal.label as string).startsWith(p));
    if (!need(prefix === undefined ? null : `label ${signal.label} starts with ${prefix}`)) return null;
  }
  if (when.has_person !== undefined) {
    const has = signal.person_id !== null && signal.person_id !== "";
    if (!need(has === when.has_person ? (has ? `names person ${signal.person_id}` : "names no person") : null)) return null;
  }
  if (when.location) {
    for (const field of ["site", "area"] as const) {
      const wanted = when.location[field];
      if (!wanted) continue;
      const actual = signal.location[field];
      const hit = actual === null ? undefined : wanted.find((w) => w.toLowerCase() === actual.toLowerCase());
      if (!need(hit === undefined ? null : `location.${field} is ${actual}`)) return null;
    }
  }
  if (when.metadata) {
    // Sorted so the reasons read the same whatever order the YAML map had.
    for (const key of Object.keys(when.metadata).sort()) {
      const wanted = when.metadata[key];
      if (wanted === undefined) continue;
      const hit = metadataMatch(signal.metadata, key, Array.isArray(wanted) ? wanted : [wanted]);
      if (!need(hit === null ? null : `metadata.${key} = ${JSON.stringify(hit)}`)) return null;
    }
  }
  if (when.keywords) {
    const hit = firstKeyword(when.keywords, text.keywords());
    if (!need(hit === null ? null : `keyword "${hit.keyword}" in ${hit.where}`)) return null;
  }
  if (when.regex) {
    const hit = firstRegex(when.regex, text);
    if (!need(hit === null ? null : `regex /${hit.source}/ matched "${hit.match}" in ${hit.where}`)) return null;
  }
  if (reasons.length === 0) reasons.push("rule has no conditions: matches every signal");
  return reasons;
}

type Scalar = string | number | boolean;

function metadataMatch(metadata: Record<string, unknown>, key: string, wanted: readonly Scalar[]): Scalar | null {
  const actual = Object.hasOwn(metadata, key) ? metadata[key] : readPath(metadata, key);
  const candidates = Array.isArray(actual) ? actual : [actual];
  for (const w of wanted) {
    for (const a of candidates) {
      if ((typeof a === "string" || typeof a === "number" || typeof a === "boolean") && String(a) === String(w)) return w;
    }
  }
  return null;
}

// Compiled patterns are cached by their text only; the cache affects speed, never results.
const MAX_CACHE = 2_000;
const regexCache = new Map<string, RE2JS | null>();

function cachedRegex(source: string): RE2JS | null {
  if (regexCache.has(source)) return regexCache.get(source) as RE2JS | null;
  if (regexCache.size >= MAX_CACHE) regexCache.clear();
  // The profile schema already refused patterns RE2 cannot run; one that slipped through never matches.
  const compiled = compileProfilePattern(source);
  const re = compiled.ok ? compiled.pattern : null;
  regexCache.set(source, re);
  return re;
}

function firstRegex(sources: readonly string[], text: SignalText): { source: string; match: string; where: string } | null {
  for (const source of sources) {
    const re = cachedRegex(source);
    if (re === null) continue;
    const regexText = scannedText(text.title, text.body, MAX_REGEX_SCANNED_CHARS);
    for (const where of ["title", "body"] as const) {
      // test() runs on RE2's DFA; the match itself is extracted only for the explanation.
      if (!re.test(regexText[where])) continue;
      const m = re.exec(regexText[where]);
      return { source, match: (m?.[0] ?? "").slice(0, 80), where };
    }
  }
  return null;
}
