/**
 * Signal ingestion: a messy input becomes a routed case with tasks, or joins
 * the open case with the same dedupe key. Idempotency keys are looked up
 * before validation (a replay is answered even if the rules have changed
 * since), are durable in the organization's storage, and a rejected attempt
 * does not use its key up because the whole item rolls back.
 */
import { DomainError, problemsFromZod } from "../../core/errors";
import { evaluateSignal, type NormalizedSignal } from "../../core/flow-rules";
import { requireLabel } from "../../core/labels";
import { canSee, type Guarded } from "../../core/privacy/visibility";
import { SignalInput, type Case, type Task } from "../../core/model";
import { auditEvent, createCase, loadCase, roleNames } from "./cases";
import { iso, type CommandContext } from "./context";
import { observePatterns } from "./patterns";
import { addTask } from "./tasks";

export interface SignalOutcome {
  signal_id: string;
  case: Case | null;
  tasks: Task[];
  matched_rules: string[];
  duplicate: boolean;
}

/** The key of a raw item, read before any validation. */
export function idempotencyKeyOf(raw: unknown): string | null {
  if (raw && typeof raw === "object" && "idempotency_key" in raw) {
    const key = (raw as { idempotency_key: unknown }).idempotency_key;
    if (typeof key === "string" && key.length > 0 && key.length <= 200) return key;
  }
  return null;
}

export function findDuplicate(ctx: CommandContext, raw: unknown): SignalOutcome | null {
  const key = idempotencyKeyOf(raw);
  const first = key ? ctx.store.signalByIdempotencyKey<SignalOutcome>(key) : null;
  return first ? visibleTo(ctx, { ...first, duplicate: true }) : null;
}

export function ingestSignal(ctx: CommandContext, raw: unknown, defaultSource: SignalInput["source"] = "api"): SignalOutcome {
  const duplicate = findDuplicate(ctx, raw);
  if (duplicate) return duplicate;
  const parsed = SignalInput.safeParse(raw && typeof raw === "object" && !("source" in raw) ? { ...raw, source: defaultSource } : raw);
  if (!parsed.success) throw new DomainError("validation", "the signal does not match the schema", problemsFromZod(parsed.error));
  const input = parsed.data;
  if (input.label !== undefined) requireLabel(input.label, roleNames(ctx), "label");

  const receivedAt = iso(ctx.now);
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
  const decision = evaluateSignal(signal, ctx.profile);
  const signalId = crypto.randomUUID();

  let theCase: Case;
  const tasks: Task[] = [];
  const joined = decision.dedupe_key ? ctx.store.openCaseForDedupe(decision.dedupe_key) : null;
  if (joined) {
    // One burst of reports is one case: the signal joins its timeline, no new work is spawned.
    theCase = loadCase(ctx, joined);
    ctx.store.audit(auditEvent(ctx, "case.signal_attached", "case", joined, { signal_id: signalId, title: signal.title }), joined);
  } else {
    // Work opened by routing belongs where the rules sent it. The reporter is
    // the signal's sender and the audit's actor, not the case's creator: were
    // it the creator, it would see a new case in its lists but never a joined
    // one, and so learn that a hidden case with the same dedupe key exists.
    const routed: CommandContext = { ...ctx, actor: { ...ctx.actor, user_id: null } };
    theCase = createCase(routed, {
      title: decision.case.title,
      description: decision.case.description,
      label: decision.case.label,
      severity: decision.case.severity,
      ...(decision.case.reactivity_time ? { reactivity_time: decision.case.reactivity_time } : {}),
      location: signal.location,
      tags: decision.case.tags,
      metadata: signal.metadata,
      person_id: signal.person_id,
    });
    if (decision.dedupe_key) ctx.store.setDedupe(decision.dedupe_key, theCase.case_id);
    for (const t of decision.tasks) {
      tasks.push(
        addTask(routed, theCase, {
          title: t.title,
          type: t.type,
          subtype: t.subtype,
          ...(t.owner_role ? { owner_role: t.owner_role } : {}),
          ...(t.label ? { label: t.label } : {}),
          ...(t.severity ? { severity: t.severity } : {}),
          ...(t.reactivity_time ? { reactivity_time: t.reactivity_time } : {}),
        }),
      );
    }
    // Tasks may have moved the case's status; answer with its current state.
    theCase = loadCase(ctx, theCase.case_id);
  }

  const key = input.idempotency_key ?? null;
  const outcome: SignalOutcome = { signal_id: signalId, case: theCase, tasks, matched_rules: decision.matched_rules, duplicate: false };
  ctx.store.recordSignal(signalId, key, receivedAt, outcome);
  ctx.store.enqueue({
    kind: "signal",
    row: {
      signal_id: signalId,
      org_id: ctx.store.org()!.org_id,
      seq: ctx.store.nextSeq(),
      source: signal.source,
      idempotency_key: key,
      title: signal.title,
      body: signal.body,
      severity: input.severity ?? null,
      label: input.label ?? null,
      site: signal.location.site,
      area: signal.location.area,
      metadata: signal.metadata,
      person_id: signal.person_id,
      occurred_at: signal.occurred_at,
      received_at: receivedAt,
      case_id: theCase.case_id,
      matched_rules: decision.matched_rules,
      routed_label: decision.case.label,
      routed_severity: decision.case.severity,
      routed_reactivity_time: decision.case.reactivity_time ?? ctx.profile.reactivity[decision.case.severity],
      routed_tasks: decision.tasks.length,
    },
  });
  ctx.store.audit(
    auditEvent(ctx, "signal.received", "signal", signalId, {
      source: signal.source,
      case_id: theCase.case_id,
      joined_existing_case: joined !== null,
      matched_rules: decision.matched_rules,
      explanations: decision.explanations,
      triage: decision.triage,
    }),
    theCase.case_id,
  );
  observePatterns(ctx, { signal, case: joined ? null : theCase, tasks });
  return visibleTo(ctx, outcome);
}

/**
 * What a reporter learns of the case their signal reached. The answer must
 * not tell a new case from a joined one, or `case: null` would reveal that
 * a hidden case with the same dedupe key exists. So it is judged by the
 * case's scope alone: a case outside the reporter's sight answers
 * `case: null, tasks: []` whether the signal opened it or joined it.
 */
export function visibleTo(ctx: CommandContext, outcome: SignalOutcome): SignalOutcome {
  const privacy = ctx.profile.privacy;
  const inScope = (item: Guarded) => canSee(ctx.actor, { ...item, created_by: null }, privacy);
  if (!outcome.case || inScope(outcome.case)) return { ...outcome, tasks: outcome.tasks.filter(inScope) };
  return { ...outcome, case: null, tasks: [] };
}

/** Batches are applied in `occurred_at` order so offline sites replay history as it happened. */
export function batchOrder(items: unknown[]): number[] {
  const at = (raw: unknown) => {
    const v = raw && typeof raw === "object" ? (raw as { occurred_at?: unknown }).occurred_at : undefined;
    const t = typeof v === "string" ? Date.parse(v) : NaN;
    return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
  };
  return items.map((raw, index) => ({ index, t: at(raw) })).sort((a, b) => a.t - b.t || a.index - b.index).map((x) => x.index);
}
