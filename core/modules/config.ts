/**
 * Which domain modules a profile enables, and how each is set up. A module
 * is a thin adapter over the same cases, tasks, audit and insights: its key
 * present under `modules` enables it (even as `{}`), absent leaves its routes
 * answering 404. Each module's settings live beside its own code.
 */
import { z } from "zod";
import { CareSettings } from "./care/settings";
import { GroupsSettings } from "./groups/settings";
import { MaintenanceSettings } from "./maintenance/settings";
import { Open311Settings } from "./open311/settings";

export const MODULE_NAMES = ["maintenance", "care", "groups", "open311"] as const;
export const ModuleName = z.enum(MODULE_NAMES);
export type ModuleName = z.infer<typeof ModuleName>;

export const Modules = z
  .object({
    maintenance: MaintenanceSettings.optional(),
    care: CareSettings.optional(),
    groups: GroupsSettings.optional(),
    open311: Open311Settings.optional(),
  })
  .strict()
  .describe(
    "Domain modules this organization uses: maintenance (assets, places, repair workflows), care (personnel, intake, consent, erasure), groups (rosters, schedules, broadcasts), open311 (GeoReport v2 requests). A module's key enables it; its routes answer 404 otherwise.",
  );
export type Modules = z.infer<typeof Modules>;

/** The modules a resolved profile enables, in a fixed order. */
export function enabledModules(modules: Modules | undefined): ModuleName[] {
  return MODULE_NAMES.filter((name) => modules?.[name] !== undefined);
}

/** A Wikidata item id: the open vocabulary places, categories and persons may be tied to. */
export const WikidataId = z
  .string()
  .regex(/^Q[1-9]\d{0,11}$/, "a Wikidata item id looks like Q42")
  .describe("A Wikidata item id (Q…).");

export const LinkedData = z
  .object({
    categories: z
      .record(z.string().regex(/^[0-9]$/, "a category is one digit"), WikidataId)
      .optional()
      .describe('Wikidata items for label categories (`"9": Q2472587` for an emergency).'),
    sites: z.record(z.string().min(1).max(200), WikidataId).optional().describe("Wikidata items for sites by name (a city, a building, a campus)."),
    roles: z.record(z.string().min(1).max(200), WikidataId).optional().describe("Wikidata items for roles by name (an occupation)."),
  })
  .strict()
  .describe("Ties to Wikidata used by the JSON-LD form of cases: categories, sites and roles.");
export type LinkedData = z.infer<typeof LinkedData>;
