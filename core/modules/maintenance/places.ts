/**
 * The place hierarchy: a site holds buildings, a building floors (and areas),
 * a floor areas. A place's path names it from the site down, and what cases
 * show as a location ({site, area}) is read off that path, so a case about an
 * asset is filed where the asset stands.
 */
import { DomainError } from "../../errors";
import type { Location } from "../../model/records";
import { type LocationCreate, type LocationKind, type MaintenanceLocation, PATH_SEPARATOR } from "./records";

/** Places per organization at most. */
export const MAX_LOCATIONS = 10_000;

/** What each kind of place may sit in; a site sits in nothing. */
export const PARENT_KINDS: Readonly<Record<LocationKind, readonly LocationKind[]>> = {
  site: [],
  building: ["site"],
  floor: ["building"],
  area: ["floor", "building"],
};

/** Longest area a case location holds: the path below the site must fit in it. */
const AREA_MAX = 200;

/** Why `kind` may not sit in `parent` (null when it may). */
export function placementProblem(kind: LocationKind, parent: Pick<MaintenanceLocation, "kind"> | null): string | null {
  const allowed = PARENT_KINDS[kind];
  if (allowed.length === 0) return parent ? "a site is not inside another place" : null;
  const expected = allowed.join(" or ");
  if (!parent) return `a ${kind} must be inside a ${expected}`;
  if (!allowed.includes(parent.kind)) return `a ${kind} must be inside a ${expected}, not a ${parent.kind}`;
  return null;
}

/** The path of a place named `name` inside `parent`. */
export function pathOf(parent: Pick<MaintenanceLocation, "path"> | null, name: string): string {
  return parent ? `${parent.path}${PATH_SEPARATOR}${name}` : name;
}

/** The location cases show for a place: its site's name, and the rest of its path as the area. */
export function caseLocationOf(place: Pick<MaintenanceLocation, "path"> | null): Location {
  if (!place) return { site: null, area: null };
  const [site, ...rest] = place.path.split(PATH_SEPARATOR);
  return { site: site ?? null, area: rest.length > 0 ? rest.join(PATH_SEPARATOR) : null };
}

/**
 * A new place, checked against its parent (`parent` is what `input.parent_id`
 * names, null when it names nothing or nothing by that id exists).
 */
export function newLocation(input: LocationCreate, parent: MaintenanceLocation | null, id: string, now: Date): MaintenanceLocation {
  if (input.parent_id && !parent) {
    throw new DomainError("validation", "no place with this id in the organization", [
      { path: "parent_id", message: "no place with this id in the organization" },
    ]);
  }
  const problem = placementProblem(input.kind, parent);
  if (problem) throw new DomainError("validation", problem, [{ path: "parent_id", message: problem }]);
  const path = pathOf(parent, input.name);
  const area = caseLocationOf({ path }).area;
  if (area !== null && area.length > AREA_MAX) {
    const message = `the path below the site would be longer than ${AREA_MAX} characters`;
    throw new DomainError("validation", message, [{ path: "name", message }]);
  }
  const at = now.toISOString();
  return {
    location_id: id,
    name: input.name,
    kind: input.kind,
    parent_id: parent?.location_id ?? null,
    path,
    wikidata: input.wikidata ?? null,
    created_at: at,
    updated_at: at,
    version: 1,
  };
}
