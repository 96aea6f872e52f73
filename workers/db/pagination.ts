/**
 * Keyset pagination over the per-organization sequence: newest first, stable
 * under concurrent inserts (a new record never shifts a page already served).
 */
import { z } from "zod";
import { DomainError } from "../../core/errors";

export const Limit = z.coerce.number().int().min(1).max(200).default(50);

export function encodeCursor(seq: number): string {
  return btoa(`s:${seq}`).replace(/=+$/, "");
}

export function decodeCursor(cursor: string | undefined): number | null {
  if (cursor === undefined) return null;
  let text = "";
  try {
    text = atob(cursor);
  } catch {
    /* falls through to the error below */
  }
  const m = /^s:(\d{1,15})$/.exec(text);
  if (!m) throw new DomainError("validation", "invalid cursor", [{ path: "cursor", message: "not a cursor returned by this API" }]);
  return Number(m[1]);
}

/** Takes one extra row to know whether another page exists. */
export function page<T extends { seq: number }, R>(rows: T[], limit: number, map: (row: T) => R) {
  const more = rows.length > limit;
  const items = (more ? rows.slice(0, limit) : rows).map(map);
  const last = more ? rows[limit - 1] : undefined;
  return { items, next_cursor: last ? encodeCursor(last.seq) : null };
}
