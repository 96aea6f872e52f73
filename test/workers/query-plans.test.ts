/// <reference types="vite/client" />
/**
 * Every D1 read of the Worker is served by an index. Each function exported by
 * workers/db/queries runs against seeded data through a D1 binding that records
 * every statement it is sent (with its parameters, batches included: drizzle's
 * logger does not see a batch); D1 itself then explains each statement with
 * EXPLAIN QUERY PLAN. A table access must be an index SEARCH, never a SCAN,
 * save the few scans listed below with their reason. The test also fails on
 * an exported function it does not exercise, and on a D1 read written inline
 * in the Worker's routes, authentication or cron instead of in that module.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../../core/security/secrets";
import { type Database, database } from "../../d1/database";
import { runRead } from "../../workers/db/batch-read";
import { type PrimaryDatabase, primaryDatabase } from "../../workers/db/primary-db";
import * as q from "../../workers/db/queries";
import { api, createOrg, newCase, newTask, transition } from "./helpers";
import { deliverEmail, mail } from "./mail-helpers";

type Queries = typeof q;
type QueryName = keyof Queries;

interface Sent {
  sql: string;
  params: unknown[];
}
interface Statement extends Sent {
  fn: QueryName;
  name: string;
}
interface PlanRow {
  id: number;
  parent: number;
  notused: number;
  detail: string;
}

/**
 * Scans that are the point of their query. Nothing else may scan a table: a D1
 * query without an index stalls the whole local runtime.
 */
const SCANS_BY_DESIGN: Partial<Record<QueryName, { table: string; why: string }>> = {};

/**
 * Wraps the test database's binding: every statement bound (or run unbound)
 * is recorded, then the real database answers it, so a query function runs
 * exactly as it does in the Worker.
 */
function recordingBinding(sent: Sent[]): D1Database {
  const forward = (target: object, prop: string | symbol) => {
    const value = Reflect.get(target, prop, target);
    return typeof value === "function" ? value.bind(target) : value;
  };
  const recorded = (stmt: D1PreparedStatement, sql: string): D1PreparedStatement =>
    new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind") {
          return (...params: unknown[]) => {
            sent.push({ sql, params });
            return target.bind(...params);
          };
        }
        if (prop === "first" || prop === "all" || prop === "run" || prop === "raw") sent.push({ sql, params: [] });
        return forward(target, prop);
      },
    });
  return new Proxy(env.DB, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => recorded(target.prepare(sql), sql);
      if (prop === "exec") {
        return (sql: string) => {
          sent.push({ sql, params: [] });
          return target.exec(sql);
        };
      }
      return forward(target, prop);
    },
  });
}

interface Handles {
  /** As routes get it (`c.get("db")`). */
  db: Database;
  /** As authentication and login get it. */
  primary: PrimaryDatabase;
}

const statements: Statement[] = [];
const exercised = new Set<QueryName>();

/**
 * Runs one query function once through a recording binding and keeps what it
 * sent. The function is handed in by its export name, so the statements
 * recorded are those of the module's own code.
 */
async function exercise<K extends QueryName>(fn: K, variant: string, run: (query: Queries[K], handles: Handles) => Promise<unknown>): Promise<void> {
  const sent: Sent[] = [];
  const binding = recordingBinding(sent);
  let calls = 0;
  // biome-ignore lint/performance/noDynamicNamespaceImportAccess: the test finds each query by its export name, so it can tell which exports it ran
  const real = q[fn] as (...args: unknown[]) => unknown;
  const query = ((...args: unknown[]) => {
    calls += 1;
    return real(...args);
  }) as Queries[K];
  await run(query, { db: database(binding), primary: primaryDatabase(binding) });
  const name = `${fn}(${variant})`;
  expect(calls, `${name} did not call ${fn}`).toBe(1);
  expect(sent.length, `${name} sent no statement`).toBeGreaterThan(0);
  exercised.add(fn);
  statements.push(...sent.map((s, i) => ({ fn, name: sent.length > 1 ? `${name} #${i + 1}` : name, ...s })));
}

async function explain(s: Sent): Promise<PlanRow[]> {
  const r = await env.DB.prepare(`EXPLAIN QUERY PLAN ${s.sql}`)
    .bind(...s.params)
    .all<PlanRow>();
  return r.results;
}

const TABLES = [
  "orgs",
  "roles",
  "users",
  "tokens",
  "persons",
  "cases",
  "tasks",
  "signals",
  "audit_events",
  "notifications",
  "email_messages",
  "email_attachments",
  "fact_cases",
  "fact_tasks",
  "locations",
  "assets",
  "personnel",
  "consents",
];
const tableOf = (detail: string) => /^(?:SEARCH|SCAN) (\w+)/.exec(detail)?.[1];
const seeAll = () => true;

beforeAll(async () => {
  // Real rows of every kind, so the plans are those of a populated database.
  const o = await createOrg();
  const orgId: string = o.org.org_id;
  const auth = { token: o.token };
  const c = await newCase(o.slug, o.token);
  const caseId: string = c.case_id;
  const t = await newTask(o.slug, o.token, caseId);
  const taskId: string = t.task_id;
  await transition(o.slug, o.token, taskId, { to: "in_progress" });
  for (let i = 0; i < 5; i++) await newCase(o.slug, o.token, { title: `filler ${i}`, severity: i % 2 ? "critical" : "high" });
  const person = await api("POST", `/v1/orgs/${o.slug}/persons`, { ...auth, body: { display_name: "Pat", attributes: { diagnosis: "x" } } });
  expect(person.status).toBe(201);
  const personId: string = person.body.person_id;
  expect((await api("PATCH", `/v1/orgs/${o.slug}/cases/${caseId}`, { ...auth, body: { person_id: personId } })).status).toBe(200);
  const user = await api("POST", `/v1/orgs/${o.slug}/users`, {
    ...auth,
    body: { email: "pat@example.com", display_name: "Pat", password: "a-long-password" },
  });
  expect(user.status).toBe(201);
  const userId: string = user.body.user_id;
  const signal = await api("POST", `/v1/orgs/${o.slug}/signals`, {
    ...auth,
    body: { title: "Water leak", body: "under the freezer", location: { site: "Store 12" } },
  });
  expect(signal.status).toBe(201);

  const withFile = mail({
    id: "plans-1@example.com",
    headers: { "Content-Type": 'multipart/mixed; boundary="p"' },
    body: '--p\r\nContent-Type: text/plain\r\n\r\nSee the photo.\r\n--p\r\nContent-Type: image/png; name="a.png"\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--p--',
  });
  const mailed = await deliverEmail(withFile, { from: "alice@example.com", to: `${o.slug}@orgo.test` });
  expect(mailed.outcome).toBe("opened");
  const mailCase = mailed.case_id as string;
  await deliverEmail(mail({ headers: { "Auto-Submitted": "auto-replied" } }), { from: "alice@example.com", to: `${o.slug}@orgo.test` });
  const mailTimeline = (await api("GET", `/v1/orgs/${o.slug}/cases/${mailCase}/timeline`, auth)).body.items;
  const attachmentId: string = mailTimeline.find((i: { type: string }) => i.type === "email").attachments[0].attachment_id;

  const before = 1_000_000;
  const page = { limit: 50, before: null };
  const paged = { limit: 50, before };
  const label = "1001.91.Operations.Maintenance";

  const tokenHash = await hashToken(o.token);
  await exercise("tokenByHash", "", (f, h) => f(h.primary, tokenHash));
  await exercise("tokenAndOrg", "", (f, h) => f(h.primary, tokenHash, o.slug));
  await exercise("loginCredentials", "", (f, h) => f(h.primary, orgId, "pat@example.com"));
  await exercise("whoAmI", "user", (f, h) => f(h.db, orgId, userId));
  await exercise("orgBySlug", "", (f, h) => f(h.db, o.slug));
  await exercise("listRoles", "", (f, h) => f(h.db, orgId));
  await exercise("listUsers", "", (f, h) => f(h.db, orgId, page));
  await exercise("listUsers", "cursor", (f, h) => f(h.db, orgId, paged));
  await exercise("getUser", "", (f, h) => f(h.db, orgId, userId));
  await exercise("listPersons", "", (f, h) => f(h.db, orgId, page));
  await exercise("listPersons", "cursor", (f, h) => f(h.db, orgId, paged));
  await exercise("getPerson", "", (f, h) => f(h.db, orgId, personId));
  await exercise("getPersonWithTrustedLinks", "", (f, h) => f(h.db, orgId, personId));
  await exercise("listCases", "", (f, h) => f(h.db, orgId, page, seeAll));
  await exercise("listCases", "cursor", (f, h) => f(h.db, orgId, paged, seeAll));
  await exercise("listCases", "status", (f, h) => f(h.db, orgId, { status: "open", ...page }, seeAll));
  await exercise("listCases", "label", (f, h) => f(h.db, orgId, { label, ...page }, seeAll));
  await exercise("listCases", "severity", (f, h) => f(h.db, orgId, { severity: "high", ...page }, seeAll));
  await exercise("listCases", "status, cursor", (f, h) => f(h.db, orgId, { status: "in_progress", ...paged }, seeAll));
  await exercise("listCases", "status, label, severity, cursor", (f, h) => f(h.db, orgId, { status: "open", label, severity: "high", ...paged }, seeAll));
  await exercise("getCaseWithTasks", "", (f, h) => f(h.db, orgId, caseId));
  // The same reads as a request deferred to one round trip runs them: beside the token and the organization.
  await exercise("caseWithTasks", "", (f, h) => runRead(h.db, orgId, f(caseId)));
  await exercise("tokenOrgAndRead", "case with tasks", (f, h) => f(h.primary, tokenHash, o.slug, orgId, q.caseWithTasks(caseId)));
  await exercise("firstCases", "", (f, h) => runRead(h.db, orgId, f(page)));
  await exercise("firstCases", "status, label, severity, cursor", (f, h) => runRead(h.db, orgId, f({ status: "open", label, severity: "high", ...paged })));
  await exercise("caseTimeline", "", (f, h) => f(h.db, orgId, caseId));
  await exercise("listTasks", "", (f, h) => f(h.db, orgId, page, seeAll));
  await exercise("listTasks", "cursor", (f, h) => f(h.db, orgId, paged, seeAll));
  await exercise("listTasks", "status", (f, h) => f(h.db, orgId, { status: "pending", ...page }, seeAll));
  await exercise("listTasks", "label", (f, h) => f(h.db, orgId, { label, ...page }, seeAll));
  await exercise("listTasks", "case_id", (f, h) => f(h.db, orgId, { case_id: caseId, ...page }, seeAll));
  await exercise("listTasks", "case_id, status, cursor", (f, h) => f(h.db, orgId, { case_id: caseId, status: "in_progress", ...paged }, seeAll));
  await exercise("getTask", "", (f, h) => f(h.db, orgId, taskId));
  await exercise("oneTask", "", (f, h) => runRead(h.db, orgId, f(taskId)));
  await exercise("firstTasks", "", (f, h) => runRead(h.db, orgId, f(page)));
  await exercise("firstTasks", "case_id, status, cursor", (f, h) => runRead(h.db, orgId, f({ case_id: caseId, status: "in_progress", ...paged })));
  await exercise("listAudit", "", (f, h) => f(h.db, orgId, page));
  await exercise("listAudit", "cursor", (f, h) => f(h.db, orgId, paged));
  await exercise("listAudit", "entity_id", (f, h) => f(h.db, orgId, { entity_id: caseId, ...page }));
  await exercise("listAudit", "entity_id, cursor", (f, h) => f(h.db, orgId, { entity_id: caseId, ...paged }));
  await exercise("listNotifications", "in_app", (f, h) => f(h.db, orgId, { channel: "in_app", ...page }, seeAll));
  await exercise("listNotifications", "email, cursor", (f, h) => f(h.db, orgId, { channel: "email", ...paged }, seeAll));
  await exercise("caseAttachment", "", (f, h) => f(h.db, orgId, mailCase, attachmentId));
  await exercise("caseMessage", "", (f, h) => f(h.db, orgId, mailCase, "<plans-1@example.com>"));
  await exercise("listRecordedMail", "", (f, h) => f(h.db, orgId, page));
  await exercise("listRecordedMail", "cursor", (f, h) => f(h.db, orgId, paged));
  await exercise("routedSignalsSince", "", (f, h) => f(h.db, orgId, new Date(Date.now() - 86_400_000).toISOString()));
  // An Open311 request as its signal records it (the route adds only the module's checks).
  const request = await api("POST", `/v1/orgs/${o.slug}/signals`, {
    ...auth,
    body: { source: "open311", title: "Pothole", metadata: { open311: { service_code: "pothole" } } },
  });
  expect(request.status).toBe(201);
  const requestId: string = request.body.signal_id;
  const window = {
    kind: "window" as const,
    from: new Date(Date.now() - 86_400_000).toISOString(),
    to: new Date().toISOString(),
    service_codes: null,
    statuses: null,
  };
  await exercise("listOpen311Requests", "window", (f, h) => f(h.db, orgId, window, seeAll));
  await exercise("listOpen311Requests", "ids", (f, h) => f(h.db, orgId, { kind: "ids", ids: [requestId, signal.body.signal_id] }, seeAll));
  await exercise("getOpen311Request", "", (f, h) => f(h.db, orgId, requestId));
  // Maintenance: a place, an asset there, and a repair case and task that name it.
  const place = await api("POST", `/v1/orgs/${o.slug}/locations`, { ...auth, body: { name: "Store 12", kind: "site" } });
  expect(place.status, JSON.stringify(place.body)).toBe(201);
  const placeId: string = place.body.location_id;
  const asset = await api("POST", `/v1/orgs/${o.slug}/assets`, { ...auth, body: { name: "Freezer 3", type: "refrigeration", location_id: placeId } });
  expect(asset.status, JSON.stringify(asset.body)).toBe(201);
  const assetId: string = asset.body.asset_id;
  expect((await api("POST", `/v1/orgs/${o.slug}/assets/${assetId}/repairs`, { ...auth, body: { title: "Freezer warm" } })).status).toBe(201);
  await exercise("listLocations", "", (f, h) => f(h.db, orgId, page));
  await exercise("listLocations", "cursor", (f, h) => f(h.db, orgId, paged));
  await exercise("getLocation", "", (f, h) => f(h.db, orgId, placeId));
  await exercise("listAssets", "", (f, h) => f(h.db, orgId, page));
  await exercise("listAssets", "type, cursor", (f, h) => f(h.db, orgId, { type: "refrigeration", ...paged }));
  await exercise("listAssets", "location_id", (f, h) => f(h.db, orgId, { location_id: placeId, ...page }));
  await exercise("getAsset", "", (f, h) => f(h.db, orgId, assetId));
  await exercise("assetHistory", "", (f, h) => f(h.db, orgId, assetId, 100, seeAll, seeAll));
  // Care: a personnel record by person, a page of them (all, or of one role), a person's consents.
  const someone = crypto.randomUUID();
  await exercise("getPersonnel", "", (f, h) => f(h.db, orgId, someone));
  await exercise("listPersonnel", "", (f, h) => f(h.db, orgId, page));
  await exercise("listPersonnel", "role, cursor", (f, h) => f(h.db, orgId, { role: "Operations.Safety", ...paged }));
  await exercise("listConsents", "", (f, h) => f(h.db, orgId, someone));
  const [dayAgo, dayAhead] = [new Date(Date.now() - 86_400_000), new Date(Date.now() + 86_400_000)];
  await exercise("factCasesCreatedBetween", "", (f, h) => f(h.db, orgId, dayAgo, dayAhead));
  await exercise("factCasesResolvedBetween", "", (f, h) => f(h.db, orgId, dayAgo, dayAhead));
  await exercise("openFactCases", "", (f, h) => f(h.db, orgId));
  await exercise("openFactTasks", "", (f, h) => f(h.db, orgId));
  await exercise("casesByIds", "", (f, h) => f(h.db, orgId, [caseId, mailCase]));
  const profile = (await api("GET", `/v1/orgs/${o.slug}/profile`, auth)).body;
  await exercise("reviewInput", "weekly", (f, h) => f(h.db, orgId, "weekly", new Date(), new Date(), seeAll, profile));
});

describe("D1 query plans", () => {
  it("exercises every function workers/db/queries exports, and it exports nothing but query functions", () => {
    const exported = Object.entries(q);
    expect(exported.length).toBeGreaterThan(0);
    for (const [name, value] of exported) {
      expect(typeof value, `${name} is exported by workers/db/queries but is not a query function`).toBe("function");
      expect(exercised.has(name as QueryName), `${name} is not exercised by this test: add it above`).toBe(true);
    }
  });

  it("every statement is a read", () => {
    for (const s of statements) expect(s.sql, s.name).toMatch(/^select /i);
  });

  it("every statement is scoped by organization (or by a globally unique key)", () => {
    for (const s of statements.filter((x) => !SCANS_BY_DESIGN[x.fn])) {
      const scoped = /"org_id" = \?/.test(s.sql) || /"token_hash" = \?/.test(s.sql) || /"slug" = \?/.test(s.sql);
      expect(scoped, `${s.name}: ${s.sql}`).toBe(true);
    }
  });

  it("every table access is an index SEARCH (USING INDEX / USING COVERING INDEX), never a SCAN but by design", async () => {
    const failures: string[] = [];
    for (const s of statements) {
      const plan = await explain(s);
      const accesses = plan.filter((r) => TABLES.includes(tableOf(r.detail) ?? ""));
      if (accesses.length === 0) failures.push(`${s.name}: no table access in plan ${JSON.stringify(plan)}`);
      for (const row of accesses) {
        if (row.detail.startsWith("SCAN")) {
          if (SCANS_BY_DESIGN[s.fn]?.table !== tableOf(row.detail)) failures.push(`${s.name}: ${row.detail}`);
        } else if (!/ USING (?:COVERING )?INDEX \w+ \(/.test(row.detail) && !/ USING (?:INTEGER )?PRIMARY KEY \(/.test(row.detail)) {
          failures.push(`${s.name}: ${row.detail}`);
        }
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

  it("ordered lists of an organization search an index whose first column is org_id", async () => {
    const failures: string[] = [];
    for (const s of statements.filter((x) => /order by/i.test(x.sql))) {
      const plan = await explain(s);
      for (const row of plan.filter((r) => r.detail.startsWith("SEARCH"))) {
        if (!/\(org_id=\?/.test(row.detail)) failures.push(`${s.name}: ${row.detail}`);
      }
    }
    expect(failures, failures.join("\n")).toEqual([]);
  });

  it("the Worker's routes, authentication and cron read D1 only through workers/db/queries", () => {
    const sources = import.meta.glob<string>(["../../workers/http/**/*.ts", "../../workers/cron/**/*.ts", "../../workers/email/**/*.ts"], {
      query: "?raw",
      import: "default",
      eager: true,
    });
    expect(Object.keys(sources).length).toBeGreaterThan(10);
    const inline = Object.entries(sources).filter(([, text]) => /\.select\(|\.prepare\(|\.batch\(|\.query\.\w+\.find/.test(text));
    expect(inline.map(([path]) => path)).toEqual([]);
  });
});
