/**
 * What a case, task or signal plan needs to know of the asset it names:
 * that it is one of the organization's, and where it stands (a case about it
 * is filed there unless told otherwise).
 */
import { DomainError } from "../../errors";
import type { Location } from "../../model/records";

export interface AssetRef {
  asset_id: string;
  location: Location;
}

/** The asset `assetId` names, as the snapshot found it; an unknown id is a 422 at `asset_id`. */
export function requireAsset(assetId: string, found: AssetRef | null | undefined): AssetRef {
  if (!found || found.asset_id !== assetId) {
    throw new DomainError("validation", "no asset with this id in the organization", [
      { path: "asset_id", message: "no asset with this id in the organization" },
    ]);
  }
  return found;
}
