/**
 * The insights Parquet encoder on its own: files read back with hyparquet
 * row for row with the declared types, row groups cut as they fill while
 * pages stream in, and the same rows always give the same bytes.
 */
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";
import { columnValue, INSIGHTS_TABLES, insightsKey, insightsTable, parquetSchema } from "../../core/insights/parquet-tables";
import { encodeParquet, ParquetStreamEncoder } from "../../core/insights/parquet-stream";
import { nextRollupAt, periodDates, periodOf, periodRange, periodsToRoll } from "../../core/insights/rollup-periods";

const T0 = Date.UTC(2026, 10, 3, 9, 30);

function caseRow(i: number): Record<string, unknown> {
  return {
    case_id: `case-${String(i).padStart(7, "0")}`,
    org_id: "org-1",
    label: "1001.91.Operations.Safety",
    origin_label: i % 3 === 0 ? null : "101.91.Operations.Safety",
    base: 1001,
    category: 9,
    subcategory: 1,
    role: "Operations.Safety",
    department: "Operations",
    site: i % 2 ? "Store 12" : null,
    area: i % 2 ? "Aisle 4" : null,
    severity: ["critical", "high", "medium", "low"][i % 4],
    status: i % 5 === 0 ? "resolved" : "open",
    created_at: new Date(T0 + i * 1000),
    created_date: new Date(T0 + i * 1000).toISOString().slice(0, 10),
    reacted_at: i % 5 === 0 ? new Date(T0 + i * 1000 + 60_000) : null,
    resolved_at: i % 5 === 0 ? T0 + i * 1000 + 120_000 : null, // raw D1 form: epoch ms
    closed_at: null,
    reactivity_deadline: new Date(T0 + i * 1000 + 900_000),
    reactivity_met: i % 5 === 0 ? 1 : i % 7 === 0 ? false : null, // raw 0/1 and drizzle booleans alike
    escalation_count: i % 4,
    profile_version: 1 + (i % 2),
    created_by: i % 2 ? "user:u1" : null,
    version: 1 + (i % 9),
    pattern_rule: null,
  };
}

async function chunksOf(table = insightsTable("fact_cases"), rows: Record<string, unknown>[], pageRows: number, groupRows: number) {
  const chunks: Uint8Array[] = [];
  const encoder = new ParquetStreamEncoder(table, { write: async (c) => void chunks.push(c) }, groupRows);
  for (let i = 0; i < rows.length; i += pageRows) await encoder.append(rows.slice(i, i + pageRows));
  const done = await encoder.finish();
  const file = new Uint8Array(done.bytes);
  let at = 0;
  for (const c of chunks) {
    file.set(c, at);
    at += c.length;
  }
  return { file, chunks, done };
}

describe("insights parquet tables", () => {
  it("declares every table with TIMESTAMP(MILLIS, UTC), INT32, BOOLEAN and UTF8 columns", () => {
    expect(INSIGHTS_TABLES.map((t) => t.name)).toEqual(["fact_cases", "fact_tasks", "dim_time", "dim_location", "dim_role", "dim_category"]);
    const schema = parquetSchema(insightsTable("fact_cases"));
    const byName = Object.fromEntries(schema.slice(1).map((s) => [s.name, s]));
    expect(byName.created_at).toMatchObject({
      type: "INT64",
      repetition_type: "REQUIRED",
      logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
    });
    expect(byName.reacted_at?.repetition_type).toBe("OPTIONAL");
    expect(byName.reactivity_met).toMatchObject({ type: "BOOLEAN", repetition_type: "OPTIONAL" });
    expect(byName.escalation_count).toMatchObject({ type: "INT32", repetition_type: "REQUIRED" });
    expect(byName.label).toMatchObject({ type: "BYTE_ARRAY", converted_type: "UTF8" });
  });

  it("maps D1 values to column values and refuses what does not fit", () => {
    const t = insightsTable("fact_cases").columns;
    const at = t.find((c) => c.name === "created_at");
    const met = t.find((c) => c.name === "reactivity_met");
    const count = t.find((c) => c.name === "escalation_count");
    if (!at || !met || !count) throw new Error("columns missing");
    expect(columnValue(at, 1_700_000_000_000)).toEqual(new Date(1_700_000_000_000));
    expect(columnValue(met, 0)).toBe(false);
    expect(columnValue(met, null)).toBeNull();
    expect(() => columnValue(at, null)).toThrow(/required/);
    expect(() => columnValue(count, 2 ** 31)).toThrow(/32-bit/);
  });

  it("lays keys out as the contract says", () => {
    expect(insightsKey("o1", "fact_tasks", "2026-11")).toBe("insights/org=o1/table=fact_tasks/period=2026-11/part-0.parquet");
  });
});

describe("rollup periods", () => {
  it("puts a fact in the UTC month of its creation and defaults to this month and the last", () => {
    expect(periodOf(Date.UTC(2026, 0, 31, 23, 59, 59, 999))).toBe("2026-01");
    expect(periodRange("2026-12")).toEqual({ from: Date.UTC(2026, 11, 1), to: Date.UTC(2027, 0, 1) });
    expect(periodDates("2026-02")).toEqual({ from: "2026-02-01", to: "2026-03-01" });
    expect(periodsToRoll(new Date(Date.UTC(2026, 0, 2)))).toEqual(["2025-12", "2026-01"]);
    expect(periodsToRoll(new Date(), "2025-07")).toEqual(["2025-07"]);
    expect(() => periodsToRoll(new Date(), "2025-13")).toThrow();
  });

  it("schedules each organization once a day at its own moment in the quiet hours", () => {
    const now = Date.UTC(2026, 5, 10, 12);
    const a = nextRollupAt("org-a", now);
    const b = nextRollupAt("org-b", now);
    for (const at of [a, b]) {
      expect(at).toBeGreaterThan(now);
      expect(at - now).toBeLessThanOrEqual(86_400_000);
      expect(new Date(at).getUTCHours()).toBeGreaterThanOrEqual(1);
      expect(new Date(at).getUTCHours()).toBeLessThan(5);
    }
    expect(a).not.toBe(b);
    expect(nextRollupAt("org-a", a)).toBe(a + 86_400_000);
  });
});

describe("streaming parquet encoder", () => {
  it("reads back row for row with hyparquet, typed as declared", async () => {
    const rows = Array.from({ length: 2_500 }, (_, i) => caseRow(i));
    const { file } = await chunksOf(undefined, rows, 300, 1_000);
    const buffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
    const read = (await parquetReadObjects({ file: buffer })) as Record<string, unknown>[];
    expect(read).toHaveLength(rows.length);
    const table = insightsTable("fact_cases");
    for (let i = 0; i < rows.length; i += 97) {
      const expected = Object.fromEntries(table.columns.map((c) => [c.name, columnValue(c, (rows[i] as Record<string, unknown>)[c.name])]));
      expect(read[i]).toEqual(expected);
    }
    const meta = parquetMetadata(buffer);
    expect(meta.row_groups.map((g) => Number(g.num_rows))).toEqual([1_000, 1_000, 500]);
    expect(meta.created_by).toBe("orgo insights (hyparquet-writer)");
  });

  it("hands row groups to the sink as they fill, not all at the end", async () => {
    const rows = Array.from({ length: 5_000 }, (_, i) => caseRow(i));
    const { chunks, done } = await chunksOf(undefined, rows, 700, 1_000);
    // PAR1 magic with the first group, one chunk per later group, then the footer.
    expect(chunks.length).toBe(6);
    expect(done.rows).toBe(5_000);
    expect(new TextDecoder().decode(chunks[0]?.slice(0, 4))).toBe("PAR1");
  });

  it("gives identical bytes for the same rows, however the pages fall", async () => {
    const rows = Array.from({ length: 3_000 }, (_, i) => caseRow(i));
    const a = await chunksOf(undefined, rows, 250, 1_000);
    const b = await chunksOf(undefined, rows, 1_999, 1_000);
    const c = await encodeParquet(insightsTable("fact_cases"), rows, 1_000);
    expect(Buffer.from(a.file).equals(Buffer.from(b.file))).toBe(true);
    expect(Buffer.from(a.file).equals(Buffer.from(c))).toBe(true);
  });

  it("writes a valid file with no rows", async () => {
    const file = await encodeParquet(insightsTable("dim_role"), []);
    const buffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
    expect(await parquetReadObjects({ file: buffer })).toEqual([]);
    expect(parquetMetadata(buffer).schema.map((s) => s.name)).toEqual(["schema", "org_id", "role", "parent", "department"]);
  });

  it("refuses appending after the footer", async () => {
    const encoder = new ParquetStreamEncoder(insightsTable("dim_time"), { write: () => {} });
    await encoder.finish();
    await expect(encoder.append([])).rejects.toThrow(/finished/);
  });
});
