/**
 * Errors (contract: Errors) and tenancy: a token of one organization sees
 * nothing of another, and every refusal is a problem+json that leaks nothing.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, api, auditOf, createOrg, errorPaths, expectProblem, newCase, newTask, rawFetch, uniqueSlug } from "./helpers";

type Org = Awaited<ReturnType<typeof createOrg>>;
const MIB = 1024 * 1024;

describe("errors", () => {
  let o: Org;
  let caseId: string;
  let taskId: string;
  beforeAll(async () => {
    o = await createOrg();
    caseId = (await newCase(o.slug, o.token)).case_id;
    taskId = (await newTask(o.slug, o.token, caseId)).task_id;
  });

  const caseCount = async () => (await api("GET", `/v1/orgs/${o.slug}/cases?limit=200`, { token: o.token })).body.items.length;

  it("answers 400 to a body that is not JSON, on every JSON endpoint, and changes nothing", async () => {
    const before = await caseCount();
    const targets: [string, string][] = [
      ["POST", "/v1/orgs"],
      ["POST", `/v1/orgs/${o.slug}/cases`],
      ["PATCH", `/v1/orgs/${o.slug}/cases/${caseId}`],
      ["POST", `/v1/orgs/${o.slug}/cases/${caseId}/tasks`],
      ["POST", `/v1/orgs/${o.slug}/tasks/${taskId}/transition`],
      ["POST", `/v1/orgs/${o.slug}/users`],
      ["POST", `/v1/orgs/${o.slug}/tokens`],
    ];
    for (const [method, path] of targets) {
      const r = await api(method, path, { token: path === "/v1/orgs" ? ADMIN : o.token, raw: '{"title": "unterminated' });
      expectProblem(r, 400, "bad-request");
    }
    expectProblem(await api("POST", "/v1/auth/login", { token: null, raw: "not json at all" }), 400, "bad-request");
    expect(await caseCount()).toBe(before);
  });

  it.each([["text/plain"], ["application/x-www-form-urlencoded"], ["multipart/form-data; boundary=x"], ["application/xml"]])(
    "answers 400 to a JSON body sent as %s",
    async (type) => {
      const before = await caseCount();
      const r = await api("POST", `/v1/orgs/${o.slug}/cases`, { token: o.token, body: { title: "typed wrong" }, type });
      expectProblem(r, 400, "bad-request");
      expect(errorPaths(r)).toContain("content-type");
      expect(await caseCount()).toBe(before);
    },
  );

  it("answers 400 to a body without any content type", async () => {
    const body = new TextEncoder().encode(JSON.stringify({ title: "no type" }));
    const r = await rawFetch(`/v1/orgs/${o.slug}/cases`, {
      method: "POST",
      headers: { authorization: `Bearer ${o.token}`, "content-length": String(body.byteLength) },
      body,
    });
    expectProblem(r, 400, "bad-request");
  });

  it("accepts application/json with a charset parameter", async () => {
    const r = await api("POST", `/v1/orgs/${o.slug}/cases`, { token: o.token, body: { title: "charset" }, type: "application/json; charset=utf-8" });
    expect(r.status).toBe(201);
  });

  it("answers 413 to a body over 1 MiB, valid JSON or not, and creates nothing", async () => {
    const before = await caseCount();
    const big = JSON.stringify({ title: "big", description: "x".repeat(MIB + 16) });
    expectProblem(await api("POST", `/v1/orgs/${o.slug}/cases`, { token: o.token, raw: big }), 413, "payload-too-large");
    expectProblem(await api("POST", `/v1/orgs/${o.slug}/cases`, { token: o.token, raw: "y".repeat(MIB + 1) }), 413, "payload-too-large");
    expectProblem(await api("PATCH", `/v1/orgs/${o.slug}/cases/${caseId}`, { token: o.token, raw: big }), 413, "payload-too-large");
    expect(await caseCount()).toBe(before);
  });

  it("a body just under 1 MiB is read and judged on its content (422, not 413)", async () => {
    const body = JSON.stringify({ title: "almost", description: "x".repeat(MIB - 200) });
    expect(new TextEncoder().encode(body).byteLength).toBeLessThan(MIB);
    const r = await api("POST", `/v1/orgs/${o.slug}/cases`, { token: o.token, raw: body });
    expectProblem(r, 422);
    expect(errorPaths(r)).toContain("description");
  });

  it("answers 404 problem+json for unknown routes, inside and outside /v1", async () => {
    const inside = await api("GET", "/v1/nothing-here", { token: o.token });
    expectProblem(inside, 404, "not-found");
    const under = await api("GET", `/v1/orgs/${o.slug}/nothing-here`, { token: o.token });
    expectProblem(under, 404, "not-found");
    const outside = await api("GET", "/nothing-here.json", { token: null });
    expectProblem(outside, 404, "not-found");
    const method = await api("DELETE", `/v1/orgs/${o.slug}/cases/${caseId}`, { token: o.token });
    expect([404, 405]).toContain(method.status);
    expectProblem(method, method.status);
    expect((await api("GET", `/v1/orgs/${o.slug}/cases/${caseId}`, { token: o.token })).status).toBe(200);
  });

  it("answers 401 problem+json on every protected endpoint without a token, and with a bad one", async () => {
    const endpoints: [string, string, unknown?][] = [
      ["POST", "/v1/orgs", { slug: uniqueSlug(), name: "x" }],
      ["GET", `/v1/orgs/${o.slug}`],
      ["GET", `/v1/orgs/${o.slug}/roles`],
      ["POST", `/v1/orgs/${o.slug}/users`, { email: "a@example.com", display_name: "A" }],
      ["POST", `/v1/orgs/${o.slug}/tokens`, { name: "x" }],
      ["DELETE", `/v1/orgs/${o.slug}/tokens/${crypto.randomUUID()}`],
      ["GET", `/v1/orgs/${o.slug}/cases`],
      ["POST", `/v1/orgs/${o.slug}/cases`, { title: "x" }],
      ["GET", `/v1/orgs/${o.slug}/cases/${caseId}`],
      ["PATCH", `/v1/orgs/${o.slug}/cases/${caseId}`, { title: "x" }],
      ["GET", `/v1/orgs/${o.slug}/cases/${caseId}/timeline`],
      ["POST", `/v1/orgs/${o.slug}/cases/${caseId}/tasks`, { title: "x" }],
      ["GET", `/v1/orgs/${o.slug}/tasks`],
      ["GET", `/v1/orgs/${o.slug}/tasks/${taskId}`],
      ["POST", `/v1/orgs/${o.slug}/tasks/${taskId}/transition`, { to: "in_progress" }],
      ["GET", `/v1/orgs/${o.slug}/audit`],
    ];
    for (const [method, path, body] of endpoints) {
      const none = await api(method, path, { token: null, body });
      expectProblem(none, 401, "unauthorized");
      const bad = await api(method, path, { token: "bogus-token-value", body });
      expectProblem(bad, 401, "unauthorized");
    }
    // Nothing moved.
    expect((await api("GET", `/v1/orgs/${o.slug}/tasks/${taskId}`, { token: o.token })).body).toMatchObject({ status: "pending", version: 1 });
  });

  it("puts the x-request-id header on errors too, equal to the problem's request_id", async () => {
    const r = await api("GET", `/v1/orgs/${o.slug}/cases/${crypto.randomUUID()}`, { token: o.token });
    const p = expectProblem(r, 404);
    expect(r.headers.get("x-request-id")).toBeTruthy();
    expect(p.request_id).toBe(r.headers.get("x-request-id"));
    const given = await api("GET", "/v1/nothing", { token: o.token, headers: { "x-request-id": "client-req-000123" } });
    expect(given.headers.get("x-request-id")).toBe("client-req-000123");
    expect(given.body.request_id).toBe("client-req-000123");
    const unauth = await api("GET", `/v1/orgs/${o.slug}/cases`, { token: null });
    expect(unauth.headers.get("x-request-id")).toBe(unauth.body.request_id);
    const tooBig = await api("POST", `/v1/orgs/${o.slug}/cases`, { token: o.token, raw: "z".repeat(MIB + 1) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.headers.get("x-request-id")).toBe(tooBig.body.request_id);
  });

  it("puts x-request-id on successful responses of every kind", async () => {
    for (const r of [
      await api("GET", "/v1/openapi.json", { token: null }),
      await api("GET", `/v1/orgs/${o.slug}/cases`, { token: o.token }),
      await api("POST", `/v1/orgs/${o.slug}/cases`, { token: o.token, body: { title: "rid" } }),
    ]) {
      expect(r.status).toBeLessThan(300);
      expect(r.headers.get("x-request-id")).toMatch(/^[\w.-]{8,64}$/);
    }
  });

  it("uses the problem type slug that matches each status", async () => {
    const c = await newCase(o.slug, o.token);
    await api("PATCH", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token, body: { title: "v2" } });
    expectProblem(
      await api("PATCH", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token, body: { title: "v3" }, headers: { "if-match": "1" } }),
      409,
      "version-conflict",
    );
    expectProblem(await api("POST", "/v1/orgs", { body: { slug: o.slug, name: "dup" } }), 409, "duplicate");
    expectProblem(await api("POST", `/v1/orgs/${o.slug}/cases`, { token: o.token, body: { title: "x", label: "9.91.Operations" } }), 422, "invalid-label");
    expectProblem(await api("POST", `/v1/orgs/${o.slug}/tasks/${taskId}/transition`, { token: o.token, body: { to: "completed" } }), 422, "invalid-transition");
    expectProblem(await api("POST", "/v1/orgs", { token: o.token, body: { slug: uniqueSlug(), name: "x" } }), 403, "forbidden");
  });
});

describe("tenancy", () => {
  let a: Org;
  let b: Org;
  let bCase: any;
  let bTask: any;
  let bAuditCount: number;
  const SECRET = "B-ONLY-secret-title-7f3a";

  beforeAll(async () => {
    a = await createOrg();
    b = await createOrg();
    bCase = await newCase(b.slug, b.token, { title: SECRET, description: "B's private description", metadata: { b_secret: "zzz-b-meta" } });
    bTask = await newTask(b.slug, b.token, bCase.case_id, { title: `${SECRET} task` });
    bAuditCount = (await auditOf(b.slug, b.token)).length;
  });

  /** The 404 names nothing of B's. */
  function expectNoLeak(r: { status: number; body: unknown }) {
    const text = JSON.stringify(r.body);
    for (const secret of [SECRET, "B's private description", "zzz-b-meta", b.org.org_id, b.org.name, bCase.case_id, bTask.task_id, b.admin.user_id]) {
      expect(text, `leaked ${secret}`).not.toContain(secret);
    }
  }

  it("a token of org A gets 404 for every resource under org B's slug, and nothing of B in the body", async () => {
    const attempts: [string, string, unknown?][] = [
      ["GET", `/v1/orgs/${b.slug}`],
      ["GET", `/v1/orgs/${b.slug}/roles`],
      ["GET", `/v1/orgs/${b.slug}/cases`],
      ["GET", `/v1/orgs/${b.slug}/cases/${bCase.case_id}`],
      ["GET", `/v1/orgs/${b.slug}/cases/${bCase.case_id}/timeline`],
      ["PATCH", `/v1/orgs/${b.slug}/cases/${bCase.case_id}`, { title: "pwned" }],
      ["POST", `/v1/orgs/${b.slug}/cases`, { title: "planted" }],
      ["POST", `/v1/orgs/${b.slug}/cases/${bCase.case_id}/tasks`, { title: "planted" }],
      ["GET", `/v1/orgs/${b.slug}/tasks`],
      ["GET", `/v1/orgs/${b.slug}/tasks/${bTask.task_id}`],
      ["POST", `/v1/orgs/${b.slug}/tasks/${bTask.task_id}/transition`, { to: "cancelled" }],
      ["GET", `/v1/orgs/${b.slug}/audit`],
      ["GET", `/v1/orgs/${b.slug}/audit?entity_id=${bCase.case_id}`],
      ["POST", `/v1/orgs/${b.slug}/users`, { email: "mole@example.com", display_name: "Mole" }],
      ["POST", `/v1/orgs/${b.slug}/tokens`, { name: "backdoor" }],
    ];
    for (const [method, path, body] of attempts) {
      const r = await api(method, path, { token: a.token, body });
      expectProblem(r, 404, "not-found");
      expectNoLeak(r);
    }
  });

  it("org B's existence does not show: its 404 equals the one for a slug that does not exist", async () => {
    const strip = ({ request_id: _r, ...rest }: Record<string, unknown>) => rest;
    const real = await api("GET", `/v1/orgs/${b.slug}/cases/${bCase.case_id}`, { token: a.token });
    const ghost = await api("GET", `/v1/orgs/${uniqueSlug("ghost")}/cases/${bCase.case_id}`, { token: a.token });
    expect(real.status).toBe(404);
    expect(strip(real.body)).toEqual(strip(ghost.body));
  });

  it("a token of org A gets 404 for B's case and task ids under A's own slug", async () => {
    const attempts: [string, string, unknown?][] = [
      ["GET", `/v1/orgs/${a.slug}/cases/${bCase.case_id}`],
      ["GET", `/v1/orgs/${a.slug}/cases/${bCase.case_id}/timeline`],
      ["PATCH", `/v1/orgs/${a.slug}/cases/${bCase.case_id}`, { title: "pwned" }],
      ["POST", `/v1/orgs/${a.slug}/cases/${bCase.case_id}/tasks`, { title: "planted" }],
      ["GET", `/v1/orgs/${a.slug}/tasks/${bTask.task_id}`],
      ["POST", `/v1/orgs/${a.slug}/tasks/${bTask.task_id}/transition`, { to: "in_progress" }],
    ];
    for (const [method, path, body] of attempts) {
      const r = await api(method, path, { token: a.token, body });
      expectProblem(r, 404, "not-found");
      expectNoLeak(r);
    }
  });

  it("A's lists and audit filtered by B's ids come back empty", async () => {
    const tasks = await api("GET", `/v1/orgs/${a.slug}/tasks?case_id=${bCase.case_id}`, { token: a.token });
    expect(tasks.status).toBe(200);
    expect(tasks.body).toEqual({ items: [], next_cursor: null });
    const audit = await api("GET", `/v1/orgs/${a.slug}/audit?entity_id=${bCase.case_id}`, { token: a.token });
    expect(audit.status).toBe(200);
    expect(audit.body.items).toEqual([]);
    const cases = await api("GET", `/v1/orgs/${a.slug}/cases?limit=200`, { token: a.token });
    expectNoLeak(cases);
    const allAudit = await api("GET", `/v1/orgs/${a.slug}/audit?limit=200`, { token: a.token });
    expectNoLeak(allAudit);
    const roles = await api("GET", `/v1/orgs/${a.slug}/roles`, { token: a.token });
    const bRoles = await api("GET", `/v1/orgs/${b.slug}/roles`, { token: b.token });
    const aIds = new Set((roles.body.items as { role_id: string }[]).map((r) => r.role_id));
    for (const r of bRoles.body.items as { role_id: string }[]) expect(aIds.has(r.role_id)).toBe(false);
  });

  it("after all of A's attempts, B's records and audit log are exactly as they were", async () => {
    const c = await api("GET", `/v1/orgs/${b.slug}/cases/${bCase.case_id}`, { token: b.token });
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ title: SECRET, version: 1, status: "open" });
    expect(c.body.tasks).toHaveLength(1);
    expect(c.body.tasks[0]).toMatchObject({ task_id: bTask.task_id, status: "pending", version: 1 });
    expect((await api("GET", `/v1/orgs/${b.slug}/cases`, { token: b.token })).body.items).toHaveLength(1);
    expect((await auditOf(b.slug, b.token)).length).toBe(bAuditCount);
  });

  it("a session token from logging into org A is also confined to A", async () => {
    const u = await api("POST", `/v1/orgs/${a.slug}/users`, {
      token: a.token,
      body: { email: "s@example.com", display_name: "S", password: "long-enough-pw", admin: true },
    });
    expect(u.status).toBe(201);
    const login = await api("POST", "/v1/auth/login", { token: null, body: { org: a.slug, email: "s@example.com", password: "long-enough-pw" } });
    expect(login.status).toBe(200);
    const r = await api("GET", `/v1/orgs/${b.slug}/cases/${bCase.case_id}`, { token: login.body.token });
    expectProblem(r, 404);
    expectNoLeak(r);
    // Logging into B with A's user's credentials fails.
    expectProblem(await api("POST", "/v1/auth/login", { token: null, body: { org: b.slug, email: "s@example.com", password: "long-enough-pw" } }), 401);
  });
});
