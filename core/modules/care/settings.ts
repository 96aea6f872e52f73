import { z } from "zod";
import { RolePath } from "../../profiles/rule-leaves";

export const CareSettings = z
  .object({
    intake_role: RolePath.optional().describe("The team that receives intakes and screens them (default: the profile's first role)."),
    screening: z
      .array(z.object({ title: z.string().min(1).max(300), owner_role: RolePath.optional() }).strict())
      .max(20)
      .optional()
      .describe("The screening tasks every intake case starts with."),
    consent_purposes: z.array(z.string().min(1).max(64)).max(50).optional().describe("Purposes a person may consent to (any when left out)."),
  })
  .strict()
  .describe("Care/HR: personnel records, intake flows, consent and erasure of a person's data.");
export type CareSettings = z.infer<typeof CareSettings>;
