import { z } from "zod";
import { RolePath } from "../../profiles/rule-leaves";

export const MaintenanceSettings = z
  .object({
    repair_role: RolePath.optional().describe("The team that triages and repairs reported faults (default: the profile's first role)."),
    verify_role: RolePath.optional().describe("Who verifies a repair (default: the repair role)."),
    repair_label: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("The label of a case opened by a fault report (default: 1001.14.<repair_role>, a staff-level operations report)."),
    asset_types: z.array(z.string().min(1).max(64)).max(200).optional().describe("The asset types this organization uses; any type when left out."),
  })
  .strict()
  .describe("Maintenance: assets, the place hierarchy and repair workflows (report → triage → repair → verify).");
export type MaintenanceSettings = z.infer<typeof MaintenanceSettings>;
