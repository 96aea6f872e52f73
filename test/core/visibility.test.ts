import { describe, expect, it } from "vitest";
import { canAct, canSee, type Viewer } from "../../core/privacy/visibility";

const viewer = (positions: Viewer["positions"], extra: Partial<Viewer> = {}): Viewer => ({ admin: false, user_id: "u-1", positions, ...extra });

const staffSafety = viewer([{ level: 1001, role: "Operations.Safety" }]);
const leadSafety = viewer([{ level: 101, role: "Operations.Safety" }]);
const headOps = viewer([{ level: 11, role: "Operations" }]);
const staffFacilities = viewer([{ level: 1001, role: "Facilities" }]);
const exec = viewer([{ level: 1, role: "Operations" }]);
const admin = viewer([], { admin: true });

describe("need-to-know visibility", () => {
  const cases: [string, string, Record<string, boolean>][] = [
    ["1001.91.Operations.Safety", "staff item of the safety team", { staffSafety: true, leadSafety: true, headOps: true, staffFacilities: false, exec: true }],
    ["101.14.Operations.Safety", "team-lead item", { staffSafety: false, leadSafety: true, headOps: true, staffFacilities: false, exec: true }],
    ["11.14.Operations", "department item", { staffSafety: false, leadSafety: false, headOps: true, staffFacilities: false, exec: true }],
    ["1001.11.Facilities", "another team's staff item", { staffSafety: false, leadSafety: false, headOps: false, staffFacilities: true, exec: false }],
    ["1001.91.Operations.Maintenance", "a sibling team's item", { staffSafety: false, leadSafety: false, headOps: true, staffFacilities: false, exec: true }],
    ["1000.15.Operations", "staff broadcast", { staffSafety: true, leadSafety: false, headOps: true, staffFacilities: true, exec: true }],
  ];
  const viewers = { staffSafety, leadSafety, headOps, staffFacilities, exec };

  for (const [label, what, expected] of cases) {
    it(`${label} (${what})`, () => {
      for (const [name, v] of Object.entries(viewers)) {
        expect(canSee(v, { label }, "need_to_know"), `${name} sees ${label}`).toBe(expected[name]);
      }
      expect(canSee(admin, { label }, "need_to_know")).toBe(true);
    });
  }

  it("an open organization shows everything to every member, but acting still needs a matching position", () => {
    expect(canSee(staffFacilities, { label: "11.14.Operations" }, "open")).toBe(true);
    expect(canAct(staffFacilities, { label: "11.14.Operations" })).toBe(false);
  });

  it("escalation widens, never narrows: the origin label keeps earlier viewers in", () => {
    const escalated = { label: "101.91.Operations.Safety", origin_label: "1001.91.Operations.Safety" };
    expect(canSee(staffSafety, escalated, "need_to_know")).toBe(true);
    expect(canSee(leadSafety, escalated, "need_to_know")).toBe(true);
    expect(canSee(staffFacilities, escalated, "need_to_know")).toBe(false);
  });

  it("creators see what they created; owners see and act on what their role owns", () => {
    expect(canSee(staffFacilities, { label: "11.14.Operations", created_by: "u-1" }, "need_to_know")).toBe(true);
    expect(canAct(staffFacilities, { label: "11.14.Operations", created_by: "u-1" })).toBe(false);
    expect(canAct(staffFacilities, { label: "11.14.Operations", owner_role: "Facilities" })).toBe(true);
    expect(canSee(staffFacilities, { label: "11.14.Operations", owner_role: "Facilities" }, "need_to_know")).toBe(true);
  });

  it("a role covers its sub-roles but not a look-alike prefix", () => {
    const ops = viewer([{ level: 1001, role: "Ops" }]);
    expect(canSee(ops, { label: "1001.11.Operations" }, "need_to_know")).toBe(false);
    expect(canSee(ops, { label: "1001.11.Ops.Night" }, "need_to_know")).toBe(true);
  });
});

describe("escalated broadcasts", () => {
  it("reach the next level up when they climb, and keep everyone who saw them", () => {
    const climbed = { label: "100.15.Operations", origin_label: "1000.15.Operations" };
    expect(canSee(viewer([{ level: 101, role: "Facilities" }]), climbed, "need_to_know")).toBe(true);
    expect(canSee(viewer([{ level: 1001, role: "Facilities" }]), climbed, "need_to_know")).toBe(true);
    expect(canSee(viewer([{ level: 11, role: "Facilities" }]), climbed, "need_to_know")).toBe(false);
  });
});
