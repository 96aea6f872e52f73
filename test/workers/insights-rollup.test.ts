/**
 * The insights rollup end to end: an organization's cases and tasks (made
 * through the API this month, written straight into D1 for last month, in
 * numbers that take several D1 pages) become Parquet files in R2, one per
 * table and period; each file reads back with hyparquet row for row and
 * type for type with D1; a second rollup leaves byte-identical files, and so
 * does encoding them afresh; files are listed and downloaded by org admins
 * of their own organization only. Large files go up as R2 multipart uploads.
 */
import { env } from "cloudflare:workers";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";
import { columnValue, INSIGHTS_TABLES, insightsKey, type ParquetTable } from "../../core/insights/parquet-tables";
import { periodOf, periodRange } from "../../core/insights/rollup-periods";
import { R2ObjectSink } from "../../durable-objects/insights/r2-sink";
import { api, createOrg, newCase, newTask, transition } from "./helpers";

const FILES_PATH = (slug: string) => `/v1/orgs/${slug}/insights/files`;

async function download(slug: string, token: string, key: string) {
  return api("GET", `${FILES_PATH(slug)}/${encodeURIComponent(key)}`, { token });
}

async function fileBytes(key: string): Promise<Uint8Array> {
  const object = await env.FILES.get(key);
  if (!object) throw new Error(`missing ${key}`);
  return new Uint8Array(await object.arrayBuffer());
}

/** What D1 holds for a table's file, in the file's order, as the columns take it. */
async function d1Rows(table: ParquetTable, orgId: string, period: string) {
  const { from, to } = periodRange(period);
  const dates = [new Date(from).toISOString().slice(0, 10), new Date(to).toISOString().slice(0, 10)];
  const query: Record<string, [string, unknown[]]> = {
    fact_cases: ["SELECT * FROM fact_cases WHERE org_id = ? AND created_at >= ? AND created_at < ? ORDER BY created_at, case_id", [orgId, from, to]],
    fact_tasks: ["SELECT * FROM fact_tasks WHERE org_id = ? AND created_at >= ? AND created_at < ? ORDER BY created_at, task_id", [orgId, from, to]],
    dim_time: ["SELECT * FROM dim_time WHERE date >= ? AND date < ? ORDER BY date", dates],
    dim_location: ["SELECT * FROM dim_location WHERE org_id = ? ORDER BY site, area", [orgId]],
    dim_role: ["SELECT * FROM dim_role WHERE org_id = ? ORDER BY role", [orgId]],
    dim_category: ["SELECT * FROM dim_category ORDER BY category, subcategory", []],
  };
  const [sql, params] = query[table.name] as [string, unknown[]];
  const rows = (
    await env.DB.prepare(sql)
      .bind(...params)
      .all<Record<string, unknown>>()
  ).results;
  return rows.map((row) => Object.fromEntries(table.columns.map((c) => [c.name, columnValue(c, row[c.name])])));
}

/** Last month's task facts, written straight into D1 (the API cannot backdate): enough for several pages. */
async function seedLastMonth(orgId: string, caseId: string, period: string, count: number) {
  const { from } = periodRange(period);
  await env.DB.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO fact_tasks (task_id, case_id, org_id, label, origin_label, base, category, subcategory, role, department, site, area,
       severity, status, created_at, created_date, reacted_at, resolved_at, closed_at, reactivity_deadline, reactivity_met,
       escalation_count, profile_version, created_by, version, owner_role, type, subtype)
     SELECT printf('seed-%06d', i), ?, ?, '1001.91.Operations.Safety', CASE WHEN i % 3 = 0 THEN NULL ELSE '101.91.Operations.Safety' END,
       1001, 9, 1, 'Operations.Safety', 'Operations', CASE WHEN i % 2 = 0 THEN 'Store 12' END, CASE WHEN i % 2 = 0 THEN 'Aisle 4' END,
       CASE i % 4 WHEN 0 THEN 'critical' WHEN 1 THEN 'high' WHEN 2 THEN 'medium' ELSE 'low' END,
       CASE WHEN i % 5 = 0 THEN 'completed' ELSE 'open' END,
       ? + (i / 7) * 1000, strftime('%Y-%m-%d', (? + (i / 7) * 1000) / 1000, 'unixepoch'),
       CASE WHEN i % 5 = 0 THEN ? + (i / 7) * 1000 + 60000 END, CASE WHEN i % 5 = 0 THEN ? + (i / 7) * 1000 + 120000 END, NULL,
       ? + (i / 7) * 1000 + 900000, CASE WHEN i % 5 = 0 THEN 1 WHEN i % 11 = 0 THEN 0 END,
       i % 4, 1, NULL, 1 + i % 3, 'Operations.Safety', NULL, NULL
     FROM n`,
  )
    .bind(count - 1, caseId, orgId, from, from, from, from, from)
    .run();
  await env.DB.prepare("INSERT OR IGNORE INTO dim_time (date, year, quarter, month, iso_year, iso_week, day_of_week) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .bind(new Date(from).toISOString().slice(0, 10), new Date(from).getUTCFullYear(), 1, new Date(from).getUTCMonth() + 1, 2026, 1, 1)
    .run();
}

describe("insights rollup", () => {
  it("writes one Parquet file per table and period that reads back as D1 holds it, and again byte for byte", async () => {
    const a = await createOrg();
    const orgId = a.org.org_id as string;
    const c1 = await newCase(a.slug, a.token, { label: "1001.91.Operations.Safety", severity: "critical", location: { site: "Store 12", area: "Aisle 4" } });
    await newCase(a.slug, a.token, { severity: "low" });
    const t1 = await newTask(a.slug, a.token, c1.case_id, { title: "Mop" });
    await newTask(a.slug, a.token, c1.case_id, { title: "Sign" });
    expect((await transition(a.slug, a.token, t1.task_id, { to: "in_progress" })).status).toBe(200);
    expect((await transition(a.slug, a.token, t1.task_id, { to: "completed" })).status).toBe(200);

    const now = new Date();
    const current = periodOf(now);
    const previous = periodOf(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    await seedLastMonth(orgId, c1.case_id, previous, 12_000);

    const first = await api("POST", `/v1/orgs/${a.slug}/insights/rollup`, { token: a.token });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const files = first.body.files as { key: string; rows: number }[];
    expect(files.map((f) => f.key)).toEqual([previous, current].flatMap((p) => INSIGHTS_TABLES.map((t) => insightsKey(orgId, t.name, p))));
    const rowsOf = (table: string, period: string) => files.find((f) => f.key === insightsKey(orgId, table as never, period))?.rows;
    expect(rowsOf("fact_tasks", previous)).toBe(12_000);
    expect(rowsOf("fact_tasks", current)).toBe(2);
    expect(rowsOf("fact_cases", current)).toBe(2);

    const columnsOf = async (table: string) =>
      (await env.DB.prepare(`SELECT name, "notnull" FROM pragma_table_info(?) ORDER BY cid`).bind(table).all<{ name: string; notnull: number }>()).results;
    const firstBytes = new Map<string, Uint8Array>();
    for (const period of [previous, current]) {
      for (const table of INSIGHTS_TABLES) {
        const key = insightsKey(orgId, table.name, period);
        const got = await download(a.slug, a.token, key);
        expect(got.status, key).toBe(200);
        expect(got.headers.get("content-type")).toBe("application/vnd.apache.parquet");
        const bytes = await fileBytes(key);
        firstBytes.set(key, bytes);
        const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

        // Every D1 column, with its nullability, and the declared Parquet type.
        const meta = parquetMetadata(buffer);
        const d1Columns = await columnsOf(table.name);
        expect(meta.schema.slice(1).map((s) => [s.name, s.repetition_type])).toEqual(d1Columns.map((c) => [c.name, c.notnull ? "REQUIRED" : "OPTIONAL"]));
        for (const element of meta.schema.slice(1)) {
          const kind = table.columns.find((c) => c.name === element.name)?.kind;
          const expected = { string: "BYTE_ARRAY", int32: "INT32", timestamp: "INT64", boolean: "BOOLEAN" }[kind ?? "string"];
          expect(element.type, `${table.name}.${element.name}`).toBe(expected);
          if (kind === "timestamp") expect(element.logical_type).toEqual({ type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" });
        }

        // Every row, every value.
        const read = await parquetReadObjects({ file: buffer });
        expect(read, `${table.name} ${period}`).toEqual(await d1Rows(table, orgId, period));
      }
    }
    // Spot checks on what the API made: dates are Dates, flags booleans, counts integers.
    const caseRows = await d1Rows(INSIGHTS_TABLES[0] as ParquetTable, orgId, current);
    const mopped = (await d1Rows(INSIGHTS_TABLES[1] as ParquetTable, orgId, current)).find((r) => r.task_id === t1.task_id);
    expect(caseRows.find((r) => r.case_id === c1.case_id)?.created_at).toEqual(new Date(c1.created_at));
    expect(mopped).toMatchObject({ status: "completed", reactivity_met: true, escalation_count: 0 });

    // Again: the same files. Unchanged single-put files are not even rewritten.
    const second = await api("POST", `/v1/orgs/${a.slug}/insights/rollup`, { token: a.token, body: {} });
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    for (const [key, bytes] of firstBytes) expect(Buffer.from(await fileBytes(key)).equals(Buffer.from(bytes)), key).toBe(true);

    // Encoded afresh from D1, the bytes are still the same: the output depends on the rows alone.
    for (const table of INSIGHTS_TABLES) await env.FILES.delete(insightsKey(orgId, table.name, previous));
    const third = await api("POST", `/v1/orgs/${a.slug}/insights/rollup`, { token: a.token, body: { period: previous } });
    expect(third.status).toBe(200);
    expect((third.body.files as unknown[]).length).toBe(INSIGHTS_TABLES.length);
    for (const table of INSIGHTS_TABLES) {
      const key = insightsKey(orgId, table.name, previous);
      expect(Buffer.from(await fileBytes(key)).equals(Buffer.from(firstBytes.get(key) as Uint8Array)), key).toBe(true);
    }

    // Listed with sizes; only this organization's.
    const list = await api("GET", FILES_PATH(a.slug), { token: a.token });
    expect(list.status).toBe(200);
    const listed = list.body.items as { key: string; size: number; uploaded: string }[];
    expect(new Set(listed.map((i) => i.key))).toEqual(new Set(firstBytes.keys()));
    for (const item of listed) expect(item.size).toBe(firstBytes.get(item.key)?.byteLength);

    // Another organization sees none of it.
    const b = await createOrg();
    const someKey = insightsKey(orgId, "fact_cases", current);
    expect((await download(b.slug, b.token, someKey)).status).toBe(404);
    expect((await download(a.slug, b.token, someKey)).status).toBeGreaterThanOrEqual(403);
    expect((await api("GET", FILES_PATH(b.slug), { token: b.token })).body.items).toEqual([]);
    expect((await download(a.slug, a.token, "insights/org=nobody/table=fact_cases/period=2026-01/part-0.parquet")).status).toBe(404);
  });

  it("takes only a YYYY-MM period and only from org admins", async () => {
    const a = await createOrg();
    const bad = await api("POST", `/v1/orgs/${a.slug}/insights/rollup`, { token: a.token, body: { period: "2026-13" } });
    expect(bad.status).toBe(422);
    const extra = await api("POST", `/v1/orgs/${a.slug}/insights/rollup`, { token: a.token, body: { period: "2026-01", tables: [] } });
    expect(extra.status).toBe(422);
    const email = `staff@${a.slug}.example`;
    const password = "pw-staff-0123";
    const u = await api("POST", `/v1/orgs/${a.slug}/users`, {
      token: a.token,
      body: { email, display_name: "Staff", password, positions: [{ level: 1001, role: "Operations.Safety" }] },
    });
    expect(u.status, JSON.stringify(u.body)).toBe(201);
    const login = await api("POST", "/v1/auth/login", { token: null, body: { org: a.slug, email, password } });
    const staff = login.body.token as string;
    expect((await api("POST", `/v1/orgs/${a.slug}/insights/rollup`, { token: staff })).status).toBe(403);
    expect((await api("GET", FILES_PATH(a.slug), { token: staff })).status).toBe(403);
    expect((await download(a.slug, staff, insightsKey(a.org.org_id, "dim_role", "2026-01"))).status).toBe(403);
  });

  it("uploads a large file in equal parts and reads it back whole", async () => {
    const key = "insights/test/multipart.bin";
    const sink = new R2ObjectSink(env.FILES, key, 5 * 1024 * 1024);
    const chunk = new Uint8Array(1024 * 1024);
    const expected: number[] = [];
    for (let i = 0; i < 12; i++) {
      chunk.fill(i + 1);
      await sink.write(chunk.slice());
      expected.push(i + 1);
    }
    await sink.write(new Uint8Array([7, 7, 7]));
    const stored = await sink.close();
    expect(stored).toEqual({ bytes: 12 * 1024 * 1024 + 3, written: true, parts: 3 });
    const bytes = await fileBytes(key);
    expect(bytes.byteLength).toBe(12 * 1024 * 1024 + 3);
    for (let i = 0; i < 12; i++) expect(bytes[i * 1024 * 1024 + 17]).toBe(expected[i]);
    expect([...bytes.slice(-3)]).toEqual([7, 7, 7]);
    await env.FILES.delete(key);
  });
});
