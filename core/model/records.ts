/**
 * The records Orgo keeps, as zod schemas: one source for validation,
 * TypeScript types, the OpenAPI document and test assertions.
 */
import { z } from "zod";
import { Level } from "../labels/ladder";
import { CaseStatus, Privacy, Severity, TaskStatus } from "./enums";

export const Timestamp = z.string().datetime({ offset: true });
export const Uuid = z.string().uuid();

export const Location = z.object({
  site: z.string().min(1).max(200).nullable().default(null),
  area: z.string().min(1).max(200).nullable().default(null),
});
export type Location = z.infer<typeof Location>;
export const NO_LOCATION: Location = { site: null, area: null };

export const Metadata = z.record(z.string(), z.unknown());
export type Metadata = z.infer<typeof Metadata>;

export const Case = z.object({
  case_id: Uuid,
  /** Short and unique in the organization: the `[Orgo #<ref>]` tag that threads mail back to the case. */
  ref: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  label: z.string(),
  /** The label the case was routed to before any escalation: who could see it then still sees it. */
  origin_label: z.string().nullable().optional(),
  status: CaseStatus,
  severity: Severity,
  reactivity_time: z.string(),
  reactivity_deadline: Timestamp.nullable(),
  origin_role: z.string().nullable(),
  location: Location,
  tags: z.array(z.string()),
  metadata: Metadata,
  person_id: z.string().nullable(),
  /** The maintenance asset the case is about (maintenance module). */
  asset_id: z.string().nullable().optional(),
  /**
   * Whether the person was linked by someone who already saw their sensitive
   * attributes: only such a link opens them to those who may act on the case.
   */
  person_link_trusted: z.boolean().default(false),
  escalation_level: z.number().int().min(0),
  reacted_at: Timestamp.nullable(),
  created_by: z.string().nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
  version: z.number().int().min(1),
  /** The profile version that routed the case and set its deadline (records older than versions: 1). */
  profile_version: z.number().int().min(1),
});
export type Case = z.infer<typeof Case>;

export const Task = z.object({
  task_id: Uuid,
  case_id: Uuid,
  title: z.string(),
  type: z.string().nullable(),
  subtype: z.string().nullable(),
  status: TaskStatus,
  label: z.string(),
  origin_label: z.string().nullable().optional(),
  /** The maintenance asset the task is about: its case's unless given. */
  asset_id: z.string().nullable().optional(),
  /** The member the task is for, within its role (a broadcast makes one task per member of a roster). */
  assignee_user_id: z.string().nullable().optional(),
  assignee_person_id: z.string().nullable().optional(),
  owner_role_id: z.string().nullable(),
  owner_role: z.string().nullable(),
  severity: Severity,
  reactivity_time: z.string(),
  reactivity_deadline: Timestamp.nullable(),
  reacted_at: Timestamp.nullable(),
  due_at: Timestamp.nullable(),
  escalation_level: z.number().int().min(0),
  created_by: z.string().nullable(),
  created_at: Timestamp,
  updated_at: Timestamp,
  version: z.number().int().min(1),
  /** The profile version that routed the task and set its deadline. */
  profile_version: z.number().int().min(1),
});
export type Task = z.infer<typeof Task>;

export const CaseWithTasks = Case.extend({ tasks: z.array(Task) });
export type CaseWithTasks = z.infer<typeof CaseWithTasks>;

export const Role = z.object({ role_id: z.string(), name: z.string(), parent: z.string().nullable() });
export type Role = z.infer<typeof Role>;

export const AuditEvent = z.object({
  event_id: z.string(),
  at: Timestamp,
  actor: z.string(),
  action: z.string(),
  entity_type: z.string(),
  entity_id: z.string(),
  changes: z.record(z.string(), z.unknown()),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

export const Org = z.object({
  org_id: Uuid,
  slug: z.string(),
  name: z.string(),
  profile: z.string(),
  privacy: Privacy,
  /** The modules the active profile enables (core/modules/config.ts). */
  modules: z.array(z.string()),
  created_at: Timestamp,
});
export type Org = z.infer<typeof Org>;

/** A subject of cases (student, patient, employee) who may never log in. */
export const Person = z.object({
  person_id: Uuid,
  display_name: z.string(),
  kind: z.string().nullable(),
  external_ref: z.string().nullable(),
  attributes: Metadata,
  created_at: Timestamp,
  updated_at: Timestamp,
  version: z.number().int().min(1),
});
export type Person = z.infer<typeof Person>;

/** A seat in the organization: a level of the ladder in a role (and, through it, the roles below). */
export const Position = z
  .object({
    level: Level,
    role: z.string().min(1).max(200),
  })
  .strict();
export type Position = z.infer<typeof Position>;

/**
 * A member who may log in, as the API shows it. The object's storage adds the
 * password hash and D1 adds the organization and list order; both are derived
 * from this shape, so a new field is declared here once.
 */
export const User = z.object({
  user_id: Uuid,
  email: z.string(),
  display_name: z.string(),
  admin: z.boolean(),
  positions: z.array(Position),
  active: z.boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
  version: z.number().int().min(1),
});
export type User = z.infer<typeof User>;
