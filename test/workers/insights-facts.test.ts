/**
 * The star schema follows every change through the outbox: a case's and its
 * tasks' facts (label parts, department, times in UTC milliseconds, reacted
 * in time or not, escalation count, profile version), and the dimensions
 * they point at. A profile change makes a new version; what the old one
 * routed keeps its number and its deadline.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createOrg, newCase, newTask, orgStub, transition } from "./helpers";

async function fact(table: "fact_cases" | "fact_tasks", key: string, id: string) {
  return env.DB.prepare(`SELECT * FROM ${table} WHERE ${key} = ?`).bind(id).first<Record<string, unknown>>();
}

describe("insight facts", () => {
  it("writes a case's and a task's facts and keeps them current", async () => {
    const o = await createOrg();
    const c = await newCase(o.slug, o.token, { label: "1001.91.Operations.Safety", severity: "critical", location: { site: "Store 12", area: "Aisle 4" } });
    const t = await newTask(o.slug, o.token, c.case_id, { title: "Check" });
    expect(await fact("fact_cases", "case_id", c.case_id)).toMatchObject({
      org_id: o.org.org_id,
      base: 1001,
      category: 9,
      subcategory: 1,
      role: "Operations.Safety",
      department: "Operations",
      site: "Store 12",
      area: "Aisle 4",
      severity: "critical",
      status: "open",
      created_at: Date.parse(c.created_at),
      created_date: c.created_at.slice(0, 10),
      reacted_at: null,
      resolved_at: null,
      reactivity_deadline: Date.parse(c.reactivity_deadline),
      reactivity_met: null,
      escalation_count: 0,
      profile_version: 1,
    });
    await transition(o.slug, o.token, t.task_id, { to: "in_progress" });
    const done = await transition(o.slug, o.token, t.task_id, { to: "completed" });
    expect(done.status).toBe(200);
    const caseFact = await fact("fact_cases", "case_id", c.case_id);
    expect(caseFact).toMatchObject({ status: "resolved", reactivity_met: 1 });
    expect(caseFact?.reacted_at).toBeTypeOf("number");
    expect(caseFact?.resolved_at).toBeTypeOf("number");
    expect(await fact("fact_tasks", "task_id", t.task_id)).toMatchObject({
      case_id: c.case_id,
      status: "completed",
      reactivity_met: 1,
      department: "Operations",
    });

    const day = await env.DB.prepare("SELECT * FROM dim_time WHERE date = ?").bind(c.created_at.slice(0, 10)).first();
    expect(day).toMatchObject({ year: Number(c.created_at.slice(0, 4)), month: Number(c.created_at.slice(5, 7)) });
    const place = await env.DB.prepare("SELECT * FROM dim_location WHERE org_id = ? AND site = 'Store 12'").bind(o.org.org_id).first();
    expect(place).toMatchObject({ area: "Aisle 4" });
    const roles = await env.DB.prepare("SELECT role, department FROM dim_role WHERE org_id = ? ORDER BY role").bind(o.org.org_id).all();
    expect(roles.results).toContainEqual({ role: "Operations.Safety", department: "Operations" });
    const category = await env.DB.prepare("SELECT category_name, subcategory_name FROM dim_category WHERE category = 9 AND subcategory = 1").first();
    expect(category).toEqual({ category_name: "crisis", subcategory_name: "request" });
  });

  it("numbers profile versions: cases keep the version and deadline that timed them", async () => {
    const o = await createOrg({ profile_yaml: "name: v_one\nextends: retail_ops\nreactivity: { critical: PT15M }\n" });
    const before = await newCase(o.slug, o.token, { severity: "critical" });
    const put = await api("PUT", `/v1/orgs/${o.slug}/profile`, {
      token: o.token,
      raw: "name: v_two\nextends: retail_ops\nreactivity: { critical: PT2H }\n",
      type: "application/yaml",
    });
    expect(put.status).toBe(200);
    const after = await newCase(o.slug, o.token, { severity: "critical" });
    expect(before.profile_version).toBe(1);
    expect(after.profile_version).toBe(2);
    const still = (await api("GET", `/v1/orgs/${o.slug}/cases/${before.case_id}`, { token: o.token })).body;
    expect(still.reactivity_deadline).toBe(before.reactivity_deadline);
    expect(Date.parse(before.reactivity_deadline) - Date.parse(before.created_at)).toBe(15 * 60_000);
    expect(Date.parse(after.reactivity_deadline) - Date.parse(after.created_at)).toBe(2 * 3_600_000);
    await orgStub(o.org.org_id).heal();
    expect((await fact("fact_cases", "case_id", before.case_id))?.profile_version).toBe(1);
    expect((await fact("fact_cases", "case_id", after.case_id))?.profile_version).toBe(2);
  });

  it("answers 'which department creates the most critical alerts this quarter?' in one query (the README's)", async () => {
    const o = await createOrg();
    const mk = (label: string, severity: string) => newCase(o.slug, o.token, { label, severity });
    await mk("1001.91.Operations.Safety", "critical");
    await mk("1001.91.Operations.Maintenance", "critical");
    await mk("1001.91.Facilities", "critical");
    await mk("1001.91.Facilities", "high");
    const now = new Date();
    const rows = await env.DB.prepare(QUARTER_QUERY)
      .bind(o.org.org_id, now.getUTCFullYear(), Math.ceil((now.getUTCMonth() + 1) / 3))
      .all();
    expect(rows.results).toEqual([
      { department: "Operations", critical_cases: 2 },
      { department: "Facilities", critical_cases: 1 },
    ]);
  });
});

/** The query the README shows, verbatim. */
const QUARTER_QUERY = `SELECT f.department, count(*) AS critical_cases
FROM fact_cases f JOIN dim_time t ON t.date = f.created_date
WHERE f.org_id = ?1 AND f.severity = 'critical' AND t.year = ?2 AND t.quarter = ?3
GROUP BY f.department
ORDER BY critical_cases DESC, f.department`;
