/**
 * A streaming Parquet encoder: rows arrive in pages, a row group is encoded
 * (with hyparquet-writer's ParquetWriter) each time enough rows are
 * buffered, and its bytes leave for the sink at once, so memory holds one
 * row group however long the table. The bytes depend on the rows alone — a
 * fixed created-by, no clock, no randomness — so rolling the same period up
 * twice writes identical files.
 */
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import { type ColumnValue, columnValue, type ParquetTable, parquetSchema } from "./parquet-tables";

/** Where the encoded bytes go, in order. A chunk is handed over for good: the encoder never touches it again. */
export interface ByteSink {
  write(chunk: Uint8Array): void | Promise<void>;
}

/**
 * Rows per row group. Encoding turns every string of a chunk into its own
 * byte array, so the transient memory grows with the group: 10,000 rows keep
 * it near 30 MB of heap (50,000 needed over 60 MB and spent its time in GC)
 * for a file about 2% larger, still big enough for readers to skip groups.
 */
export const ROW_GROUP_ROWS = 10_000;

/** Fixed, so the footer carries no version that changes between runs of the same code. */
const CREATED_BY = "orgo insights (hyparquet-writer)";

export interface EncodedFile {
  rows: number;
  bytes: number;
}

export class ParquetStreamEncoder {
  private readonly writer = new ByteWriter(1 << 16);
  private readonly parquet: ParquetWriter;
  private readonly buffered: ColumnValue[][];
  private bufferedRows = 0;
  private rows = 0;
  private bytes = 0;
  private finished = false;

  constructor(
    private readonly table: ParquetTable,
    private readonly sink: ByteSink,
    private readonly rowGroupRows = ROW_GROUP_ROWS,
  ) {
    if (!Number.isInteger(rowGroupRows) || rowGroupRows < 1) throw new RangeError(`rowGroupRows must be a positive integer: ${rowGroupRows}`);
    this.parquet = new ParquetWriter({ writer: this.writer, schema: parquetSchema(table), createdBy: CREATED_BY });
    this.buffered = table.columns.map(() => []);
  }

  /** Adds a page of rows (D1 rows keyed by column name); encodes and hands over every row group that fills. */
  async append(rows: readonly Record<string, unknown>[]): Promise<void> {
    if (this.finished) throw new Error("the file is already finished");
    const columns = this.table.columns;
    for (const row of rows) {
      for (let c = 0; c < columns.length; c++) {
        const column = columns[c] as (typeof columns)[number];
        (this.buffered[c] as ColumnValue[]).push(columnValue(column, row[column.name]));
      }
      if (++this.bufferedRows === this.rowGroupRows) await this.flushRowGroup();
    }
  }

  /** Encodes what is left, writes the footer, hands over the last bytes. */
  async finish(): Promise<EncodedFile> {
    if (this.finished) throw new Error("the file is already finished");
    await this.flushRowGroup();
    this.finished = true;
    this.parquet.finish();
    await this.drain();
    return { rows: this.rows, bytes: this.bytes };
  }

  private async flushRowGroup(): Promise<void> {
    if (this.bufferedRows === 0) return;
    const columnData = this.table.columns.map((column, c) => ({ name: column.name, data: this.buffered[c] as ColumnValue[] }));
    // One call, one row group: rowGroupSize is exactly what is buffered.
    this.parquet.write({ columnData, rowGroupSize: this.bufferedRows });
    this.rows += this.bufferedRows;
    this.bufferedRows = 0;
    for (let c = 0; c < this.buffered.length; c++) this.buffered[c] = [];
    await this.drain();
  }

  /**
   * Moves the encoded bytes out and rewinds the buffer. ByteWriter keeps the
   * file offset apart from its buffer index (as hyparquet-writer's own file
   * writer relies on), so offsets in the footer stay right.
   */
  private async drain(): Promise<void> {
    const length = this.writer.index;
    if (length === 0) return;
    const chunk = new Uint8Array(this.writer.buffer.slice(0, length));
    this.writer.index = 0;
    this.bytes += length;
    await this.sink.write(chunk);
  }
}

/** Encodes rows already in memory (small tables, tests): the same bytes as streaming them. */
export async function encodeParquet(table: ParquetTable, rows: readonly Record<string, unknown>[], rowGroupRows = ROW_GROUP_ROWS): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const encoder = new ParquetStreamEncoder(table, { write: (chunk) => void chunks.push(chunk) }, rowGroupRows);
  await encoder.append(rows);
  const { bytes } = await encoder.finish();
  const out = new Uint8Array(bytes);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
