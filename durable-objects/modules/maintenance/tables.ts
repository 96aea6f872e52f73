/**
 * The maintenance module's tables in the organization's SQLite (append-only
 * steps). Records are JSON documents beside the columns looked up by: a
 * serial is unique in the organization, and the open repairs of an asset
 * decide when it is back in service.
 */
export const MAINTENANCE_TABLES: readonly string[] = [
  `CREATE TABLE maintenance_locations (location_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, data TEXT NOT NULL);
   CREATE TABLE maintenance_assets (asset_id TEXT PRIMARY KEY, serial TEXT, seq INTEGER NOT NULL, data TEXT NOT NULL);
   CREATE UNIQUE INDEX maintenance_assets_serial ON maintenance_assets (serial) WHERE serial IS NOT NULL;
   CREATE TABLE maintenance_repairs (case_id TEXT PRIMARY KEY, asset_id TEXT NOT NULL, open INTEGER NOT NULL);
   CREATE INDEX maintenance_repairs_asset ON maintenance_repairs (asset_id, open);`,
];
