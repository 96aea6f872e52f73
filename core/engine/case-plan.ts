/**
 * Plans for the case commands: open a case on request, and change one
 * (PATCH). The object reads the snapshot, these decide, the object applies.
 */
import { DomainError } from "../errors";
import { requireLabel } from "../labels";
import { transitionCase } from "../machines";
import type { CaseCreate, CasePatch } from "../model/inputs";
import type { Case } from "../model/records";
import { type AssetRef, requireAsset } from "../modules/maintenance/asset-ref";
import type { PersonLink } from "../privacy/person-sight";
import { reactivityDeadline } from "../scheduling/escalation";
import { observePatterns } from "./pattern-plan";
import { diff, PlanBuilder, type OrgLookup, type Plan, type PlanEnv } from "./plan";
import { caseDraft, escalationTimer, guard, linkTrusted, openCase, toLocation } from "./steps";

export interface CaseCreateSnapshot {
  /** Trusted links to the person the new case names (none when it names nobody). */
  person_links: readonly PersonLink[];
  /** The asset the input names, if it names one and it exists. */
  asset?: AssetRef | null;
  lookup: OrgLookup;
}

export function planCaseCreate(snapshot: CaseCreateSnapshot, input: CaseCreate, env: PlanEnv): Plan<Case> {
  const b = new PlanBuilder(env, snapshot.lookup);
  // A case about an asset is filed where the asset stands unless it says otherwise.
  const asset = input.asset_id ? requireAsset(input.asset_id, snapshot.asset) : null;
  const location = input.location ?? asset?.location;
  const created = openCase(b, env.actor, caseDraft({ ...input, location }), "new_case", snapshot.person_links);
  observePatterns(b, { signal: null, case: created, tasks: [], location: created.location });
  return b.build(created);
}

export interface CasePatchSnapshot {
  case: Case | null;
  /** Trusted links to the person the patch names, if it names one. */
  person_links: readonly PersonLink[];
  /** The asset the patch names, if it names one and it exists. */
  asset?: AssetRef | null;
  lookup: OrgLookup;
}

export function planCasePatch(snapshot: CasePatchSnapshot, patch: CasePatch, ifMatch: number | null, env: PlanEnv): Plan<Case> {
  const { actor, profile } = env;
  const b = new PlanBuilder(env, snapshot.lookup);
  const before = guard(actor, profile.privacy, snapshot.case, "case", "act");
  const caseId = before.case_id;
  if (ifMatch !== null && ifMatch !== before.version) {
    throw new DomainError("version_conflict", `case is at version ${before.version}, not ${ifMatch}`, [
      { path: "If-Match", message: `current version is ${before.version}` },
    ]);
  }
  if (before.status === "closed")
    throw new DomainError("invalid_transition", "a closed case cannot be changed", [{ path: "status", message: "case is closed" }]);
  if (patch.label !== undefined) requireLabel(patch.label, profile.roles, "label");
  if (patch.asset_id) requireAsset(patch.asset_id, snapshot.asset);

  let next: Case = { ...before };
  if (patch.title !== undefined) next.title = patch.title;
  if (patch.description !== undefined) next.description = patch.description;
  // A person re-routing the case starts a new scope; escalation never changes the origin.
  if (patch.label !== undefined) next.label = next.origin_label = patch.label;
  if (patch.tags !== undefined) next.tags = patch.tags;
  if (patch.metadata !== undefined) next.metadata = patch.metadata;
  if (patch.location !== undefined) next.location = toLocation(patch.location);
  if (patch.asset_id !== undefined) next.asset_id = patch.asset_id;
  if (patch.person_id !== undefined) {
    next.person_id = patch.person_id;
    // Re-stating the linked person may confirm the link, never weaken it; another person needs trust anew.
    const restated = patch.person_id === before.person_id && before.person_link_trusted;
    next.person_link_trusted = restated || linkTrusted(actor, patch.person_id, snapshot.person_links);
  }
  if (patch.severity !== undefined && patch.severity !== before.severity) {
    next.severity = patch.severity;
    // The clock restarts from creation with the new window; a case that already reacted keeps its record.
    if (!before.reacted_at) {
      const { reactivity_time, deadline } = reactivityDeadline(new Date(before.created_at), patch.severity, profile);
      next.reactivity_time = reactivity_time;
      next.reactivity_deadline = deadline.toISOString();
      if (next.status === "open") {
        b.dropTimers(caseId, "escalation");
        b.arm(escalationTimer("case", caseId, next.escalation_level, next.reactivity_deadline));
      }
    }
  }
  next.version = before.version + 1;
  next.updated_at = b.at;

  if (patch.status !== undefined && patch.status !== before.status) {
    const moved = transitionCase(next, patch.status, b.at);
    // transitionCase bumps the version itself; one PATCH is one change.
    next = { ...moved.next, version: before.version + 1 };
    if (moved.effects.some((e) => e.type === "timers_dropped")) b.dropTimers(caseId, "escalation");
    b.clearDedupe(caseId);
  }

  b.putCase(next);
  b.audit(actor, "case.updated", "case", caseId, diff(before, next), caseId);
  return b.build(next);
}
