/**
 * Maintenance records and request bodies: places (site → building → floor →
 * area) and the assets that sit in them. One zod schema per shape serves
 * validation, types and the OpenAPI document.
 */
import { z } from "zod";
import { Severity } from "../../model/enums";
import { FreeJson } from "../../model/inputs";
import { Case, Location, Metadata, Task, Timestamp } from "../../model/records";
import { WikidataId } from "../config";

const Text = (max: number) => z.string().trim().min(1).max(max);

export const LocationKind = z.enum(["site", "building", "floor", "area"]);
export type LocationKind = z.infer<typeof LocationKind>;

/** Separates the names of a place's path; a name may not contain it, so a path reads back unambiguously. */
export const PATH_SEPARATOR = " / ";

const PlaceName = Text(200).refine((n) => !n.includes(PATH_SEPARATOR), {
  message: `a place's name may not contain "${PATH_SEPARATOR}" (it separates the names of a path)`,
});

export const MaintenanceLocation = z.object({
  location_id: z.string(),
  name: z.string(),
  kind: LocationKind,
  parent_id: z.string().nullable(),
  /** Names from the site down, joined by " / ". */
  path: z.string(),
  wikidata: z.string().nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
  version: z.number().int().min(1),
});
export type MaintenanceLocation = z.infer<typeof MaintenanceLocation>;

export const LocationCreate = z
  .object({
    name: PlaceName,
    kind: LocationKind,
    parent_id: z
      .string()
      .min(1)
      .max(100)
      .nullable()
      .optional()
      .describe("The place this one is in: none for a site; a site for a building; a building for a floor; a floor or a building for an area."),
    wikidata: WikidataId.nullable().optional(),
  })
  .strict();
export type LocationCreate = z.infer<typeof LocationCreate>;

export const AssetStatus = z.enum(["in_service", "under_repair", "out_of_service", "retired"]);
export type AssetStatus = z.infer<typeof AssetStatus>;

export const Asset = z.object({
  asset_id: z.string(),
  name: z.string(),
  type: z.string(),
  serial: z.string().nullable(),
  status: AssetStatus,
  location_id: z.string().nullable(),
  /** The asset's place as cases show it: the site's name, and the rest of the path as the area. */
  location: Location,
  wikidata: z.string().nullable(),
  attributes: Metadata,
  created_at: Timestamp,
  updated_at: Timestamp,
  version: z.number().int().min(1),
});
export type Asset = z.infer<typeof Asset>;

export const AssetCreate = z
  .object({
    name: Text(200),
    type: Text(64),
    serial: Text(200).nullable().optional().describe("Unique in the organization (409 when taken)."),
    status: AssetStatus.optional().describe("Default in_service."),
    location_id: z.string().min(1).max(100).nullable().optional(),
    wikidata: WikidataId.nullable().optional(),
    attributes: FreeJson.optional(),
  })
  .strict();
export type AssetCreate = z.infer<typeof AssetCreate>;

export const AssetPatch = AssetCreate.omit({ type: true })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: "at least one field to change" });
export type AssetPatch = z.infer<typeof AssetPatch>;

/** A fault report on an asset: it opens a repair case. */
export const RepairReport = z
  .object({
    title: Text(300),
    description: z.string().max(20_000).nullable().optional(),
    severity: Severity.optional(),
  })
  .strict();
export type RepairReport = z.infer<typeof RepairReport>;

/** What a reporter is answered; like a signal's answer, `case: null` when the case is outside their sight. */
export const RepairOutcome = z.object({ case: Case.nullable(), tasks: z.array(Task) });
export type RepairOutcome = z.infer<typeof RepairOutcome>;

/** How many cases and tasks an asset's history shows at most (the newest). */
export const HISTORY_LIMIT = 100;

export const AssetWithHistory = Asset.extend({
  history: z.object({ cases: z.array(Case), tasks: z.array(Task) }),
});
export type AssetWithHistory = z.infer<typeof AssetWithHistory>;
