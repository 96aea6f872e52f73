/** The repair workflow as pure plans: a fault report, each step's follow-up, the asset's status updates, and patterns by asset. */
import { describe, expect, it } from "vitest";
import { planCaseCreate, planTaskTransition } from "../../core/engine";
import type { Task } from "../../core/model";
import type { Asset } from "../../core/modules/maintenance/records";
import { planRepairReport } from "../../core/modules/maintenance/repair-plan";
import { nextRepairStep, repairSetup } from "../../core/modules/maintenance/repair-workflow";
import { loadProfile } from "../../core/profiles";
import { SHIPPED_PROFILES } from "../../profiles/bundle.generated";
import { env, errorCode, load, MAINTENANCE_STAFF, memoryLookup, NOW, storedCase, storedTask } from "../support/plan-fixtures";

const PROFILE = load(`
name: repair_test
extends: base
roles: [Operations, Operations.Safety, Operations.Maintenance, Facilities]
modules:
  maintenance: { repair_role: Operations.Maintenance, verify_role: Facilities }
pattern_rules:
  - id: recurring
    match: { entity: task, type: [repair], subtype: triage }
    group_by: asset_id
    window: P30D
    threshold: 2
    cooldown: P30D
    action:
      case: { title: "Recurring faults: {{group}}", label: 11.14.Facilities }
`);

const ASSET: Asset = {
  asset_id: "asset-1",
  name: "Lift A",
  type: "elevator",
  serial: null,
  status: "in_service",
  location_id: "loc-1",
  location: { site: "Campus", area: "Hall B" },
  wikidata: null,
  attributes: {},
  created_at: NOW.toISOString(),
  updated_at: NOW.toISOString(),
  version: 1,
};

const report = (lookup = memoryLookup()) => planRepairReport({ asset: ASSET, lookup }, { title: "Lift stuck" }, env(MAINTENANCE_STAFF, NOW, PROFILE));

describe("repair setup", () => {
  it("defaults: the profile's first role repairs and verifies, the label is a staff-level operations report", () => {
    const p = load("name: x\nextends: base\nmodules: { maintenance: {} }\n");
    expect(repairSetup(p)).toEqual({ repair_role: "Operations", verify_role: "Operations", label: "1001.14.Operations" });
    expect(repairSetup(load("name: y\nextends: base\n"))).toBeNull();
    expect([nextRepairStep("triage"), nextRepairStep("repair"), nextRepairStep("verify")]).toEqual(["repair", "verify", null]);
  });

  it("a profile's repair label must be a label of its roles", () => {
    const r = loadProfile("name: z\nextends: base\nmodules: { maintenance: { repair_label: 1001.14.Nobody } }\n", (n) => SHIPPED_PROFILES[n]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.path)).toContain("modules.maintenance.repair_label");
    expect(repairSetup(load("name: w\nextends: base\nmodules: { maintenance: { repair_label: 11.14.Facilities } }\n"))?.label).toBe("11.14.Facilities");
  });
});

describe("a fault report", () => {
  it("opens a case about the asset, where it stands, with a triage task, and puts the asset under repair", () => {
    const p = report();
    const c = p.answer.case!;
    expect(c).toMatchObject({ label: "1001.14.Operations.Maintenance", asset_id: "asset-1", location: ASSET.location, tags: ["repair"] });
    expect(p.answer.tasks.map((t) => [t.type, t.subtype, t.owner_role, t.asset_id])).toEqual([["repair", "triage", "Operations.Maintenance", "asset-1"]]);
    expect(p.module_updates).toEqual([
      {
        module: "maintenance",
        kind: "repair_opened",
        id: "asset-1",
        changes: { case_id: c.case_id },
        by: MAINTENANCE_STAFF.ref,
        at: NOW.toISOString(),
        case_id: c.case_id,
      },
    ]);
  });

  it("refuses an unknown or retired asset", () => {
    const e = env(MAINTENANCE_STAFF, NOW, PROFILE);
    expect(errorCode(() => planRepairReport({ asset: null, lookup: memoryLookup() }, { title: "x" }, e))).toBe("not_found");
    expect(errorCode(() => planRepairReport({ asset: { ...ASSET, status: "retired" }, lookup: memoryLookup() }, { title: "x" }, e))).toBe("invalid_transition");
  });

  it("counts its triage task in a pattern grouped by asset", () => {
    const first = report();
    const window = first.pattern_windows.find((w) => w.rule_id === "recurring")!;
    expect(window.group).toBe("asset-1");
    const second = report(memoryLookup({ windows: { "recurring|asset-1": window.state } }));
    expect(second.cases.map((c) => c.record.title)).toContain("Recurring faults: asset-1");
  });
});

describe("the workflow's steps", () => {
  const kase = storedCase({
    asset_id: "asset-1",
    label: "1001.14.Operations.Maintenance",
    origin_label: "1001.14.Operations.Maintenance",
    title: "Lift stuck",
  });
  const step = (subtype: string, status: Task["status"], id = `task-${subtype}`) =>
    storedTask({ task_id: id, type: "repair", subtype, status, asset_id: "asset-1", label: kase.label, origin_label: kase.label });
  const move = (task: Task, to: Task["status"], others: Task[] = []) =>
    planTaskTransition({ task, case: kase, tasks: [...others, task], lookup: memoryLookup() }, { to }, env(MAINTENANCE_STAFF, NOW, PROFILE));

  it("completing triage adds the repair, owned by the repair role, and the case stays in progress", () => {
    const p = move(step("triage", "in_progress"), "completed");
    const added = p.tasks.filter((w) => w.insert).map((w) => w.record);
    expect(added.map((t) => [t.subtype, t.owner_role, t.asset_id, t.title])).toEqual([["repair", "Operations.Maintenance", "asset-1", "Repair: Lift stuck"]]);
    expect(p.cases.map((c) => c.record.status)).toEqual(["in_progress"]);
    // One move, one status change: no resolve-and-reopen in between.
    expect(p.audit.filter((a) => a.event.action === "case.status_changed")).toHaveLength(1);
    expect(p.module_updates).toEqual([]);
  });

  it("completing the repair adds the verification for the verify role", () => {
    const p = move(step("repair", "in_progress"), "completed", [step("triage", "completed")]);
    expect(p.tasks.filter((w) => w.insert).map((w) => [w.record.subtype, w.record.owner_role])).toEqual([["verify", "Facilities"]]);
  });

  it("completing the verification resolves the case and closes the repair for the asset", () => {
    const p = move(step("verify", "in_progress"), "completed", [step("triage", "completed"), step("repair", "completed")]);
    expect(p.tasks.filter((w) => w.insert)).toEqual([]);
    expect(p.cases.map((c) => c.record.status)).toEqual(["resolved"]);
    expect(p.module_updates.map((u) => [u.kind, u.id, u.changes])).toEqual([["repair_closed", "asset-1", { case_id: kase.case_id, outcome: "verified" }]]);
  });

  it("cancelling triage ends the workflow (not a fault); other moves and other tasks ask for nothing", () => {
    const cancelled = move(step("triage", "pending"), "cancelled");
    expect(cancelled.tasks.filter((w) => w.insert)).toEqual([]);
    expect(cancelled.module_updates.map((u) => u.changes.outcome)).toEqual(["not_a_fault"]);
    expect(move(step("triage", "pending"), "in_progress").tasks.filter((w) => w.insert)).toEqual([]);
    const plain = storedTask({ status: "in_progress", type: "maintenance", subtype: "repair" });
    expect(move(plain, "completed").tasks.filter((w) => w.insert)).toEqual([]);
  });

  it("a closed case takes no next step", () => {
    const task = step("triage", "in_progress");
    const p = planTaskTransition(
      { task, case: { ...kase, status: "closed" }, tasks: [task], lookup: memoryLookup() },
      { to: "completed" },
      env(MAINTENANCE_STAFF, NOW, PROFILE),
    );
    expect(p.tasks.filter((w) => w.insert)).toEqual([]);
  });
});

describe("asset_id on cases", () => {
  it("a case about an asset is filed where it stands; an unknown asset is a 422 at asset_id; a case names none by default", () => {
    const e = env(MAINTENANCE_STAFF, NOW, PROFILE);
    const asset = { asset_id: "asset-1", location: ASSET.location };
    const p = planCaseCreate({ person_links: [], asset, lookup: memoryLookup() }, { title: "Noise", asset_id: "asset-1" }, e);
    expect(p.answer).toMatchObject({ asset_id: "asset-1", location: ASSET.location });
    const told = planCaseCreate(
      { person_links: [], asset, lookup: memoryLookup() },
      { title: "Noise", asset_id: "asset-1", location: { site: "Elsewhere" } },
      e,
    );
    expect(told.answer.location).toEqual({ site: "Elsewhere", area: null });
    expect(planCaseCreate({ person_links: [], lookup: memoryLookup() }, { title: "Plain" }, e).answer.asset_id).toBeNull();
    let err: unknown;
    try {
      planCaseCreate({ person_links: [], asset: null, lookup: memoryLookup() }, { title: "Ghost", asset_id: "nope" }, e);
    } catch (x) {
      err = x;
    }
    expect(err).toMatchObject({ code: "validation", errors: [{ path: "asset_id" }] });
  });
});
