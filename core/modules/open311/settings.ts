import { z } from "zod";
import { Severity } from "../../model/enums";

export const Open311Service = z
  .object({
    service_code: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "letters, digits, _ . - (at most 64)"),
    service_name: z.string().min(1).max(200),
    description: z.string().max(2_000).optional(),
    group: z.string().max(200).optional(),
    keywords: z.array(z.string().min(1).max(64)).max(50).optional(),
    label: z.string().min(1).max(200).optional().describe("Where requests for this service go (default: the flow rules decide)."),
    severity: Severity.optional(),
  })
  .strict();
export type Open311Service = z.infer<typeof Open311Service>;

export const Open311Settings = z
  .object({
    services: z.array(Open311Service).max(200).describe("The GeoReport v2 service list."),
  })
  .strict()
  .describe("Open311 GeoReport v2: public-sector tools report issues as service requests.");
export type Open311Settings = z.infer<typeof Open311Settings>;
