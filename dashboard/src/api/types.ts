/** The records of the public API (../shared/CONTRACT.md), as the dashboard reads them. */
export type Severity = "low" | "medium" | "high" | "critical";
export type CaseStatus = "open" | "in_progress" | "resolved" | "closed";
export type TaskStatus = "pending" | "in_progress" | "completed" | "cancelled";

export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low"];
export const CASE_STATUSES: readonly CaseStatus[] = ["open", "in_progress", "resolved", "closed"];

export interface Location {
  site: string | null;
  area: string | null;
}

export interface Case {
  case_id: string;
  ref: string;
  title: string;
  description: string | null;
  label: string;
  status: CaseStatus;
  severity: Severity;
  reactivity_deadline: string | null;
  location: Location;
  tags: string[];
  person_id: string | null;
  escalation_level: number;
  reacted_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface Task {
  task_id: string;
  case_id: string;
  title: string;
  type: string | null;
  subtype: string | null;
  status: TaskStatus;
  label: string;
  owner_role: string | null;
  severity: Severity;
  reactivity_deadline: string | null;
  reacted_at: string | null;
  due_at: string | null;
  escalation_level: number;
  created_at: string;
  version: number;
}

export interface Role {
  role_id: string;
  name: string;
  parent: string | null;
}

export interface Position {
  level: number;
  role: string;
}

export interface Me {
  kind: "platform" | "member";
  org: { org_id: string; slug: string; name: string } | null;
  user: { user_id: string; email: string; display_name: string } | null;
  admin: boolean;
  positions: Position[];
  expires_at: string | null;
}

export interface Attachment {
  attachment_id: string;
  filename: string | null;
  content_type: string;
  size: number;
}

export interface TimelineItem {
  at: string;
  type: "signal" | "event" | "email";
  action: string;
  actor: string | null;
  entity_type: string;
  entity_id: string;
  details: Record<string, unknown>;
  direction?: "inbound" | "outbound";
  from?: string;
  to?: string[];
  subject?: string;
  text?: string;
  attachments?: Attachment[];
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface LiveEvent {
  type: "case" | "task" | "notification";
  id: string;
  version: number;
  at: string;
}
