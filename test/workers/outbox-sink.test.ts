/**
 * The D1 sink of the outbox (durable-objects/outbox/d1-sink.ts), called
 * directly with hand-built outbox items: multi-row statements per table must
 * leave D1 exactly as one statement per item, in order, would — the version
 * guard, append-only rows, the facts' first resolved instant, deletions and
 * partial updates in their place — and a replayed batch must change nothing.
 * Each test works in an organization of its own (a random org_id).
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import type { Case, Task } from "../../core/model";
import type { OutboxItem } from "../../d1/outbox-item";
import { type CaseRow, caseToRow, rowToCase, type TaskRow, taskToRow } from "../../d1/rows";
import * as schema from "../../d1/schema";
import { bulkStatements, bulkTable } from "../../durable-objects/outbox/bulk-statements";
import { writeToD1 } from "../../durable-objects/outbox/d1-sink";

type Row = Record<string, unknown>;
type Items = OutboxItem[];

const DAY1 = "2026-03-02T08:00:00.000Z";
const DAY2 = "2026-03-09T08:00:00.000Z";
const at = (iso: string, minutes: number) => new Date(new Date(iso).getTime() + minutes * 60_000).toISOString();
const ms = (iso: string) => new Date(iso).getTime();

const newOrg = () => crypto.randomUUID();

function caseRecord(over: Partial<Case> = {}): Case {
  return {
    case_id: crypto.randomUUID(),
    ref: `R${Math.random().toString(36).slice(2, 10)}`,
    title: "Spill in aisle 4",
    description: null,
    label: "1001.91.Operations.Safety",
    origin_label: null,
    status: "open",
    severity: "medium",
    reactivity_time: "PT1H",
    reactivity_deadline: at(DAY1, 60),
    origin_role: null,
    location: { site: "Store 12", area: "Aisle 4" },
    tags: [],
    metadata: {},
    person_id: null,
    asset_id: null,
    person_link_trusted: false,
    escalation_level: 0,
    reacted_at: null,
    created_by: "user:1",
    created_at: DAY1,
    updated_at: DAY1,
    version: 1,
    profile_version: 1,
    ...over,
  };
}

function caseItem(org: string, seq: number, over: Partial<Case> = {}): { kind: "case"; row: CaseRow } {
  return { kind: "case", row: caseToRow(org, seq, caseRecord(over)) };
}

/** The same case at another version, with some fields changed. */
function caseAt(item: { kind: "case"; row: CaseRow }, version: number, over: Partial<CaseRow> = {}): { kind: "case"; row: CaseRow } {
  return { kind: "case", row: { ...item.row, ...over, version } };
}

function taskItem(org: string, seq: number, caseId: string, over: Partial<Task> = {}): { kind: "task"; row: TaskRow } {
  const t: Task = {
    task_id: crypto.randomUUID(),
    case_id: caseId,
    title: "Mop the floor",
    type: "cleanup",
    subtype: null,
    status: "pending",
    label: "1001.91.Operations.Safety",
    origin_label: null,
    asset_id: null,
    assignee_user_id: null,
    assignee_person_id: null,
    owner_role_id: null,
    owner_role: "Operations.Safety",
    severity: "medium",
    reactivity_time: "PT1H",
    reactivity_deadline: at(DAY1, 60),
    reacted_at: null,
    due_at: null,
    escalation_level: 0,
    created_by: "user:1",
    created_at: DAY1,
    updated_at: DAY1,
    version: 1,
    profile_version: 1,
    ...over,
  };
  return { kind: "task", row: taskToRow(org, seq, t, { site: "Store 12", area: "Aisle 4" }) };
}

function taskAt(item: { kind: "task"; row: TaskRow }, version: number, over: Partial<TaskRow> = {}): { kind: "task"; row: TaskRow } {
  return { kind: "task", row: { ...item.row, ...over, version } };
}

function auditItem(org: string, seq: number, over: Partial<typeof schema.audit_events.$inferInsert> = {}): OutboxItem {
  return {
    kind: "audit",
    row: {
      event_id: crypto.randomUUID(),
      org_id: org,
      seq,
      at: at(DAY1, seq),
      actor: "user:1",
      action: "case.created",
      entity_type: "case",
      entity_id: "c",
      case_id: null,
      changes: { n: seq },
      ...over,
    },
  };
}

function signalItem(org: string, seq: number, over: Partial<typeof schema.signals.$inferInsert> = {}): OutboxItem {
  return {
    kind: "signal",
    row: {
      signal_id: crypto.randomUUID(),
      org_id: org,
      seq,
      source: "api",
      idempotency_key: null,
      title: `Signal ${seq}`,
      body: "Water on the floor",
      severity: "high",
      label: null,
      site: "Store 12",
      area: null,
      metadata: { sensor: "s-1" },
      person_id: null,
      occurred_at: DAY1,
      received_at: DAY1,
      case_id: null,
      matched_rules: ["spill"],
      routed_label: "1001.91.Operations.Safety",
      routed_severity: "high",
      routed_reactivity_time: "PT1H",
      routed_tasks: 1,
      ...over,
    },
  };
}

type EmailRow = typeof schema.email_messages.$inferInsert;
function emailItem(org: string, seq: number, over: Partial<EmailRow> = {}): { kind: "email"; row: EmailRow } {
  return {
    kind: "email",
    row: {
      email_id: crypto.randomUUID(),
      org_id: org,
      seq,
      case_id: null,
      direction: "inbound",
      status: "recorded",
      message_id: `<m${seq}@mail.example>`,
      from_address: "someone@mail.example",
      from_name: "Someone",
      to: ["desk@orgo.example"],
      cc: [],
      subject: "Leak",
      text: "There is a leak.",
      full_text: "There is a leak.\n> quoted",
      sent_at: DAY1,
      received_at: DAY1,
      in_reply_to: [],
      references: [],
      loop_reason: null,
      mailbox_hint: null,
      raw_key: `raw/${seq}`,
      version: 1,
      ...over,
    },
  };
}

function attachmentItem(org: string, emailId: string, caseId: string | null): OutboxItem {
  return {
    kind: "email_attachment",
    row: {
      attachment_id: crypto.randomUUID(),
      org_id: org,
      email_id: emailId,
      case_id: caseId,
      position: 0,
      filename: "photo.jpg",
      content_type: "image/jpeg",
      size: 1234,
      content_id: null,
      disposition: "attachment",
      r2_key: `att/${emailId}/0`,
    },
  };
}

const caseDeleted = (org: string, case_id: string): OutboxItem => ({ kind: "case_deleted", row: { org_id: org, case_id } });

async function rows(sql: string, ...params: unknown[]): Promise<Row[]> {
  return (
    await env.DB.prepare(sql)
      .bind(...params)
      .all<Row>()
  ).results;
}
const one = async (sql: string, ...params: unknown[]) => (await rows(sql, ...params))[0] ?? null;
const caseRowOf = (caseId: string) => one("SELECT * FROM cases WHERE case_id = ?", caseId);
const factOf = (caseId: string) => one("SELECT * FROM fact_cases WHERE case_id = ?", caseId);
const taskFactOf = (taskId: string) => one("SELECT * FROM fact_tasks WHERE task_id = ?", taskId);

/** Every row the sink can have written for an organization, as stored (raw SQLite values), in a stable order. */
async function dump(org: string) {
  const byOrg = async (table: string, order: string) => rows(`SELECT * FROM ${table} WHERE org_id = ? ORDER BY ${order}`, org);
  const dates = (await rows("SELECT DISTINCT created_date AS d FROM fact_cases WHERE org_id = ?", org)).map((r) => r.d);
  return {
    cases: await byOrg("cases", "case_id"),
    tasks: await byOrg("tasks", "task_id"),
    audit_events: await byOrg("audit_events", "event_id"),
    signals: await byOrg("signals", "signal_id"),
    email_messages: await byOrg("email_messages", "email_id"),
    email_attachments: await byOrg("email_attachments", "attachment_id"),
    fact_cases: await byOrg("fact_cases", "case_id"),
    fact_tasks: await byOrg("fact_tasks", "task_id"),
    dim_location: await byOrg("dim_location", "site, area"),
    dim_time: await rows(`SELECT * FROM dim_time WHERE date IN (${dates.map(() => "?").join(",") || "NULL"}) ORDER BY date`, ...dates),
  };
}

describe("outbox sink: version guard", () => {
  it("a newer version overwrites; an older one, later or after it in the same batch, changes nothing", async () => {
    const org = newOrg();
    const c = caseItem(org, 1, { title: "v1" });
    const id = c.row.case_id;

    await writeToD1(env.DB, [c]);
    expect(await caseRowOf(id)).toMatchObject({ version: 1, title: "v1" });

    await writeToD1(env.DB, [caseAt(c, 3, { title: "v3", status: "in_progress" })]);
    expect(await caseRowOf(id)).toMatchObject({ version: 3, title: "v3", status: "in_progress" });
    expect(await factOf(id)).toMatchObject({ version: 3, status: "in_progress" });

    // Older, in a later batch.
    await writeToD1(env.DB, [caseAt(c, 2, { title: "v2", status: "open" })]);
    expect(await caseRowOf(id)).toMatchObject({ version: 3, title: "v3", status: "in_progress" });
    expect(await factOf(id)).toMatchObject({ version: 3, status: "in_progress" });

    // Newer then older in one batch: the newer stays.
    await writeToD1(env.DB, [caseAt(c, 5, { title: "v5" }), caseAt(c, 4, { title: "v4" })]);
    expect(await caseRowOf(id)).toMatchObject({ version: 5, title: "v5" });
    expect(await factOf(id)).toMatchObject({ version: 5 });

    // Older then newer in one batch: the newer wins.
    await writeToD1(env.DB, [caseAt(c, 6, { title: "v6" }), caseAt(c, 7, { title: "v7" })]);
    expect(await caseRowOf(id)).toMatchObject({ version: 7, title: "v7" });
  });

  it("of equal versions in one batch the first stays, and a later batch at that version changes nothing", async () => {
    const org = newOrg();
    const c = caseItem(org, 1, { title: "first" });
    const id = c.row.case_id;
    await writeToD1(env.DB, [c, caseAt(c, 1, { title: "second", severity: "critical" })]);
    expect(await caseRowOf(id)).toMatchObject({ version: 1, title: "first", severity: "medium" });
    expect(await factOf(id)).toMatchObject({ version: 1, severity: "medium" });

    await writeToD1(env.DB, [caseAt(c, 2, { title: "a" }), caseAt(c, 2, { title: "b" }), caseAt(c, 2, { title: "c" })]);
    expect(await caseRowOf(id)).toMatchObject({ version: 2, title: "a" });

    await writeToD1(env.DB, [caseAt(c, 2, { title: "late", severity: "low" })]);
    expect(await caseRowOf(id)).toMatchObject({ version: 2, title: "a", severity: "medium" });
    expect(await factOf(id)).toMatchObject({ version: 2, severity: "medium" });
  });

  it("each record keeps its own newest version when many records interleave in one batch", async () => {
    const org = newOrg();
    const a = caseItem(org, 1, { title: "a1" });
    const b = caseItem(org, 2, { title: "b1" });
    const t = taskItem(org, 1, a.row.case_id, { title: "t1" });
    await writeToD1(env.DB, [
      caseAt(a, 3, { title: "a3" }),
      b,
      taskAt(t, 2, { title: "t2", status: "in_progress" }),
      caseAt(b, 2, { title: "b2" }),
      caseAt(a, 2, { title: "a2" }),
      t,
      caseAt(b, 1, { title: "b1-again" }),
    ]);
    expect(await caseRowOf(a.row.case_id)).toMatchObject({ version: 3, title: "a3" });
    expect(await caseRowOf(b.row.case_id)).toMatchObject({ version: 2, title: "b2" });
    expect(await one("SELECT version, title, status FROM tasks WHERE task_id = ?", t.row.task_id)).toEqual({
      version: 2,
      title: "t2",
      status: "in_progress",
    });
    expect(await taskFactOf(t.row.task_id)).toMatchObject({ version: 2, status: "in_progress" });
    expect(await factOf(b.row.case_id)).toMatchObject({ version: 2 });
  });

  it("module records follow the same guard, and a module row deletion keeps its place", async () => {
    const org = newOrg();
    const loc = (version: number, name: string): OutboxItem => ({
      kind: "location",
      row: {
        location_id: `loc-1-${org}`,
        org_id: org,
        seq: 1,
        parent_id: null,
        kind: "site",
        name,
        path: name,
        wikidata: null,
        created_at: DAY1,
        updated_at: DAY1,
        version,
      },
    });
    const deleted: OutboxItem = { kind: "module_row_deleted", row: { org_id: org, table: "locations", id: `loc-1-${org}` } };
    const name = async () => (await one("SELECT name, version FROM locations WHERE org_id = ?", org)) as { name: string; version: number } | null;

    await writeToD1(env.DB, [loc(2, "North"), loc(1, "Old")]);
    expect(await name()).toEqual({ name: "North", version: 2 });
    await writeToD1(env.DB, [loc(3, "Gone"), deleted]);
    expect(await name()).toBeNull();
    await writeToD1(env.DB, [loc(4, "Before"), deleted, loc(5, "After")]);
    expect(await name()).toEqual({ name: "After", version: 5 });
  });
});

describe("outbox sink: append-only rows", () => {
  it("inserts an audit event or a signal once, whatever is repeated in the batch or later", async () => {
    const org = newOrg();
    const audit = auditItem(org, 1, { action: "case.created" });
    const signal = signalItem(org, 1, { title: "first" });
    const auditAgain = { ...audit, row: { ...audit.row, action: "case.changed", changes: { again: true } } } as OutboxItem;
    const signalAgain = { ...signal, row: { ...signal.row, title: "again" } } as OutboxItem;

    await writeToD1(env.DB, [audit, signal, auditAgain, signalAgain, audit, signal]);
    await writeToD1(env.DB, [signalAgain, auditAgain]);

    const audits = await rows("SELECT action, changes FROM audit_events WHERE org_id = ?", org);
    expect(audits).toEqual([{ action: "case.created", changes: JSON.stringify({ n: 1 }) }]);
    const signals = await rows("SELECT title, metadata, matched_rules FROM signals WHERE org_id = ?", org);
    expect(signals).toEqual([{ title: "first", metadata: JSON.stringify({ sensor: "s-1" }), matched_rules: JSON.stringify(["spill"]) }]);

    // A second distinct event does land.
    await writeToD1(env.DB, [auditItem(org, 2)]);
    expect(await rows("SELECT seq FROM audit_events WHERE org_id = ? ORDER BY seq", org)).toEqual([{ seq: 1 }, { seq: 2 }]);
  });
});

describe("outbox sink: deletions and partial updates keep their place", () => {
  it("[case v1, task, email, case_deleted, case v2]: the case comes back at v2 without its task or mail", async () => {
    const org = newOrg();
    const c = caseItem(org, 1, { title: "v1" });
    const id = c.row.case_id;
    const t = taskItem(org, 1, id);
    const mail = emailItem(org, 1, { case_id: id, status: "opened" });
    await writeToD1(env.DB, [c, t, mail, attachmentItem(org, mail.row.email_id, id), caseDeleted(org, id), caseAt(c, 2, { title: "v2" })]);

    expect(await caseRowOf(id)).toMatchObject({ version: 2, title: "v2" });
    expect(await rows("SELECT task_id FROM tasks WHERE org_id = ?", org)).toEqual([]);
    expect(await rows("SELECT email_id FROM email_messages WHERE org_id = ?", org)).toEqual([]);
    expect(await rows("SELECT attachment_id FROM email_attachments WHERE org_id = ?", org)).toEqual([]);
  });

  it("[case v2, case_deleted] leaves no case row, and a task after the deletion stays", async () => {
    const org = newOrg();
    const c = caseItem(org, 1);
    const id = c.row.case_id;
    await writeToD1(env.DB, [c]);
    const before = taskItem(org, 1, id, { title: "before" });
    const after = taskItem(org, 2, id, { title: "after" });
    await writeToD1(env.DB, [caseAt(c, 2, { title: "v2" }), before, caseDeleted(org, id), after]);
    expect(await caseRowOf(id)).toBeNull();
    expect(await rows("SELECT title FROM tasks WHERE org_id = ?", org)).toEqual([{ title: "after" }]);
    // The deletion is of that case only.
    const other = caseItem(org, 2);
    await writeToD1(env.DB, [other, caseDeleted(org, id)]);
    expect(await caseRowOf(other.row.case_id)).toMatchObject({ version: 1 });
  });

  it("an email's adoption and status changes apply between the rows around them", async () => {
    const org = newOrg();
    const c = caseItem(org, 1);
    const mail = emailItem(org, 1);
    const emailId = mail.row.email_id;
    const att = attachmentItem(org, emailId, null);
    const adopted: OutboxItem = { kind: "email_adopted", row: { org_id: org, email_id: emailId, case_id: c.row.case_id, version: 2 } };
    const email = async () => one("SELECT case_id, status, version FROM email_messages WHERE email_id = ?", emailId);

    // The email and its attachment must be in D1 before the adoption updates them.
    await writeToD1(env.DB, [c, mail, att, adopted, { ...mail, row: { ...mail.row } }]);
    expect(await email()).toEqual({ case_id: c.row.case_id, status: "joined", version: 2 });
    expect(await one("SELECT case_id FROM email_attachments WHERE org_id = ?", org)).toEqual({ case_id: c.row.case_id });

    // A status update after a full row applies over it; a full row after an update replaces it.
    const status = (version: number, s: string): OutboxItem => ({ kind: "email_status", row: { org_id: org, email_id: emailId, status: s, version } });
    await writeToD1(env.DB, [{ kind: "email", row: { ...mail.row, case_id: c.row.case_id, status: "joined", version: 2 } }, status(3, "archived")]);
    expect(await email()).toEqual({ case_id: c.row.case_id, status: "archived", version: 3 });
    await writeToD1(env.DB, [status(4, "flagged"), { kind: "email", row: { ...mail.row, case_id: c.row.case_id, status: "final", version: 5 } }]);
    expect(await email()).toEqual({ case_id: c.row.case_id, status: "final", version: 5 });
    // An older status changes nothing.
    await writeToD1(env.DB, [status(4, "stale")]);
    expect(await email()).toEqual({ case_id: c.row.case_id, status: "final", version: 5 });
  });

  it("role rows carry no version: the last one in the batch wins, in roles and dim_role", async () => {
    const org = newOrg();
    const role = (parent: string | null): OutboxItem => ({
      kind: "role",
      row: { role_id: `role-${org}`, org_id: org, name: "Operations.Safety", parent, seq: 1 },
    });
    await writeToD1(env.DB, [role("Operations"), caseItem(org, 1), role("Facilities"), caseItem(org, 2)]);
    expect(await one("SELECT parent FROM roles WHERE role_id = ?", `role-${org}`)).toEqual({ parent: "Facilities" });
    expect(await one("SELECT parent, department FROM dim_role WHERE org_id = ?", org)).toEqual({ parent: "Facilities", department: "Operations" });
    expect(await rows("SELECT seq FROM cases WHERE org_id = ? ORDER BY seq", org)).toEqual([{ seq: 1 }, { seq: 2 }]);
  });

  it("org settings update the organization row in place", async () => {
    const org = newOrg();
    await env.DB.prepare("INSERT INTO orgs (org_id, slug, name, profile, created_at) VALUES (?, ?, ?, ?, ?)")
      .bind(org, `sink-${org}`, "Sink", "retail_ops", DAY1)
      .run();
    expect(await one("SELECT privacy, modules FROM orgs WHERE org_id = ?", org)).toEqual({ privacy: "open", modules: "[]" });
    await writeToD1(env.DB, [
      { kind: "org_settings", row: { org_id: org, profile: "p1", privacy: "need_to_know", modules: ["care"] } },
      caseItem(org, 1),
      { kind: "org_settings", row: { org_id: org, profile: "p2", privacy: "need_to_know", modules: ["care", "groups"] } },
    ]);
    expect(await one("SELECT profile, privacy, modules FROM orgs WHERE org_id = ?", org)).toEqual({
      profile: "p2",
      privacy: "need_to_know",
      modules: JSON.stringify(["care", "groups"]),
    });
  });
});

/** A batch that touches every kind of row the replay must leave alone. */
function mixedBatch(org: string): { items: Items; ids: Record<string, string> } {
  const c1 = caseItem(org, 1, { title: "c1 v1", tags: ["wet", "floor"], metadata: { sensor: { id: 7, ok: true } } });
  const c2 = caseItem(org, 2, { title: "c2 v1", location: { site: null, area: null } });
  const c3 = caseItem(org, 3, { title: "c3 v1", created_at: DAY2, updated_at: DAY2, location: { site: "Depot", area: null } });
  const t1 = taskItem(org, 1, c1.row.case_id);
  const t2 = taskItem(org, 2, c2.row.case_id);
  const mail = emailItem(org, 1);
  const items: Items = [
    c1,
    t1,
    auditItem(org, 1, { case_id: c1.row.case_id }),
    signalItem(org, 1, { case_id: c1.row.case_id }),
    c2,
    t2,
    mail,
    attachmentItem(org, mail.row.email_id, null),
    auditItem(org, 2),
    caseAt(c1, 2, { status: "resolved", updated_at: at(DAY1, 30) }),
    taskAt(t1, 2, { status: "completed", updated_at: at(DAY1, 20), reacted_at: at(DAY1, 10) }),
    { kind: "email_adopted", row: { org_id: org, email_id: mail.row.email_id, case_id: c1.row.case_id, version: 2 } },
    caseDeleted(org, c2.row.case_id),
    c3,
    auditItem(org, 3),
    signalItem(org, 2),
    caseAt(c1, 3, { status: "resolved", title: "c1 v3", updated_at: at(DAY1, 90) }),
    caseAt(c1, 2, { status: "resolved", updated_at: at(DAY1, 30) }),
    t1,
    caseAt(c3, 1, { title: "c3 duplicate" }),
    { kind: "email_status", row: { org_id: org, email_id: mail.row.email_id, status: "archived", version: 3 } },
    auditItem(org, 4),
  ];
  return { items, ids: { c1: c1.row.case_id, c2: c2.row.case_id, c3: c3.row.case_id, t1: t1.row.task_id, t2: t2.row.task_id } };
}

describe("outbox sink: replay", () => {
  it("replaying a batch, whole or split in two at any point, leaves D1 exactly as the first write did", async () => {
    const org = newOrg();
    const { items, ids } = mixedBatch(org);
    await writeToD1(env.DB, items);
    const first = await dump(org);

    // The first write itself is what the sequence implies (so the comparison below compares something).
    expect(first.cases.map((c) => [c.case_id, c.version, c.title])).toEqual(
      [
        [ids.c1, 3, "c1 v3"],
        [ids.c3, 1, "c3 v1"],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(first.tasks.map((t) => [t.task_id, t.version, t.status])).toEqual([[ids.t1, 2, "completed"]]);
    expect(first.audit_events).toHaveLength(4);
    expect(first.signals).toHaveLength(2);
    expect(first.email_messages.map((e) => [e.case_id, e.status, e.version])).toEqual([[ids.c1, "archived", 3]]);
    expect(first.email_attachments.map((a) => a.case_id)).toEqual([ids.c1]);
    // Facts outlive a deleted case; c1's fact kept its first resolved instant.
    expect(first.fact_cases).toHaveLength(3);
    expect(first.fact_cases.find((f) => f.case_id === ids.c1)).toMatchObject({ version: 3, status: "resolved", resolved_at: ms(at(DAY1, 30)) });
    expect(first.fact_tasks.map((f) => [f.task_id, f.version, f.closed_at])).toEqual([
      ...[
        [ids.t1, 2, ms(at(DAY1, 20))],
        [ids.t2, 1, null],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ]);
    expect(first.dim_time.map((d) => d.date)).toEqual(["2026-03-02", "2026-03-09"]);
    expect(first.dim_location.map((l) => [l.site, l.area])).toEqual([
      ["", ""],
      ["Depot", ""],
      ["Store 12", "Aisle 4"],
    ]);

    await writeToD1(env.DB, items);
    expect(await dump(org)).toEqual(first);

    for (let split = 1; split < items.length; split++) {
      await writeToD1(env.DB, items.slice(0, split));
      await writeToD1(env.DB, items.slice(split));
      expect(await dump(org), `split at ${split}`).toEqual(first);
    }
  });
});

describe("outbox sink: facts keep the first resolved and closed instants", () => {
  const versions = (c: { kind: "case"; row: CaseRow }) => ({
    v2: caseAt(c, 2, { status: "resolved", updated_at: at(DAY1, 30) }),
    v3: caseAt(c, 3, { status: "resolved", title: "edited", updated_at: at(DAY1, 45) }),
    v4: caseAt(c, 4, { status: "open", updated_at: at(DAY1, 60) }),
    v5: caseAt(c, 5, { status: "resolved", updated_at: at(DAY1, 75) }),
    v6: caseAt(c, 6, { status: "closed", updated_at: at(DAY1, 90) }),
    v7: caseAt(c, 7, { status: "closed", title: "edited again", updated_at: at(DAY1, 120) }),
  });
  const instants = async (id: string) => one("SELECT version, status, resolved_at, closed_at FROM fact_cases WHERE case_id = ?", id);

  it("batch by batch: resolved stays at its first instant through edits, a reopening clears it", async () => {
    const org = newOrg();
    const c = caseItem(org, 1);
    const id = c.row.case_id;
    const v = versions(c);
    await writeToD1(env.DB, [c]);
    expect(await instants(id)).toEqual({ version: 1, status: "open", resolved_at: null, closed_at: null });
    await writeToD1(env.DB, [v.v2]);
    expect(await instants(id)).toEqual({ version: 2, status: "resolved", resolved_at: ms(at(DAY1, 30)), closed_at: null });
    await writeToD1(env.DB, [v.v3]);
    expect(await instants(id)).toEqual({ version: 3, status: "resolved", resolved_at: ms(at(DAY1, 30)), closed_at: null });
    // An older version arriving late changes nothing.
    await writeToD1(env.DB, [v.v2]);
    expect(await instants(id)).toEqual({ version: 3, status: "resolved", resolved_at: ms(at(DAY1, 30)), closed_at: null });
    await writeToD1(env.DB, [v.v4]);
    expect(await instants(id)).toEqual({ version: 4, status: "open", resolved_at: null, closed_at: null });
    await writeToD1(env.DB, [v.v5]);
    expect(await instants(id)).toEqual({ version: 5, status: "resolved", resolved_at: ms(at(DAY1, 75)), closed_at: null });
    await writeToD1(env.DB, [v.v6]);
    expect(await instants(id)).toEqual({ version: 6, status: "closed", resolved_at: ms(at(DAY1, 75)), closed_at: ms(at(DAY1, 90)) });
    await writeToD1(env.DB, [v.v7]);
    expect(await instants(id)).toEqual({ version: 7, status: "closed", resolved_at: ms(at(DAY1, 75)), closed_at: ms(at(DAY1, 90)) });
    // The case row itself carries the newest updated_at.
    expect(await caseRowOf(id)).toMatchObject({ version: 7, updated_at: at(DAY1, 120), title: "edited again" });
  });

  it("in one batch every version counts, in order, as it would batch by batch", async () => {
    const org = newOrg();
    const c = caseItem(org, 1);
    const id = c.row.case_id;
    const v = versions(c);
    await writeToD1(env.DB, [c, v.v2, v.v3]);
    expect(await instants(id)).toEqual({ version: 3, status: "resolved", resolved_at: ms(at(DAY1, 30)), closed_at: null });
    expect(await caseRowOf(id)).toMatchObject({ version: 3, title: "edited" });

    const other = caseItem(org, 2);
    const w = versions(other);
    await writeToD1(env.DB, [other, w.v2, w.v3, w.v4]);
    expect(await instants(other.row.case_id)).toEqual({ version: 4, status: "open", resolved_at: null, closed_at: null });

    const third = caseItem(org, 3);
    const x = versions(third);
    await writeToD1(env.DB, [third, x.v2, x.v3, x.v4, x.v5, x.v6, x.v7, x.v3]);
    expect(await instants(third.row.case_id)).toEqual({ version: 7, status: "closed", resolved_at: ms(at(DAY1, 75)), closed_at: ms(at(DAY1, 90)) });
  });

  it("a task's fact keeps the instant it first finished", async () => {
    const org = newOrg();
    const c = caseItem(org, 1);
    const t = taskItem(org, 1, c.row.case_id);
    const id = t.row.task_id;
    const done = at(DAY1, 20);
    await writeToD1(env.DB, [
      c,
      t,
      taskAt(t, 2, { status: "completed", updated_at: done }),
      taskAt(t, 3, { status: "completed", title: "renamed", updated_at: at(DAY1, 50) }),
    ]);
    expect(await taskFactOf(id)).toMatchObject({ version: 3, status: "completed", resolved_at: ms(done), closed_at: ms(done) });
    await writeToD1(env.DB, [taskAt(t, 4, { status: "pending", updated_at: at(DAY1, 60) })]);
    expect(await taskFactOf(id)).toMatchObject({ version: 4, status: "pending", resolved_at: null, closed_at: null });
  });
});

describe("outbox sink: volume", () => {
  it("1,200 cases with long text, in a batch many chunks long, all land with their values", async () => {
    const org = newOrg();
    const records: Case[] = [];
    for (let i = 0; i < 1200; i++) {
      records.push(
        caseRecord({
          ref: `V${i}`,
          title: `Case ${i} — ${"Wasser auf dem Boden, ".repeat(8)}`.slice(0, 200),
          description: `Beschreibung ${i}: ${'Un dégât des eaux près de l\'entrée « nord », 漏水 💧 "quoted" \\ back\nslash. '.repeat(30)}`,
          status: i % 4 === 0 ? "resolved" : "open",
          updated_at: at(DAY1, i),
          tags: i % 3 === 0 ? [] : [`tag-${i}`, "wet", "ünïcode"],
          metadata: i % 5 === 0 ? {} : { n: i, nested: { list: [1, "two", null, true], flag: false }, text: `line\n${i}` },
          person_link_trusted: i % 2 === 1,
          location: i % 7 === 0 ? { site: null, area: null } : { site: `Site ${i % 10}`, area: i % 2 ? `Area ${i % 3}` : null },
          escalation_level: i % 3,
          reacted_at: i % 6 === 0 ? at(DAY1, 5) : null,
          person_id: i % 8 === 0 ? `person-${i}` : null,
          profile_version: 1 + (i % 4),
        }),
      );
    }
    const items = records.map((r, i) => ({ kind: "case" as const, row: caseToRow(org, i + 1, r) }));

    // The payload really is many chunks long.
    const chunks = bulkStatements(
      bulkTable(schema.cases, { kind: "version", key: "case_id" }),
      items.map((i) => i.row),
    );
    expect(chunks.length).toBeGreaterThanOrEqual(10);
    for (const chunk of chunks) expect(new TextEncoder().encode(chunk.payload).byteLength).toBeLessThanOrEqual(90_000);
    expect(chunks.flatMap((c) => JSON.parse(c.payload) as unknown[][]).map((r) => r[0])).toEqual(records.map((r) => r.case_id));

    await writeToD1(env.DB, items);

    const db = drizzle(env.DB, { schema });
    const stored = await db.select().from(schema.cases).where(eq(schema.cases.org_id, org)).orderBy(schema.cases.seq).all();
    expect(stored).toHaveLength(1200);
    expect(stored.map((r) => r.case_id)).toEqual(records.map((r) => r.case_id));
    for (const i of [0, 1, 2, 5, 7, 599, 600, 1198, 1199]) expect(rowToCase(stored[i]!), `case ${i}`).toEqual(records[i]);

    // As stored: booleans as integers, JSON columns as JSON text.
    const raw = await rows(
      "SELECT typeof(person_link_trusted) AS b, person_link_trusted, typeof(tags) AS t, tags, metadata, typeof(seq) AS s FROM cases WHERE org_id = ? AND seq IN (2, 3) ORDER BY seq",
      org,
    );
    expect(raw).toEqual([
      {
        b: "integer",
        person_link_trusted: 1,
        t: "text",
        tags: JSON.stringify(["tag-1", "wet", "ünïcode"]),
        metadata: JSON.stringify(records[1]!.metadata),
        s: "integer",
      },
      {
        b: "integer",
        person_link_trusted: 0,
        t: "text",
        tags: JSON.stringify(["tag-2", "wet", "ünïcode"]),
        metadata: JSON.stringify(records[2]!.metadata),
        s: "integer",
      },
    ]);

    const facts = await rows(
      "SELECT count(*) AS n, sum(resolved_at IS NOT NULL) AS resolved, sum(reactivity_met = 1) AS met FROM fact_cases WHERE org_id = ?",
      org,
    );
    expect(facts).toEqual([{ n: 1200, resolved: 300, met: 200 }]);
    expect(await factOf(records[4]!.case_id)).toMatchObject({ status: "resolved", resolved_at: ms(at(DAY1, 4)), profile_version: 1, escalation_count: 1 });
    expect((await rows("SELECT count(*) AS n FROM dim_location WHERE org_id = ?", org))[0]).toEqual({
      n: new Set(items.map((i) => `${i.row.site}|${i.row.area}`)).size,
    });

    // Replaying the big batch changes nothing either.
    const before = await dump(org);
    await writeToD1(env.DB, items);
    expect(await dump(org)).toEqual(before);
  });

  it("a row larger than a chunk goes alone and lands whole", async () => {
    const org = newOrg();
    const big = caseItem(org, 1, { description: "x".repeat(120_000) });
    const small = caseItem(org, 2);
    const statements = bulkStatements(bulkTable(schema.cases, { kind: "version", key: "case_id" }), [small.row, big.row, small.row]);
    expect(statements.map((s) => (JSON.parse(s.payload) as unknown[]).length)).toEqual([1, 1, 1]);
    await writeToD1(env.DB, [small, big]);
    expect(await one("SELECT length(description) AS n FROM cases WHERE case_id = ?", big.row.case_id)).toEqual({ n: 120_000 });
  });
});

describe("outbox sink: columns a row leaves out", () => {
  it("a row queued before a column existed gets the column's default, as a single insert would", async () => {
    const org = newOrg();
    // Outbox payloads are JSON kept in the object's storage: one queued before
    // person_link_trusted and profile_version existed has neither key.
    const c = caseItem(org, 1, { person_link_trusted: true, profile_version: 3 });
    const { person_link_trusted: _p, profile_version: _v, ...oldCase } = c.row;
    const t = taskItem(org, 1, c.row.case_id, { profile_version: 4 });
    const { profile_version: _tv, ...oldTask } = t.row;
    await writeToD1(env.DB, [
      { kind: "case", row: oldCase as CaseRow },
      { kind: "task", row: oldTask as TaskRow },
    ]);
    expect(await one("SELECT person_link_trusted, profile_version FROM cases WHERE case_id = ?", c.row.case_id)).toEqual({
      person_link_trusted: 0,
      profile_version: 1,
    });
    expect(await one("SELECT profile_version FROM tasks WHERE task_id = ?", t.row.task_id)).toEqual({ profile_version: 1 });
    expect(await factOf(c.row.case_id)).toMatchObject({ profile_version: 1 });

    // A newer full row sets them; an older-shaped row at a later version takes the defaults again.
    await writeToD1(env.DB, [caseAt(c, 2)]);
    expect(await one("SELECT person_link_trusted, profile_version FROM cases WHERE case_id = ?", c.row.case_id)).toEqual({
      person_link_trusted: 1,
      profile_version: 3,
    });
    // Columns without a default come back null (origin_label, asset_id were added later too).
    const { origin_label: _o, asset_id: _a, ...older } = c.row;
    await writeToD1(env.DB, [{ kind: "case", row: { ...older, origin_label: "x", version: 3 } as CaseRow }]);
    await writeToD1(env.DB, [{ kind: "case", row: { ...older, version: 4 } as CaseRow }]);
    expect(await one("SELECT origin_label, asset_id, version FROM cases WHERE case_id = ?", c.row.case_id)).toEqual({
      origin_label: null,
      asset_id: null,
      version: 4,
    });
  });
});

describe("outbox sink: text as a single statement would store it", () => {
  it("control characters, NUL, lone surrogates, JSON-looking text land byte for byte as a bound parameter does", async () => {
    const org = newOrg();
    const texts = [
      "nul\u0000after",
      "lone\ud800surrogate",
      "emoji 💧",
      "ctrl\u0001\u001f\t\r\n",
      "\u2028\u2029",
      '{"a":1}',
      "null",
      "123",
      " ",
      "'; DROP TABLE cases; --",
    ];
    await writeToD1(
      env.DB,
      texts.map((t, i) => caseItem(org, i + 1, { title: t, metadata: { t } })),
    );
    // The same strings bound one statement each, into the audit table (a text column and a JSON column).
    for (const [i, t] of texts.entries()) {
      await env.DB.prepare(
        "INSERT INTO audit_events (event_id, org_id, seq, at, actor, action, entity_type, entity_id, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      )
        .bind(crypto.randomUUID(), org, i + 1, DAY1, "a", t, "x", "y", JSON.stringify({ t }))
        .run();
    }
    const viaSink = await rows("SELECT typeof(title) AS ty, hex(title) AS h, metadata AS m FROM cases WHERE org_id = ? ORDER BY seq", org);
    const bound = await rows("SELECT typeof(action) AS ty, hex(action) AS h, changes AS m FROM audit_events WHERE org_id = ? ORDER BY seq", org);
    expect(viaSink).toHaveLength(texts.length);
    expect(viaSink).toEqual(bound);
  });
});
