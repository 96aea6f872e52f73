import { z } from "zod";

export const GroupsSettings = z
  .object({
    kinds: z.array(z.string().min(1).max(64)).max(50).optional().describe("The kinds of group this organization has (team, class, unit…); any when left out."),
  })
  .strict()
  .describe("Groups: teams, classes and units with rosters, recurring schedules and broadcasts.");
export type GroupsSettings = z.infer<typeof GroupsSettings>;
