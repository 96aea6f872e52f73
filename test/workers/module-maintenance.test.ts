/**
 * The maintenance module through the real Worker: places, assets, a fault
 * report walked through triage → repair → verify to a resolved case, the
 * asset's status and history, asset_id on cases, tasks and signals, pattern
 * rules on assets and sites, and the module's guards (tenancy, module off).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Case, type Task } from "../../core/model";
import { Asset, AssetWithHistory, MaintenanceLocation } from "../../core/modules/maintenance/records";
import { api, auditOf, createOrg, errorPaths, expectProblem, transition } from "./helpers";

type Org = Awaited<ReturnType<typeof createOrg>>;

const PROFILE = `
name: maintenance_test
extends: base
privacy: need_to_know
roles: [Operations, Operations.Maintenance, Facilities, Facilities.Inspection]
default_label: 1001.14.Operations
flow_rules: []
modules:
  maintenance:
    repair_role: Operations.Maintenance
    verify_role: Facilities.Inspection
    asset_types: [hvac, elevator, pump]
pattern_rules:
  - id: recurring-faults
    match: { entity: task, type: [repair], subtype: triage }
    group_by: asset_id
    window: P30D
    threshold: 3
    cooldown: P30D
    action:
      case: { title: "Recurring faults: {{group}}", label: 11.14.Facilities, severity: high }
  - id: site-repairs
    match: { entity: task, type: [repair], subtype: repair }
    group_by: location.site
    window: P30D
    threshold: 2
    cooldown: P30D
    action:
      case: { title: "Repairs piling up at {{group}}", label: 11.14.Facilities, severity: medium }
`;

async function post(o: Org, path: string, body: unknown, token = o.token) {
  return api("POST", `/v1/orgs/${o.slug}${path}`, { token, body });
}

async function created<T = any>(o: Org, path: string, body: unknown): Promise<T> {
  const r = await post(o, path, body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as T;
}

async function getAsset(o: Org, assetId: string, token = o.token) {
  const r = await api("GET", `/v1/orgs/${o.slug}/assets/${assetId}`, { token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return AssetWithHistory.parse(r.body);
}

async function getCase(o: Org, caseId: string) {
  const r = await api("GET", `/v1/orgs/${o.slug}/cases/${caseId}`, { token: o.token });
  expect(r.status).toBe(200);
  return r.body as Case & { tasks: Task[] };
}

async function move(o: Org, taskId: string, to: string) {
  const r = await transition(o.slug, o.token, taskId, { to });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as Task;
}

describe("maintenance module", () => {
  let o: Org;
  let site: MaintenanceLocation;
  let building: MaintenanceLocation;
  let floor: MaintenanceLocation;
  let area: MaintenanceLocation;

  beforeAll(async () => {
    o = await createOrg({ profile_yaml: PROFILE });
    site = await created(o, "/locations", { name: "Campus North", kind: "site", wikidata: "Q42" });
    building = await created(o, "/locations", { name: "Hall B", kind: "building", parent_id: site.location_id });
    floor = await created(o, "/locations", { name: "Floor 2", kind: "floor", parent_id: building.location_id });
    area = await created(o, "/locations", { name: "Plant room", kind: "area", parent_id: floor.location_id });
  });

  it("records places site → building → floor → area with their paths, and refuses a wrong order with the field's path", async () => {
    expect(MaintenanceLocation.parse(area)).toMatchObject({ kind: "area", parent_id: floor.location_id, path: "Campus North / Hall B / Floor 2 / Plant room" });
    expect(site).toMatchObject({ parent_id: null, path: "Campus North", wikidata: "Q42", version: 1 });
    const read = await api("GET", `/v1/orgs/${o.slug}/locations/${area.location_id}`, { token: o.token });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(area);
    const list = await api("GET", `/v1/orgs/${o.slug}/locations?limit=2`, { token: o.token });
    expect(list.body.items.map((l: MaintenanceLocation) => l.location_id)).toEqual([area.location_id, floor.location_id]);
    expect(list.body.next_cursor).not.toBeNull();
    // An area may also sit directly in a building.
    await created(o, "/locations", { name: "Lobby", kind: "area", parent_id: building.location_id });

    for (const [body, path] of [
      [{ name: "Floor in site", kind: "floor", parent_id: site.location_id }, "parent_id"],
      [{ name: "Orphan building", kind: "building" }, "parent_id"],
      [{ name: "Nested site", kind: "site", parent_id: site.location_id }, "parent_id"],
      [{ name: "Area in area", kind: "area", parent_id: area.location_id }, "parent_id"],
      [{ name: "Ghost", kind: "building", parent_id: crypto.randomUUID() }, "parent_id"],
      [{ name: "Bad / name", kind: "site" }, "name"],
      [{ name: "Bad kind", kind: "room" }, "kind"],
    ] as const) {
      const r = await post(o, "/locations", body);
      expectProblem(r, 422);
      expect(errorPaths(r), JSON.stringify(body)).toContain(path);
    }
    expect((await auditOf(o.slug, o.token, area.location_id)).map((e) => e.action)).toEqual(["location.created"]);
  });

  it("records assets placed by their location, checks their type and serial, and lists them by type and place", async () => {
    const a = Asset.parse(
      await created(o, "/assets", { name: "Chiller 1", type: "hvac", serial: "CH-001", location_id: area.location_id, attributes: { kw: 40 } }),
    );
    expect(a).toMatchObject({
      status: "in_service",
      location_id: area.location_id,
      location: { site: "Campus North", area: "Hall B / Floor 2 / Plant room" },
      serial: "CH-001",
      version: 1,
    });
    expectProblem(await post(o, "/assets", { name: "Twin", type: "hvac", serial: "CH-001" }), 409);
    const badType = await post(o, "/assets", { name: "Boat", type: "yacht" });
    expectProblem(badType, 422);
    expect(errorPaths(badType)).toEqual(["type"]);
    const badPlace = await post(o, "/assets", { name: "Lost", type: "pump", location_id: crypto.randomUUID() });
    expect(errorPaths(badPlace)).toEqual(["location_id"]);

    const pump = await created(o, "/assets", { name: "Pump", type: "pump", location_id: site.location_id });
    expect(pump.location).toEqual({ site: "Campus North", area: null });
    const byType = await api("GET", `/v1/orgs/${o.slug}/assets?type=pump`, { token: o.token });
    expect(byType.body.items.map((x: Asset) => x.asset_id)).toEqual([pump.asset_id]);
    const byPlace = await api("GET", `/v1/orgs/${o.slug}/assets?location_id=${area.location_id}`, { token: o.token });
    expect(byPlace.body.items.map((x: Asset) => x.asset_id)).toEqual([a.asset_id]);

    // PATCH: a move re-derives the location; a stale If-Match is a conflict.
    const moved = await api("PATCH", `/v1/orgs/${o.slug}/assets/${pump.asset_id}`, {
      token: o.token,
      headers: { "if-match": '"1"' },
      body: { location_id: building.location_id, name: "Pump 1" },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ name: "Pump 1", location: { site: "Campus North", area: "Hall B" }, version: 2 });
    const stale = await api("PATCH", `/v1/orgs/${o.slug}/assets/${pump.asset_id}`, { token: o.token, headers: { "if-match": "1" }, body: { name: "x" } });
    expectProblem(stale, 409);
    const taken = await api("PATCH", `/v1/orgs/${o.slug}/assets/${pump.asset_id}`, { token: o.token, body: { serial: "CH-001" } });
    expectProblem(taken, 409);
    expect((await auditOf(o.slug, o.token, pump.asset_id)).map((e) => e.action)).toEqual(["asset.updated", "asset.created"]);
  });

  it("walks a fault report through triage → repair → verify to a resolved case, with the asset's status and history", async () => {
    const asset = await created<Asset>(o, "/assets", { name: "Lift A", type: "elevator", location_id: floor.location_id });
    const report = await post(o, `/assets/${asset.asset_id}/repairs`, { title: "Lift stuck between floors", severity: "high" });
    expect(report.status, JSON.stringify(report.body)).toBe(201);
    const kase = Case.parse(report.body.case);
    expect(kase).toMatchObject({
      label: "1001.14.Operations.Maintenance",
      severity: "high",
      asset_id: asset.asset_id,
      location: { site: "Campus North", area: "Hall B / Floor 2" },
      status: "open",
    });
    const [triage] = report.body.tasks as Task[];
    expect(triage).toMatchObject({ type: "repair", subtype: "triage", owner_role: "Operations.Maintenance", asset_id: asset.asset_id, status: "pending" });
    expect((await getAsset(o, asset.asset_id)).status).toBe("under_repair");

    await move(o, triage!.task_id, "in_progress");
    await move(o, triage!.task_id, "completed");
    let current = await getCase(o, kase.case_id);
    const repair = current.tasks.find((t) => t.subtype === "repair");
    expect(repair).toMatchObject({ type: "repair", owner_role: "Operations.Maintenance", asset_id: asset.asset_id, status: "pending" });
    expect(current.status).toBe("in_progress");

    await move(o, repair!.task_id, "in_progress");
    await move(o, repair!.task_id, "completed");
    current = await getCase(o, kase.case_id);
    const verify = current.tasks.find((t) => t.subtype === "verify");
    expect(verify).toMatchObject({ type: "repair", owner_role: "Facilities.Inspection", status: "pending" });
    expect(current.status).toBe("in_progress");
    expect((await getAsset(o, asset.asset_id)).status).toBe("under_repair");

    await move(o, verify!.task_id, "in_progress");
    await move(o, verify!.task_id, "completed");
    current = await getCase(o, kase.case_id);
    expect(current.status).toBe("resolved");
    expect(current.tasks.map((t) => [t.subtype, t.status])).toEqual([
      ["triage", "completed"],
      ["repair", "completed"],
      ["verify", "completed"],
    ]);

    const after = await getAsset(o, asset.asset_id);
    expect(after.status).toBe("in_service");
    expect(after.history.cases.map((c) => c.case_id)).toEqual([kase.case_id]);
    expect(after.history.tasks.map((t) => t.subtype)).toEqual(["verify", "repair", "triage"]);
    const statusChanges = (await auditOf(o.slug, o.token, asset.asset_id)).filter((e) => e.action === "asset.updated").map((e) => e.changes.status);
    expect(statusChanges).toEqual([
      { from: "under_repair", to: "in_service" },
      { from: "in_service", to: "under_repair" },
    ]);
  });

  it("ends the workflow when triage finds no fault: the asset is back in service", async () => {
    const asset = await created<Asset>(o, "/assets", { name: "Pump 7", type: "pump", location_id: building.location_id });
    const report = await created(o, `/assets/${asset.asset_id}/repairs`, { title: "Noise" });
    expect((await getAsset(o, asset.asset_id)).status).toBe("under_repair");
    await move(o, report.tasks[0].task_id, "cancelled");
    const c = await getCase(o, report.case.case_id);
    expect(c.tasks).toHaveLength(1);
    expect((await getAsset(o, asset.asset_id)).status).toBe("in_service");
    // A retired asset takes no repairs.
    await api("PATCH", `/v1/orgs/${o.slug}/assets/${asset.asset_id}`, { token: o.token, body: { status: "retired" } });
    expectProblem(await post(o, `/assets/${asset.asset_id}/repairs`, { title: "Again" }), 422);
  });

  it("threads asset_id through cases, tasks and signals; an unknown asset is a 422 at asset_id (a batch rejects that item alone)", async () => {
    const asset = await created<Asset>(o, "/assets", { name: "AHU 3", type: "hvac", location_id: area.location_id });
    const c = await created<Case>(o, "/cases", { title: "AHU noisy", asset_id: asset.asset_id });
    expect(c).toMatchObject({ asset_id: asset.asset_id, location: asset.location });
    const plain = await created<Case>(o, "/cases", { title: "No asset" });
    expect(plain.asset_id).toBeNull();
    const t = await created<Task>(o, `/cases/${c.case_id}/tasks`, { title: "Look at it" });
    expect(t.asset_id).toBe(asset.asset_id);
    const read = await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token });
    expect(read.body.asset_id).toBe(asset.asset_id);

    const sig = await post(o, "/signals", { title: "AHU alarm", asset_id: asset.asset_id });
    expect(sig.status, JSON.stringify(sig.body)).toBe(201);
    expect(sig.body.case).toMatchObject({ asset_id: asset.asset_id, location: asset.location });

    const unknown = crypto.randomUUID();
    for (const [path, body] of [
      ["/signals", { title: "Ghost alarm", asset_id: unknown }],
      ["/cases", { title: "Ghost case", asset_id: unknown }],
      [`/cases/${c.case_id}/tasks`, { title: "Ghost task", asset_id: unknown }],
    ] as const) {
      const r = await post(o, path, body);
      expectProblem(r, 422);
      expect(errorPaths(r), path).toEqual(["asset_id"]);
    }
    const patch = await api("PATCH", `/v1/orgs/${o.slug}/cases/${plain.case_id}`, { token: o.token, body: { asset_id: unknown } });
    expect(errorPaths(patch)).toEqual(["asset_id"]);
    const linked = await api("PATCH", `/v1/orgs/${o.slug}/cases/${plain.case_id}`, { token: o.token, body: { asset_id: asset.asset_id } });
    expect(linked.body.asset_id).toBe(asset.asset_id);

    const batch = await post(o, "/signals/batch", {
      signals: [
        { title: "ok", idempotency_key: `m-${unknown}-1`, asset_id: asset.asset_id },
        { title: "bad", idempotency_key: `m-${unknown}-2`, asset_id: unknown },
      ],
    });
    expect(batch.status).toBe(200);
    expect(batch.body.results.map((r: { status: string }) => r.status)).toEqual(["created", "rejected"]);
    expect(JSON.stringify(batch.body.results[1].error)).toContain("asset_id");

    const history = await getAsset(o, asset.asset_id);
    expect(history.history.cases.map((x) => x.case_id)).toContain(plain.case_id);
    expect(history.history.cases.map((x) => x.case_id)).toContain(c.case_id);
    // The task added by hand, and those the signals' routing added to their cases: all name the asset.
    expect(history.history.tasks.map((x) => x.task_id)).toContain(t.task_id);
    expect(history.history.tasks.every((x) => x.asset_id === asset.asset_id)).toBe(true);
  });

  it("pattern rules group repairs by asset and by site", async () => {
    const asset = await created<Asset>(o, "/assets", { name: "Boiler", type: "hvac", location_id: floor.location_id });
    for (const title of ["Leak 1", "Leak 2", "Leak 3"]) await created(o, `/assets/${asset.asset_id}/repairs`, { title });
    const cases = await api("GET", `/v1/orgs/${o.slug}/cases?limit=200`, { token: o.token });
    const titles = cases.body.items.map((c: Case) => c.title);
    expect(titles).toContain(`Recurring faults: ${asset.asset_id}`);

    // Two repair steps at one site in the window: the site rule fires (the walk above added one already).
    const other = await created<Asset>(o, "/assets", { name: "Fan", type: "hvac", location_id: building.location_id });
    const report = await created(o, `/assets/${other.asset_id}/repairs`, { title: "Fan rattles" });
    await move(o, report.tasks[0].task_id, "in_progress");
    await move(o, report.tasks[0].task_id, "completed");
    const after = await api("GET", `/v1/orgs/${o.slug}/cases?limit=200`, { token: o.token });
    expect(after.body.items.map((c: Case) => c.title)).toContain("Repairs piling up at Campus North");
  });

  it("is invisible to other organizations and to organizations without the module", async () => {
    const asset = await created<Asset>(o, "/assets", { name: "Secret pump", type: "pump" });
    const other = await createOrg({ profile_yaml: PROFILE.replace("maintenance_test", "maintenance_other") });
    for (const path of [`/v1/orgs/${o.slug}/assets/${asset.asset_id}`, `/v1/orgs/${other.slug}/assets/${asset.asset_id}`]) {
      expectProblem(await api("GET", path, { token: other.token }), 404);
    }
    expectProblem(await api("GET", `/v1/orgs/${other.slug}/locations/${area.location_id}`, { token: other.token }), 404);
    const off = await createOrg({ profile_yaml: "name: no_modules\nextends: base\n" });
    expectProblem(await api("GET", `/v1/orgs/${off.slug}/assets`, { token: off.token }), 404);
    expectProblem(await api("POST", `/v1/orgs/${off.slug}/locations`, { token: off.token, body: { name: "X", kind: "site" } }), 404);
    // Without the module no asset exists, so naming one is refused like any unknown id.
    const sig = await api("POST", `/v1/orgs/${off.slug}/signals`, { token: off.token, body: { title: "x", asset_id: asset.asset_id } });
    expect(errorPaths(sig)).toEqual(["asset_id"]);
  });

  it("shows a caller only the history they may see", async () => {
    const asset = await created<Asset>(o, "/assets", { name: "Hidden lift", type: "elevator" });
    await created(o, `/assets/${asset.asset_id}/repairs`, { title: "Hidden fault" });
    // A Facilities token sees the asset, but not the repair case routed to Operations.Maintenance (need to know).
    const token = await post(o, "/tokens", { name: "facilities", positions: [{ level: 1001, role: "Facilities" }] });
    expect(token.status).toBe(201);
    const seen = await getAsset(o, asset.asset_id, token.body.token);
    expect(seen.history).toEqual({ cases: [], tasks: [] });
    expect((await getAsset(o, asset.asset_id)).history.cases).toHaveLength(1);
  });
});
