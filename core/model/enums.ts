import { z } from "zod";

export const Severity = z.enum(["low", "medium", "high", "critical"]);
export type Severity = z.infer<typeof Severity>;
export const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export const CaseStatus = z.enum(["open", "in_progress", "resolved", "closed"]);
export type CaseStatus = z.infer<typeof CaseStatus>;

export const TaskStatus = z.enum(["pending", "in_progress", "completed", "cancelled"]);
export type TaskStatus = z.infer<typeof TaskStatus>;

export const SignalSource = z.enum(["api", "email", "offline", "pattern", "manual", "open311"]);
export type SignalSource = z.infer<typeof SignalSource>;

export const Privacy = z
  .enum(["open", "need_to_know"])
  .describe(
    "Default visibility: `open` lets everyone in the organization see every case; `need_to_know` shows an item only to its label's role (and, after escalation, the levels it climbed to).",
  );
export type Privacy = z.infer<typeof Privacy>;
