/**
 * Retention (issue 5, section 5 and "Done when"): the daily cron purges, per
 * organization and in bounded batches, what the profile's retention allows —
 * audit events, signal bodies, closed cases — and records that it did. Items
 * older than the window are gone; newer ones are untouched.
 *
 * Data is made old by moving its timestamps back where they are kept: audit
 * events and signals in D1 (`at`, `received_at`), cases in the object's own
 * storage (`updated_at` inside `cases.data`, the source of truth).
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { RETENTION_BATCH, RETENTION_MAX_BATCHES } from "../../durable-objects/commands/retention";
import type { OrgObject, RetentionReport } from "../../durable-objects/org-object";
import { api, auditOf, createOrg, newCase, newTask, orgStub, runAlarmAt } from "./helpers";

type Stub = DurableObjectStub<OrgObject>;

const DAY = 86_400_000;
const AUDIT_DAYS = 30;
const BODY_DAYS = 10;
const CLOSED_DAYS = 60;

const PROFILE = `
name: retention_test
extends: base
retention: { audit: ${AUDIT_DAYS}, signal_bodies: ${BODY_DAYS}, closed_cases: ${CLOSED_DAYS} }
`;

const iso = (ms: number) => new Date(ms).toISOString();
const daysAgo = (days: number, now = Date.now()) => iso(now - days * DAY);

async function setup() {
  const org = await createOrg({ profile_yaml: PROFILE });
  const orgId = org.org.org_id as string;
  return { ...org, orgId, stub: orgStub(orgId) };
}

/** Everything the object wrote is in D1 before timestamps are moved there. */
async function flushed(stub: Stub) {
  expect(await runInDurableObject(stub, (i: OrgObject) => i.heal())).toMatchObject({ outbox: 0 });
}

async function signal(slug: string, token: string, title: string, body: string) {
  const r = await api("POST", `/v1/orgs/${slug}/signals`, { token, body: { source: "api", title, body } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { signal_id: string; case: { case_id: string } | null };
}

async function closeCase(slug: string, token: string, caseId: string, status: "closed" | "resolved" = "closed") {
  const r = await api("PATCH", `/v1/orgs/${slug}/cases/${caseId}`, { token, body: { status } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body.status).toBe(status);
}

/** Moves a case's last change back in the object (its record of truth); D1's copy is left as it was. */
function ageCase(stub: Stub, caseId: string, updatedAt: string) {
  return runInDurableObject(stub, (_i, s) => {
    s.storage.sql.exec("UPDATE cases SET data = json_set(data, '$.updated_at', ?) WHERE case_id = ?", updatedAt, caseId);
  });
}

const ageAudit = (orgId: string, entityId: string, at: string) =>
  env.DB.prepare("UPDATE audit_events SET at = ? WHERE org_id = ? AND entity_id = ?").bind(at, orgId, entityId).run();
const ageSignal = (signalId: string, at: string) => env.DB.prepare("UPDATE signals SET received_at = ? WHERE signal_id = ?").bind(at, signalId).run();

async function auditIds(orgId: string, entityId?: string): Promise<string[]> {
  const { results } = await env.DB.prepare(`SELECT event_id FROM audit_events WHERE org_id = ?${entityId ? " AND entity_id = ?" : ""} ORDER BY seq`)
    .bind(...(entityId ? [orgId, entityId] : [orgId]))
    .all<{ event_id: string }>();
  return results.map((r) => r.event_id);
}

async function signalRow(signalId: string) {
  return env.DB.prepare("SELECT signal_id, title, body, received_at FROM signals WHERE signal_id = ?")
    .bind(signalId)
    .first<{ signal_id: string; title: string; body: string | null }>();
}

async function d1Count(table: "cases" | "tasks", orgId: string, caseId: string): Promise<number> {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE org_id = ? AND case_id = ?`).bind(orgId, caseId).first<{ n: number }>();
  return row?.n ?? 0;
}

function inObject(stub: Stub, caseId: string): Promise<{ cases: number; tasks: number }> {
  return runInDurableObject(stub, (_i, s) => ({
    cases: s.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM cases WHERE case_id = ?", caseId).one().n,
    tasks: s.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM tasks WHERE case_id = ?", caseId).one().n,
  }));
}

async function purge(stub: Stub, now?: Date): Promise<RetentionReport> {
  const r = await runInDurableObject(stub, (i: OrgObject) => (now ? i.purge(now) : i.purge()));
  if (!r.ok) throw new Error(`purge failed: ${JSON.stringify(r.error)}`);
  return r.value;
}

const purgedEvents = async (slug: string, token: string) => (await auditOf(slug, token)).filter((e) => e.action === "retention.purged");

describe("retention purge", () => {
  it("removes audit events, signal bodies and closed cases older than the profile's windows; newer ones are untouched", async () => {
    const { slug, token, orgId, stub } = await setup();

    // Signals: one past the body window, one inside it.
    const oldSignal = await signal(slug, token, "Printer jammed on floor 2", "The old body: details to forget");
    const newSignal = await signal(slug, token, "Door squeaks", "The recent body: keep me");

    // Cases: closed and old (with a task), closed but recent, resolved and old, open and old.
    const closedOld = await newCase(slug, token, { title: "Closed long ago", severity: "low" });
    const taskOfClosedOld = await newTask(slug, token, closedOld.case_id, { title: "Done long ago" });
    await closeCase(slug, token, closedOld.case_id);
    const closedRecent = await newCase(slug, token, { title: "Closed recently", severity: "low" });
    const taskOfClosedRecent = await newTask(slug, token, closedRecent.case_id, { title: "Done recently" });
    await closeCase(slug, token, closedRecent.case_id);
    const resolvedOld = await newCase(slug, token, { title: "Resolved long ago", severity: "low" });
    await closeCase(slug, token, resolvedOld.case_id, "resolved");
    const openOld = await newCase(slug, token, { title: "Open for ages", severity: "low" });

    // Audit subjects: one entity's events past the audit window, another's just inside it.
    const auditOld = await newCase(slug, token, { title: "Audit subject (old)", severity: "low" });
    const auditNew = await newCase(slug, token, { title: "Audit subject (recent)", severity: "low" });
    await flushed(stub);

    const now = new Date();
    const t = now.getTime();
    await ageSignal(oldSignal.signal_id, daysAgo(BODY_DAYS + 1, t));
    await ageSignal(newSignal.signal_id, daysAgo(BODY_DAYS - 1, t));
    await ageAudit(orgId, auditOld.case_id, daysAgo(AUDIT_DAYS + 1, t));
    await ageAudit(orgId, auditNew.case_id, daysAgo(AUDIT_DAYS - 1, t));
    await ageCase(stub, closedOld.case_id, daysAgo(CLOSED_DAYS + 1, t));
    await ageCase(stub, closedRecent.case_id, daysAgo(CLOSED_DAYS - 1, t));
    await ageCase(stub, resolvedOld.case_id, daysAgo(CLOSED_DAYS * 10, t));
    await ageCase(stub, openOld.case_id, daysAgo(CLOSED_DAYS * 10, t));

    const oldAudit = await auditIds(orgId, auditOld.case_id);
    expect(oldAudit.length).toBeGreaterThan(0);
    const keptAudit = (await auditIds(orgId)).filter((id) => !oldAudit.includes(id));

    const report = await purge(stub, now);
    expect(report).toMatchObject({
      audit_before: daysAgo(AUDIT_DAYS, t),
      signal_bodies_before: daysAgo(BODY_DAYS, t),
      closed_cases_before: daysAgo(CLOSED_DAYS, t),
      audit_events: oldAudit.length,
      signal_bodies: 1,
      closed_cases: 1,
    });

    // Audit: the old events are gone, every other one is still there.
    const after = await auditIds(orgId);
    for (const id of oldAudit) expect(after).not.toContain(id);
    for (const id of keptAudit) expect(after).toContain(id);
    expect(await auditIds(orgId, auditNew.case_id)).not.toEqual([]);

    // Signals: the old one keeps its record without its body; the recent one is whole.
    expect(await signalRow(oldSignal.signal_id)).toMatchObject({ title: "Printer jammed on floor 2", body: null });
    expect(await signalRow(newSignal.signal_id)).toMatchObject({ body: "The recent body: keep me" });
    if (oldSignal.case) {
      const tl = await api("GET", `/v1/orgs/${slug}/cases/${oldSignal.case.case_id}/timeline`, { token });
      expect(tl.status).toBe(200);
      const item = tl.body.items.find((i: { entity_id: string }) => i.entity_id === oldSignal.signal_id);
      expect(item.details.body).toBeNull();
    }

    // Closed cases: the old one is gone with its task, in D1 and in the object.
    expect(await d1Count("cases", orgId, closedOld.case_id)).toBe(0);
    expect(await d1Count("tasks", orgId, closedOld.case_id)).toBe(0);
    expect(await inObject(stub, closedOld.case_id)).toEqual({ cases: 0, tasks: 0 });
    expect((await api("GET", `/v1/orgs/${slug}/cases/${closedOld.case_id}`, { token })).status).toBe(404);
    expect((await api("GET", `/v1/orgs/${slug}/tasks/${taskOfClosedOld.task_id}`, { token })).status).toBe(404);

    // Newer closed cases, old cases that are not closed: untouched.
    for (const c of [closedRecent, resolvedOld, openOld, auditOld, auditNew]) {
      expect(await d1Count("cases", orgId, c.case_id), c.title).toBe(1);
      expect((await inObject(stub, c.case_id)).cases, c.title).toBe(1);
      expect((await api("GET", `/v1/orgs/${slug}/cases/${c.case_id}`, { token })).status, c.title).toBe(200);
    }
    expect(await d1Count("tasks", orgId, closedRecent.case_id)).toBe(1);
    expect((await api("GET", `/v1/orgs/${slug}/tasks/${taskOfClosedRecent.task_id}`, { token })).status).toBe(200);

    // The purge is on record.
    const [record, ...more] = await purgedEvents(slug, token);
    expect(more).toEqual([]);
    expect(record).toMatchObject({
      actor: "system",
      entity_type: "org",
      entity_id: orgId,
      changes: { audit_events: oldAudit.length, signal_bodies: 1, closed_cases: 1, audit_before: daysAgo(AUDIT_DAYS, t) },
    });

    // A second run finds nothing more to purge: it answers so, and leaves no audit event for doing nothing.
    const again = await purge(stub, now);
    expect(again).toMatchObject({ audit_events: 0, signal_bodies: 0, closed_cases: 0 });
    expect(await purgedEvents(slug, token)).toHaveLength(1);
    expect(await signalRow(newSignal.signal_id)).toMatchObject({ body: "The recent body: keep me" });
  });

  it("with the clock far enough ahead, everything past its window goes; open work never does", async () => {
    const { slug, token, orgId, stub } = await setup();
    const s = await signal(slug, token, "Window cracked", "Glass on the sill");
    const closed = await newCase(slug, token, { title: "Closed", severity: "low" });
    await closeCase(slug, token, closed.case_id);
    const open = await newCase(slug, token, { title: "Still open", severity: "low" });
    await flushed(stub);
    const before = await auditIds(orgId);

    // Between the body window and the audit window: only bodies go.
    const soon = await purge(stub, new Date(Date.now() + (BODY_DAYS + 1) * DAY));
    expect(soon).toMatchObject({ signal_bodies: 1, audit_events: 0, closed_cases: 0 });
    expect(await signalRow(s.signal_id)).toMatchObject({ body: null });
    expect(await inObject(stub, closed.case_id)).toMatchObject({ cases: 1 });

    // Past every window: the audit trail up to now and the closed case go; the open case stays.
    const later = await purge(stub, new Date(Date.now() + (CLOSED_DAYS + 1) * DAY));
    expect(later.closed_cases).toBe(1);
    expect(later.audit_events).toBeGreaterThanOrEqual(before.length);
    const left = await auditIds(orgId);
    for (const id of before) expect(left).not.toContain(id);
    expect(await d1Count("cases", orgId, closed.case_id)).toBe(0);
    expect(await inObject(stub, closed.case_id)).toEqual({ cases: 0, tasks: 0 });
    expect(await d1Count("cases", orgId, open.case_id)).toBe(1);
    expect(await inObject(stub, open.case_id)).toMatchObject({ cases: 1 });
    // Only the newest run's record remains (the earlier one was itself past the audit window).
    expect((await purgedEvents(slug, token)).map((e) => e.changes.closed_cases)).toEqual([1]);
  });

  it("works in bounded batches: one run purges at most its limit, the next run takes the rest", async () => {
    const { slug, token, orgId, stub } = await setup();
    await flushed(stub);
    const cap = RETENTION_BATCH * RETENTION_MAX_BATCHES;
    const extra = 137;
    const old = daysAgo(AUDIT_DAYS + 5);
    // Synthetic old audit rows, straight into D1.
    await env.DB.prepare(
      `INSERT INTO audit_events (event_id, org_id, seq, at, actor, action, entity_type, entity_id, case_id, changes)
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       SELECT ? || '-old-' || i, ?, 100000000 + i, ?, 'system', 'test.old', 'org', ?, NULL, '{}' FROM n`,
    )
      .bind(cap + extra, orgId, orgId, old, orgId)
      .run();
    const countOld = async () =>
      (await env.DB.prepare("SELECT count(*) AS n FROM audit_events WHERE org_id = ? AND action = 'test.old'").bind(orgId).first<{ n: number }>())?.n;
    expect(await countOld()).toBe(cap + extra);

    const first = await purge(stub);
    expect(first.audit_events).toBe(cap);
    expect(await countOld()).toBe(extra);
    const second = await purge(stub);
    expect(second.audit_events).toBe(extra);
    expect(await countOld()).toBe(0);
    expect((await purgedEvents(slug, token)).map((e) => e.changes.audit_events)).toEqual([extra, cap]);
  });
});

describe("the daily round", () => {
  it("each organization purges by its own profile on its own alarm, and nothing before its round comes", async () => {
    const a = await setup();
    const b = await createOrg({ profile: "retail_ops" }); // retention: audit 365 days
    const bId = b.org.org_id as string;
    const closedA = await newCase(a.slug, a.token, { title: "Closed long ago", severity: "low" });
    await closeCase(a.slug, a.token, closedA.case_id);
    const subjectA = await newCase(a.slug, a.token, { title: "Audit subject", severity: "low" });
    const subjectB = await newCase(b.slug, b.token, { title: "Audit subject", label: "1001.14.Operations", severity: "low" });
    await flushed(a.stub);
    await flushed(orgStub(bId));
    // 100 days old: past org A's 30-day audit window, inside org B's 365 days.
    await ageAudit(a.orgId, subjectA.case_id, daysAgo(100));
    await ageAudit(bId, subjectB.case_id, daysAgo(100));
    await ageCase(a.stub, closedA.case_id, daysAgo(CLOSED_DAYS + 1));
    const oldA = await auditIds(a.orgId, subjectA.case_id);
    const oldB = await auditIds(bId, subjectB.case_id);
    expect(oldA.length).toBeGreaterThan(0);

    // Other timers firing (the alarm running before the round is due) purge nothing.
    await runAlarmAt(a.stub, Date.now());
    expect(await auditIds(a.orgId, subjectA.case_id)).toEqual(oldA);
    expect(await inObject(a.stub, closedA.case_id)).toMatchObject({ cases: 1 });
    expect(await purgedEvents(a.slug, a.token)).toEqual([]);

    // Each organization's own daily round, at its own time of night, run by its own alarm.
    await runAlarmAt(a.stub, await dailyRoundAt(a.stub));
    await runAlarmAt(orgStub(bId), await dailyRoundAt(orgStub(bId)));
    expect(await auditIds(a.orgId, subjectA.case_id)).toEqual([]);
    expect(await inObject(a.stub, closedA.case_id)).toEqual({ cases: 0, tasks: 0 });
    expect(await d1Count("cases", a.orgId, closedA.case_id)).toBe(0);
    // B keeps its 100-day-old events (its window is a year); its clock's move may have added escalations beside them.
    expect(await auditIds(bId, subjectB.case_id)).toEqual(expect.arrayContaining(oldB));
    const [recordA] = await purgedEvents(a.slug, a.token);
    expect(recordA).toMatchObject({ entity_id: a.orgId, changes: { audit_events: oldA.length, closed_cases: 1 } });
    // B had nothing past its windows: its round purged nothing and recorded nothing.
    expect(await purgedEvents(b.slug, b.token)).toEqual([]);
  });
});

/** When the organization's daily round is due (its `daily` timer). */
async function dailyRoundAt(stub: Stub): Promise<number> {
  return runInDurableObject(stub, (_i: OrgObject, state: DurableObjectState) => {
    const row = state.storage.sql.exec<{ due_at: number }>("SELECT due_at FROM timers WHERE kind = 'daily'").one();
    return row.due_at;
  });
}
