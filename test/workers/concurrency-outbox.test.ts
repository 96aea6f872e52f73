/**
 * Consistency: concurrent commands on one record, the audit log holding
 * exactly one event per change, and the Durable Object's outbox keeping D1
 * exact under slow writes and duplicate replays (contract: Tasks "of
 * concurrent transitions exactly one wins", Audit, "Versions and status").
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import * as schema from "../../d1/schema";
import { ADMIN, allPages, api, auditOf, createOrg, expectProblem, newCase, newTask, orgStub, transition, uniqueSlug } from "./helpers";

const db = () => drizzle(env.DB, { schema });

async function d1Cases(orgId: string) {
  return db().select().from(schema.cases).where(eq(schema.cases.org_id, orgId)).all();
}
async function d1Audit(orgId: string) {
  return db().select().from(schema.audit_events).where(eq(schema.audit_events.org_id, orgId)).all();
}

describe("concurrency", () => {
  it("50 concurrent pending→in_progress transitions of one task: exactly one 200, the rest 409/422, version bumped once", async () => {
    const o = await createOrg();
    const c = await newCase(o.slug, o.token);
    const t = await newTask(o.slug, o.token, c.case_id);
    expect(t.version).toBe(1);

    const replies = await Promise.all(Array.from({ length: 50 }, () => transition(o.slug, o.token, t.task_id, { to: "in_progress" })));
    const ok = replies.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(ok[0]!.body).toMatchObject({ status: "in_progress", version: 2 });
    for (const r of replies.filter((x) => x.status !== 200)) {
      expect([409, 422]).toContain(r.status);
      expectProblem(r, r.status);
    }

    const after = await api("GET", `/v1/orgs/${o.slug}/tasks/${t.task_id}`, { token: o.token });
    expect(after.body).toMatchObject({ status: "in_progress", version: t.version + 1 });
    expect(after.body.reacted_at).toBe(ok[0]!.body.reacted_at);
    const taskEvents = await auditOf(o.slug, o.token, t.task_id);
    expect(taskEvents.filter((e) => e.action === "task.transitioned")).toHaveLength(1);
    expect(taskEvents).toHaveLength(2);
    // The case moved once too.
    const caseRead = await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token });
    expect(caseRead.body).toMatchObject({ status: "in_progress", version: 2 });
    const caseEvents = await auditOf(o.slug, o.token, c.case_id);
    expect(caseEvents.map((e) => e.action)).toEqual(["case.status_changed", "case.created"]);
  });

  it("50 concurrent transitions all sending expected_version 1: one 200, forty-nine 409", async () => {
    const o = await createOrg();
    const c = await newCase(o.slug, o.token);
    const t = await newTask(o.slug, o.token, c.case_id);
    const replies = await Promise.all(Array.from({ length: 50 }, () => transition(o.slug, o.token, t.task_id, { to: "in_progress", expected_version: 1 })));
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    const conflicts = replies.filter((r) => r.status === 409);
    expect(conflicts).toHaveLength(49);
    for (const r of conflicts) expectProblem(r, 409, "version-conflict");
    expect((await api("GET", `/v1/orgs/${o.slug}/tasks/${t.task_id}`, { token: o.token })).body.version).toBe(2);
    expect((await auditOf(o.slug, o.token, t.task_id)).filter((e) => e.action === "task.transitioned")).toHaveLength(1);
  });

  it("concurrent completion and cancellation of one in-progress task: exactly one wins", async () => {
    const o = await createOrg();
    const c = await newCase(o.slug, o.token);
    const t = await newTask(o.slug, o.token, c.case_id);
    expect((await transition(o.slug, o.token, t.task_id, { to: "in_progress" })).status).toBe(200);
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => transition(o.slug, o.token, t.task_id, { to: i % 2 === 0 ? "completed" : "cancelled" })),
    );
    const ok = replies.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    for (const r of replies.filter((x) => x.status !== 200)) expect(r.status).toBe(422);
    const after = await api("GET", `/v1/orgs/${o.slug}/tasks/${t.task_id}`, { token: o.token });
    expect(after.body).toMatchObject({ status: ok[0]!.body.status, version: 3 });
  });

  it("20 concurrent PATCHes with the same If-Match: one 200, the rest 409, version 2", async () => {
    const o = await createOrg();
    const c = await newCase(o.slug, o.token);
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api("PATCH", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token, body: { title: `writer ${i}` }, headers: { "if-match": "1" } }),
      ),
    );
    const ok = replies.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(replies.filter((r) => r.status === 409)).toHaveLength(19);
    const read = await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token });
    expect(read.body).toMatchObject({ version: 2, title: ok[0]!.body.title });
    expect((await auditOf(o.slug, o.token, c.case_id)).filter((e) => e.action === "case.updated")).toHaveLength(1);
  });

  it("10 concurrent creations of one slug: exactly one 201, the rest 409", async () => {
    const slug = uniqueSlug("race");
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) => api("POST", "/v1/orgs", { token: ADMIN, body: { slug, name: `Racer ${i}`, profile: "retail_ops" } })),
    );
    const ok = replies.filter((r) => r.status === 201);
    expect(ok).toHaveLength(1);
    for (const r of replies.filter((x) => x.status !== 201)) expectProblem(r, 409);
    const read = await api("GET", `/v1/orgs/${slug}`, { token: ok[0]!.body.token });
    expect(read.body.org_id).toBe(ok[0]!.body.org.org_id);
    const rows = await db().select().from(schema.orgs).where(eq(schema.orgs.slug, slug)).all();
    expect(rows).toHaveLength(1);
  });

  it("20 concurrent task creations on one case: all 201, distinct, all listed", async () => {
    const o = await createOrg();
    const c = await newCase(o.slug, o.token);
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => api("POST", `/v1/orgs/${o.slug}/cases/${c.case_id}/tasks`, { token: o.token, body: { title: `t${i}` } })),
    );
    expect(replies.every((r) => r.status === 201)).toBe(true);
    const ids = new Set(replies.map((r) => r.body.task_id));
    expect(ids.size).toBe(20);
    const listed = await api("GET", `/v1/orgs/${o.slug}/tasks?case_id=${c.case_id}&limit=200`, { token: o.token });
    expect(new Set(listed.body.items.map((t: { task_id: string }) => t.task_id))).toEqual(ids);
  });
});

describe("outbox to D1", () => {
  it("with a slow D1 (sinkDelayMs = 30), 20 concurrent case creations land in D1 exactly once, and a duplicate replay changes nothing", async () => {
    const o = await createOrg();
    const stub = orgStub(o.org.org_id);
    await runInDurableObject(stub, (instance) => {
      instance.sinkDelayMs = 30;
    });

    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api("POST", `/v1/orgs/${o.slug}/cases`, { token: o.token, body: { title: `slow ${i}`, label: "1001.91.Operations", severity: "high" } }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(201));
    const created = replies.map((r) => r.body as { case_id: string; version: number; title: string });
    expect(new Set(created.map((c) => c.case_id)).size).toBe(20);
    // Still slow: the hook was in effect for these writes.
    expect(await runInDurableObject(stub, (instance) => instance.sinkDelayMs)).toBe(30);

    // Each client reads its own write at once.
    for (const c of created) {
      const read = await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token });
      expect(read.status).toBe(200);
      expect(read.body.version).toBe(1);
    }

    let rows = await d1Cases(o.org.org_id);
    expect(rows).toHaveLength(20);
    expect(new Set(rows.map((r) => r.case_id))).toEqual(new Set(created.map((c) => c.case_id)));
    for (const r of rows) expect(r.version).toBe(1);
    expect(new Set(rows.map((r) => r.seq)).size).toBe(20);
    const auditBefore = await d1Audit(o.org.org_id);
    expect(auditBefore.filter((e) => e.action === "case.created")).toHaveLength(20);

    // One case moves on to version 2.
    const target = created[7]!;
    const patched = await api("PATCH", `/v1/orgs/${o.slug}/cases/${target.case_id}`, {
      token: o.token,
      body: { title: "patched" },
      headers: { "if-match": "1" },
    });
    expect(patched.status).toBe(200);
    const v1Rows = rows;
    rows = await d1Cases(o.org.org_id);
    const auditAfterPatch = await d1Audit(o.org.org_id);
    expect(rows.find((r) => r.case_id === target.case_id)).toMatchObject({ version: 2, title: "patched" });

    // Replay: every v1 case row (stale for the patched one) and every audit row, queued again in the object's outbox.
    const queued = await runInDurableObject(stub, (instance, state) => {
      for (const row of v1Rows) state.storage.sql.exec("INSERT INTO outbox (kind, payload) VALUES (?, ?)", "case", JSON.stringify(row));
      for (const row of auditAfterPatch) state.storage.sql.exec("INSERT INTO outbox (kind, payload) VALUES (?, ?)", "audit", JSON.stringify(row));
      return instance.stats().outbox;
    });
    expect(queued).toBe(v1Rows.length + auditAfterPatch.length);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await runInDurableObject(stub, (instance) => instance.stats().outbox)).toBe(0);

    const replayed = await d1Cases(o.org.org_id);
    expect(replayed).toHaveLength(20);
    expect(replayed.find((r) => r.case_id === target.case_id)).toMatchObject({ version: 2, title: "patched" });
    for (const r of replayed.filter((x) => x.case_id !== target.case_id)) expect(r.version).toBe(1);
    const auditReplayed = await d1Audit(o.org.org_id);
    expect(auditReplayed).toHaveLength(auditAfterPatch.length);
    // And the API agrees.
    const listed = (await allPages(`/v1/orgs/${o.slug}/cases`, o.token, 200)).flat();
    expect(listed).toHaveLength(20);
    expect(listed.find((c: { case_id: string }) => c.case_id === target.case_id)).toMatchObject({ version: 2, title: "patched" });

    // Running the alarm again with nothing queued changes nothing either.
    await runDurableObjectAlarm(stub);
    expect(await d1Cases(o.org.org_id)).toHaveLength(20);
    expect(await d1Audit(o.org.org_id)).toHaveLength(auditAfterPatch.length);

    await runInDurableObject(stub, (instance) => {
      instance.sinkDelayMs = 0;
    });
  });

  it("the D1 copy of every record equals what the API answered", async () => {
    const o = await createOrg();
    const c = await newCase(o.slug, o.token, { tags: ["x"], metadata: { n: 1 }, location: { site: "S", area: "A" } });
    const t = await newTask(o.slug, o.token, c.case_id);
    const moved = await transition(o.slug, o.token, t.task_id, { to: "in_progress" });
    const caseRow = await db()
      .select()
      .from(schema.cases)
      .where(and(eq(schema.cases.org_id, o.org.org_id), eq(schema.cases.case_id, c.case_id)))
      .get();
    expect(caseRow).toMatchObject({ version: 2, status: "in_progress", tags: ["x"], metadata: { n: 1 }, site: "S", area: "A" });
    const taskRow = await db().select().from(schema.tasks).where(eq(schema.tasks.task_id, t.task_id)).get();
    expect(taskRow).toMatchObject({
      version: moved.body.version,
      status: "in_progress",
      reacted_at: moved.body.reacted_at,
      site: "S",
      case_id: c.case_id,
      org_id: o.org.org_id,
    });
  });
});

describe("audit log", () => {
  it("holds exactly one event per change after a known sequence of commands, newest first", async () => {
    const o = await createOrg();
    const before = (await auditOf(o.slug, o.token)).length;
    expect(before).toBeGreaterThan(0); // org.created, the admin, its token

    const c = await newCase(o.slug, o.token, { severity: "high" }); //               1 case.created (case v1)
    const a = await newTask(o.slug, o.token, c.case_id, { title: "A" }); //         2 task.created (A v1)
    const b = await newTask(o.slug, o.token, c.case_id, { title: "B" }); //         3 task.created (B v1)
    await transition(o.slug, o.token, a.task_id, { to: "in_progress" }); //         4 task.transitioned (A v2) + 5 case.status_changed (case v2)
    await transition(o.slug, o.token, a.task_id, { to: "completed" }); //           6 task.transitioned (A v3)
    await transition(o.slug, o.token, b.task_id, { to: "cancelled" }); //           7 task.transitioned (B v2) + 8 case.status_changed (case v3)
    await api("PATCH", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token, body: { title: "Done" }, headers: { "if-match": "3" } }); // 9 case.updated (case v4)
    // Rejected requests add nothing.
    await transition(o.slug, o.token, a.task_id, { to: "in_progress" });
    await api("PATCH", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token, body: { title: "Stale" }, headers: { "if-match": "1" } });
    await api("POST", `/v1/orgs/${o.slug}/cases`, { token: o.token, body: { title: "x", label: "1001.91.Nobody" } });

    const all = await auditOf(o.slug, o.token);
    expect(all.length - before).toBe(9);
    const mine = all.slice(0, 9);
    expect(mine.map((e) => [e.action, e.entity_id])).toEqual([
      ["case.updated", c.case_id],
      ["case.status_changed", c.case_id],
      ["task.transitioned", b.task_id],
      ["task.transitioned", a.task_id],
      ["case.status_changed", c.case_id],
      ["task.transitioned", a.task_id],
      ["task.created", b.task_id],
      ["task.created", a.task_id],
      ["case.created", c.case_id],
    ]);
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.at >= all[i]!.at).toBe(true);
    expect(new Set(all.map((e) => e.event_id)).size).toBe(all.length);

    // Per record: as many events as versions.
    const versions = new Map<string, number>([
      [c.case_id, (await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token })).body.version],
      [a.task_id, (await api("GET", `/v1/orgs/${o.slug}/tasks/${a.task_id}`, { token: o.token })).body.version],
      [b.task_id, (await api("GET", `/v1/orgs/${o.slug}/tasks/${b.task_id}`, { token: o.token })).body.version],
    ]);
    expect([...versions.values()]).toEqual([4, 3, 2]);
    for (const [id, version] of versions) expect((await auditOf(o.slug, o.token, id)).length, id).toBe(version);
  });

  it("events have the contract's shape, carry field changes and name the actor", async () => {
    const o = await createOrg();
    const c = await newCase(o.slug, o.token);
    await api("PATCH", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token, body: { title: "Renamed" } });
    await api("PATCH", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: ADMIN, body: { title: "By platform" } });
    const r = await api("GET", `/v1/orgs/${o.slug}/audit?entity_id=${c.case_id}`, { token: o.token });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(expect.arrayContaining(["items", "next_cursor"]));
    const [byAdmin, byOrg, created] = r.body.items;
    for (const e of r.body.items) {
      expect(Object.keys(e)).toEqual(expect.arrayContaining(["action", "actor", "at", "changes", "entity_id", "entity_type", "event_id"]));
      expect(e.entity_type).toBe("case");
      expect(e.entity_id).toBe(c.case_id);
    }
    expect(created.action).toBe("case.created");
    expect(byOrg.changes.title).toEqual({ from: c.title, to: "Renamed" });
    expect(byAdmin.changes.title).toEqual({ from: "Renamed", to: "By platform" });
    expect(byAdmin.actor).toBe("platform");
    expect(byOrg.actor).not.toBe("platform");
    expect(byOrg.actor).toBe(created.actor);
    expect(byOrg.actor.length).toBeGreaterThan(0);
  });

  it("filters by entity_id and pages with a cursor, every event exactly once", async () => {
    const o = await createOrg();
    const c = await newCase(o.slug, o.token);
    const t = await newTask(o.slug, o.token, c.case_id);
    await transition(o.slug, o.token, t.task_id, { to: "in_progress" });
    await transition(o.slug, o.token, t.task_id, { to: "completed" });
    const taskOnly = await api("GET", `/v1/orgs/${o.slug}/audit?entity_id=${t.task_id}`, { token: o.token });
    expect(taskOnly.body.items.map((e: { action: string }) => e.action)).toEqual(["task.transitioned", "task.transitioned", "task.created"]);
    for (const e of taskOnly.body.items) expect(e.entity_id).toBe(t.task_id);
    expect(taskOnly.body.items[0].changes.status).toEqual({ from: "in_progress", to: "completed" });

    const unpaged = (await api("GET", `/v1/orgs/${o.slug}/audit?limit=200`, { token: o.token })).body.items.map((e: { event_id: string }) => e.event_id);
    const pages = await allPages(`/v1/orgs/${o.slug}/audit`, o.token, 2);
    expect(pages.length).toBe(Math.ceil(unpaged.length / 2));
    expect(pages.flat().map((e: { event_id: string }) => e.event_id)).toEqual(unpaged);
    expect(await api("GET", `/v1/orgs/${o.slug}/audit?entity_id=${crypto.randomUUID()}`, { token: o.token })).toMatchObject({
      status: 200,
      body: { items: [], next_cursor: null },
    });
  });

  it("answers 422 for invalid query parameters", async () => {
    const o = await createOrg();
    for (const q of ["limit=0", "limit=1000", "cursor=@@", "action=case.created"]) {
      expectProblem(await api("GET", `/v1/orgs/${o.slug}/audit?${q}`, { token: o.token }), 422);
    }
  });
});
