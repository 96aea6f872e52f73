/**
 * GET …/insights/review through the real Worker: cases and tasks made
 * through the API, one case moved into the previous week by rewriting its
 * fact (the review reads facts, and the API cannot backdate a case), and the
 * figures checked for an open organization and for a need-to-know member who
 * sees one department only.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { reviewPeriod } from "../../core/insights/review";
import { api, createOrg, expectProblem, newCase, newTask, orgStub, transition } from "./helpers";

type Org = Awaited<ReturnType<typeof createOrg>>;

const PROFILE = (privacy: "open" | "need_to_know") =>
  `name: review_${privacy}\nextends: base\nprivacy: ${privacy}\nroles: [Operations, Operations.Safety, Operations.Maintenance, Facilities, IT]\n`;
const OPS = "1001.91.Operations.Safety";
const MAINT = "1001.91.Operations.Maintenance";
const FAC = "1001.11.Facilities";

interface World {
  o: Org;
  ids: Record<"a" | "b" | "c" | "d", string>;
}

/**
 * a: Operations, critical, open, a pending task owned by Operations.Safety.
 * b: Facilities, critical, its Facilities task in progress (reacted in time).
 * c: Facilities, high, resolved (its reaction, in time).
 * d: Operations (Maintenance), high, open, created last week.
 */
async function world(privacy: "open" | "need_to_know"): Promise<World> {
  const o = await createOrg({ profile_yaml: PROFILE(privacy) });
  const a = await newCase(o.slug, o.token, { title: "a", label: OPS, severity: "critical", location: { site: "North" } });
  await newTask(o.slug, o.token, a.case_id, { title: "a1", owner_role: "Operations.Safety" });
  const b = await newCase(o.slug, o.token, { title: "b", label: FAC, severity: "critical", location: { site: "South" } });
  const bt = await newTask(o.slug, o.token, b.case_id, { title: "b1", owner_role: "Facilities" });
  expect((await transition(o.slug, o.token, bt.task_id, { to: "in_progress" })).status).toBe(200);
  const c = await newCase(o.slug, o.token, { title: "c", label: FAC, severity: "high", location: { site: "South" } });
  expect((await api("PATCH", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token, body: { status: "resolved" } })).status).toBe(200);
  const d = await newCase(o.slug, o.token, { title: "d", label: MAINT, severity: "high" });
  // Every fact is in D1 before one is rewritten, so no later flush overwrites it.
  await orgStub(o.org.org_id).heal();
  const lastWeek = reviewPeriod("weekly", new Date()).previous.from.getTime() + 86_400_000;
  await env.DB.prepare("UPDATE fact_cases SET created_at = ?, created_date = ? WHERE case_id = ?")
    .bind(lastWeek, new Date(lastWeek).toISOString().slice(0, 10), d.case_id)
    .run();
  return { o, ids: { a: a.case_id, b: b.case_id, c: c.case_id, d: d.case_id } };
}

async function addMember(o: Org, name: string, positions: { level: number; role: string }[]) {
  const email = `${name}@${o.slug}.example`;
  const password = `pw-${name}-0123456`;
  const u = await api("POST", `/v1/orgs/${o.slug}/users`, { token: o.token, body: { email, display_name: name, password, positions } });
  expect(u.status, JSON.stringify(u.body)).toBe(201);
  const l = await api("POST", "/v1/auth/login", { token: null, body: { org: o.slug, email, password } });
  expect(l.status, JSON.stringify(l.body)).toBe(200);
  return l.body.token as string;
}

const get = (o: Org, query: string, token = o.token) => api("GET", `/v1/orgs/${o.slug}/insights/review?${query}`, { token });
const caseIds = (items: { case_id: string }[]) => items.map((i) => i.case_id);

/** What an organization-wide viewer sees this week. */
function expectWholeWeek(body: any, ids: World["ids"]) {
  expect(body.totals).toEqual({ opened: 3, resolved: 1, open_now: 3, critical_open: 2, unresolved: 3, escalated: 0, reactivity_met: 2, reactivity_missed: 0 });
  expect(body.escalation_rate).toBe(0);
  expect(caseIds(body.critical)).toEqual([ids.a, ids.b]);
  expect(body.critical.map((i: any) => i.reactivity_status)).toEqual(["pending", "met"]);
  expect(body.critical[0].age_hours).toBeGreaterThanOrEqual(0);
  expect(body.critical[0].age_hours).toBeLessThan(1);
  expect(caseIds(body.unresolved)).toEqual([ids.d, ids.a, ids.b]);
  expect(body.by_department).toEqual([
    { department: "Facilities", opened: 2, critical: 1, open_now: 1, previous_opened: 0 },
    { department: "Operations", opened: 1, critical: 1, open_now: 2, previous_opened: 1 },
  ]);
  expect(body.by_location).toEqual([
    { site: "South", opened: 2, critical: 1, previous_opened: 0 },
    { site: "North", opened: 1, critical: 1, previous_opened: 0 },
    { site: null, opened: 0, critical: 0, previous_opened: 1 },
  ]);
  expect(body.role_load).toEqual([
    { role: "Facilities", open_tasks: 1 },
    { role: "Operations.Safety", open_tasks: 1 },
  ]);
  expect(body.reactivity_compliance.critical).toEqual({ met: 1, missed: 0, share: 1 });
  // Resolving c within its window was its reaction.
  expect(body.reactivity_compliance.high).toEqual({ met: 1, missed: 0, share: 1 });
  expect(body.reactivity_compliance_by_version).toEqual({ "1": body.reactivity_compliance });
  expect(body.patterns).toEqual([]);
  expect(body.suggestions).toEqual([]);
  expect(body.truncated).toBe(false);
}

describe("insights review: open organization", () => {
  let w: World;
  beforeAll(async () => {
    w = await world("open");
  });

  it("weekly: this ISO week's figures, the lists with age and reactivity status", async () => {
    const r = await get(w.o, "cycle=weekly");
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const { period, previous } = reviewPeriod("weekly", new Date());
    expect(r.body.cycle).toBe("weekly");
    expect(r.body.period).toMatchObject({ from: period.from.toISOString(), to: period.to.toISOString(), name: period.name });
    expect(r.body.previous_period).toMatchObject({ from: previous.from.toISOString(), to: previous.to.toISOString() });
    expectWholeWeek(r.body, w.ids);
    expect(r.body.critical[1]).toMatchObject({ title: "b", label: FAC, location: { site: "South", area: null } });
  });

  it("an earlier week by `at`: the backdated case is that week's only one", async () => {
    const { previous } = reviewPeriod("weekly", new Date());
    const r = await get(w.o, `cycle=weekly&at=${previous.from.toISOString().slice(0, 10)}`);
    expect(r.status).toBe(200);
    expect(r.body.period.from).toBe(previous.from.toISOString());
    expect(r.body.totals).toMatchObject({ opened: 1, resolved: 0, open_now: 3, unresolved: 1 });
    expect(caseIds(r.body.unresolved)).toEqual([w.ids.d]);
    expect(r.body.by_department).toContainEqual({ department: "Operations", opened: 1, critical: 0, open_now: 2, previous_opened: 0 });
  });

  it("monthly and yearly answer for the same data", async () => {
    for (const cycle of ["monthly", "yearly"]) {
      const r = await get(w.o, `cycle=${cycle}&at=${new Date().toISOString()}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.totals.open_now).toBe(3);
      expect(r.body.totals.opened).toBeGreaterThanOrEqual(3);
      expect(Object.keys(r.body.reactivity_compliance).sort()).toEqual(["critical", "high", "low", "medium"]);
    }
  });

  it("a member without positions sees every figure in an open organization", async () => {
    const token = await addMember(w.o, "nobody", []);
    const r = await get(w.o, "cycle=weekly", token);
    expect(r.status).toBe(200);
    expectWholeWeek(r.body, w.ids);
  });

  it("refuses a bad cycle or date (422) and another organization's token (404)", async () => {
    for (const q of ["", "cycle=daily", "cycle=weekly&at=yesterday", "cycle=weekly&at=2026-13-01", "cycle=weekly&at=1969-12-31", "cycle=weekly&extra=1"]) {
      expectProblem(await get(w.o, q), 422);
    }
    expect((await get(w.o, "cycle=weekly&at=2026-12-31T10:00:00%2B02:00")).status).toBe(200);
    const other = await createOrg();
    expectProblem(await get(w.o, "cycle=weekly", other.token), 404);
    expect((await get(w.o, "cycle=weekly", "")).status).toBe(401);
  });

  it("is in the OpenAPI document with its definitions", async () => {
    const doc = (await api("GET", "/v1/openapi.json", { token: null })).body;
    const op = doc.paths["/v1/orgs/{org}/insights/review"].get;
    expect(op.description).toContain("**unresolved**: cases created before the period's end");
    expect(op.description).toContain("`to` is excluded");
  });
});

describe("insights review: need to know", () => {
  let w: World;
  let facilities: string;
  beforeAll(async () => {
    w = await world("need_to_know");
    facilities = await addMember(w.o, "fac", [{ level: 1001, role: "Facilities" }]);
  });

  it("a Facilities member counts Facilities items only", async () => {
    const r = await get(w.o, "cycle=weekly", facilities);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.totals).toEqual({
      opened: 2,
      resolved: 1,
      open_now: 1,
      critical_open: 1,
      unresolved: 1,
      escalated: 0,
      reactivity_met: 2,
      reactivity_missed: 0,
    });
    expect(caseIds(r.body.critical)).toEqual([w.ids.b]);
    expect(caseIds(r.body.unresolved)).toEqual([w.ids.b]);
    expect(r.body.by_department).toEqual([{ department: "Facilities", opened: 2, critical: 1, open_now: 1, previous_opened: 0 }]);
    expect(r.body.by_location).toEqual([{ site: "South", opened: 2, critical: 1, previous_opened: 0 }]);
    expect(r.body.role_load).toEqual([{ role: "Facilities", open_tasks: 1 }]);
    expect(JSON.stringify(r.body)).not.toContain(w.ids.a);
    expect(JSON.stringify(r.body)).not.toContain(w.ids.d);
  });

  it("the org admin sees the whole organization", async () => {
    const r = await get(w.o, "cycle=weekly");
    expect(r.status).toBe(200);
    expectWholeWeek(r.body, w.ids);
  });
});
