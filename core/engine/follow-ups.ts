/**
 * Work that follows work: when a task moves (completed, cancelled), a
 * workflow may ask for the next tasks of the same case, and for changes to
 * its own records. The task-transition plan asks every source here and
 * carries out what they return in the same plan, so a workflow's next step
 * commits with the move that caused it. A workflow plugs in by adding a
 * source; the engine knows none of them by name.
 */
import type { Case, Task } from "../model/records";
import { repairFollowUps } from "../modules/maintenance/repair-workflow";
import type { Profile } from "../profiles/schema";
import type { ModuleRecordUpdate } from "./plan";
import type { TaskFields } from "./steps";

export interface FollowUpInput {
  /** The task as it was, and as it is after the move. */
  before: Task;
  task: Task;
  /** Its case, and all the case's tasks after the move. */
  case: Case;
  tasks: readonly Task[];
  profile: Profile;
}

export interface FollowUps {
  /** Tasks to add to the same case, in order. */
  tasks: TaskFields[];
  updates: Pick<ModuleRecordUpdate, "module" | "kind" | "id" | "changes">[];
}

export type FollowUpSource = (input: FollowUpInput) => FollowUps | null;

const SOURCES: readonly FollowUpSource[] = [repairFollowUps];

/** What every source asks for after this move (nothing when the task did not move). */
export function followUpsOf(input: FollowUpInput): FollowUps {
  const out: FollowUps = { tasks: [], updates: [] };
  if (input.before.status === input.task.status) return out;
  for (const source of SOURCES) {
    const asked = source(input);
    if (!asked) continue;
    out.tasks.push(...asked.tasks);
    out.updates.push(...asked.updates);
  }
  return out;
}
