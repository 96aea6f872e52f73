/**
 * Keyset scan with a visibility filter, for lists whose items the caller may
 * not all see. Items the caller may not see are skipped before they are
 * counted, so pages and counts never reveal them; the cursor is the last row
 * examined, so nothing is served twice.
 */
import { encodeCursor } from "../pagination";

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** For callers that see everything (admins, open organizations). */
export const everything = () => true;

/** Rows examined per request at most; a sparse view answers a short page with a cursor to go on. */
const MAX_SCAN = 2_000;

export async function scan<R extends { seq: number }, T>(
  fetch: (before: number | null, n: number) => Promise<R[]>,
  map: (row: R) => T,
  visible: (item: T) => boolean,
  limit: number,
  before: number | null,
): Promise<Page<T>> {
  const batch = Math.min(500, Math.max(limit + 1, 50));
  const items: T[] = [];
  let cursor = before;
  let scanned = 0;
  for (;;) {
    const rows = await fetch(cursor, batch);
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
