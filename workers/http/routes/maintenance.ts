/**
 * Maintenance module routes: places (site → building → floor → area), assets
 * with their history, and fault reports that start a repair workflow
 * (triage → repair → verify, each a task of the case). Writes go to the
 * organization's object as module commands; reads come from D1.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { notFound } from "../../../core/errors";
import {
  Asset,
  AssetCreate,
  AssetPatch,
  AssetWithHistory,
  HISTORY_LIMIT,
  LocationCreate,
  MaintenanceLocation,
  RepairOutcome,
  RepairReport,
} from "../../../core/modules/maintenance/records";
import { decodeCursor, Limit } from "../../db/pagination";
import { assetHistory, getAsset, getLocation, listAssets, listLocations } from "../../db/queries";
import { requireModule, runModuleCommand } from "../modules";
import { CONFLICT, ERRORS, OrgParam, SECURITY, json, jsonBody, router } from "../openapi";
import { visibleTo } from "../visibility";
import { IfMatchHeader, parseIfMatch } from "../if-match";

const idParam = (name: string) =>
  z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name, in: "path" } });
const AssetParams = OrgParam.extend({ asset_id: idParam("asset_id") });
const LocationParams = OrgParam.extend({ location_id: idParam("location_id") });
const Cursor = z.string().max(100).optional();

const tag = { tags: ["Maintenance"], security: SECURITY };

const createLocation = createRoute({
  ...tag,
  method: "post",
  path: "/v1/orgs/{org}/locations",
  summary: "Record a place: a site, a building in a site, a floor in a building, an area in a floor or building",
  request: { params: OrgParam, body: jsonBody(LocationCreate) },
  responses: { 201: json(MaintenanceLocation, "The place, with its path from the site down"), ...ERRORS },
});
const listLocationsRoute = createRoute({
  ...tag,
  method: "get",
  path: "/v1/orgs/{org}/locations",
  summary: "List places, newest first",
  request: { params: OrgParam, query: z.object({ limit: Limit, cursor: Cursor }).strict() },
  responses: { 200: json(z.object({ items: z.array(MaintenanceLocation), next_cursor: z.string().nullable() }), "A page of places"), ...ERRORS },
});
const readLocation = createRoute({
  ...tag,
  method: "get",
  path: "/v1/orgs/{org}/locations/{location_id}",
  summary: "Read a place",
  request: { params: LocationParams },
  responses: { 200: json(MaintenanceLocation, "The place"), ...ERRORS },
});
const createAsset = createRoute({
  ...tag,
  method: "post",
  path: "/v1/orgs/{org}/assets",
  summary: "Record an asset (its type must be one of the profile's asset_types when it lists them; a serial is unique)",
  request: { params: OrgParam, body: jsonBody(AssetCreate) },
  responses: { 201: json(Asset, "The asset"), ...ERRORS, ...CONFLICT },
});
const listAssetsRoute = createRoute({
  ...tag,
  method: "get",
  path: "/v1/orgs/{org}/assets",
  summary: "List assets, newest first (optionally of one type or at one place)",
  request: {
    params: OrgParam,
    query: z.object({ type: z.string().min(1).max(64).optional(), location_id: z.string().min(1).max(100).optional(), limit: Limit, cursor: Cursor }).strict(),
  },
  responses: { 200: json(z.object({ items: z.array(Asset), next_cursor: z.string().nullable() }), "A page of assets"), ...ERRORS },
});
const readAsset = createRoute({
  ...tag,
  method: "get",
  path: "/v1/orgs/{org}/assets/{asset_id}",
  summary: "Read an asset with its history",
  description: `The asset and its history: the cases and the tasks that name it, newest first, at most ${HISTORY_LIMIT} of each, and only those the caller may see.`,
  request: { params: AssetParams },
  responses: { 200: json(AssetWithHistory, "The asset and its history"), ...ERRORS },
});
const patchAsset = createRoute({
  ...tag,
  method: "patch",
  path: "/v1/orgs/{org}/assets/{asset_id}",
  summary: "Change an asset (optionally If-Match: <version>)",
  request: { params: AssetParams, headers: IfMatchHeader, body: jsonBody(AssetPatch) },
  responses: { 200: json(Asset, "The changed asset"), ...ERRORS, ...CONFLICT },
});
const reportRepair = createRoute({
  ...tag,
  method: "post",
  path: "/v1/orgs/{org}/assets/{asset_id}/repairs",
  summary: "Report a fault: opens a repair case about the asset with its first step, triage",
  description:
    "The case is filed where the asset stands and routed to the profile's repair role (label 1001.14.<repair_role> unless `modules.maintenance.repair_label` says otherwise). Completing triage adds the repair task, completing the repair adds the verification (verify_role), and completing that resolves the case; cancelling triage (no fault) ends the workflow. The asset is under_repair until the workflow ends, then in_service.",
  request: { params: AssetParams, body: jsonBody(RepairReport) },
  responses: { 201: json(RepairOutcome, "The repair case and its triage task"), ...ERRORS },
});

export const maintenanceRoutes = router();
maintenanceRoutes.use("/v1/orgs/:org/assets", requireModule("maintenance"));
maintenanceRoutes.use("/v1/orgs/:org/assets/*", requireModule("maintenance"));
maintenanceRoutes.use("/v1/orgs/:org/locations", requireModule("maintenance"));
maintenanceRoutes.use("/v1/orgs/:org/locations/*", requireModule("maintenance"));

maintenanceRoutes
  .openapi(createLocation, async (c) => c.json(await runModuleCommand(c, "maintenance", "createLocation", c.req.valid("json")), 201))
  .openapi(listLocationsRoute, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await listLocations(c.get("db"), c.get("org").org_id, { limit, before: decodeCursor(cursor) }), 200);
  })
  .openapi(readLocation, async (c) => {
    const found = await getLocation(c.get("db"), c.get("org").org_id, c.req.valid("param").location_id);
    if (!found) throw notFound("location");
    return c.json(found, 200);
  })
  .openapi(createAsset, async (c) => {
    const asset = await runModuleCommand(c, "maintenance", "createAsset", c.req.valid("json"));
    c.header("etag", `"${asset.version}"`);
    return c.json(asset, 201);
  })
  .openapi(listAssetsRoute, async (c) => {
    const { cursor, ...filters } = c.req.valid("query");
    return c.json(await listAssets(c.get("db"), c.get("org").org_id, { ...filters, before: decodeCursor(cursor) }), 200);
  })
  .openapi(readAsset, async (c) => {
    const { asset_id } = c.req.valid("param");
    const db = c.get("db");
    const orgId = c.get("org").org_id;
    const asset = await getAsset(db, orgId, asset_id);
    if (!asset) throw notFound("asset");
    const visible = visibleTo(c);
    const history = await assetHistory(db, orgId, asset_id, HISTORY_LIMIT, visible, visible);
    c.header("etag", `"${asset.version}"`);
    return c.json({ ...asset, history }, 200);
  })
  .openapi(patchAsset, async (c) => {
    const { asset_id } = c.req.valid("param");
    const if_match = parseIfMatch(c.req.header("if-match"));
    const asset = await runModuleCommand(c, "maintenance", "patchAsset", { asset_id, patch: c.req.valid("json"), if_match });
    c.header("etag", `"${asset.version}"`);
    return c.json(asset, 200);
  })
  .openapi(reportRepair, async (c) => {
    const { asset_id } = c.req.valid("param");
    const outcome = await runModuleCommand(c, "maintenance", "reportRepair", { asset_id, report: c.req.valid("json") });
    // A reporter sees what they may of the case they opened (a signal's answer is judged the same way).
    const visible = visibleTo(c);
    const seen = outcome.case && visible(outcome.case) ? { case: outcome.case, tasks: outcome.tasks.filter(visible) } : { case: null, tasks: [] };
    return c.json(seen, 201);
  });
