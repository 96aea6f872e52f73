/**
 * Many outbox rows of one table as a few statements: each statement carries
 * its rows as one JSON parameter and inserts them with `json_each`, so a
 * batch costs a statement per table and chunk instead of one per row, and
 * stays within D1's limits (a handful of bound parameters, statement text
 * independent of the row count). Rows are applied in the order given, one
 * after the other as separate statements would be: the conflict clause (the
 * version guard, or "do nothing") decides for each row exactly as it does
 * for a single-row upsert, so replaying a batch changes nothing.
 */
import { getTableColumns, getTableName, is, SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";

/** How a row meets an existing one with the same key. */
export type Conflict =
  /** Newer version replaces every column; older or equal changes nothing. */
  | { kind: "version"; key: string; keep?: Record<string, string> }
  /** The first row stays (append-only rows, dimension rows). */
  | { kind: "ignore" };

const utf8 = new TextEncoder();

/** Bytes of JSON per statement: well under D1's 100 KB statement size, whatever counts towards it. */
const MAX_PAYLOAD_BYTES = 90_000;

export type BulkTable = {
  name: string;
  columns: [key: string, column: SQLiteColumn][];
  sql: string;
};

/**
 * `keep` maps a column name to the SQL expression it takes on update instead
 * of `excluded.<column>` (for the insight facts' first-resolved instants).
 */
export function bulkTable(table: SQLiteTable, conflict: Conflict): BulkTable {
  const name = getTableName(table);
  const columns = Object.entries(getTableColumns(table)) as [string, SQLiteColumn][];
  const quoted = columns.map(([, c]) => `"${c.name}"`);
  const select = columns.map((_, i) => `json_extract(value, '$[${i}]')`).join(", ");
  // `WHERE true` keeps SQLite from reading ON CONFLICT as part of the SELECT's join.
  let text = `INSERT INTO "${name}" (${quoted.join(", ")}) SELECT ${select} FROM json_each(?) WHERE true`;
  if (conflict.kind === "ignore") text += " ON CONFLICT DO NOTHING";
  else {
    const set = columns.map(([, c]) => `"${c.name}" = ${conflict.keep?.[c.name] ?? `excluded."${c.name}"`}`).join(", ");
    text += ` ON CONFLICT ("${conflict.key}") DO UPDATE SET ${set} WHERE excluded."version" > "${name}"."version"`;
  }
  return { name, columns, sql: text };
}

/** One row as the driver values of the table's columns, in column order (defaults for what the row leaves out, as an insert would). */
function encodeRow(table: BulkTable, row: object): unknown[] {
  return table.columns.map(([key, column]) => {
    let value = (row as Record<string, unknown>)[key];
    if (value === undefined) {
      if (column.defaultFn) value = column.defaultFn();
      else if (column.hasDefault && !is(column.default, SQL)) value = column.default;
      else value = null;
    }
    return value === null || value === undefined ? null : column.mapToDriverValue(value);
  });
}

/** The statements (SQL text, JSON payload) that write `rows` into `table`, in order. */
export function bulkStatements(table: BulkTable, rows: readonly object[]): { sql: string; payload: string }[] {
  const out: { sql: string; payload: string }[] = [];
  let chunk: string[] = [];
  let size = 2;
  for (const row of rows) {
    const encoded = JSON.stringify(encodeRow(table, row));
    const bytes = utf8.encode(encoded).byteLength;
    if (chunk.length > 0 && size + bytes + 1 > MAX_PAYLOAD_BYTES) {
      out.push({ sql: table.sql, payload: `[${chunk.join(",")}]` });
      chunk = [];
      size = 2;
    }
    chunk.push(encoded);
    size += bytes + 1;
  }
  if (chunk.length > 0) out.push({ sql: table.sql, payload: `[${chunk.join(",")}]` });
  return out;
}
