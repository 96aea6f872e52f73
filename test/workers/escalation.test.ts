/**
 * The escalation ladder and the org object's timers, against the real Worker
 * and its Durable Object (contract: Escalation; "Escalation and visibility").
 *
 * Time: tests do not sleep until deadlines. `makeDue` moves the clock of the
 * chosen items forward from inside the object — it shifts their timers *and*
 * the reactivity deadlines stored on the records by the same amount, so the
 * item's deadline and its timer stay consistent — and `fire` then runs the
 * alarm the way the runtime would. The profile's windows are minutes or hours,
 * so the runtime's own alarm never fires a step behind a test's back; where a
 * test needs the object's own notion of time to pass, `runAlarmAt` moves its clock.
 */
import type { Timer as TimerRow } from "../../core/scheduling/timers";
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { OrgObject } from "../../durable-objects/org-object";
import { api, auditOf, createOrg, newCase, newTask, orgStub, runAlarmAt, transition, withoutDailyRound } from "./helpers";

const MIN = 60_000;
const STEP_MS = 30 * MIN;
const REPEAT_MS = 45 * MIN;

// retail_ops counts medium and low in business time; every severity counts wall time here.
const PROFILE = `
name: ladder
extends: retail_ops
reactivity: { critical: PT1H, high: PT2H, medium: PT4H, low: P1D }
reactivity_mode: { critical: wall, high: wall, medium: wall, low: wall }
escalation: { step: PT30M, repeat_at_top: PT45M }
`;

const LABEL = "1001.91.Operations.Maintenance";
const LADDER = [LABEL, "101.91.Operations.Maintenance", "11.91.Operations.Maintenance", "1.91.Operations.Maintenance"];

type Stub = DurableObjectStub<OrgObject>;

const iso = (ms: number) => new Date(ms).toISOString();

async function setup() {
  const org = await createOrg({ profile_yaml: PROFILE });
  const stub = orgStub(org.org.org_id as string);
  await withoutDailyRound(stub);
  return { ...org, orgId: org.org.org_id as string, stub };
}

/** A case whose own clock (low: one day) stays out of the way of its tasks'. */
function quietCase(slug: string, token: string, body: Record<string, unknown> = {}) {
  return newCase(slug, token, { title: "Freezer alarm", label: LABEL, severity: "low", ...body });
}

/** All timers; work in progress keeps a stale-reminder timer, which is not part of the escalation clock. */
function timersOf(stub: Stub, entityId?: string): Promise<TimerRow[]> {
  return runInDurableObject(
    stub,
    (_i, state) =>
      (entityId === undefined
        ? state.storage.sql.exec("SELECT * FROM timers ORDER BY due_at, timer_id")
        : state.storage.sql.exec("SELECT * FROM timers WHERE entity_id = ? ORDER BY due_at, timer_id", entityId)
      ).toArray() as unknown as TimerRow[],
  );
}

/** The task as the object itself holds it (before any D1 flush). */
function taskInObject(stub: Stub, taskId: string): Promise<{ escalation_level: number; version: number; label: string }> {
  return runInDurableObject(stub, (_i, state) =>
    JSON.parse(state.storage.sql.exec<{ data: string }>("SELECT data FROM tasks WHERE task_id = ?", taskId).one().data),
  );
}

/**
 * Moves the clock of `entityIds` forward until each one's earliest timer is due:
 * their timers' due_at and their records' reactivity_deadline go back by the
 * same amount. Returns each entity's earliest due_at after the shift.
 */
function makeDue(stub: Stub, entityIds: string[]): Promise<Record<string, number>> {
  return runInDurableObject(stub, (_i, state) => {
    const sql = state.storage.sql;
    const marks = entityIds.map(() => "?").join(", ");
    const firsts = sql
      .exec<{ entity_id: string; due: number }>(
        `SELECT entity_id, min(due_at) AS due FROM timers WHERE entity_id IN (${marks}) GROUP BY entity_id`,
        ...entityIds,
      )
      .toArray();
    if (firsts.length !== entityIds.length) throw new Error(`makeDue: ${entityIds.length - firsts.length} of the items have no timer`);
    const delta = Math.max(...firsts.map((f) => f.due)) - (Date.now() - 1);
    if (delta > 0) {
      state.storage.transactionSync(() => {
        sql.exec(`UPDATE timers SET due_at = due_at - ? WHERE entity_id IN (${marks})`, delta, ...entityIds);
        for (const [table, key] of [
          ["tasks", "task_id"],
          ["cases", "case_id"],
        ] as const) {
          for (const row of sql.exec<{ id: string; data: string }>(`SELECT ${key} AS id, data FROM ${table} WHERE ${key} IN (${marks})`, ...entityIds)) {
            const record = JSON.parse(row.data);
            if (!record.reactivity_deadline) continue;
            record.reactivity_deadline = new Date(Date.parse(record.reactivity_deadline) - delta).toISOString();
            sql.exec(`UPDATE ${table} SET data = ? WHERE ${key} = ?`, JSON.stringify(record), row.id);
          }
        }
      });
    }
    return Object.fromEntries(firsts.map((f) => [f.entity_id, f.due - Math.max(delta, 0)]));
  });
}

/**
 * Runs the org's alarm now, as the runtime would when it comes due. If the
 * runtime's own alarm is running at that moment (it took the alarm), the
 * handler is invoked directly; either way, when this returns the due timers
 * are handled and the outbox is flushed to D1.
 */
async function fire(stub: Stub): Promise<void> {
  if (!(await runDurableObjectAlarm(stub))) await runInDurableObject(stub, (instance: OrgObject) => instance.alarm());
}

const escalationsOf = async (slug: string, token: string, entityId: string, action = "task.escalated") =>
  (await auditOf(slug, token, entityId)).filter((e) => e.action === action).reverse();

async function getTask(slug: string, token: string, taskId: string) {
  const r = await api("GET", `/v1/orgs/${slug}/tasks/${taskId}`, { token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

async function getCase(slug: string, token: string, caseId: string) {
  const r = await api("GET", `/v1/orgs/${slug}/cases/${caseId}`, { token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

/** Escalation notifications of one entity, from the D1 copy, oldest first. */
async function notificationsOf(orgId: string, entityId: string) {
  const { results } = await env.DB.prepare(
    "SELECT event, recipient, at FROM notifications WHERE org_id = ? AND entity_id = ? AND event LIKE 'escalation%' ORDER BY seq",
  )
    .bind(orgId, entityId)
    .all<{ event: string; recipient: string; at: string }>();
  return results;
}

describe("escalation ladder", () => {
  it("climbs 1001→101→11→1 one step per fired deadline, each step once, then only re-notifies", async () => {
    const { slug, token, orgId, stub } = await setup();
    const c = await quietCase(slug, token);
    const task = await newTask(slug, token, c.case_id, { title: "Move the stock", severity: "critical" });
    expect(task).toMatchObject({ status: "pending", label: LABEL, escalation_level: 0, version: 1, reactivity_time: "PT1H" });
    expect(Date.parse(task.reactivity_deadline) - Date.parse(task.created_at)).toBe(60 * MIN);
    // One pending timer for the task, armed for step 0 at its deadline.
    expect(await timersOf(stub, task.task_id)).toMatchObject([{ kind: "escalation", step: 0, due_at: Date.parse(task.reactivity_deadline) }]);

    for (let level = 1; level <= 3; level++) {
      const due = (await makeDue(stub, [task.task_id]))[task.task_id]!;
      await fire(stub);

      const t = await getTask(slug, token, task.task_id);
      expect(t).toMatchObject({ status: "pending", escalation_level: level, label: LADDER[level], version: 1 + level });
      // The next deadline chains from the previous one, not from when the alarm ran.
      expect(t.reactivity_deadline).toBe(iso(due + STEP_MS));
      expect(await timersOf(stub, task.task_id)).toMatchObject([{ kind: "escalation", step: level, due_at: due + STEP_MS }]);

      const events = await escalationsOf(slug, token, task.task_id);
      expect(events).toHaveLength(level);
      expect(events[level - 1]!).toMatchObject({
        actor: "system",
        entity_type: "task",
        changes: {
          label: { from: LADDER[level - 1], to: LADDER[level] },
          escalation_level: { from: level - 1, to: level },
          reactivity_deadline: { to: iso(due + STEP_MS) },
        },
      });

      // The case follows: never below its tasks'.
      const kase = await getCase(slug, token, c.case_id);
      expect(kase.escalation_level).toBe(level);
      expect(kase.version).toBe(1 + level);
      expect(kase.tasks.find((x: { task_id: string }) => x.task_id === task.task_id)).toMatchObject({ escalation_level: level });

      // The next level is notified of every step (one round of notifications per step, whatever the channels).
      const rounds = new Set((await notificationsOf(orgId, task.task_id)).filter((n) => n.event === "escalation").map((n) => n.at));
      expect(rounds.size).toBe(level);

      // Running the alarm again before the next deadline changes nothing.
      await fire(stub);
      expect(await getTask(slug, token, task.task_id)).toMatchObject({ escalation_level: level, version: 1 + level });
      expect(await escalationsOf(slug, token, task.task_id)).toHaveLength(level);
    }

    // At BASE 1 the level stays; each further deadline is a notification, repeated every repeat_at_top.
    for (let repeat = 1; repeat <= 2; repeat++) {
      const before = (await notificationsOf(orgId, task.task_id)).length;
      const due = (await makeDue(stub, [task.task_id]))[task.task_id]!;
      await fire(stub);
      await fire(stub);
      expect(await getTask(slug, token, task.task_id)).toMatchObject({ escalation_level: 3, label: LADDER[3], version: 4, status: "pending" });
      expect(await escalationsOf(slug, token, task.task_id)).toHaveLength(3);
      expect(await timersOf(stub, task.task_id)).toMatchObject([{ kind: "escalation", step: 3, due_at: due + REPEAT_MS }]);
      const after = await notificationsOf(orgId, task.task_id);
      expect(after.length, "a top-level deadline notifies").toBeGreaterThan(before);
      const fresh = after.slice(before);
      // One firing, one notification round (all stamped with the firing's instant).
      expect(new Set(fresh.map((n) => n.at)).size).toBe(1);
      expect((await getCase(slug, token, c.case_id)).escalation_level).toBe(3);
    }

    // The timeline tells the story in order.
    const tl = await api("GET", `/v1/orgs/${slug}/cases/${c.case_id}/timeline`, { token });
    expect(tl.status).toBe(200);
    const steps = tl.body.items.filter((i: { action: string; entity_id: string }) => i.action === "task.escalated" && i.entity_id === task.task_id);
    expect(steps.map((s: { details: { label: { to: string } } }) => s.details.label.to)).toEqual(LADDER.slice(1));
    const times = tl.body.items.map((i: { at: string }) => i.at);
    expect(times).toEqual([...times].sort());

    const raised = await escalationsOf(slug, token, c.case_id, "case.escalation_raised");
    expect(raised.map((e) => (e.changes as { escalation_level: { to: number } }).escalation_level.to)).toEqual([1, 2, 3]);
  });

  it("escalates by its alarm alone once the object's clock passes the deadline, with no request in between", async () => {
    const { slug, token, stub } = await setup();
    const c = await quietCase(slug, token);
    const task = await newTask(slug, token, c.case_id, { title: "Check the freezer", severity: "critical", reactivity_time: "PT1S" });
    const deadline = Date.parse(task.reactivity_deadline);
    expect(deadline - Date.parse(task.created_at)).toBe(1_000);
    await runAlarmAt(stub, deadline + 100);
    const t = await getTask(slug, token, task.task_id);
    expect(t).toMatchObject({ escalation_level: 1, label: LADDER[1], version: 2, reactivity_deadline: iso(deadline + STEP_MS) });
    const [event] = await escalationsOf(slug, token, task.task_id);
    expect(Date.parse(event!.at)).toBeGreaterThanOrEqual(deadline);
  });

  it("runs on a seconds-scale profile (critical PT2S, steps PT2S)", async () => {
    const FAST = `
name: fast
extends: retail_ops
reactivity: { critical: PT2S, high: PT1H, medium: PT4H, low: P1D }
reactivity_mode: { critical: wall, high: wall, medium: wall, low: wall }
escalation: { step: PT2S, repeat_at_top: PT3S }
`;
    const org = await createOrg({ profile_yaml: FAST });
    const { slug, token } = org;
    const stub = orgStub(org.org.org_id);
    const c = await quietCase(slug, token);
    const task = await newTask(slug, token, c.case_id, { title: "Evacuate", severity: "critical" });
    expect(task.reactivity_time).toBe("PT2S");
    expect(Date.parse(task.reactivity_deadline) - Date.parse(task.created_at)).toBe(2_000);
    const due = (await makeDue(stub, [task.task_id]))[task.task_id]!;
    await fire(stub);
    // The runtime's own alarm may take the next step two seconds later: assert on the first step's record.
    const [first] = await escalationsOf(slug, token, task.task_id);
    expect(first!.changes).toMatchObject({
      label: { from: LABEL, to: LADDER[1] },
      escalation_level: { from: 0, to: 1 },
      reactivity_deadline: { to: iso(due + 2_000) },
    });
    // Reacting stops the clock (and keeps the ladder from running on in the background).
    expect((await transition(slug, token, task.task_id, { to: "in_progress" })).status).toBe(200);
    expect((await timersOf(stub, task.task_id)).filter((t) => t.kind === "escalation")).toEqual([]);
  });

  it("escalates an open case that nobody started, like a task", async () => {
    const { slug, token, stub } = await setup();
    const c = await newCase(slug, token, { title: "Smoke in the stockroom", label: "1001.91.Operations.Safety", severity: "critical" });
    expect(c).toMatchObject({ status: "open", escalation_level: 0, version: 1 });
    const due = (await makeDue(stub, [c.case_id]))[c.case_id]!;
    await fire(stub);
    await fire(stub);
    const kase = await getCase(slug, token, c.case_id);
    expect(kase).toMatchObject({ escalation_level: 1, label: "101.91.Operations.Safety", version: 2, reactivity_deadline: iso(due + STEP_MS) });
    expect(await escalationsOf(slug, token, c.case_id, "case.escalated")).toHaveLength(1);
  });
});

describe("reacting stops the clock", () => {
  it("a task moved to in_progress before its deadline never escalates; cancelling drops timers too", async () => {
    const { slug, token, stub } = await setup();
    const c = await quietCase(slug, token);
    const task = await newTask(slug, token, c.case_id, { title: "Move the stock", severity: "critical" });
    expect(await timersOf(stub, task.task_id)).toHaveLength(1);
    expect(await runInDurableObject(stub, (i) => i.stats().timers)).toBe(2); // the case's and the task's

    const moved = await transition(slug, token, task.task_id, { to: "in_progress" });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.reacted_at).not.toBeNull();
    expect((await timersOf(stub, task.task_id)).filter((t) => t.kind === "escalation")).toEqual([]);
    // The case left `open` with it, so the only timer left is the task's stale reminder (retail_ops: stale_after P1D).
    const left = await timersOf(stub);
    expect(left).toMatchObject([{ kind: "stale", entity_id: task.task_id, step: 0 }]);
    expect(left[0]!.due_at - Date.parse(moved.body.updated_at)).toBe(86_400_000);

    // The deadline passes: an alarm (even a late delivery of the task's old timer) changes nothing.
    await runInDurableObject(stub, (_i, state) =>
      state.storage.sql.exec(
        "INSERT INTO timers (timer_id, due_at, kind, entity_type, entity_id, step) VALUES (?, ?, 'escalation', 'task', ?, 0)",
        `escalation:${task.task_id}:0`,
        Date.now() - 1,
        task.task_id,
      ),
    );
    await fire(stub);
    await fire(stub);
    expect(await getTask(slug, token, task.task_id)).toMatchObject({ status: "in_progress", escalation_level: 0, label: LABEL, version: 2 });
    expect(await escalationsOf(slug, token, task.task_id)).toEqual([]);
    expect((await timersOf(stub)).filter((t) => t.kind === "escalation")).toEqual([]);
    expect((await getCase(slug, token, c.case_id)).escalation_level).toBe(0);

    // A cancelled task drops its timers as well.
    const other = await newTask(slug, token, c.case_id, { title: "Call the technician", severity: "critical" });
    expect(await timersOf(stub, other.task_id)).toHaveLength(1);
    expect((await transition(slug, token, other.task_id, { to: "cancelled" })).status).toBe(200);
    expect(await timersOf(stub, other.task_id)).toEqual([]);
  });
});

describe("timers", () => {
  it("always arms the single alarm at the earliest pending timer", async () => {
    const { slug, token, stub } = await setup();
    const c = await quietCase(slug, token);
    const late = await newTask(slug, token, c.case_id, { title: "Three hours", reactivity_time: "PT3H" });
    const first = await newTask(slug, token, c.case_id, { title: "One hour", reactivity_time: "PT1H" });
    const second = await newTask(slug, token, c.case_id, { title: "Two hours", reactivity_time: "PT2H" });
    expect(late.task_id).toBeTruthy();
    await fire(stub); // the outbox is drained, so the alarm answers to the timers alone
    const armed = () => runInDurableObject(stub, async (i, state) => ({ alarm: await state.storage.getAlarm(), next: i.stats().next_timer_at }));
    expect(await armed()).toEqual({ alarm: Date.parse(first.reactivity_deadline), next: Date.parse(first.reactivity_deadline) });

    expect((await transition(slug, token, first.task_id, { to: "in_progress" })).status).toBe(200);
    await fire(stub);
    expect(await armed()).toEqual({ alarm: Date.parse(second.reactivity_deadline), next: Date.parse(second.reactivity_deadline) });
  });

  it("at-least-once: the same due timer handled twice escalates once", async () => {
    const { slug, token, stub } = await setup();
    const c = await quietCase(slug, token);
    const task = await newTask(slug, token, c.case_id, { title: "Move the stock", severity: "critical" });
    await makeDue(stub, [task.task_id]);
    const [delivered] = await timersOf(stub, task.task_id);
    expect(delivered).toMatchObject({ step: 0 });

    await fire(stub);
    await fire(stub);
    // The same delivery replayed: the handled timer comes back, and two handlers race for it.
    await runInDurableObject(stub, (_i, state) =>
      state.storage.sql.exec(
        "INSERT OR REPLACE INTO timers (timer_id, due_at, kind, entity_type, entity_id, step) VALUES (?, ?, ?, ?, ?, ?)",
        delivered!.timer_id,
        delivered!.due_at,
        delivered!.kind,
        delivered!.entity_type,
        delivered!.entity_id,
        delivered!.step,
      ),
    );
    await Promise.all([runInDurableObject(stub, (i) => i.alarm()), runInDurableObject(stub, (i) => i.alarm())]);
    await fire(stub);

    expect(await getTask(slug, token, task.task_id)).toMatchObject({ escalation_level: 1, label: LADDER[1], version: 2 });
    expect(await escalationsOf(slug, token, task.task_id)).toHaveLength(1);
    expect(await escalationsOf(slug, token, c.case_id, "case.escalation_raised")).toHaveLength(1);
    expect((await getCase(slug, token, c.case_id)).version).toBe(2);
    expect(await timersOf(stub, task.task_id)).toMatchObject([{ step: 1 }]);
  });

  it("an alarm that throws midway and is retried escalates each task once", async () => {
    const { slug, token, stub } = await setup();
    const c = await quietCase(slug, token);
    const a = await newTask(slug, token, c.case_id, { title: "First", severity: "critical" });
    const b = await newTask(slug, token, c.case_id, { title: "Second", severity: "critical" });
    await fire(stub); // drain the outbox: the alarm now waits for the tasks' deadlines, an hour away

    // Both deadlines pass, and the next alarm will fail after handling one timer.
    await makeDue(stub, [a.task_id, b.task_id]);
    await runInDurableObject(stub, (instance) => {
      instance.failAlarmAfterTimers = 1;
    });

    await expect(runDurableObjectAlarm(stub)).rejects.toThrow(/injected alarm failure/);
    const mid = [await taskInObject(stub, a.task_id), await taskInObject(stub, b.task_id)];
    // The first timer's transaction committed; the second is still due.
    expect(mid.map((t) => t.escalation_level).sort()).toEqual([0, 1]);
    const pending = mid[0]!.escalation_level === 0 ? a : b;
    expect(await timersOf(stub, pending.task_id)).toMatchObject([{ step: 0 }]);

    // The runtime retries a failed alarm.
    await runInDurableObject(stub, (_i, state) => state.storage.setAlarm(Date.now()));
    await fire(stub);
    await fire(stub);

    for (const t of [a, b]) {
      expect(await getTask(slug, token, t.task_id)).toMatchObject({ escalation_level: 1, label: LADDER[1], version: 2 });
      expect(await escalationsOf(slug, token, t.task_id)).toHaveLength(1);
      expect(await timersOf(stub, t.task_id)).toMatchObject([{ step: 1 }]);
    }
    expect(await runInDurableObject(stub, (i) => i.failAlarmAfterTimers)).toBeNull();
  });

  it("the schedule survives the object being reset", async () => {
    const { slug, token, orgId, stub } = await setup();
    const c = await quietCase(slug, token);
    const task = await newTask(slug, token, c.case_id, { title: "Move the stock", severity: "critical" });
    await fire(stub);
    const before = await timersOf(stub);
    expect(before.length).toBe(2);
    const alarmBefore = await runInDurableObject(stub, async (instance, state) => {
      (instance as unknown as { marker?: string }).marker = "old instance";
      return state.storage.getAlarm();
    });
    expect(alarmBefore).toBe(before[0]!.due_at);

    await abortAllDurableObjects();
    let fresh = orgStub(orgId);
    expect(await runInDurableObject(fresh, (instance) => (instance as unknown as { marker?: string }).marker)).toBeUndefined();
    expect(await timersOf(fresh)).toEqual(before);
    expect(await runInDurableObject(fresh, (_i, state) => state.storage.getAlarm())).toBe(alarmBefore);

    const due = (await makeDue(fresh, [task.task_id]))[task.task_id]!;
    await fire(fresh);
    expect(await getTask(slug, token, task.task_id)).toMatchObject({
      escalation_level: 1,
      label: LADDER[1],
      version: 2,
      reactivity_deadline: iso(due + STEP_MS),
    });

    // The alarm itself lost across a restart: the new instance re-arms from its stored schedule.
    await runInDurableObject(fresh, (_i, state) => state.storage.deleteAlarm());
    await abortAllDurableObjects();
    fresh = orgStub(orgId);
    const earliest = (await timersOf(fresh))[0]!.due_at;
    expect(await runInDurableObject(fresh, (_i, state) => state.storage.getAlarm())).toBe(earliest);

    // And the cron's heal() does the same for a live instance (and puts the organization's daily round back).
    await runInDurableObject(fresh, (_i, state) => state.storage.deleteAlarm());
    expect(await runInDurableObject(fresh, (i) => i.heal())).toMatchObject({ timers: 3, outbox: 0 });
    const withDaily = await timersOf(fresh);
    expect(withDaily.filter((t) => t.kind === "daily")).toHaveLength(1);
    expect(await runInDurableObject(fresh, (_i, state) => state.storage.getAlarm())).toBe(Math.min(earliest, ...withDaily.map((t) => t.due_at)));
    await withoutDailyRound(fresh);

    await makeDue(fresh, [task.task_id]);
    await fire(fresh);
    expect(await getTask(slug, token, task.task_id)).toMatchObject({ escalation_level: 2, label: LADDER[2], version: 3 });
    expect(await escalationsOf(slug, token, task.task_id)).toHaveLength(2);
  });
});
