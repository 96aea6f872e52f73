/**
 * Case and task templates: what flow rules and pattern rules create.
 * Titles may hold {{path.to.field}} placeholders filled from the signal.
 */
import { z } from "zod";
import { IsoDuration } from "../scheduling/duration";
import { Severity } from "./enums";

export const CaseTemplate = z
  .object({
    title: z.string().min(1).max(300).optional(),
    description: z.string().max(5_000).optional(),
    label: z.string().min(1).max(200).optional(),
    severity: Severity.optional(),
    reactivity_time: IsoDuration.optional(),
    tags: z.array(z.string().min(1).max(64)).max(50).optional(),
  })
  .strict();
export type CaseTemplate = z.infer<typeof CaseTemplate>;

export const TaskTemplate = z
  .object({
    title: z.string().min(1).max(300),
    type: z.string().min(1).max(64).optional(),
    subtype: z.string().min(1).max(64).optional(),
    owner_role: z.string().min(1).max(200).optional(),
    label: z.string().min(1).max(200).optional(),
    severity: Severity.optional(),
    reactivity_time: IsoDuration.optional(),
  })
  .strict();
export type TaskTemplate = z.infer<typeof TaskTemplate>;

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s*\}\}/g;

/** Reads a dot path (`location.site`, `metadata.asset`) from plain data. */
export function readPath(data: unknown, path: string): unknown {
  let cur: unknown = data;
  for (const key of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Fills {{placeholders}}; a missing value renders as `unknown` so a title never shows raw braces. */
export function renderTemplate(template: string, context: unknown): string {
  return template.replace(PLACEHOLDER, (_m, path: string) => {
    const v = readPath(context, path);
    return v === undefined || v === null || v === "" ? "unknown" : String(v);
  });
}

/** The placeholder paths a template uses (to validate templates against known fields). */
export function templatePaths(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
}
