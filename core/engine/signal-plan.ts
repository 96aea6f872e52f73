/**
 * Signal ingestion: a messy input becomes a routed case with tasks, or joins
 * the open case with the same dedupe key. In three pure steps around the
 * object's reads: `routeSignal` validates and routes (which names the dedupe
 * key to look up), the object reads the snapshot, `planSignal` decides the
 * rest. Idempotency keys are looked up by the object before validation (a
 * replay is answered even if the rules have changed since); a rejected
 * attempt does not use its key up because nothing of it is applied.
 */
import { DomainError, problemsFromZod } from "../errors";
import { routingOf } from "../flow-rules/dry-run";
import { evaluateSignal, type NormalizedSignal, type RoutingDecision } from "../flow-rules/evaluate";
import { requireLabel } from "../labels";
import { IdempotencyKey, SignalInput } from "../model/inputs";
import type { Case, Task } from "../model/records";
import { type AssetRef, requireAsset } from "../modules/maintenance/asset-ref";
import type { PersonLink } from "../privacy/person-sight";
import { canSee, type Guarded, type Viewer } from "../privacy/visibility";
import type { Privacy } from "../model/enums";
import { observePatterns } from "./pattern-plan";
import { PlanBuilder, type Author, type OrgLookup, type Plan, type PlanEnv, type SignalOutcome } from "./plan";
import { addTask, caseDraft, openCase, taskDraft } from "./steps";

/** The key of a raw item, read before any validation. */
export function idempotencyKeyOf(raw: unknown): string | null {
  if (!raw || typeof raw !== "object" || !("idempotency_key" in raw)) return null;
  const key = IdempotencyKey.safeParse((raw as { idempotency_key: unknown }).idempotency_key);
  return key.success ? key.data : null;
}

/** Batches are applied in `occurred_at` order so offline sites replay history as it happened. */
export function batchOrder(items: unknown[]): number[] {
  const at = (raw: unknown) => {
    const v = raw && typeof raw === "object" ? (raw as { occurred_at?: unknown }).occurred_at : undefined;
    const t = typeof v === "string" ? Date.parse(v) : NaN;
    return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
  };
  return items
    .map((raw, index) => ({ index, t: at(raw) }))
    .sort((a, b) => a.t - b.t || a.index - b.index)
    .map((x) => x.index);
}

export interface RoutedSignal {
  input: SignalInput;
  signal: NormalizedSignal;
  decision: RoutingDecision;
}

/** Validates a raw signal (its source defaulting to the channel it came by) and routes it through the profile. */
export function routeSignal(raw: unknown, defaultSource: SignalInput["source"], profile: PlanEnv["profile"], now: Date): RoutedSignal {
  const parsed = SignalInput.safeParse(raw && typeof raw === "object" && !("source" in raw) ? { ...raw, source: defaultSource } : raw);
  if (!parsed.success) throw new DomainError("validation", "the signal does not match the schema", problemsFromZod(parsed.error));
  const input = parsed.data;
  if (input.label !== undefined) requireLabel(input.label, profile.roles, "label");
  const receivedAt = now.toISOString();
  const signal: NormalizedSignal = {
    source: input.source,
    title: input.title,
    body: input.body ?? null,
    severity: input.severity ?? null,
    label: input.label ?? null,
    location: { site: input.location?.site ?? null, area: input.location?.area ?? null },
    metadata: input.metadata ?? {},
    person_id: input.person_id ?? null,
    occurred_at: input.occurred_at ?? receivedAt,
    received_at: receivedAt,
  };
  return { input, signal, decision: evaluateSignal(signal, profile) };
}

export interface SignalSnapshot {
  /** The open case the routing's dedupe key points at; null: the signal opens a case. */
  dedupe_case: Case | null;
  /** Trusted links to the person the signal names (none when it names nobody). */
  person_links: readonly PersonLink[];
  /** The asset the signal names, if it names one and it exists. */
  asset?: AssetRef | null;
  lookup: OrgLookup;
}

export function planSignal(snapshot: SignalSnapshot, routed: RoutedSignal, env: PlanEnv): Plan<SignalOutcome> {
  const { actor, profile } = env;
  const { input, signal, decision } = routed;
  const b = new PlanBuilder(env, snapshot.lookup);
  const signalId = b.id();
  const joined = snapshot.dedupe_case;
  const asset = input.asset_id ? requireAsset(input.asset_id, snapshot.asset) : null;

  let theCase: Case;
  const tasks: Task[] = [];
  if (joined) {
    // One burst of reports is one case: the signal joins its timeline, no new work is spawned.
    theCase = joined;
    b.audit(actor, "case.signal_attached", "case", joined.case_id, { signal_id: signalId, title: signal.title }, joined.case_id);
  } else {
    // Work opened by routing belongs where the rules sent it. The reporter is
    // the signal's sender and the audit's actor, not the case's creator: were
    // it the creator, it would see a new case in its lists but never a joined
    // one, and so learn that a hidden case with the same dedupe key exists.
    const routedBy: Author = { ref: actor.ref, user_id: null };
    // A report about an asset that says nowhere is filed where the asset stands.
    const location = input.location === undefined && asset ? asset.location : signal.location;
    const draft = caseDraft({ ...decision.case, location, metadata: signal.metadata, person_id: signal.person_id, asset_id: asset?.asset_id ?? null });
    theCase = openCase(b, routedBy, draft, "new_case", snapshot.person_links);
    if (decision.dedupe_key) b.setDedupe(decision.dedupe_key, theCase.case_id);
    for (const t of decision.tasks) {
      const added = addTask(b, routedBy, theCase, tasks, taskDraft(t));
      tasks.push(added.task);
      // Tasks may move the case's status; the answer shows its current state.
      theCase = added.case;
    }
  }

  const outcome: SignalOutcome = { signal_id: signalId, case: theCase, tasks, matched_rules: decision.matched_rules, duplicate: false };
  b.recordSignal({
    signal_id: signalId,
    idempotency_key: input.idempotency_key ?? null,
    signal,
    case_id: theCase.case_id,
    routing: routingOf(decision, profile),
    outcome,
  });
  b.audit(
    actor,
    "signal.received",
    "signal",
    signalId,
    {
      source: signal.source,
      case_id: theCase.case_id,
      joined_existing_case: joined !== null,
      matched_rules: decision.matched_rules,
      explanations: decision.explanations,
      triage: decision.triage,
    },
    theCase.case_id,
  );
  observePatterns(b, { signal, case: joined ? null : theCase, tasks, location: theCase.location });
  return b.build(visibleTo(actor, profile.privacy, outcome));
}

/** The answer to a signal whose idempotency key was seen before: the first result, as this sender may see it. */
export function replayedOutcome(first: SignalOutcome, viewer: Viewer, privacy: Privacy): SignalOutcome {
  return visibleTo(viewer, privacy, { ...first, duplicate: true });
}

/**
 * What a reporter learns of the case their signal reached. The answer must
 * not tell a new case from a joined one, or `case: null` would reveal that
 * a hidden case with the same dedupe key exists. So it is judged by the
 * case's scope alone: a case outside the reporter's sight answers
 * `case: null, tasks: []` whether the signal opened it or joined it.
 */
function visibleTo(viewer: Viewer, privacy: Privacy, outcome: SignalOutcome): SignalOutcome {
  const inScope = (item: Guarded) => canSee(viewer, { ...item, created_by: null }, privacy);
  if (!outcome.case || inScope(outcome.case)) return { ...outcome, tasks: outcome.tasks.filter(inScope) };
  return { ...outcome, case: null, tasks: [] };
}
