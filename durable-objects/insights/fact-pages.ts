/**
 * The rows of each insights table that belong under a period, read from D1
 * in pages by keyset pagination: every page is an index range starting just
 * after the previous page's last key, so a million facts cost the same per
 * page as a hundred and nothing holds more than a page. The order is the
 * table's key order, fixed, so the same rows always make the same file.
 */
import { and, asc, eq, gt, gte, lt, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { periodDates, periodRange } from "../../core/insights/rollup-periods";
import type { InsightsTableName } from "../../core/insights/parquet-tables";
import { database, type Database } from "../../d1/database";
import { dim_category, dim_location, dim_role, dim_time, fact_cases, fact_tasks } from "../../d1/schema";

/** Rows per D1 query: a few MB of result, far below the object's memory. */
export const PAGE_ROWS = 5_000;

export type Row = Record<string, unknown>;

/** Reads one page after `last` (null: the first page). */
type PageQuery<R extends Row> = (db: Database, last: R | null, limit: number) => Promise<R[]>;

async function* pages<R extends Row>(db: Database, query: PageQuery<R>, limit: number): AsyncGenerator<R[]> {
  let last: R | null = null;
  for (;;) {
    const page = await query(db, last, limit);
    if (page.length > 0) yield page;
    if (page.length < limit) return;
    last = page[page.length - 1] as R;
  }
}

/** After (created_at, id) in (created_at, id) order: the created_at index gives the range, ties sort by id. */
function afterCreated(createdAt: SQLiteColumn, at: Date, idAfter: SQL | undefined): SQL | undefined {
  return or(gt(createdAt, at), and(eq(createdAt, at), idAfter));
}

function factCasePages(orgId: string, period: string): PageQuery<typeof fact_cases.$inferSelect> {
  const { from, to } = periodRange(period);
  return (db, last, limit) =>
    db
      .select()
      .from(fact_cases)
      .where(
        and(
          eq(fact_cases.org_id, orgId),
          gte(fact_cases.created_at, new Date(from)),
          lt(fact_cases.created_at, new Date(to)),
          last ? afterCreated(fact_cases.created_at, last.created_at, gt(fact_cases.case_id, last.case_id)) : undefined,
        ),
      )
      .orderBy(asc(fact_cases.created_at), asc(fact_cases.case_id))
      .limit(limit);
}

function factTaskPages(orgId: string, period: string): PageQuery<typeof fact_tasks.$inferSelect> {
  const { from, to } = periodRange(period);
  return (db, last, limit) =>
    db
      .select()
      .from(fact_tasks)
      .where(
        and(
          eq(fact_tasks.org_id, orgId),
          gte(fact_tasks.created_at, new Date(from)),
          lt(fact_tasks.created_at, new Date(to)),
          last ? afterCreated(fact_tasks.created_at, last.created_at, gt(fact_tasks.task_id, last.task_id)) : undefined,
        ),
      )
      .orderBy(asc(fact_tasks.created_at), asc(fact_tasks.task_id))
      .limit(limit);
}

function timePages(period: string): PageQuery<typeof dim_time.$inferSelect> {
  const { from, to } = periodDates(period);
  return (db, last, limit) =>
    db
      .select()
      .from(dim_time)
      .where(and(last ? gt(dim_time.date, last.date) : gte(dim_time.date, from), lt(dim_time.date, to)))
      .orderBy(asc(dim_time.date))
      .limit(limit);
}

function locationPages(orgId: string): PageQuery<typeof dim_location.$inferSelect> {
  return (db, last, limit) =>
    db
      .select()
      .from(dim_location)
      .where(
        and(
          eq(dim_location.org_id, orgId),
          last ? or(gt(dim_location.site, last.site), and(eq(dim_location.site, last.site), gt(dim_location.area, last.area))) : undefined,
        ),
      )
      .orderBy(asc(dim_location.site), asc(dim_location.area))
      .limit(limit);
}

function rolePages(orgId: string): PageQuery<typeof dim_role.$inferSelect> {
  return (db, last, limit) =>
    db
      .select()
      .from(dim_role)
      .where(and(eq(dim_role.org_id, orgId), last ? gt(dim_role.role, last.role) : undefined))
      .orderBy(asc(dim_role.role))
      .limit(limit);
}

function categoryPages(): PageQuery<typeof dim_category.$inferSelect> {
  return (db, last, limit) =>
    db
      .select()
      .from(dim_category)
      .where(
        last
          ? or(gt(dim_category.category, last.category), and(eq(dim_category.category, last.category), gt(dim_category.subcategory, last.subcategory)))
          : undefined,
      )
      .orderBy(asc(dim_category.category), asc(dim_category.subcategory))
      .limit(limit);
}

/** The pages of `table` for the organization and period, in the file's row order. */
export function tablePages(d1: D1Database, table: InsightsTableName, orgId: string, period: string, limit = PAGE_ROWS): AsyncGenerator<Row[]> {
  const db = database(d1);
  switch (table) {
    case "fact_cases":
      return pages(db, factCasePages(orgId, period), limit);
    case "fact_tasks":
      return pages(db, factTaskPages(orgId, period), limit);
    case "dim_time":
      return pages(db, timePages(period), limit);
    case "dim_location":
      return pages(db, locationPages(orgId), limit);
    case "dim_role":
      return pages(db, rolePages(orgId), limit);
    case "dim_category":
      return pages(db, categoryPages(), limit);
  }
}
