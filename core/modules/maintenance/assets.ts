/**
 * Assets: things that break, where they stand. A new or changed asset is
 * decided here (its type against the profile's list, its location read off
 * its place); the object checks what needs its storage (the place exists,
 * the serial is free) and writes.
 */
import { DomainError } from "../../errors";
import { diff } from "../../engine/plan";
import type { Asset, AssetCreate, AssetPatch, MaintenanceLocation } from "./records";
import type { MaintenanceSettings } from "./settings";
import { caseLocationOf } from "./places";

/** Assets per organization at most. */
export const MAX_ASSETS = 100_000;

function requireType(type: string, settings: MaintenanceSettings): void {
  const types = settings.asset_types;
  if (types && !types.includes(type)) {
    const message = `not one of the organization's asset types (${types.slice(0, 20).join(", ")}${types.length > 20 ? ", …" : ""})`;
    throw new DomainError("validation", "unknown asset type", [{ path: "type", message }]);
  }
}

/** The place an input names, refused when it names one that does not exist. */
export function requirePlace(locationId: string | null | undefined, place: MaintenanceLocation | null): MaintenanceLocation | null {
  if (!locationId) return null;
  if (!place || place.location_id !== locationId) {
    throw new DomainError("validation", "no place with this id in the organization", [
      { path: "location_id", message: "no place with this id in the organization" },
    ]);
  }
  return place;
}

export function newAsset(input: AssetCreate, place: MaintenanceLocation | null, settings: MaintenanceSettings, id: string, now: Date): Asset {
  requireType(input.type, settings);
  const at = now.toISOString();
  return {
    asset_id: id,
    name: input.name,
    type: input.type,
    serial: input.serial ?? null,
    status: input.status ?? "in_service",
    location_id: requirePlace(input.location_id, place)?.location_id ?? null,
    location: caseLocationOf(place),
    wikidata: input.wikidata ?? null,
    attributes: input.attributes ?? {},
    created_at: at,
    updated_at: at,
    version: 1,
  };
}

/**
 * An asset changed by a person. `place` is the place the patch names (when it
 * names one). A stale `ifMatch` is a conflict.
 */
export function patchedAsset(
  before: Asset,
  patch: AssetPatch,
  place: MaintenanceLocation | null,
  ifMatch: number | null,
  now: Date,
): { next: Asset; changes: ReturnType<typeof diff> } {
  if (ifMatch !== null && ifMatch !== before.version) {
    throw new DomainError("version_conflict", `asset is at version ${before.version}, not ${ifMatch}`, [
      { path: "If-Match", message: `current version is ${before.version}` },
    ]);
  }
  const next: Asset = { ...before };
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.serial !== undefined) next.serial = patch.serial;
  if (patch.status !== undefined) next.status = patch.status;
  if (patch.wikidata !== undefined) next.wikidata = patch.wikidata;
  if (patch.attributes !== undefined) next.attributes = patch.attributes;
  if (patch.location_id !== undefined) {
    next.location_id = requirePlace(patch.location_id, place)?.location_id ?? null;
    next.location = caseLocationOf(patch.location_id ? place : null);
  }
  const changes = diff(before, next);
  if (Object.keys(changes).length === 0) return { next: before, changes };
  return { next: { ...next, updated_at: now.toISOString(), version: before.version + 1 }, changes };
}
