/**
 * A fault report as a plan: the case about the asset (filed where it
 * stands, routed to the repair team), its first step (triage), and the asset
 * put under repair — all in the one transaction that applies the plan.
 */
import { DomainError, notFound } from "../../errors";
import { observePatterns } from "../../engine/pattern-plan";
import { PlanBuilder, type OrgLookup, type Plan, type PlanEnv } from "../../engine/plan";
import { addTask, caseDraft, openCase, taskDraft } from "../../engine/steps";
import type { Asset, RepairOutcome, RepairReport } from "./records";
import { REPAIR_OPENED, repairSetup, repairStepTask } from "./repair-workflow";

export interface RepairSnapshot {
  asset: Asset | null;
  lookup: OrgLookup;
}

export function planRepairReport(snapshot: RepairSnapshot, input: RepairReport, env: PlanEnv): Plan<RepairOutcome> {
  const asset = snapshot.asset;
  if (!asset) throw notFound("asset");
  if (asset.status === "retired") {
    throw new DomainError("invalid_transition", "a retired asset takes no repairs", [{ path: "asset_id", message: "the asset is retired" }]);
  }
  const setup = repairSetup(env.profile);
  if (!setup) throw new DomainError("not_found", "the maintenance module is not enabled");
  const b = new PlanBuilder(env, snapshot.lookup);
  const opened = openCase(
    b,
    env.actor,
    caseDraft({
      title: input.title,
      description: input.description,
      label: setup.label,
      severity: input.severity,
      location: asset.location,
      tags: ["repair"],
      metadata: { asset: { asset_id: asset.asset_id, name: asset.name, type: asset.type, serial: asset.serial } },
      asset_id: asset.asset_id,
    }),
    "new_case",
    [],
  );
  const triage = addTask(b, env.actor, opened, [], taskDraft(repairStepTask("triage", setup, input.title)));
  b.updateModuleRecord(env.actor, { module: "maintenance", kind: REPAIR_OPENED, id: asset.asset_id, changes: { case_id: opened.case_id } }, opened.case_id);
  observePatterns(b, { signal: null, case: triage.case, tasks: [triage.task], location: triage.case.location });
  return b.build({ case: triage.case, tasks: [triage.task] });
}
