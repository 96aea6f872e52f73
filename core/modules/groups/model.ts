/**
 * Groups (teams, classes, units): a roster of persons and users with their
 * roles in the group, an optional recurring schedule, and the profile role
 * the group belongs to, which owns the work a broadcast to it opens.
 */
import { z } from "zod";
import { Case, Task, Timestamp } from "../../model/records";
import { WikidataId } from "../config";
import { MAX_RULE_TEXT } from "./rule";

const Text = (max: number) => z.string().trim().min(1).max(max);
const Id = z.string().min(1).max(100);

export const MAX_MEMBERS = 500;

export const GroupMember = z.object({
  person_id: z.string().nullable(),
  user_id: z.string().nullable(),
  role: z.string().nullable().describe('The member\'s role in the group ("coach", "player", "captain").'),
});
export type GroupMember = z.infer<typeof GroupMember>;

export const Schedule = z.object({
  rrule: z.string().describe("The RFC 5545 rule, always with its DTSTART in the schedule's time zone."),
  duration: z.string().describe("How long each session lasts (ISO 8601)."),
  timezone: z.string().describe("The IANA time zone the rule's times are read in."),
});

export const Group = z.object({
  group_id: z.string(),
  name: z.string(),
  kind: z.string(),
  description: z.string().nullable(),
  role: z.string().describe("The profile role the group belongs to: it owns the tasks of a broadcast."),
  members: z.array(GroupMember),
  schedule: Schedule.nullable(),
  wikidata: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  version: z.number().int(),
});
export type Group = z.infer<typeof Group>;

export const GroupCreate = z
  .object({
    name: Text(200),
    kind: Text(64).describe("One of the profile's `modules.groups.kinds` when it lists them."),
    description: z.string().max(5_000).nullable().optional(),
    role: z.string().max(200).optional().describe("A role of the profile; the profile's first role when left out."),
    wikidata: WikidataId.nullable().optional(),
  })
  .strict();
export type GroupCreate = z.infer<typeof GroupCreate>;

export const GroupPatch = z
  .object({
    name: Text(200).optional(),
    kind: Text(64).optional(),
    description: z.string().max(5_000).nullable().optional(),
    role: z.string().max(200).optional(),
    wikidata: WikidataId.nullable().optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: "at least one field to change" });
export type GroupPatch = z.infer<typeof GroupPatch>;

export const MemberInput = z
  .object({
    person_id: Id.optional(),
    user_id: Id.optional(),
    role: Text(64).nullable().optional(),
  })
  .strict();
export type MemberInput = z.infer<typeof MemberInput>;

export const MembersReplace = z.object({ members: z.array(MemberInput).max(MAX_MEMBERS) }).strict();
export type MembersReplace = z.infer<typeof MembersReplace>;

export const ScheduleInput = z
  .object({
    rrule: z
      .string()
      .min(1)
      .max(MAX_RULE_TEXT)
      .describe("An RFC 5545 RRULE (FREQ=WEEKLY;BYDAY=TU,TH;BYHOUR=18;BYMINUTE=0), optionally after a DTSTART line. HOURLY at the finest."),
    duration: z.string().max(100).describe("ISO 8601, at most P1D (PT90M)."),
    timezone: z.string().max(64).describe("IANA time zone (Europe/Paris)."),
    starts_at: Timestamp.optional().describe("When a rule without DTSTART starts (its local day); the group's creation when left out."),
  })
  .strict();
export type ScheduleInput = z.infer<typeof ScheduleInput>;

export const BroadcastInput = z
  .object({
    title: Text(200),
    body: z.string().max(20_000),
    label: z.string().max(200).optional().describe("The case's label; 1000.15.<the group's role> when left out."),
    severity: z.enum(["low", "medium", "high", "critical"]).optional(),
  })
  .strict();
export type BroadcastInput = z.infer<typeof BroadcastInput>;

export const BroadcastResult = z.object({ case: Case, tasks: z.array(Task) });

export const SessionList = z.object({
  items: z.array(z.object({ starts_at: z.string(), ends_at: z.string(), local_start: z.string() })),
  truncated: z.boolean().describe("True when more sessions fall in the window than were answered."),
});
