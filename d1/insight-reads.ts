/**
 * Reads of the insight facts for the periodic review. Each read is bounded
 * to MAX_FACT_ROWS rows per statement (oldest first) and says when it hit
 * the bound, so a review of a very busy organization answers with partial
 * figures marked `truncated` rather than exhausting the Worker's memory.
 * Visibility is the caller's to judge: facts carry what it is judged on.
 */
import { and, asc, eq, gte, inArray, lt } from "drizzle-orm";
import type { Case } from "../core/model";
import type { CaseFact, TaskFact } from "../core/insights/facts";
import { listedCaseIds, type ReviewCycle, type ReviewFacts, type ReviewInput, reviewPeriod } from "../core/insights/review";
import type { Database } from "./database";
import { rowToCase } from "./rows";
import { cases, fact_cases, fact_tasks } from "./schema";

/** Rows one statement reads at most. */
export const MAX_FACT_ROWS = 100_000;
/** Below D1's 100 bound parameters per statement, with room for org_id. */
const IDS_PER_STATEMENT = 90;

export interface Bounded<T> {
  rows: T[];
  /** The read stopped at MAX_FACT_ROWS: later rows were not read. */
  truncated: boolean;
}

const bounded = <T>(...reads: T[][]): Bounded<T> => ({
  rows: reads.flatMap((r) => r.slice(0, MAX_FACT_ROWS)),
  truncated: reads.some((r) => r.length > MAX_FACT_ROWS),
});

/** Cases created in [from, to). */
export async function factCasesCreatedBetween(db: Database, orgId: string, from: Date, to: Date): Promise<Bounded<CaseFact>> {
  const rows = await db
    .select()
    .from(fact_cases)
    .where(and(eq(fact_cases.org_id, orgId), gte(fact_cases.created_at, from), lt(fact_cases.created_at, to)))
    .orderBy(asc(fact_cases.created_at))
    .limit(MAX_FACT_ROWS + 1);
  return bounded(rows);
}

/** Cases whose resolved_at lies in [from, to), whenever they were created. */
export async function factCasesResolvedBetween(db: Database, orgId: string, from: Date, to: Date): Promise<Bounded<CaseFact>> {
  const rows = await db
    .select()
    .from(fact_cases)
    .where(and(eq(fact_cases.org_id, orgId), gte(fact_cases.resolved_at, from), lt(fact_cases.resolved_at, to)))
    .orderBy(asc(fact_cases.resolved_at))
    .limit(MAX_FACT_ROWS + 1);
  return bounded(rows);
}

/** Cases open or in progress now, whenever created: one statement per status, so each follows its index. */
export async function openFactCases(db: Database, orgId: string): Promise<Bounded<CaseFact>> {
  const of = (status: string) =>
    db
      .select()
      .from(fact_cases)
      .where(and(eq(fact_cases.org_id, orgId), eq(fact_cases.status, status)))
      .orderBy(asc(fact_cases.created_at))
      .limit(MAX_FACT_ROWS + 1);
  const [open, inProgress] = await db.batch([of("open"), of("in_progress")]);
  return bounded(open, inProgress);
}

/** Tasks pending or in progress now, whenever created. */
export async function openFactTasks(db: Database, orgId: string): Promise<Bounded<TaskFact>> {
  const of = (status: string) =>
    db
      .select()
      .from(fact_tasks)
      .where(and(eq(fact_tasks.org_id, orgId), eq(fact_tasks.status, status)))
      .orderBy(asc(fact_tasks.created_at))
      .limit(MAX_FACT_ROWS + 1);
  const [pending, inProgress] = await db.batch([of("pending"), of("in_progress")]);
  return bounded(pending, inProgress);
}

/** The organization's cases among `ids`, in no particular order; ids of other organizations yield nothing. */
export async function casesByIds(db: Database, orgId: string, ids: readonly string[]): Promise<Case[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const chunks: string[][] = [];
  for (let i = 0; i < unique.length; i += IDS_PER_STATEMENT) chunks.push(unique.slice(i, i + IDS_PER_STATEMENT));
  const [first, ...rest] = chunks.map((chunk) =>
    db
      .select()
      .from(cases)
      .where(and(eq(cases.org_id, orgId), inArray(cases.case_id, chunk))),
  );
  const results = await db.batch([first as NonNullable<typeof first>, ...rest]);
  return results.flat().map(rowToCase);
}

/**
 * Everything a review needs, read in one go: the facts of the period and the
 * one before, what was resolved in it, what is open now, and the records of
 * the cases the review lists. The caller's visibility filters every figure.
 */
export async function reviewInput(
  db: Database,
  orgId: string,
  cycle: ReviewCycle,
  at: Date,
  now: Date,
  visible: ReviewFacts["visible"],
  profile: ReviewInput["profile"],
): Promise<ReviewInput> {
  const { period, previous } = reviewPeriod(cycle, at);
  const [inPeriod, inPrevious, resolved, open, tasks] = await Promise.all([
    factCasesCreatedBetween(db, orgId, period.from, period.to),
    factCasesCreatedBetween(db, orgId, previous.from, previous.to),
    factCasesResolvedBetween(db, orgId, period.from, period.to),
    openFactCases(db, orgId),
    openFactTasks(db, orgId),
  ]);
  const facts: ReviewFacts = {
    cycle,
    period,
    previous,
    now,
    periodCases: inPeriod.rows,
    previousCases: inPrevious.rows,
    resolvedCases: resolved.rows,
    openCases: open.rows,
    openTasks: tasks.rows,
    visible,
    truncated: [inPeriod, inPrevious, resolved, open, tasks].some((r) => r.truncated),
  };
  const listed = await casesByIds(db, orgId, listedCaseIds(facts));
  return { ...facts, cases: listed, profile };
}
