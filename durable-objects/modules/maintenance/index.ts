/**
 * The maintenance module in the organization's object: places, assets and
 * fault reports. Each command runs inside the object's transaction, so an
 * asset, its audit event and its D1 copy commit together, and a fault
 * report's case, triage task and asset status commit as one.
 */
import { DomainError, notFound } from "../../../core/errors";
import { MAX_ASSETS, newAsset, patchedAsset, requirePlace } from "../../../core/modules/maintenance/assets";
import { MAX_LOCATIONS, newLocation } from "../../../core/modules/maintenance/places";
import type {
  Asset,
  AssetCreate,
  AssetPatch,
  LocationCreate,
  MaintenanceLocation,
  RepairOutcome,
  RepairReport,
} from "../../../core/modules/maintenance/records";
import { planRepairReport } from "../../../core/modules/maintenance/repair-plan";
import type { MaintenanceSettings } from "../../../core/modules/maintenance/settings";
import { auditEvent, type CommandContext } from "../../commands/context";
import { applyPlan } from "../../store/apply-plan";
import { lookupIn } from "../../store/snapshots";
import { defineModule } from "../definition";
import { MaintenanceStore } from "./maintenance-store";
import { MAINTENANCE_TABLES } from "./tables";

const settingsOf = (ctx: CommandContext): MaintenanceSettings => ctx.profile.modules?.maintenance ?? {};

function refuseTakenSerial(store: MaintenanceStore, serial: string | null | undefined, assetId: string | null): void {
  if (!serial) return;
  const holder = store.assetIdBySerial(serial);
  if (holder && holder !== assetId) {
    throw new DomainError("duplicate", "another asset of the organization has this serial", [{ path: "serial", message: "already taken" }]);
  }
}

function createLocation(ctx: CommandContext, input: LocationCreate): MaintenanceLocation {
  const store = new MaintenanceStore(ctx.store);
  if (store.locationCount() >= MAX_LOCATIONS) {
    throw new DomainError("validation", `an organization has at most ${MAX_LOCATIONS} places`, [{ path: "name", message: "too many places" }]);
  }
  const parent = input.parent_id ? store.getLocation(input.parent_id) : null;
  const location = newLocation(input, parent, ctx.newId(), ctx.now);
  store.insertLocation(location);
  ctx.store.audit(auditEvent(ctx, "location.created", "location", location.location_id, { location }), null);
  return location;
}

function createAsset(ctx: CommandContext, input: AssetCreate): Asset {
  const store = new MaintenanceStore(ctx.store);
  if (store.assetCount() >= MAX_ASSETS) {
    throw new DomainError("validation", `an organization has at most ${MAX_ASSETS} assets`, [{ path: "name", message: "too many assets" }]);
  }
  const place = input.location_id ? store.getLocation(input.location_id) : null;
  const asset = newAsset(input, place, settingsOf(ctx), ctx.newId(), ctx.now);
  refuseTakenSerial(store, asset.serial, null);
  store.putAsset(asset);
  ctx.store.audit(auditEvent(ctx, "asset.created", "asset", asset.asset_id, { asset }), null);
  return asset;
}

function patchAsset(ctx: CommandContext, input: { asset_id: string; patch: AssetPatch; if_match: number | null }): Asset {
  const store = new MaintenanceStore(ctx.store);
  const before = store.getAsset(input.asset_id);
  if (!before) throw notFound("asset");
  const locationId = input.patch.location_id;
  const place = requirePlace(locationId, locationId ? store.getLocation(locationId) : null);
  const { next, changes } = patchedAsset(before, input.patch, place, input.if_match, ctx.now);
  if (next === before) return before;
  refuseTakenSerial(store, next.serial, next.asset_id);
  store.putAsset(next);
  ctx.store.audit(auditEvent(ctx, "asset.updated", "asset", next.asset_id, changes), null);
  return next;
}

function reportRepair(ctx: CommandContext, input: { asset_id: string; report: RepairReport }): RepairOutcome {
  const asset = new MaintenanceStore(ctx.store).getAsset(input.asset_id);
  return applyPlan(ctx.store, planRepairReport({ asset, lookup: lookupIn(ctx.store) }, input.report, ctx));
}

export const maintenanceModule = defineModule({
  name: "maintenance",
  tables: MAINTENANCE_TABLES,
  commands: { createLocation, createAsset, patchAsset, reportRepair },
});
