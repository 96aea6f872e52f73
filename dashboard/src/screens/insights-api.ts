/** The review of GET /v1/orgs/{org}/insights/review, as the Insights screen reads it. */
import { request } from "../api/http";
import type { OrgApi } from "../api/orgo";
import type { Case } from "../api/types";

export type Cycle = "weekly" | "monthly" | "yearly";
export const CYCLES: readonly Cycle[] = ["weekly", "monthly", "yearly"];

export interface Span {
  from: string;
  to: string;
  name: string;
}

export interface Compliance {
  met: number;
  missed: number;
  share: number | null;
}

export type ReactivityStatus = "met" | "missed" | "pending" | "overdue";

export interface ListedCase extends Case {
  age_hours: number;
  reactivity_status: ReactivityStatus;
}

export interface Review {
  cycle: Cycle;
  period: Span;
  previous_period: Span;
  totals: {
    opened: number;
    resolved: number;
    open_now: number;
    critical_open: number;
    unresolved: number;
    escalated: number;
    reactivity_met: number;
    reactivity_missed: number;
  };
  critical: ListedCase[];
  unresolved: ListedCase[];
  by_department: { department: string; opened: number; critical: number; open_now: number; previous_opened: number }[];
  by_location: { site: string | null; opened: number; critical: number; previous_opened: number }[];
  role_load: { role: string; open_tasks: number }[];
  reactivity_compliance: Record<string, Compliance>;
  escalation_rate: number | null;
  patterns: { rule_id: string; group: string | null; case_id: string; count: number | null }[];
  suggestions: { path: string; current: string; suggested: string; reason: string }[];
  truncated: boolean;
}

export function getReview(api: OrgApi, cycle: Cycle, at: string, signal?: AbortSignal) {
  const params = new URLSearchParams({ cycle });
  if (at) params.set("at", at);
  return request<Review>(`/v1/orgs/${encodeURIComponent(api.org)}/insights/review?${params}`, { token: api.token, signal });
}
