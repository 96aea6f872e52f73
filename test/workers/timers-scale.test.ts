/**
 * 10,000 pending timers in one organization fire in deadline order, each
 * exactly once (issue 5, "Timers"). The tasks and their timers are written
 * straight into the org object's SQLite (as createTask would leave them,
 * without 10,000 requests); everything after that is the product: the alarm
 * handler drains the schedule in bounded runs, and the results are read back
 * through the API.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Task } from "../../core/model";
import { makeTimer } from "../../core/scheduling/timers";
import type { OrgObject } from "../../durable-objects/org-object";
import { api, auditOf, createOrg, newCase, orgStub, withoutDailyRound } from "./helpers";

const N = 10_000;
const HOUR = 3_600_000;

const PROFILE = `
name: scale
extends: retail_ops
reactivity: { critical: PT1H, high: PT2H, medium: PT4H, low: P1D }
reactivity_mode: { critical: wall, high: wall, medium: wall, low: wall }
escalation: { step: PT1H, repeat_at_top: PT1H }
`;

type Stub = DurableObjectStub<OrgObject>;

const dueCount = (stub: Stub) =>
  runInDurableObject(stub, (_i, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM timers WHERE due_at <= ?", Date.now()).one().n);

/** Runs the alarm now, or the handler directly if the runtime's own alarm run holds it at this moment. */
async function fire(stub: Stub): Promise<void> {
  if (!(await runDurableObjectAlarm(stub))) await runInDurableObject(stub, (instance: OrgObject) => instance.alarm());
}

/** Deterministic shuffle (mulberry32), so a failure reproduces. */
function shuffled(n: number, seed = 0x5eed): number[] {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

describe("timers at scale", () => {
  it("10,000 pending timers fire in deadline order, each exactly once", async () => {
    const { slug, token, org } = await createOrg({ profile_yaml: PROFILE });
    const stub = orgStub(org.org_id);
    await withoutDailyRound(stub);
    const c = await newCase(slug, token, { title: "Stocktake", label: "1001.14.Operations", severity: "low" });
    // Drain the outbox first: the alarm then waits for the case's deadline, a day away, and
    // cannot start on the seeded timers before the test runs it.
    await fire(stub);

    // 10,000 pending critical tasks whose deadlines passed in the last half hour, in shuffled
    // order, pairs sharing a deadline (ties fire in timer_id order).
    const order = shuffled(N);
    const seeded = await runInDurableObject(stub, (instance, state) => {
      const sql = state.storage.sql;
      const now = Date.now();
      const base = now - 30 * 60_000;
      const role = sql.exec<{ role_id: string }>("SELECT role_id FROM roles WHERE name = 'Operations'").one().role_id;
      const lastSeq = sql
        .exec<{ value: number }>(
          "INSERT INTO counters (name, value) VALUES ('records', ?) ON CONFLICT (name) DO UPDATE SET value = value + ? RETURNING value",
          N,
          N,
        )
        .one().value;
      // The test reaches past the RPC surface into the object's own store on purpose.
      // biome-ignore lint/complexity/useLiteralKeys: `store` is private; only an index access may read it.
      const store = instance["store"];
      const timers: { timer_id: string; task_id: string; due_at: number }[] = [];
      state.storage.transactionSync(() => {
        for (let i = 0; i < N; i++) {
          const due = base + Math.floor(order[i]! / 2) * 7;
          const created = new Date(due - HOUR).toISOString();
          const task: Task = {
            task_id: crypto.randomUUID(),
            case_id: c.case_id,
            title: `Count aisle ${i}`,
            type: null,
            subtype: null,
            status: "pending",
            label: "1001.14.Operations",
            owner_role_id: role,
            owner_role: "Operations",
            severity: "critical",
            reactivity_time: "PT1H",
            reactivity_deadline: new Date(due).toISOString(),
            reacted_at: null,
            due_at: null,
            escalation_level: 0,
            created_by: null,
            created_at: created,
            updated_at: created,
            version: 1,
            profile_version: 1,
          };
          sql.exec(
            "INSERT INTO tasks (task_id, case_id, seq, status, data) VALUES (?, ?, ?, ?, ?)",
            task.task_id,
            task.case_id,
            lastSeq - N + 1 + i,
            task.status,
            JSON.stringify(task),
          );
          const timer = makeTimer("escalation", "task", task.task_id, due, 0);
          store.setTimer(timer);
          timers.push({ timer_id: timer.timer_id, task_id: task.task_id, due_at: due });
        }
      });
      return timers;
    });
    expect(seeded).toHaveLength(N);
    expect(await runInDurableObject(stub, (i) => i.stats().timers)).toBe(N + 1); // and the case's own
    expect(await dueCount(stub)).toBe(N);

    // The order the contract asks for: by deadline, ties by timer id.
    const expected = [...seeded].sort((a, b) => a.due_at - b.due_at || (a.timer_id < b.timer_id ? -1 : a.timer_id > b.timer_id ? 1 : 0)).map((t) => t.task_id);
    const dueOf = new Map(seeded.map((t) => [t.task_id, t.due_at]));

    const started = Date.now();
    const runs: number[] = [];
    while ((await dueCount(stub)) > 0) {
      const t0 = Date.now();
      await fire(stub);
      runs.push(Date.now() - t0);
      if (runs.length > 50) throw new Error("the schedule does not drain");
    }
    await fire(stub); // once more: nothing is due, nothing may change
    const elapsed = Date.now() - started;

    // Exactly once, in order: the audit log (read through the API, newest first) holds one
    // task.escalated per task, and its order is the deadline order.
    const escalated = (await auditOf(slug, token)).filter((e) => e.action === "task.escalated").reverse();
    console.log(JSON.stringify({ msg: "timers-scale", timers: N, run_ms: runs, drain_ms: elapsed, audit_read_ms: Date.now() - started - elapsed }));
    expect(escalated).toHaveLength(N);
    const ids = escalated.map((e) => e.entity_id);
    expect(new Set(ids).size).toBe(N);
    expect(ids).toEqual(expected);
    for (const e of escalated) {
      const changes = e.changes as { escalation_level: { from: number; to: number }; reactivity_deadline: { from: string; to: string } };
      const due = dueOf.get(e.entity_id)!;
      if (changes.escalation_level.from !== 0 || changes.escalation_level.to !== 1) throw new Error(`bad step for ${e.entity_id}`);
      if (changes.reactivity_deadline.from !== new Date(due).toISOString()) throw new Error(`wrong deadline for ${e.entity_id}`);
      if (changes.reactivity_deadline.to !== new Date(due + HOUR).toISOString()) throw new Error(`next deadline not chained for ${e.entity_id}`);
    }

    // Every task climbed one level (version 2), every timer is re-armed for the next step, nothing is left to flush.
    const state = await runInDurableObject(stub, (instance, st) => {
      const sql = st.storage.sql;
      return {
        stats: instance.stats(),
        atLevel1: sql
          .exec<{ n: number }>(
            "SELECT count(*) AS n FROM tasks WHERE json_extract(data, '$.escalation_level') = 1 AND json_extract(data, '$.version') = 2 AND json_extract(data, '$.label') = '101.14.Operations'",
          )
          .one().n,
        step1: sql.exec<{ n: number }>("SELECT count(*) AS n FROM timers WHERE entity_type = 'task' AND step = 1").one().n,
        stale: sql.exec<{ n: number }>("SELECT count(*) AS n FROM timers WHERE entity_type = 'task' AND step <> 1").one().n,
      };
    });
    expect(state).toMatchObject({ atLevel1: N, step1: N, stale: 0, stats: { timers: N + 1, outbox: 0 } });

    // Spot checks through the API.
    for (const taskId of [expected[0]!, expected[N / 2]!, expected[N - 1]!]) {
      const t = await api("GET", `/v1/orgs/${slug}/tasks/${taskId}`, { token });
      expect(t.status).toBe(200);
      expect(t.body).toMatchObject({ escalation_level: 1, label: "101.14.Operations", version: 2 });
    }
    const kase = await api("GET", `/v1/orgs/${slug}/cases/${c.case_id}`, { token });
    expect(kase.body.escalation_level).toBe(1);

    // Leave no alarm behind.
    await runInDurableObject(stub, (_i, st) => st.storage.deleteAlarm());
  }, 90_000);
});
