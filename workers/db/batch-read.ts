/**
 * A read as the queries it needs and how to decode their results, so a
 * caller can run it alone or put it in the same D1 batch as other queries
 * (authentication's, for one round trip per read).
 */
import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "../../d1/database";

export type Query = BatchItem<"sqlite">;

export interface BatchRead<T> {
  queries: (db: Database, orgId: string) => Query[];
  decode: (results: unknown[]) => T;
}

export async function runRead<T>(db: Database, orgId: string, read: BatchRead<T>): Promise<T> {
  const [first, ...rest] = read.queries(db, orgId);
  if (!first) return read.decode([]);
  return read.decode(await db.batch([first, ...rest]));
}
