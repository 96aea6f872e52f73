/**
 * The typed drizzle handle over the D1 schema, as the Worker reads it and
 * the Durable Object writes it.
 */
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Database = DrizzleD1Database<typeof schema>;

/** A session exposes prepare/batch like the database itself. */
export function database(db: D1Database | D1DatabaseSession): Database {
  return drizzle(db as D1Database, { schema });
}
