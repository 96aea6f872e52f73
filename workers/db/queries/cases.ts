/** Cases: the filtered list, newest first, and one case with its tasks. */
import { and, asc, desc, eq, lt, type SQL } from "drizzle-orm";
import type { Case, CaseStatus, Severity, Task } from "../../../core/model";
import type { Database } from "../../../d1/database";
import { type CaseRow, rowToCase, rowToTask, type TaskRow } from "../../../d1/rows";
import { type BatchRead, runRead } from "../batch-read";
import { cases, tasks } from "../../../d1/schema";
import { everything, firstRows, type Page, scan } from "./scan";

export type CaseFilters = { status?: CaseStatus; label?: string; severity?: Severity; limit: number; before: number | null };

function casesPage(db: Database, orgId: string, f: CaseFilters, before: number | null, n: number) {
  const where: SQL[] = [eq(cases.org_id, orgId)];
  if (f.status) where.push(eq(cases.status, f.status));
  if (f.label) where.push(eq(cases.label, f.label));
  if (f.severity) where.push(eq(cases.severity, f.severity));
  return db
    .select()
    .from(cases)
    .where(and(...where, ...(before === null ? [] : [lt(cases.seq, before)])))
    .orderBy(desc(cases.seq))
    .limit(n);
}

/** `first`: the first fetch's rows when they were read already, in authentication's batch (`firstCases`). */
export async function listCases(
  db: Database,
  orgId: string,
  f: CaseFilters,
  visible: (item: Case) => boolean = everything,
  first?: CaseRow[],
): Promise<Page<Case>> {
  return scan((before, n) => casesPage(db, orgId, f, before, n), rowToCase, visible, f.limit, f.before, first);
}

export function firstCases(f: CaseFilters): BatchRead<CaseRow[]> {
  return firstRows((db, orgId, before, n) => casesPage(db, orgId, f, before, n), f.before, f.limit);
}

/**
 * A case and its tasks, oldest first, in one round trip (and one snapshot);
 * null when the organization has no such case. The caller judges visibility.
 */
export async function getCaseWithTasks(db: Database, orgId: string, caseId: string): Promise<{ case: Case; tasks: Task[] } | null> {
  return runRead(db, orgId, caseWithTasks(caseId));
}

export function caseWithTasks(caseId: string): BatchRead<{ case: Case; tasks: Task[] } | null> {
  return {
    queries: (db, orgId) => [
      db
        .select()
        .from(cases)
        .where(and(eq(cases.org_id, orgId), eq(cases.case_id, caseId))),
      db
        .select()
        .from(tasks)
        .where(and(eq(tasks.org_id, orgId), eq(tasks.case_id, caseId)))
        .orderBy(asc(tasks.seq)),
    ],
    decode: ([found, taskRows]) => {
      const row = (found as CaseRow[])[0];
      return row ? { case: rowToCase(row), tasks: (taskRows as TaskRow[]).map(rowToTask) } : null;
    },
  };
}
