/** Tasks: the filtered list, newest first, and one task. */
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import type { Task, TaskStatus } from "../../../core/model";
import type { Database } from "../../../d1/database";
import { rowToTask, type TaskRow } from "../../../d1/rows";
import { type BatchRead, runRead } from "../batch-read";
import { tasks } from "../../../d1/schema";
import { everything, firstRows, type Page, scan } from "./scan";

export type TaskFilters = { status?: TaskStatus; label?: string; case_id?: string; limit: number; before: number | null };

function tasksPage(db: Database, orgId: string, f: TaskFilters, before: number | null, n: number) {
  const where: SQL[] = [eq(tasks.org_id, orgId)];
  if (f.status) where.push(eq(tasks.status, f.status));
  if (f.label) where.push(eq(tasks.label, f.label));
  if (f.case_id) where.push(eq(tasks.case_id, f.case_id));
  return db
    .select()
    .from(tasks)
    .where(and(...where, ...(before === null ? [] : [lt(tasks.seq, before)])))
    .orderBy(desc(tasks.seq))
    .limit(n);
}

/** `first`: the first fetch's rows when they were read already, in authentication's batch (`firstTasks`). */
export async function listTasks(
  db: Database,
  orgId: string,
  f: TaskFilters,
  visible: (item: Task) => boolean = everything,
  first?: TaskRow[],
): Promise<Page<Task>> {
  return scan((before, n) => tasksPage(db, orgId, f, before, n), rowToTask, visible, f.limit, f.before, first);
}

export function firstTasks(f: TaskFilters): BatchRead<TaskRow[]> {
  return firstRows((db, orgId, before, n) => tasksPage(db, orgId, f, before, n), f.before, f.limit);
}

export async function getTask(db: Database, orgId: string, taskId: string): Promise<Task | null> {
  return runRead(db, orgId, oneTask(taskId));
}

export function oneTask(taskId: string): BatchRead<Task | null> {
  return {
    queries: (db, orgId) => [
      db
        .select()
        .from(tasks)
        .where(and(eq(tasks.org_id, orgId), eq(tasks.task_id, taskId)))
        .limit(1),
    ],
    decode: ([found]) => {
      const row = (found as TaskRow[])[0];
      return row ? rowToTask(row) : null;
    },
  };
}
