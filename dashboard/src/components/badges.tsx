/** Severity, status and escalation: each by colour and by word, so colour is never the only signal. */
import type { CaseStatus, Severity, TaskStatus } from "../api/types";

const WORDS: Record<string, string> = {
  critical: "Critical",
  high: "High",
  medium: "Medium",
  low: "Low",
  open: "Open",
  in_progress: "In progress",
  resolved: "Resolved",
  closed: "Closed",
  pending: "Pending",
  completed: "Completed",
  cancelled: "Cancelled",
};

export function wordFor(value: string): string {
  return WORDS[value] ?? value;
}

export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <span class={`badge severity-${severity}`}>
      <span class="visually-hidden">Severity: </span>
      {wordFor(severity)}
    </span>
  );
}

export function StatusBadge({ status }: { status: CaseStatus | TaskStatus }) {
  return (
    <span class={`badge status-${status}`}>
      <span class="visually-hidden">Status: </span>
      {wordFor(status)}
    </span>
  );
}

export function EscalationBadge({ level }: { level: number }) {
  if (level <= 0) return null;
  return (
    <span class="badge escalated" title={`Escalated ${level} level${level === 1 ? "" : "s"} up`}>
      Escalated ×{level}
    </span>
  );
}
