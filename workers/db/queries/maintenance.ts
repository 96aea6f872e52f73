/**
 * Maintenance reads: places, assets (by type or place), and an asset's
 * history — the cases and tasks that name it, newest first, as far as the
 * caller may see them.
 */
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import type { Case, Task } from "../../../core/model";
import type { Asset, MaintenanceLocation } from "../../../core/modules/maintenance/records";
import type { Database } from "../../../d1/database";
import { rowToCase, rowToTask } from "../../../d1/rows";
import { assets, cases, locations, tasks } from "../../../d1/schema";
import { page } from "../pagination";
import { type Page, scan } from "./scan";

type LocationRow = typeof locations.$inferSelect;
type AssetRow = typeof assets.$inferSelect;

function rowToLocation(r: LocationRow): MaintenanceLocation {
  const { org_id: _o, seq: _s, ...rest } = r;
  return rest;
}

function rowToAsset(r: AssetRow): Asset {
  const { org_id: _o, seq: _s, site, area, ...rest } = r;
  return { ...rest, status: rest.status as Asset["status"], location: { site, area } };
}

export async function listLocations(db: Database, orgId: string, f: { limit: number; before: number | null }): Promise<Page<MaintenanceLocation>> {
  const rows = await db
    .select()
    .from(locations)
    .where(and(eq(locations.org_id, orgId), ...(f.before === null ? [] : [lt(locations.seq, f.before)])))
    .orderBy(desc(locations.seq))
    .limit(f.limit + 1);
  return page(rows, f.limit, rowToLocation);
}

export async function getLocation(db: Database, orgId: string, locationId: string): Promise<MaintenanceLocation | null> {
  const row = await db
    .select()
    .from(locations)
    .where(and(eq(locations.org_id, orgId), eq(locations.location_id, locationId)))
    .get();
  return row ? rowToLocation(row) : null;
}

export async function listAssets(
  db: Database,
  orgId: string,
  f: { type?: string; location_id?: string; limit: number; before: number | null },
): Promise<Page<Asset>> {
  const where: SQL[] = [eq(assets.org_id, orgId)];
  if (f.type) where.push(eq(assets.type, f.type));
  if (f.location_id) where.push(eq(assets.location_id, f.location_id));
  if (f.before !== null) where.push(lt(assets.seq, f.before));
  const rows = await db
    .select()
    .from(assets)
    .where(and(...where))
    .orderBy(desc(assets.seq))
    .limit(f.limit + 1);
  return page(rows, f.limit, rowToAsset);
}

export async function getAsset(db: Database, orgId: string, assetId: string): Promise<Asset | null> {
  const row = await db
    .select()
    .from(assets)
    .where(and(eq(assets.org_id, orgId), eq(assets.asset_id, assetId)))
    .get();
  return row ? rowToAsset(row) : null;
}

/**
 * The newest cases and tasks that name the asset, at most `limit` of each
 * that `visibleCase` and `visibleTask` let through (hidden ones are skipped
 * before they are counted, so the history reveals nothing of them).
 */
export async function assetHistory(
  db: Database,
  orgId: string,
  assetId: string,
  limit: number,
  visibleCase: (c: Case) => boolean,
  visibleTask: (t: Task) => boolean,
): Promise<{ cases: Case[]; tasks: Task[] }> {
  const caseRows = (before: number | null, n: number) =>
    db
      .select()
      .from(cases)
      .where(and(eq(cases.org_id, orgId), eq(cases.asset_id, assetId), ...(before === null ? [] : [lt(cases.seq, before)])))
      .orderBy(desc(cases.seq))
      .limit(n);
  const taskRows = (before: number | null, n: number) =>
    db
      .select()
      .from(tasks)
      .where(and(eq(tasks.org_id, orgId), eq(tasks.asset_id, assetId), ...(before === null ? [] : [lt(tasks.seq, before)])))
      .orderBy(desc(tasks.seq))
      .limit(n);
  const [c, t] = await Promise.all([scan(caseRows, rowToCase, visibleCase, limit, null), scan(taskRows, rowToTask, visibleTask, limit, null)]);
  return { cases: c.items, tasks: t.items };
}
