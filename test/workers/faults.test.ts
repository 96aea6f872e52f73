/**
 * The development-only fault hooks the reliability soak drives
 * (workers/http/routes/faults.ts): hidden everywhere else, and the faults
 * themselves lose nothing: D1 down delays the copy, a reset forgets no commit.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import * as schema from "../../d1/schema";
import { createApp } from "../../workers/http/app";
import { ADMIN, BASE, api, auditOf, createOrg, expectProblem, newCase, newTask, orgStub, withoutDailyRound } from "./helpers";

const db = () => drizzle(env.DB, { schema });
const d1Cases = (orgId: string) => db().select().from(schema.cases).where(eq(schema.cases.org_id, orgId)).all();

/** The same Worker with ORGO_ENV as a deployment has it. */
async function asProduction(method: string, path: string, body?: unknown) {
  const init: RequestInit = { method, headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;
  return createApp().fetch(new Request(`${BASE}${path}`, init), { ...env, ORGO_ENV: "production" }, ctx);
}

describe("fault hooks are development only", () => {
  it("answer 404 in production, and to an organization's own admin in development", async () => {
    const o = await createOrg();
    for (const [method, path, body] of [
      ["POST", `/v1/orgs/${o.slug}/_faults`, { kind: "d1_down", ms: 1000 }],
      ["GET", `/v1/orgs/${o.slug}/_state`, undefined],
    ] as const) {
      expect((await asProduction(method, path, body)).status).toBe(404);
      expectProblem(await api(method, path, { token: o.token, body }), 404);
    }
    // The outage asked for by the organization's admin was never injected.
    expect((await api("POST", `/v1/orgs/${o.slug}/cases`, { token: o.token, body: { title: "x", label: "1001.91.Operations", severity: "low" } })).status).toBe(
      201,
    );
    expect(await d1Cases(o.org.org_id)).toHaveLength(1);
  });

  it("stay out of the OpenAPI document, and refuse an unknown fault with 422", async () => {
    const doc = await api("GET", "/v1/openapi.json");
    expect(Object.keys(doc.body.paths).filter((p) => p.includes("_faults") || p.includes("_state"))).toEqual([]);
    const o = await createOrg();
    expectProblem(await api("POST", `/v1/orgs/${o.slug}/_faults`, { body: { kind: "meteor" } }), 422);
    expectProblem(await api("POST", `/v1/orgs/${o.slug}/_faults`, { body: { kind: "d1_down", ms: 10_000_000 } }), 422);
  });
});

describe("faults lose nothing", () => {
  it("with D1 down, commands still commit and answer; D1 catches up once it is back, each row and audit event once", async () => {
    const o = await createOrg();
    const before = (await api("GET", `/v1/orgs/${o.slug}/_state`)).body;
    expect((await api("POST", `/v1/orgs/${o.slug}/_faults`, { body: { kind: "d1_down", ms: 60_000 } })).status).toBe(200);
    const created = [];
    for (let i = 0; i < 3; i++) created.push(await newCase(o.slug, o.token, { title: `during outage ${i}` }));
    expect(await d1Cases(o.org.org_id)).toHaveLength(0);
    const during = (await api("GET", `/v1/orgs/${o.slug}/_state`)).body;
    expect(during.cases.map((c: { id: string }) => c.id).sort()).toEqual(created.map((c) => c.case_id).sort());
    expect(during.outbox).toBeGreaterThan(0);
    // The alarm's retry meets the same outage and keeps every row.
    await runDurableObjectAlarm(orgStub(o.org.org_id));
    expect((await api("GET", `/v1/orgs/${o.slug}/_state`)).body.outbox).toBeGreaterThanOrEqual(during.outbox);

    expect((await api("POST", `/v1/orgs/${o.slug}/_faults`, { body: { kind: "d1_down", ms: 0 } })).status).toBe(200);
    await runDurableObjectAlarm(orgStub(o.org.org_id));
    const after = (await api("GET", `/v1/orgs/${o.slug}/_state`)).body;
    expect(after.outbox).toBe(0);
    const rows = await d1Cases(o.org.org_id);
    expect(rows.map((r) => [r.case_id, r.version]).sort()).toEqual(after.cases.map((c: { id: string; version: number }) => [c.id, c.version]).sort());
    const audit = await auditOf(o.slug, ADMIN);
    expect(audit).toHaveLength(after.audit_events);
    expect(after.audit_events - before.audit_events).toBe(3);
    expect(
      audit
        .filter((e) => e.action === "case.created")
        .map((e) => e.entity_id)
        .sort(),
    ).toEqual(created.map((c) => c.case_id).sort());
  });

  it("a reset forgets nothing committed: the next call gets a fresh object with the same state", async () => {
    const o = await createOrg();
    const c = await newCase(o.slug, o.token);
    expect((await api("POST", `/v1/orgs/${o.slug}/_faults`, { body: { kind: "reset" } })).status).toBe(200);
    const state = (await api("GET", `/v1/orgs/${o.slug}/_state`)).body;
    expect(state.cases).toEqual([expect.objectContaining({ id: c.case_id, version: 1, status: c.status, escalation_level: 0 })]);
    expect((await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token })).status).toBe(200);
  });

  it("a reset in the middle of an alarm run: the retry fires what is left, and each task escalates exactly once", async () => {
    const o = await createOrg({
      profile_yaml: `
name: ladder
extends: retail_ops
reactivity: { critical: PT1H, high: PT2H, medium: PT4H, low: P1D }
reactivity_mode: { critical: wall, high: wall, medium: wall, low: wall }
escalation: { step: PT30M, repeat_at_top: PT45M }
`,
    });
    const stub = orgStub(o.org.org_id);
    await withoutDailyRound(stub);
    const c = await newCase(o.slug, o.token, { severity: "low" });
    const tasks = [];
    for (let i = 0; i < 4; i++) tasks.push(await newTask(o.slug, o.token, c.case_id, { title: `task ${i}`, severity: "critical" }));
    expect((await api("POST", `/v1/orgs/${o.slug}/_faults`, { body: { kind: "reset_in_alarm", after_timers: 2 } })).status).toBe(200);

    // Past every task's deadline and short of its next step (the case's own deadline is a day away).
    const at = Date.parse(tasks[3].reactivity_deadline) + 60_000;
    // A stub that saw its object aborted stays broken: each step takes a fresh one, as the Worker does per request.
    const moveClock = () =>
      runInDurableObject(orgStub(o.org.org_id), (instance) => {
        instance.clockOffsetMs = at - Date.now();
      });
    await moveClock();
    await expect(runDurableObjectAlarm(stub)).rejects.toThrow();
    const levels = async () => (await api("GET", `/v1/orgs/${o.slug}/_state`)).body.tasks.map((t: { escalation_level: number }) => t.escalation_level).sort();
    // What the aborted run wrote either became durable or is redone by the retry: never more than one step.
    for (const level of await levels()) expect([0, 1]).toContain(level);

    // The fresh instance runs on real time again: its clock is moved as before and the alarm retried.
    await moveClock();
    await runDurableObjectAlarm(orgStub(o.org.org_id));
    expect(await levels()).toEqual([1, 1, 1, 1]);
    for (const t of tasks) expect((await auditOf(o.slug, ADMIN, t.task_id)).filter((e) => e.action === "task.escalated")).toHaveLength(1);
  });
});
