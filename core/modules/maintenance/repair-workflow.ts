/**
 * The repair workflow: a fault report opens a case with a triage task;
 * completing triage adds the repair, completing the repair adds the
 * verification, and completing that ends the workflow (the case resolves by
 * the usual rule: all its tasks done). Cancelling triage means it was not a
 * fault, which ends the workflow too. Each step is a task of type `repair`
 * whose subtype names the step, so pattern rules and lists can pick them out.
 * The asset is under repair from the report until the workflow ends.
 */
import { z } from "zod";
import type { FollowUpInput, FollowUps } from "../../engine/follow-ups";
import type { TaskFields } from "../../engine/steps";
import type { Profile } from "../../profiles/schema";

export const REPAIR_TASK_TYPE = "repair";
export const RepairStep = z.enum(["triage", "repair", "verify"]);
export type RepairStep = z.infer<typeof RepairStep>;

/** Record updates the maintenance module applies (durable-objects/modules/maintenance). */
export const REPAIR_OPENED = "repair_opened";
export const REPAIR_CLOSED = "repair_closed";
export type RepairEnd = "verified" | "not_a_fault";

export interface RepairSetup {
  repair_role: string;
  verify_role: string;
  /** The label of a repair case. */
  label: string;
}

/** The workflow as the profile sets it up; null when the maintenance module is off. */
export function repairSetup(profile: Pick<Profile, "modules" | "roles">): RepairSetup | null {
  const settings = profile.modules?.maintenance;
  if (!settings) return null;
  const repair_role = settings.repair_role ?? profile.roles[0] ?? "Operations";
  return {
    repair_role,
    verify_role: settings.verify_role ?? repair_role,
    // Category 1 (operations), subcategory 4 (report), at staff level.
    label: settings.repair_label ?? `1001.14.${repair_role}`,
  };
}

const NEXT: Readonly<Record<RepairStep, RepairStep | null>> = { triage: "repair", repair: "verify", verify: null };
const TITLES: Readonly<Record<RepairStep, string>> = { triage: "Triage", repair: "Repair", verify: "Verify repair" };

export function nextRepairStep(step: RepairStep): RepairStep | null {
  return NEXT[step];
}

/** The task of one step; `subject` is what the fault is (the case's title). */
export function repairStepTask(step: RepairStep, setup: RepairSetup, subject: string): TaskFields {
  const title = `${TITLES[step]}: ${subject}`;
  return {
    title: title.length > 300 ? `${title.slice(0, 299)}…` : title,
    type: REPAIR_TASK_TYPE,
    subtype: step,
    owner_role: step === "verify" ? setup.verify_role : setup.repair_role,
  };
}

/** The follow-up source the engine asks after a task moves (core/engine/follow-ups.ts). */
export function repairFollowUps(input: FollowUpInput): FollowUps | null {
  const { task } = input;
  if (task.type !== REPAIR_TASK_TYPE) return null;
  const step = RepairStep.safeParse(task.subtype);
  if (!step.success) return null;
  const setup = repairSetup(input.profile);
  if (!setup) return null;
  const assetId = task.asset_id ?? input.case.asset_id ?? null;
  const end = (outcome: RepairEnd): FollowUps => ({
    tasks: [],
    updates: assetId ? [{ module: "maintenance", kind: REPAIR_CLOSED, id: assetId, changes: { case_id: input.case.case_id, outcome } }] : [],
  });
  if (task.status === "completed") {
    const next = nextRepairStep(step.data);
    return next ? { tasks: [{ ...repairStepTask(next, setup, input.case.title), asset_id: assetId }], updates: [] } : end("verified");
  }
  if (task.status === "cancelled" && step.data === "triage") return end("not_a_fault");
  return null;
}
