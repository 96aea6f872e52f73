/**
 * Typed access to the maintenance tables, inside the command's transaction.
 * Each write of a place or an asset queues its D1 copy through the store's
 * outbox, here and nowhere else.
 */
import type { AssetRef } from "../../../core/modules/maintenance/asset-ref";
import type { Asset, MaintenanceLocation } from "../../../core/modules/maintenance/records";
import type { OrgStore } from "../../store/org-store";

export class MaintenanceStore {
  constructor(private readonly store: OrgStore) {}

  private get sql(): SqlStorage {
    return this.store.sql;
  }

  private orgId(): string {
    const org = this.store.org();
    if (!org) throw new Error("organization not initialised");
    return org.org_id;
  }

  // --- places ------------------------------------------------------------

  getLocation(locationId: string): MaintenanceLocation | null {
    const row = this.sql.exec<{ data: string }>("SELECT data FROM maintenance_locations WHERE location_id = ?", locationId).toArray()[0];
    return row ? (JSON.parse(row.data) as MaintenanceLocation) : null;
  }

  locationCount(): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM maintenance_locations").one().n;
  }

  /** Places are written once (they do not change), so each takes a new list position. */
  insertLocation(l: MaintenanceLocation): void {
    const seq = this.store.nextSeq();
    this.sql.exec("INSERT INTO maintenance_locations (location_id, seq, data) VALUES (?, ?, ?)", l.location_id, seq, JSON.stringify(l));
    this.store.enqueue({ kind: "location", row: { ...l, org_id: this.orgId(), seq } });
  }

  // --- assets ------------------------------------------------------------

  getAsset(assetId: string): Asset | null {
    const row = this.sql.exec<{ data: string }>("SELECT data FROM maintenance_assets WHERE asset_id = ?", assetId).toArray()[0];
    return row ? (JSON.parse(row.data) as Asset) : null;
  }

  /** What a case, task or signal plan needs of the asset it names. */
  assetRef(assetId: string): AssetRef | null {
    const asset = this.getAsset(assetId);
    return asset ? { asset_id: asset.asset_id, location: asset.location } : null;
  }

  assetIdBySerial(serial: string): string | null {
    return this.sql.exec<{ asset_id: string }>("SELECT asset_id FROM maintenance_assets WHERE serial = ?", serial).toArray()[0]?.asset_id ?? null;
  }

  assetCount(): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM maintenance_assets").one().n;
  }

  /** Writes the asset and queues its D1 copy; a new asset takes the next list position. */
  putAsset(a: Asset): void {
    const existing = this.sql.exec<{ seq: number }>("SELECT seq FROM maintenance_assets WHERE asset_id = ?", a.asset_id).toArray()[0];
    const seq = existing?.seq ?? this.store.nextSeq();
    this.sql.exec(
      `INSERT INTO maintenance_assets (asset_id, serial, seq, data) VALUES (?, ?, ?, ?)
       ON CONFLICT (asset_id) DO UPDATE SET serial = excluded.serial, data = excluded.data`,
      a.asset_id,
      a.serial,
      seq,
      JSON.stringify(a),
    );
    const { location, ...rest } = a;
    this.store.enqueue({ kind: "asset", row: { ...rest, org_id: this.orgId(), seq, site: location.site, area: location.area } });
  }

  // --- repairs (which repair cases of an asset are still going) ------------

  openRepair(caseId: string, assetId: string): void {
    this.sql.exec("INSERT INTO maintenance_repairs (case_id, asset_id, open) VALUES (?, ?, 1) ON CONFLICT (case_id) DO UPDATE SET open = 1", caseId, assetId);
  }

  closeRepair(caseId: string): void {
    this.sql.exec("UPDATE maintenance_repairs SET open = 0 WHERE case_id = ?", caseId);
  }

  hasOpenRepair(assetId: string): boolean {
    return this.sql.exec("SELECT 1 FROM maintenance_repairs WHERE asset_id = ? AND open = 1 LIMIT 1", assetId).toArray().length > 0;
  }
}
