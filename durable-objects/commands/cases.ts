/**
 * Case commands: create, patch, and re-aggregating a case's status from its
 * tasks. Each runs inside the caller's transaction.
 */
import { DomainError, notFound } from "../../core/errors";
import { requireLabel } from "../../core/labels";
import { applyCaseAggregate, transitionCase } from "../../core/machines";
import type { Case, CaseCreate, CasePatch, Location } from "../../core/model";
import { seesPerson } from "../../core/privacy/person-sight";
import { canAct, canSee, type Guarded } from "../../core/privacy/visibility";
import { reactivityDeadline } from "../../core/scheduling/escalation";
import { iso, type CommandContext } from "./context";
import { notify } from "./notify";
import { armEscalation } from "./reactivity";

export function toLocation(input: { site?: string | null; area?: string | null } | undefined): Location {
  return { site: input?.site ?? null, area: input?.area ?? null };
}

export function roleNames(ctx: CommandContext): string[] {
  return ctx.profile.roles;
}

/**
 * Whether a link to the person made now by the actor is trusted: only someone
 * who already sees the person's sensitive attributes can pass that sight on.
 */
export function linkTrusted(ctx: CommandContext, personId: string | null): boolean {
  return personId !== null && seesPerson(ctx.actor, ctx.store.trustedLinksTo(personId));
}

export function createCase(ctx: CommandContext, input: CaseCreate): Case {
  const label = input.label ?? ctx.profile.default_label;
  requireLabel(label, roleNames(ctx), "label");
  const severity = input.severity ?? "medium";
  const { reactivity_time, deadline } = reactivityDeadline(ctx.now, severity, ctx.profile, input.reactivity_time);
  const now = iso(ctx.now);
  const c: Case = {
    case_id: crypto.randomUUID(),
    title: input.title,
    description: input.description ?? null,
    label,
    origin_label: label,
    status: "open",
    severity,
    reactivity_time,
    reactivity_deadline: iso(deadline),
    origin_role: input.origin_role ?? null,
    location: toLocation(input.location),
    tags: input.tags ?? [],
    metadata: input.metadata ?? {},
    person_id: input.person_id ?? null,
    person_link_trusted: linkTrusted(ctx, input.person_id ?? null),
    escalation_level: 0,
    reacted_at: null,
    created_by: ctx.actor.user_id,
    created_at: now,
    updated_at: now,
    version: 1,
  };
  ctx.store.putCase(c, ctx.store.nextSeq());
  ctx.store.audit(auditEvent(ctx, "case.created", "case", c.case_id, { case: c }), c.case_id);
  armEscalation(ctx.store, "case", c.case_id, 0, c.reactivity_deadline);
  notify(
    ctx,
    { on: ctx.actor.ref === "pattern" ? "pattern_alert" : "new_case", severity: c.severity, label: c.label, owner_role: null },
    { entity_type: "case", entity_id: c.case_id, case_id: c.case_id, title: c.title },
  );
  return c;
}

export function loadCase(ctx: CommandContext, caseId: string): Case {
  const c = ctx.store.getCase(caseId);
  if (!c) throw notFound("case");
  return c;
}

/**
 * Loads a record on behalf of the actor: one they may not see does not exist
 * for them (404); one they see but may not act on is 403.
 */
export function guard<T extends Guarded>(ctx: CommandContext, item: T | null, what: string, need: "see" | "act"): T {
  if (!item || !canSee(ctx.actor, item, ctx.profile.privacy)) throw notFound(what);
  if (need === "act" && !canAct(ctx.actor, item)) {
    throw new DomainError("forbidden", `acting on this ${what} needs a position matching its label`);
  }
  return item;
}

export function loadCaseFor(ctx: CommandContext, caseId: string, need: "see" | "act"): Case {
  return guard(ctx, ctx.store.getCase(caseId), "case", need);
}

export function patchCase(ctx: CommandContext, caseId: string, patch: CasePatch, ifMatch: number | null): Case {
  const before = loadCaseFor(ctx, caseId, "act");
  if (ifMatch !== null && ifMatch !== before.version) {
    throw new DomainError("version_conflict", `case is at version ${before.version}, not ${ifMatch}`, [
      { path: "If-Match", message: `current version is ${before.version}` },
    ]);
  }
  if (before.status === "closed") throw new DomainError("invalid_transition", "a closed case cannot be changed", [{ path: "status", message: "case is closed" }]);
  if (patch.label !== undefined) requireLabel(patch.label, roleNames(ctx), "label");

  const now = iso(ctx.now);
  let next: Case = { ...before };
  if (patch.title !== undefined) next.title = patch.title;
  if (patch.description !== undefined) next.description = patch.description;
  // A person re-routing the case starts a new scope; escalation never changes the origin.
  if (patch.label !== undefined) next.label = next.origin_label = patch.label;
  if (patch.tags !== undefined) next.tags = patch.tags;
  if (patch.metadata !== undefined) next.metadata = patch.metadata;
  if (patch.location !== undefined) next.location = toLocation(patch.location);
  if (patch.person_id !== undefined) {
    next.person_id = patch.person_id;
    // Re-stating the linked person may confirm the link, never weaken it; another person needs trust anew.
    const restated = patch.person_id === before.person_id && before.person_link_trusted;
    next.person_link_trusted = restated || linkTrusted(ctx, patch.person_id);
  }
  if (patch.severity !== undefined && patch.severity !== before.severity) {
    next.severity = patch.severity;
    // The clock restarts from creation with the new window; a case that already reacted keeps its record.
    if (!before.reacted_at) {
      const { reactivity_time, deadline } = reactivityDeadline(new Date(before.created_at), patch.severity, ctx.profile);
      next.reactivity_time = reactivity_time;
      next.reactivity_deadline = iso(deadline);
      if (next.status === "open") armEscalation(ctx.store, "case", caseId, next.escalation_level, next.reactivity_deadline);
    }
  }
  next.version = before.version + 1;
  next.updated_at = now;

  if (patch.status !== undefined && patch.status !== before.status) {
    const moved = transitionCase(next, patch.status, now);
    // transitionCase bumps the version itself; one PATCH is one change.
    next = { ...moved.next, version: before.version + 1 };
    for (const effect of moved.effects) if (effect.type === "timers_dropped") ctx.store.dropTimers(caseId, "escalation");
    ctx.store.clearDedupe(caseId);
  }

  const changes = diff(before, next);
  ctx.store.putCase(next);
  ctx.store.audit(auditEvent(ctx, "case.updated", "case", caseId, changes), caseId);
  return next;
}

/** Re-derives the case status from its tasks after one of them changed. */
export function reaggregateCase(ctx: CommandContext, caseId: string): Case {
  const before = loadCase(ctx, caseId);
  const tasks = ctx.store.tasksOfCase(caseId);
  const { next, changed, effects } = applyCaseAggregate(before, tasks, iso(ctx.now));
  if (!changed) return before;
  for (const effect of effects) if (effect.type === "timers_dropped") ctx.store.dropTimers(caseId, "escalation");
  if (next.status === "resolved" || next.status === "closed") ctx.store.clearDedupe(caseId);
  ctx.store.putCase(next);
  ctx.store.audit(
    auditEvent(ctx, "case.status_changed", "case", caseId, { status: { from: before.status, to: next.status } }),
    caseId,
  );
  return next;
}

/** Raises a case's escalation level to at least `level` (never below its tasks'). */
export function raiseCaseLevel(ctx: CommandContext, caseId: string, level: number): void {
  const c = ctx.store.getCase(caseId);
  if (!c || c.escalation_level >= level) return;
  const next = { ...c, escalation_level: level, version: c.version + 1, updated_at: iso(ctx.now) };
  ctx.store.putCase(next);
  ctx.store.audit(
    auditEvent(ctx, "case.escalation_raised", "case", caseId, { escalation_level: { from: c.escalation_level, to: level } }),
    caseId,
  );
}

export function auditEvent(
  ctx: CommandContext,
  action: string,
  entity_type: string,
  entity_id: string,
  changes: Record<string, unknown>,
) {
  return { event_id: crypto.randomUUID(), at: iso(ctx.now), actor: ctx.actor.ref, action, entity_type, entity_id, changes };
}

/** Field-level changes for the audit log: `{ field: { from, to } }`. */
export function diff<T extends object>(before: T, after: T): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(after) as (keyof T & string)[]) {
    if (key === "version" || key === "updated_at") continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) out[key] = { from: before[key], to: after[key] };
  }
  return out;
}
