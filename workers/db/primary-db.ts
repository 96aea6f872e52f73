/**
 * The D1 primary itself, for the lookups that decide access. A revocation, a
 * deactivation or a new password is written to the primary before it is
 * acknowledged, and must hold from that moment; a Sessions API session (a
 * replica, or the snapshot of a client's bookmark) may be behind it. The type
 * is made only from the binding, never from a session, so a query that
 * demands the primary cannot be handed the request's read session by mistake.
 */
import { type Database, database } from "../../d1/database";

declare const onPrimary: unique symbol;
export type PrimaryDatabase = Database & { readonly [onPrimary]: true };

/** Authentication runs on every request: the handle is built once per binding. */
const handles = new WeakMap<D1Database, PrimaryDatabase>();

export function primaryDatabase(binding: D1Database): PrimaryDatabase {
  let db = handles.get(binding);
  if (!db) {
    db = database(binding) as PrimaryDatabase;
    handles.set(binding, db);
  }
  return db;
}
