/** Maintenance places: which kind sits in which, paths from the site down, and the case location read off a path. */
import { describe, expect, it } from "vitest";
import { newAsset, patchedAsset } from "../../core/modules/maintenance/assets";
import { caseLocationOf, newLocation, placementProblem } from "../../core/modules/maintenance/places";
import type { LocationKind, MaintenanceLocation } from "../../core/modules/maintenance/records";
import { errorCode, NOW } from "../support/plan-fixtures";

const place = (kind: LocationKind, name: string, parent: MaintenanceLocation | null) =>
  newLocation({ name, kind, parent_id: parent?.location_id ?? null }, parent, `loc-${name}`, NOW);

describe("place hierarchy", () => {
  const site = place("site", "Campus", null);
  const building = place("building", "Hall B", site);
  const floor = place("floor", "Floor 2", building);

  it("allows site → building → floor → area, and an area straight in a building", () => {
    const area = place("area", "Plant room", floor);
    expect(area).toMatchObject({ parent_id: floor.location_id, path: "Campus / Hall B / Floor 2 / Plant room", version: 1 });
    expect(place("area", "Lobby", building).path).toBe("Campus / Hall B / Lobby");
    expect(site).toMatchObject({ parent_id: null, path: "Campus" });
  });

  it("refuses every other order, naming the parent", () => {
    const allowed: Record<LocationKind, LocationKind[]> = { site: [], building: ["site"], floor: ["building"], area: ["floor", "building"] };
    const kinds: LocationKind[] = ["site", "building", "floor", "area"];
    for (const kind of kinds) {
      for (const parentKind of kinds) {
        const problem = placementProblem(kind, { kind: parentKind });
        expect(problem === null, `${kind} in ${parentKind}`).toBe(allowed[kind].includes(parentKind));
      }
      expect(placementProblem(kind, null) === null, `${kind} at the top`).toBe(kind === "site");
    }
    let err: unknown;
    try {
      place("floor", "Floor in site", site);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: "validation", errors: [{ path: "parent_id" }] });
    // A parent id that names nothing is refused, not treated as "no parent".
    expect(errorCode(() => newLocation({ name: "B", kind: "building", parent_id: "nope" }, null, "x", NOW))).toBe("validation");
  });

  it("reads a case location off a path: the site, then the rest as the area", () => {
    expect(caseLocationOf({ path: "Campus" })).toEqual({ site: "Campus", area: null });
    expect(caseLocationOf({ path: "Campus / Hall B / Floor 2" })).toEqual({ site: "Campus", area: "Hall B / Floor 2" });
    expect(caseLocationOf(null)).toEqual({ site: null, area: null });
  });

  it("refuses a place whose path below the site would not fit in a case's area", () => {
    const long = (c: string) => c.repeat(120);
    const b = place("building", long("b"), site);
    expect(errorCode(() => place("floor", long("f"), b))).toBe("validation");
  });
});

describe("assets", () => {
  const site = place("site", "Campus", null);
  const building = place("building", "Hall B", site);

  it("takes its location from its place and its type from the profile's list", () => {
    const a = newAsset({ name: "Chiller", type: "hvac", location_id: building.location_id }, building, { asset_types: ["hvac"] }, "a-1", NOW);
    expect(a).toMatchObject({ status: "in_service", location: { site: "Campus", area: "Hall B" }, serial: null, version: 1 });
    expect(errorCode(() => newAsset({ name: "Boat", type: "yacht" }, null, { asset_types: ["hvac"] }, "a-2", NOW))).toBe("validation");
    expect(newAsset({ name: "Boat", type: "yacht" }, null, {}, "a-3", NOW).type).toBe("yacht");
    expect(errorCode(() => newAsset({ name: "Lost", type: "hvac", location_id: "nowhere" }, null, {}, "a-4", NOW))).toBe("validation");
  });

  it("a patch bumps the version only when something changed, moves the location with the place, and checks If-Match", () => {
    const a = newAsset({ name: "Chiller", type: "hvac" }, null, {}, "a-1", NOW);
    expect(patchedAsset(a, { name: "Chiller" }, null, null, NOW).next).toBe(a);
    const moved = patchedAsset(a, { location_id: building.location_id }, building, 1, NOW);
    expect(moved.next).toMatchObject({ location_id: building.location_id, location: { site: "Campus", area: "Hall B" }, version: 2 });
    expect(Object.keys(moved.changes).sort()).toEqual(["location", "location_id"]);
    expect(patchedAsset(moved.next, { location_id: null }, null, null, NOW).next.location).toEqual({ site: null, area: null });
    expect(errorCode(() => patchedAsset(a, { name: "x" }, null, 7, NOW))).toBe("version_conflict");
  });
});
