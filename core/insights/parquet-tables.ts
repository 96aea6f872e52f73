/**
 * The insights tables as Parquet files: each table's columns (the D1 column
 * names, so a file and its table line up one to one), their Parquet types,
 * and how a D1 row becomes column values. Times are TIMESTAMP(MILLIS, UTC),
 * counts INT32 (every count and digit in D1 fits), flags BOOLEAN, text UTF8;
 * a column is OPTIONAL exactly where D1 allows NULL, so readers get
 * non-nullable types where the data can never be missing.
 */
import type { SchemaElement } from "hyparquet";

export type ParquetKind = "string" | "int32" | "timestamp" | "boolean";

export interface ParquetColumn {
  name: string;
  kind: ParquetKind;
  nullable: boolean;
}

export type InsightsTableName = "fact_cases" | "fact_tasks" | "dim_time" | "dim_location" | "dim_role" | "dim_category";

/** Which rows of a table belong under a period's file. */
export type PeriodScope =
  /** Facts created in the period (UTC month of created_at). */
  | "created_in_period"
  /** dim_time: the dates of the period's month. */
  | "dates_in_period"
  /** The organization's whole dimension, repeated under every period so each period's files stand alone. */
  | "whole_org"
  /** Shared by every organization (dim_category): the whole table. */
  | "whole_table";

export interface ParquetTable {
  name: InsightsTableName;
  scope: PeriodScope;
  columns: readonly ParquetColumn[];
}

const col = (name: string, kind: ParquetKind, nullable = false): ParquetColumn => ({ name, kind, nullable });

/** The columns fact_cases and fact_tasks share (d1/schema.ts `factColumns`), in D1's order. */
const FACT_COLUMNS: readonly ParquetColumn[] = [
  col("org_id", "string"),
  col("label", "string"),
  col("origin_label", "string", true),
  col("base", "int32"),
  col("category", "int32"),
  col("subcategory", "int32"),
  col("role", "string"),
  col("department", "string"),
  col("site", "string", true),
  col("area", "string", true),
  col("severity", "string"),
  col("status", "string"),
  col("created_at", "timestamp"),
  col("created_date", "string"),
  col("reacted_at", "timestamp", true),
  col("resolved_at", "timestamp", true),
  col("closed_at", "timestamp", true),
  col("reactivity_deadline", "timestamp", true),
  col("reactivity_met", "boolean", true),
  col("escalation_count", "int32"),
  col("profile_version", "int32"),
  col("created_by", "string", true),
  col("version", "int32"),
];

export const INSIGHTS_TABLES: readonly ParquetTable[] = [
  {
    name: "fact_cases",
    scope: "created_in_period",
    columns: [col("case_id", "string"), ...FACT_COLUMNS, col("pattern_rule", "string", true)],
  },
  {
    name: "fact_tasks",
    scope: "created_in_period",
    columns: [
      col("task_id", "string"),
      col("case_id", "string"),
      ...FACT_COLUMNS,
      col("owner_role", "string", true),
      col("type", "string", true),
      col("subtype", "string", true),
    ],
  },
  {
    name: "dim_time",
    scope: "dates_in_period",
    columns: [
      col("date", "string"),
      col("year", "int32"),
      col("quarter", "int32"),
      col("month", "int32"),
      col("iso_year", "int32"),
      col("iso_week", "int32"),
      col("day_of_week", "int32"),
    ],
  },
  { name: "dim_location", scope: "whole_org", columns: [col("org_id", "string"), col("site", "string"), col("area", "string")] },
  {
    name: "dim_role",
    scope: "whole_org",
    columns: [col("org_id", "string"), col("role", "string"), col("parent", "string", true), col("department", "string")],
  },
  {
    name: "dim_category",
    scope: "whole_table",
    columns: [col("category", "int32"), col("subcategory", "int32"), col("category_name", "string"), col("subcategory_name", "string")],
  },
];

export function insightsTable(name: InsightsTableName): ParquetTable {
  const table = INSIGHTS_TABLES.find((t) => t.name === name);
  if (!table) throw new RangeError(`unknown insights table: ${name}`);
  return table;
}

/** The R2 key of a table's file for a period (the contract's layout, Hive-style partitions). */
export function insightsKey(orgId: string, table: InsightsTableName, period: string): string {
  return `${insightsPrefix(orgId)}table=${table}/period=${period}/part-0.parquet`;
}

/** Everything of one organization lives under this prefix. */
export function insightsPrefix(orgId: string): string {
  return `insights/org=${orgId}/`;
}

const PHYSICAL: Record<ParquetKind, Omit<SchemaElement, "name" | "repetition_type">> = {
  string: { type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } },
  int32: { type: "INT32" },
  // Both annotations: the legacy converted type for older readers, the logical type for the UTC flag.
  timestamp: { type: "INT64", converted_type: "TIMESTAMP_MILLIS", logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" } },
  boolean: { type: "BOOLEAN" },
};

/** The file's schema: a root group, then one leaf per column. */
export function parquetSchema(table: ParquetTable): SchemaElement[] {
  return [
    { name: "schema", num_children: table.columns.length },
    ...table.columns.map((c) => ({ name: c.name, ...PHYSICAL[c.kind], repetition_type: c.nullable ? ("OPTIONAL" as const) : ("REQUIRED" as const) })),
  ];
}

export type ColumnValue = string | number | boolean | Date | null;

/**
 * A D1 value as its column takes it. Rows come through drizzle (Date,
 * boolean) or raw from D1 (epoch ms, 0/1); both give the same file.
 */
export function columnValue(column: ParquetColumn, raw: unknown): ColumnValue {
  if (raw === null || raw === undefined) {
    if (!column.nullable) throw new TypeError(`${column.name} is required but the row has none`);
    return null;
  }
  switch (column.kind) {
    case "timestamp":
      return raw instanceof Date ? raw : new Date(Number(raw));
    case "boolean":
      return typeof raw === "boolean" ? raw : Number(raw) !== 0;
    case "int32": {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647) throw new RangeError(`${column.name} is not a 32-bit integer: ${String(raw)}`);
      return n;
    }
    case "string":
      return String(raw);
  }
}
