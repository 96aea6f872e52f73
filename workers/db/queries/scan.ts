/**
 * Keyset scan with a visibility filter, for lists whose items the caller may
 * not all see. Items the caller may not see are skipped before they are
 * counted, so pages and counts never reveal them; the cursor is the last row
 * examined, so nothing is served twice.
 */
import type { Database } from "../../../d1/database";
import type { BatchRead, Query } from "../batch-read";
import { encodeCursor } from "../pagination";

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** For callers that see everything (admins, open organizations). */
export const everything = () => true;

/** Rows examined per request at most; a sparse view answers a short page with a cursor to go on. */
const MAX_SCAN = 2_000;

/** Rows fetched at a time for a page of `limit` items. */
const scanBatch = (limit: number) => Math.min(500, Math.max(limit + 1, 50));

/**
 * A list's first fetch as a batch read, so it can share a round trip with
 * authentication; `scan` goes on from its rows.
 */
export function firstRows<R>(
  query: (db: Database, orgId: string, before: number | null, n: number) => Query,
  before: number | null,
  limit: number,
): BatchRead<R[]> {
  return { queries: (db, orgId) => [query(db, orgId, before, scanBatch(limit))], decode: ([rows]) => rows as R[] };
}

/** `first`: the rows of the first fetch, already read (see `firstRows`). */
export async function scan<R extends { seq: number }, T>(
  fetch: (before: number | null, n: number) => Promise<R[]>,
  map: (row: R) => T,
  visible: (item: T) => boolean,
  limit: number,
  before: number | null,
  first?: R[],
): Promise<Page<T>> {
  const batch = scanBatch(limit);
  const items: T[] = [];
  let cursor = before;
  let scanned = 0;
  let prefetched = first;
  for (;;) {
    const rows = prefetched ?? (await fetch(cursor, batch));
    prefetched = undefined;
    for (const row of rows) {
      if (items.length === limit) return { items, next_cursor: cursor === null ? null : encodeCursor(cursor) };
      cursor = row.seq;
      scanned += 1;
      const item = map(row);
      if (visible(item)) items.push(item);
    }
    if (rows.length < batch) return { items, next_cursor: null };
    if (scanned >= MAX_SCAN) return { items, next_cursor: cursor === null ? null : encodeCursor(cursor) };
  }
}
