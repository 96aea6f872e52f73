/**
 * The repair workflow's changes to assets, decided by core plans (a fault
 * report, a verified repair, a triage that found no fault) and applied here
 * in the same transaction: an asset is under repair while any of its repair
 * cases is going, and back in service when the last one ends. A retired or
 * out-of-service asset keeps the status a person gave it.
 */
import type { ModuleRecordUpdate } from "../../../core/engine";
import type { Asset, AssetStatus } from "../../../core/modules/maintenance/records";
import { REPAIR_CLOSED, REPAIR_OPENED } from "../../../core/modules/maintenance/repair-workflow";
import type { OrgStore } from "../../store/org-store";
import { MaintenanceStore } from "./maintenance-store";

export function applyMaintenanceUpdate(store: OrgStore, u: ModuleRecordUpdate): void {
  const assets = new MaintenanceStore(store);
  const caseId = String(u.changes.case_id ?? u.case_id ?? "");
  const asset = assets.getAsset(u.id);
  if (!asset || !caseId) return;
  if (u.kind === REPAIR_OPENED) {
    assets.openRepair(caseId, asset.asset_id);
    if (asset.status === "in_service") setStatus(store, assets, asset, "under_repair", u);
    return;
  }
  if (u.kind === REPAIR_CLOSED) {
    assets.closeRepair(caseId);
    if (asset.status === "under_repair" && !assets.hasOpenRepair(asset.asset_id)) setStatus(store, assets, asset, "in_service", u);
    return;
  }
  throw new Error(`unknown maintenance update ${u.kind}`);
}

function setStatus(store: OrgStore, assets: MaintenanceStore, asset: Asset, status: AssetStatus, u: ModuleRecordUpdate): void {
  assets.putAsset({ ...asset, status, updated_at: u.at, version: asset.version + 1 });
  store.audit(
    {
      event_id: crypto.randomUUID(),
      at: u.at,
      actor: u.by,
      action: "asset.updated",
      entity_type: "asset",
      entity_id: asset.asset_id,
      changes: { status: { from: asset.status, to: status }, ...u.changes },
    },
    u.case_id,
  );
}
