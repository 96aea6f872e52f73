/** What the outbox carries to D1: one full row per change, keyed by its table. */
import type { Privacy } from "../core/model";
import type {
  assets,
  audit_events,
  consents,
  email_attachments,
  email_messages,
  groups,
  locations,
  notifications,
  personnel,
  persons,
  roles,
  signals,
  tokens,
  users,
} from "./schema";
import type { CaseRow, TaskRow } from "./rows";

export type OutboxItem =
  | { kind: "case"; row: CaseRow }
  | { kind: "task"; row: TaskRow }
  | { kind: "signal"; row: typeof signals.$inferInsert }
  | { kind: "audit"; row: typeof audit_events.$inferInsert }
  | { kind: "role"; row: typeof roles.$inferInsert }
  | { kind: "user"; row: typeof users.$inferInsert }
  | { kind: "person"; row: typeof persons.$inferInsert }
  | { kind: "token"; row: typeof tokens.$inferInsert }
  | { kind: "notification"; row: typeof notifications.$inferInsert }
  | { kind: "email"; row: typeof email_messages.$inferInsert }
  | { kind: "email_attachment"; row: typeof email_attachments.$inferInsert }
  | { kind: "email_adopted"; row: { org_id: string; email_id: string; case_id: string; version: number } }
  | { kind: "email_status"; row: { org_id: string; email_id: string; status: string; version: number } }
  | { kind: "case_deleted"; row: { org_id: string; case_id: string } }
  | { kind: "org_settings"; row: { org_id: string; profile: string; privacy: Privacy; modules: string[] } }
  // Modules
  | { kind: "location"; row: typeof locations.$inferInsert }
  | { kind: "asset"; row: typeof assets.$inferInsert }
  | { kind: "personnel"; row: typeof personnel.$inferInsert }
  | { kind: "consent"; row: typeof consents.$inferInsert }
  | { kind: "group"; row: typeof groups.$inferInsert }
  /** A module record removed for good (erasure): the row goes, whatever its version. */
  | { kind: "module_row_deleted"; row: { org_id: string; table: ModuleTable; id: string } };

export const MODULE_TABLES = ["locations", "assets", "personnel", "consents", "groups"] as const;
export type ModuleTable = (typeof MODULE_TABLES)[number];
