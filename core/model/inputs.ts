/** Request bodies, validated at the edge and again trusted by the core. */
import { z } from "zod";
import { IsoDuration } from "../scheduling/duration";
import { CaseStatus, Severity, SignalSource, TaskStatus } from "./enums";
import { Metadata, Timestamp } from "./records";

const Text = (max: number) => z.string().trim().min(1).max(max);

export const LocationInput = z
  .object({ site: Text(200).nullable().optional(), area: Text(200).nullable().optional() })
  .strict();

export const CaseCreate = z
  .object({
    title: Text(300),
    description: z.string().max(20_000).nullable().optional(),
    label: z.string().max(200).optional(),
    severity: Severity.optional(),
    reactivity_time: IsoDuration.optional(),
    origin_role: z.string().max(200).nullable().optional(),
    location: LocationInput.optional(),
    tags: z.array(Text(64)).max(50).optional(),
    metadata: Metadata.optional(),
    person_id: z.string().max(100).nullable().optional(),
  })
  .strict();
export type CaseCreate = z.infer<typeof CaseCreate>;

export const CasePatch = z
  .object({
    title: Text(300).optional(),
    description: z.string().max(20_000).nullable().optional(),
    label: z.string().max(200).optional(),
    severity: Severity.optional(),
    tags: z.array(Text(64)).max(50).optional(),
    metadata: Metadata.optional(),
    location: LocationInput.optional(),
    person_id: z.string().max(100).nullable().optional(),
    status: CaseStatus.extract(["resolved", "closed"]).optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: "at least one field to change" });
export type CasePatch = z.infer<typeof CasePatch>;

export const TaskCreate = z
  .object({
    title: Text(300),
    type: Text(64).nullable().optional(),
    subtype: Text(64).nullable().optional(),
    label: z.string().max(200).optional(),
    severity: Severity.optional(),
    owner_role: z.string().max(200).optional(),
    owner_role_id: z.string().max(100).optional(),
    reactivity_time: IsoDuration.optional(),
    due_at: Timestamp.nullable().optional(),
  })
  .strict();
export type TaskCreate = z.infer<typeof TaskCreate>;

export const TaskTransition = z
  .object({
    to: TaskStatus,
    expected_version: z.number().int().min(1).optional(),
    note: z.string().max(5_000).optional(),
  })
  .strict();
export type TaskTransition = z.infer<typeof TaskTransition>;

export const SignalInput = z
  .object({
    source: SignalSource.default("api"),
    idempotency_key: z.string().min(1).max(200).optional(),
    title: Text(300),
    body: z.string().max(100_000).nullable().optional(),
    severity: Severity.optional(),
    label: z.string().max(200).optional(),
    location: LocationInput.optional(),
    metadata: Metadata.optional(),
    occurred_at: Timestamp.optional(),
    person_id: z.string().max(100).nullable().optional(),
  })
  .strict();
export type SignalInput = z.infer<typeof SignalInput>;

export const OrgCreate = z
  .object({
    slug: z
      .string()
      .regex(/^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/, "lowercase letters, digits and dashes, 1-48 characters"),
    name: Text(200),
    profile: z.string().regex(/^[a-z0-9_]+$/).optional(),
    profile_yaml: z.string().max(200_000).optional(),
    admin: z
      .object({ email: z.string().email(), display_name: Text(200), password: z.string().min(8).max(200).optional() })
      .strict()
      .optional(),
  })
  .strict()
  .refine((o) => !(o.profile && o.profile_yaml), { message: "give profile or profile_yaml, not both", path: ["profile_yaml"] });
export type OrgCreate = z.infer<typeof OrgCreate>;

export const PersonCreate = z
  .object({
    display_name: Text(200),
    kind: Text(64).nullable().optional(),
    external_ref: Text(200).nullable().optional(),
    attributes: Metadata.optional(),
  })
  .strict();
export type PersonCreate = z.infer<typeof PersonCreate>;

export const PersonPatch = PersonCreate.partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: "at least one field to change" });
export type PersonPatch = z.infer<typeof PersonPatch>;

export const Position = z
  .object({
    level: z.union([z.literal(1), z.literal(11), z.literal(101), z.literal(1001)]),
    role: z.string().min(1).max(200),
  })
  .strict();
export type Position = z.infer<typeof Position>;

export const UserPatch = z
  .object({
    display_name: Text(200).optional(),
    positions: z.array(Position).max(20).optional(),
    admin: z.boolean().optional(),
    active: z.boolean().optional(),
    password: z.string().min(8).max(200).optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: "at least one field to change" });
export type UserPatch = z.infer<typeof UserPatch>;
