/** Tasks: the filtered list, newest first, and one task. */
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import type { Task, TaskStatus } from "../../../core/model";
import type { Database } from "../../../d1/database";
import { rowToTask, type TaskRow } from "../../../d1/rows";
import { type BatchRead, runRead } from "../batch-read";
import { tasks } from "../../../d1/schema";
import { everything, type Page, scan } from "./scan";

export async function listTasks(
  db: Database,
  orgId: string,
  f: { status?: TaskStatus; label?: string; case_id?: string; limit: number; before: number | null },
  visible: (t: Task) => boolean = everything,
): Promise<Page<Task>> {
  const where: SQL[] = [eq(tasks.org_id, orgId)];
  if (f.status) where.push(eq(tasks.status, f.status));
  if (f.label) where.push(eq(tasks.label, f.label));
  if (f.case_id) where.push(eq(tasks.case_id, f.case_id));
  const fetch = (before: number | null, n: number) =>
    db
      .select()
      .from(tasks)
      .where(and(...where, ...(before === null ? [] : [lt(tasks.seq, before)])))
      .orderBy(desc(tasks.seq))
      .limit(n);
  return scan(fetch, rowToTask, visible, f.limit, f.before);
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
