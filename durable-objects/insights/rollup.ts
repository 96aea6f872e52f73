/**
 * The insights rollup of one organization, run by its own object (its daily
 * alarm timer, or an admin's POST): for each period and table, page through
 * D1, encode row groups as they fill, and stream the bytes to R2. Nothing
 * here reaches beyond the one organization, so the work of an invocation
 * never grows with the number of organizations. Periods and tables run one
 * after another: memory holds one page, one row group and one upload part.
 */
import { DomainError, fail, type Result } from "../../core/errors";
import { INSIGHTS_TABLES, insightsKey, type InsightsTableName } from "../../core/insights/parquet-tables";
import { ParquetStreamEncoder } from "../../core/insights/parquet-stream";
import { periodsToRoll } from "../../core/insights/rollup-periods";
import { tablePages } from "./fact-pages";
import { R2ObjectSink } from "./r2-sink";

export interface RollupEnv {
  DB: D1Database;
  FILES: R2Bucket;
}

export interface RollupFile {
  key: string;
  table: InsightsTableName;
  period: string;
  rows: number;
  bytes: number;
  /** False when the stored file already held exactly these bytes (nothing was rewritten). */
  written: boolean;
}

/**
 * Rolls up, by default, this month and the last one (late changes still
 * touch last month's facts), or the one period asked for. A concurrent call
 * for the same organization and period (the alarm and a POST) shares the
 * run in progress instead of writing the same keys twice.
 */
export async function rollupInsights(env: RollupEnv, orgId: string | null | undefined, now: Date, period?: string): Promise<Result<RollupFile[]>> {
  if (!orgId) return fail(new DomainError("not_found", "organization not found"));
  let periods: string[];
  try {
    periods = periodsToRoll(now, period);
  } catch (e) {
    return fail(new DomainError("validation", String((e as Error).message), [{ path: "period", message: "expected YYYY-MM" }]));
  }
  const files: RollupFile[] = [];
  for (const p of periods) files.push(...(await shared(orgId, p, () => rollupPeriod(env, orgId, p))));
  return { ok: true, value: files };
}

const running = new Map<string, Promise<RollupFile[]>>();

function shared(orgId: string, period: string, run: () => Promise<RollupFile[]>): Promise<RollupFile[]> {
  const key = `${orgId}/${period}`;
  let inFlight = running.get(key);
  if (!inFlight) {
    inFlight = run().finally(() => running.delete(key));
    running.set(key, inFlight);
  }
  return inFlight;
}

/** Every table's file for one period. */
export async function rollupPeriod(env: RollupEnv, orgId: string, period: string): Promise<RollupFile[]> {
  const files: RollupFile[] = [];
  for (const table of INSIGHTS_TABLES) {
    const key = insightsKey(orgId, table.name, period);
    const sink = new R2ObjectSink(env.FILES, key);
    try {
      const encoder = new ParquetStreamEncoder(table, sink);
      for await (const page of tablePages(env.DB, table.name, orgId, period)) await encoder.append(page);
      const { rows } = await encoder.finish();
      const stored = await sink.close();
      files.push({ key, table: table.name, period, rows, bytes: stored.bytes, written: stored.written });
    } catch (e) {
      await sink.abort();
      throw e;
    }
  }
  return files;
}
