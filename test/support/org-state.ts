/**
 * A fingerprint of everything an organization holds, to prove that a refused
 * request changed nothing. It is read from the organization's Durable Object
 * (the source of truth, written before any answer leaves) rather than from
 * D1, whose copy is fed asynchronously by the outbox and could move between
 * two reads for reasons unrelated to the request under test.
 *
 * Every record table is digested row by row; the outbox is judged by its
 * AUTOINCREMENT high-water mark, because its rows are deleted once flushed but
 * every committed change adds one. Login throttling (failed attempts per
 * email) is deliberately left out: a refused login is allowed to count.
 * Workerd only (it uses cloudflare:test).
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { OrgObject } from "../../durable-objects/org-object";

/** Tables a refused request must leave exactly as they were. */
const TABLES = [
  "meta",
  "counters",
  "roles",
  "cases",
  "tasks",
  "signals",
  "open_dedupe",
  "users",
  "tokens",
  "timers",
  "pattern_state",
  "persons",
  "deliveries",
  "org_secrets",
] as const;

export type OrgState = Record<string, string>;

function stubFor(orgId: string): DurableObjectStub<OrgObject> {
  const ns = env.ORG as unknown as DurableObjectNamespace<OrgObject>;
  return ns.get(ns.idFromName(orgId));
}

/** FNV-1a over the rows' JSON: cheap, and any change of any field shows. */
function digest(rows: unknown[]): string {
  let h = 0x811c9dc5;
  const text = JSON.stringify(rows);
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${rows.length}:${h.toString(16)}`;
}

/** The organization's state, table by table, plus the outbox high-water mark. */
export async function orgState(orgId: string): Promise<OrgState> {
  return runInDurableObject(stubFor(orgId), (_instance: OrgObject, state: DurableObjectState) => {
    const sql = state.storage.sql;
    const present = new Set(
      sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
        .toArray()
        .map((r) => r.name),
    );
    const out: OrgState = {};
    for (const table of TABLES) {
      if (!present.has(table)) continue;
      // The daily round re-arms itself whenever its hour comes (01:00–05:00 UTC), request or not.
      const rows =
        table === "timers" ? sql.exec("SELECT * FROM timers WHERE kind <> 'daily' ORDER BY rowid") : sql.exec(`SELECT * FROM ${table} ORDER BY rowid`);
      out[table] = digest(rows.toArray());
    }
    const seq = present.has("sqlite_sequence")
      ? (sql.exec<{ seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").toArray()[0]?.seq ?? 0)
      : 0;
    out.outbox_high_water = String(seq);
    return out;
  });
}

/** The D1 rows that a request answered by the Worker itself (not the object) could write: organizations. */
export async function platformState(): Promise<OrgState> {
  const orgs = await env.DB.prepare("SELECT org_id, slug, name, profile FROM orgs ORDER BY org_id").all();
  return { orgs: digest(orgs.results) };
}
