/**
 * Every D1 read is served by an index. The exact SQL of each function of
 * workers/db/queries.ts (and of the lookups authentication runs on every
 * request) is captured through drizzle's logger, then explained by D1 itself
 * with EXPLAIN QUERY PLAN: each table access must be an index SEARCH, never a
 * SCAN of the table.
 */
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { beforeAll, describe, expect, it } from "vitest";
import * as q from "../../workers/db/queries";
import * as schema from "../../d1/schema";
import { createOrg, newCase, newTask, transition } from "./helpers";

interface Captured {
  name: string;
  sql: string;
  params: unknown[];
}
interface PlanRow {
  id: number;
  parent: number;
  notused: number;
  detail: string;
}

/** Runs `run` against a drizzle D1 database that records every statement it sends. */
async function capture(name: string, run: (db: RecordingDb) => Promise<unknown>): Promise<Captured[]> {
  const { db, seen } = recordingDb();
  await run(db);
  expect(seen.length, `${name} sent no query`).toBeGreaterThan(0);
  return seen.map((s, i) => ({ name: seen.length > 1 ? `${name} #${i + 1}` : name, ...s }));
}

function recordingDb() {
  const seen: { sql: string; params: unknown[] }[] = [];
  const db = drizzle(env.DB, { schema, logger: { logQuery: (sql, params) => void seen.push({ sql, params }) } });
  return { db, seen };
}
type RecordingDb = ReturnType<typeof recordingDb>["db"];

/**
 * Calls a query function with an allow-everything visibility predicate as the
 * trailing argument (list queries take one; the others ignore it), so the
 * plans are those of the widest view.
 */
const seeAll = () => true;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const call = (fn: (...args: any[]) => Promise<unknown>, ...args: unknown[]) => fn(...args, seeAll);

async function explain(c: Captured): Promise<PlanRow[]> {
  const r = await env.DB.prepare(`EXPLAIN QUERY PLAN ${c.sql}`)
    .bind(...c.params)
    .all<PlanRow>();
  return r.results;
}

const TABLES = ["orgs", "roles", "users", "tokens", "cases", "tasks", "signals", "audit_events", "notifications"];
const tableOf = (detail: string) => /^(?:SEARCH|SCAN) (\w+)/.exec(detail)?.[1];

let orgId: string;
let caseId: string;
let taskId: string;
const statements: Captured[] = [];

beforeAll(async () => {
  // Real rows, so the plans are those of a populated database.
  const o = await createOrg();
  orgId = o.org.org_id;
  const c = await newCase(o.slug, o.token);
  caseId = c.case_id;
  const t = await newTask(o.slug, o.token, caseId);
  taskId = t.task_id;
  await transition(o.slug, o.token, taskId, { to: "in_progress" });
  for (let i = 0; i < 5; i++) await newCase(o.slug, o.token, { title: `filler ${i}`, severity: i % 2 ? "critical" : "high" });

  const before = 1_000_000;
  const push = async (name: string, run: (db: RecordingDb) => Promise<unknown>) => statements.push(...(await capture(name, run)));

  await push("listCases()", (db) => call(q.listCases, db, orgId, { limit: 50, before: null }));
  await push("listCases(cursor)", (db) => call(q.listCases, db, orgId, { limit: 50, before }));
  await push("listCases(status)", (db) => call(q.listCases, db, orgId, { status: "open", limit: 50, before: null }));
  await push("listCases(label)", (db) => call(q.listCases, db, orgId, { label: "1001.91.Operations.Maintenance", limit: 50, before: null }));
  await push("listCases(severity)", (db) => call(q.listCases, db, orgId, { severity: "high", limit: 50, before: null }));
  await push("listCases(status, cursor)", (db) => call(q.listCases, db, orgId, { status: "in_progress", limit: 50, before }));
  await push("listCases(status, label, severity, cursor)", (db) =>
    call(q.listCases, db, orgId, { status: "open", label: "1001.91.Operations.Maintenance", severity: "high", limit: 50, before }),
  );
  await push("getCase", (db) => call(q.getCase, db, orgId, caseId));
  await push("tasksOfCase", (db) => call(q.tasksOfCase, db, orgId, caseId));
  await push("listTasks()", (db) => call(q.listTasks, db, orgId, { limit: 50, before: null }));
  await push("listTasks(cursor)", (db) => call(q.listTasks, db, orgId, { limit: 50, before }));
  await push("listTasks(status)", (db) => call(q.listTasks, db, orgId, { status: "pending", limit: 50, before: null }));
  await push("listTasks(label)", (db) => call(q.listTasks, db, orgId, { label: "1001.91.Operations.Maintenance", limit: 50, before: null }));
  await push("listTasks(case_id)", (db) => call(q.listTasks, db, orgId, { case_id: caseId, limit: 50, before: null }));
  await push("listTasks(case_id, status, cursor)", (db) => call(q.listTasks, db, orgId, { case_id: caseId, status: "in_progress", limit: 50, before }));
  await push("getTask", (db) => call(q.getTask, db, orgId, taskId));
  await push("listAudit()", (db) => call(q.listAudit, db, orgId, { limit: 50, before: null }));
  await push("listAudit(cursor)", (db) => call(q.listAudit, db, orgId, { limit: 50, before }));
  await push("listAudit(entity_id)", (db) => call(q.listAudit, db, orgId, { entity_id: caseId, limit: 50, before: null }));
  await push("listAudit(entity_id, cursor)", (db) => call(q.listAudit, db, orgId, { entity_id: caseId, limit: 50, before }));
  await push("caseTimeline", (db) => call(q.caseTimeline, db, orgId, caseId));
  await push("listRoles", (db) => call(q.listRoles, db, orgId));
  // The lookups of workers/http/auth.ts and the login route, written as they are there.
  await push("auth: token by hash", (db) => db.select().from(schema.tokens).where(eq(schema.tokens.token_hash, "0".repeat(64))).get());
  await push("auth: org by slug", (db) => db.select().from(schema.orgs).where(eq(schema.orgs.slug, "acme")).get());
  await push("login: user by org and email", (db) =>
    db.select().from(schema.users).where(and(eq(schema.users.org_id, orgId), eq(schema.users.email, "a@example.com"))).get(),
  );
});

describe("D1 query plans", () => {
  it("captured the statements of every query function", () => {
    const names = new Set(statements.map((s) => s.name.replace(/\(.*$| #\d+$/, "")));
    for (const fn of ["listCases", "getCase", "tasksOfCase", "listTasks", "getTask", "listAudit", "caseTimeline", "listRoles"]) {
      expect(names.has(fn), fn).toBe(true);
    }
    // caseTimeline reads the audit log and the signals.
    expect(statements.filter((s) => s.name.startsWith("caseTimeline"))).toHaveLength(2);
  });

  it("every statement is scoped by organization (or by a globally unique key)", () => {
    for (const s of statements) {
      const scoped = /"org_id" = \?/.test(s.sql) || /"token_hash" = \?/.test(s.sql) || /"slug" = \?/.test(s.sql);
      expect(scoped, `${s.name}: ${s.sql}`).toBe(true);
    }
  });

  it("every table access is an index SEARCH (USING INDEX / USING COVERING INDEX), never a SCAN", async () => {
    const failures: string[] = [];
    for (const s of statements) {
      const plan = await explain(s);
      const accesses = plan.filter((r) => TABLES.includes(tableOf(r.detail) ?? ""));
      if (accesses.length === 0) failures.push(`${s.name}: no table access in plan ${JSON.stringify(plan)}`);
      for (const row of accesses) {
        const table = tableOf(row.detail)!;
        if (row.detail.startsWith("SCAN")) failures.push(`${s.name}: ${row.detail}`);
        else if (!/ USING (?:COVERING )?INDEX \w+ \(/.test(row.detail) && !/ USING (?:INTEGER )?PRIMARY KEY \(/.test(row.detail)) {
          failures.push(`${s.name}: ${row.detail}`);
        }
        expect(row.detail).not.toMatch(new RegExp(`^SCAN ${table}$`));
      }
    }
    expect(failures, failures.join("\n")).toEqual([]);
  });

  it("lists are ordered by their index: no temporary B-tree to sort", async () => {
    const failures: string[] = [];
    for (const s of statements.filter((x) => /order by/i.test(x.sql))) {
      const plan = await explain(s);
      for (const row of plan) if (/USE TEMP B-TREE/.test(row.detail)) failures.push(`${s.name}: ${row.detail}`);
    }
    expect(failures, failures.join("\n")).toEqual([]);
  });

  it("organization-scoped list queries search an index whose first column is org_id", async () => {
    const failures: string[] = [];
    for (const s of statements.filter((x) => /^(list|tasksOfCase|caseTimeline)/.test(x.name))) {
      const plan = await explain(s);
      for (const row of plan.filter((r) => r.detail.startsWith("SEARCH"))) {
        if (!/\(org_id=\?/.test(row.detail)) failures.push(`${s.name}: ${row.detail}`);
      }
    }
    expect(failures, failures.join("\n")).toEqual([]);
  });
});
