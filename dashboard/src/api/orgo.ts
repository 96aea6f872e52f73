/** The calls the dashboard makes, one function each, named after what they do. */
import { download, request } from "./http";
import type { Case, CaseStatus, Me, Page, Role, Severity, Task, TaskStatus, TimelineItem } from "./types";

const enc = encodeURIComponent;

export function login(org: string, email: string, password: string) {
  return request<{ token: string; expires_at: string }>("/v1/auth/login", { method: "POST", body: { org, email, password } });
}

export function logout(token: string) {
  return request<void>("/v1/auth/logout", { method: "POST", token });
}

export function whoAmI(token: string) {
  return request<Me>("/v1/me", { token });
}

/** What a screen needs to talk to one organization as one caller. */
export interface OrgApi {
  org: string;
  token: string;
}

export function listRoles(api: OrgApi) {
  return request<{ items: Role[] }>(`/v1/orgs/${enc(api.org)}/roles`, { token: api.token });
}

export interface CaseQuery {
  status?: CaseStatus | "";
  severity?: Severity | "";
  label?: string;
  limit?: number;
  cursor?: string | null;
}

export function listCases(api: OrgApi, query: CaseQuery, signal?: AbortSignal) {
  const params = new URLSearchParams();
  if (query.status) params.set("status", query.status);
  if (query.severity) params.set("severity", query.severity);
  if (query.label) params.set("label", query.label);
  if (query.limit) params.set("limit", String(query.limit));
  if (query.cursor) params.set("cursor", query.cursor);
  return request<Page<Case>>(`/v1/orgs/${enc(api.org)}/cases?${params}`, { token: api.token, signal });
}

export function getCase(api: OrgApi, caseId: string, signal?: AbortSignal) {
  return request<Case>(`/v1/orgs/${enc(api.org)}/cases/${enc(caseId)}`, { token: api.token, signal });
}

export function caseTimeline(api: OrgApi, caseId: string, signal?: AbortSignal) {
  return request<{ items: TimelineItem[] }>(`/v1/orgs/${enc(api.org)}/cases/${enc(caseId)}/timeline`, { token: api.token, signal });
}

export function tasksOfCase(api: OrgApi, caseId: string, signal?: AbortSignal) {
  return request<Page<Task>>(`/v1/orgs/${enc(api.org)}/tasks?case_id=${enc(caseId)}&limit=200`, { token: api.token, signal });
}

export interface NewCase {
  title: string;
  description?: string;
  label?: string;
  severity?: Severity;
  location?: { site?: string; area?: string };
  tags?: string[];
}

export function createCase(api: OrgApi, body: NewCase) {
  return request<Case>(`/v1/orgs/${enc(api.org)}/cases`, { method: "POST", body, token: api.token });
}

export interface NewTask {
  title: string;
  severity?: Severity;
  owner_role?: string;
}

export function addTask(api: OrgApi, caseId: string, body: NewTask) {
  return request<Task>(`/v1/orgs/${enc(api.org)}/cases/${enc(caseId)}/tasks`, { method: "POST", body, token: api.token });
}

export function moveTask(api: OrgApi, task: Task, to: TaskStatus) {
  return request<Task>(`/v1/orgs/${enc(api.org)}/tasks/${enc(task.task_id)}/transition`, {
    method: "POST",
    body: { to, expected_version: task.version },
    token: api.token,
  });
}

export function replyByEmail(api: OrgApi, caseId: string, body: { body: string; to?: string }) {
  return request<unknown>(`/v1/orgs/${enc(api.org)}/cases/${enc(caseId)}/replies`, { method: "POST", body, token: api.token });
}

export function downloadAttachment(api: OrgApi, caseId: string, attachmentId: string, filename: string) {
  return download(`/v1/orgs/${enc(api.org)}/cases/${enc(caseId)}/attachments/${enc(attachmentId)}`, api.token, filename);
}
