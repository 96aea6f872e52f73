/**
 * Typed access to one organization's SQLite storage. Every method is
 * synchronous: commands call them inside `transactionSync`, so a command's
 * record writes, audit events, outbox rows and timers commit together or not
 * at all, and no other request can interleave halfway through. Each write of
 * a record queues its D1 copy here, and nowhere else, so no write can forget
 * its outbox row.
 */
import type { EmailWrite, Notice, SignalRecord, ThreadTip } from "../../core/engine";
import type { AuditEvent, Case, Person, Position, Role, Task, User } from "../../core/model";
import { enabledModules } from "../../core/modules/config";
import type { Profile } from "../../core/profiles";
import type { Timer } from "../../core/scheduling/timers";
import type { OutboxItem } from "../../d1/outbox-item";
import { caseToRow, taskToRow } from "../../d1/rows";
import type { notifications } from "../../d1/schema";

export interface OrgMeta {
  org_id: string;
  slug: string;
  name: string;
  profile_name: string;
}

/** A user as the object keeps it: the API's user and the password hash, which never leaves the object. */
export type StoredUser = User & { password_hash: string | null };

export interface StoredToken {
  token_id: string;
  token_hash: string;
  kind: "api" | "session";
  name: string;
  user_id: string | null;
  admin: boolean;
  positions: Position[];
  expires_at: string | null;
  revoked_at: string | null;
  created_at: string;
  version: number;
}

export type Delivery = typeof notifications.$inferInsert & { org_id: string; seq: number; version: number; attempts: number };

export class OrgStore {
  /** Module stores keep their own tables in the same database, inside the same transaction. */
  constructor(readonly sql: SqlStorage) {}

  // --- meta and counters -------------------------------------------------

  getMeta<T>(key: string): T | null {
    const row = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0];
    return row ? (JSON.parse(row.value) as T) : null;
  }

  setMeta(key: string, value: unknown): void {
    this.sql.exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, JSON.stringify(value));
  }

  /** One monotonic sequence per organization: list order and cursors in D1. */
  nextSeq(name = "records"): number {
    return this.sql
      .exec<{ value: number }>("INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value", name)
      .one().value;
  }

  org(): OrgMeta | null {
    return this.getMeta<OrgMeta>("org");
  }

  // --- roles ---------------------------------------------------------------

  roles(): Role[] {
    return this.sql
      .exec<{ name: string; role_id: string; parent: string | null }>("SELECT name, role_id, parent FROM roles ORDER BY seq")
      .toArray()
      .map((r) => ({ role_id: r.role_id, name: r.name, parent: r.parent }));
  }

  roleByName(name: string): Role | null {
    const r = this.sql
      .exec<{ name: string; role_id: string; parent: string | null }>("SELECT name, role_id, parent FROM roles WHERE name = ?", name)
      .toArray()[0];
    return r ? { role_id: r.role_id, name: r.name, parent: r.parent } : null;
  }

  roleById(roleId: string): Role | null {
    const r = this.sql
      .exec<{ name: string; role_id: string; parent: string | null }>("SELECT name, role_id, parent FROM roles WHERE role_id = ?", roleId)
      .toArray()[0];
    return r ? { role_id: r.role_id, name: r.name, parent: r.parent } : null;
  }

  insertRole(role: Role): void {
    const seq = this.nextSeq("roles");
    this.sql.exec("INSERT INTO roles (name, role_id, parent, seq) VALUES (?, ?, ?, ?)", role.name, role.role_id, role.parent, seq);
    this.enqueue({ kind: "role", row: { ...role, org_id: this.orgId(), seq } });
  }

  // --- cases and tasks -----------------------------------------------------

  getCase(caseId: string): Case | null {
    const row = this.sql.exec<{ data: string }>("SELECT data FROM cases WHERE case_id = ?", caseId).toArray()[0];
    return row ? (JSON.parse(row.data) as Case) : null;
  }

  caseIdByRef(ref: string): string | null {
    return this.sql.exec<{ case_id: string }>("SELECT case_id FROM cases WHERE ref = ?", ref).toArray()[0]?.case_id ?? null;
  }

  caseSeq(caseId: string): number {
    return this.sql.exec<{ seq: number }>("SELECT seq FROM cases WHERE case_id = ?", caseId).one().seq;
  }

  /** Writes the case and queues its D1 copy; a new case takes the next list position. */
  putCase(c: Case, insert = false): void {
    const s = insert ? this.nextSeq() : this.caseSeq(c.case_id);
    this.sql.exec(
      `INSERT INTO cases (case_id, ref, seq, status, person_id, data) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (case_id) DO UPDATE SET status = excluded.status, person_id = excluded.person_id, data = excluded.data`,
      c.case_id,
      c.ref,
      s,
      c.status,
      c.person_id,
      JSON.stringify(c),
    );
    this.enqueue({ kind: "case", row: caseToRow(this.orgId(), s, c) });
  }

  /** The newest cases that name the person through a trusted link (bounded: one that grants sight is enough). */
  trustedLinksTo(personId: string, limit = 200): Case[] {
    return this.sql
      .exec<{ data: string }>(
        "SELECT data FROM cases WHERE person_id = ? AND json_extract(data, '$.person_link_trusted') = 1 ORDER BY seq DESC LIMIT ?",
        personId,
        limit,
      )
      .toArray()
      .map((r) => JSON.parse(r.data) as Case);
  }

  closedCasesUpdatedBefore(before: string, limit: number): string[] {
    return this.sql
      .exec<{ case_id: string }>(
        "SELECT case_id FROM cases WHERE status = 'closed' AND json_extract(data, '$.updated_at') < ? ORDER BY seq LIMIT ?",
        before,
        limit,
      )
      .toArray()
      .map((r) => r.case_id);
  }

  /** Forgets a case and its tasks here and, through the outbox, in D1. */
  deleteCaseEverywhere(caseId: string): void {
    for (const t of this.tasksOfCase(caseId)) this.dropTimers(t.task_id);
    this.dropTimers(caseId);
    this.clearDedupe(caseId);
    this.sql.exec("DELETE FROM mail_thread_ids WHERE case_id = ?", caseId);
    this.sql.exec("DELETE FROM mail_messages WHERE case_id = ?", caseId);
    this.sql.exec("DELETE FROM tasks WHERE case_id = ?", caseId);
    this.sql.exec("DELETE FROM cases WHERE case_id = ?", caseId);
    this.enqueue({ kind: "case_deleted", row: { org_id: this.orgId(), case_id: caseId } });
  }

  getTask(taskId: string): Task | null {
    const row = this.sql.exec<{ data: string }>("SELECT data FROM tasks WHERE task_id = ?", taskId).toArray()[0];
    return row ? (JSON.parse(row.data) as Task) : null;
  }

  tasksOfCase(caseId: string): Task[] {
    return this.sql
      .exec<{ data: string }>("SELECT data FROM tasks WHERE case_id = ? ORDER BY seq", caseId)
      .toArray()
      .map((r) => JSON.parse(r.data) as Task);
  }

  /** Writes the task and queues its D1 copy, which carries its case's location. */
  putTask(t: Task, location: Case["location"], insert = false): void {
    const s = insert ? this.nextSeq() : this.sql.exec<{ seq: number }>("SELECT seq FROM tasks WHERE task_id = ?", t.task_id).one().seq;
    this.sql.exec(
      `INSERT INTO tasks (task_id, case_id, seq, status, data) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (task_id) DO UPDATE SET status = excluded.status, data = excluded.data`,
      t.task_id,
      t.case_id,
      s,
      t.status,
      JSON.stringify(t),
    );
    this.enqueue({ kind: "task", row: taskToRow(this.orgId(), s, t, location) });
  }

  // --- signals, idempotency and dedupe -------------------------------------

  signalByIdempotencyKey<T>(key: string): T | null {
    const row = this.sql.exec<{ result: string }>("SELECT result FROM signals WHERE idempotency_key = ?", key).toArray()[0];
    return row ? (JSON.parse(row.result) as T) : null;
  }

  /** Keeps the signal's key and first answer here (for replays) and queues its D1 copy. */
  putSignal(r: SignalRecord): void {
    const s = r.signal;
    this.sql.exec(
      "INSERT INTO signals (signal_id, idempotency_key, received_at, result) VALUES (?, ?, ?, ?)",
      r.signal_id,
      r.idempotency_key,
      s.received_at,
      JSON.stringify(r.outcome),
    );
    this.enqueue({
      kind: "signal",
      row: {
        signal_id: r.signal_id,
        org_id: this.orgId(),
        seq: this.nextSeq(),
        source: s.source,
        idempotency_key: r.idempotency_key,
        title: s.title,
        body: s.body,
        severity: s.severity,
        label: s.label,
        site: s.location.site,
        area: s.location.area,
        metadata: s.metadata,
        person_id: s.person_id,
        occurred_at: s.occurred_at,
        received_at: s.received_at,
        case_id: r.case_id,
        matched_rules: r.routing.matched_rules,
        routed_label: r.routing.label,
        routed_severity: r.routing.severity,
        routed_reactivity_time: r.routing.reactivity_time,
        routed_tasks: r.routing.tasks,
      },
    });
  }

  openCaseForDedupe(key: string): string | null {
    return this.sql.exec<{ case_id: string }>("SELECT case_id FROM open_dedupe WHERE dedupe_key = ?", key).toArray()[0]?.case_id ?? null;
  }

  setDedupe(key: string, caseId: string): void {
    this.sql.exec("INSERT OR REPLACE INTO open_dedupe (dedupe_key, case_id) VALUES (?, ?)", key, caseId);
  }

  /** A resolved or closed case no longer absorbs new signals. */
  clearDedupe(caseId: string): void {
    this.sql.exec("DELETE FROM open_dedupe WHERE case_id = ?", caseId);
  }

  // --- mail ------------------------------------------------------------------

  emailByMessageId(messageId: string): { email_id: string; case_id: string | null } | null {
    return (
      this.sql.exec<{ email_id: string; case_id: string | null }>("SELECT email_id, case_id FROM mail_messages WHERE message_id = ?", messageId).toArray()[0] ??
      null
    );
  }

  /** Mail recorded without a case that names one of these ids, or is named by one. */
  orphansNaming(ids: string[], limit: number): string[] {
    const found = new Set<string>();
    for (const id of ids) {
      for (const r of this.sql.exec<{ email_id: string }>("SELECT email_id FROM mail_orphan_ids WHERE message_id = ? LIMIT ?", id, limit).toArray()) {
        found.add(r.email_id);
        if (found.size >= limit) return [...found];
      }
    }
    return [...found];
  }

  /** The ids a recorded message named (its own among them). */
  orphanIds(emailId: string): string[] {
    return this.sql
      .exec<{ message_id: string }>("SELECT message_id FROM mail_orphan_ids WHERE email_id = ?", emailId)
      .toArray()
      .map((r) => r.message_id);
  }

  /** A recorded message joins a case: its ids now thread to the case, and its D1 rows follow. */
  adoptEmail(emailId: string, caseId: string): void {
    for (const id of this.orphanIds(emailId)) this.sql.exec("INSERT OR IGNORE INTO mail_thread_ids (message_id, case_id) VALUES (?, ?)", id, caseId);
    this.sql.exec("DELETE FROM mail_orphan_ids WHERE email_id = ?", emailId);
    this.sql.exec("UPDATE mail_messages SET case_id = ? WHERE email_id = ?", caseId, emailId);
    this.enqueue({ kind: "email_adopted", row: { org_id: this.orgId(), email_id: emailId, case_id: caseId, version: 2 } });
  }

  /** The newest message the case received: what a reply answers. */
  threadTip(caseId: string): ThreadTip | null {
    const r = this.sql
      .exec<{ message_id: string; from_address: string; subject: string; refs: string }>(
        "SELECT message_id, from_address, subject, refs FROM mail_messages WHERE case_id = ? AND direction = 'inbound' ORDER BY seq DESC LIMIT 1",
        caseId,
      )
      .toArray()[0];
    return r ? { message_id: r.message_id, from_address: r.from_address, subject: r.subject, references: JSON.parse(r.refs) as string[] } : null;
  }

  /** Delivery of a sent message changes its status in D1 (the object keeps only its ids). */
  setEmailStatus(emailId: string, status: string, version: number): void {
    this.enqueue({ kind: "email_status", row: { org_id: this.orgId(), email_id: emailId, status, version } });
  }

  /** The case a message id threads to: a message of it, or an id one of its messages named. */
  caseIdOfThreadId(messageId: string): string | null {
    return this.sql.exec<{ case_id: string }>("SELECT case_id FROM mail_thread_ids WHERE message_id = ?", messageId).toArray()[0]?.case_id ?? null;
  }

  /** Keeps the message's ids here (once; the first case an id reached keeps it) and queues its D1 rows. */
  putEmail(e: EmailWrite): void {
    const { attachments, thread_ids, ...row } = e;
    const seq = this.nextSeq("email");
    this.sql.exec(
      `INSERT INTO mail_messages (message_id, email_id, case_id, direction, from_address, subject, refs, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (message_id) DO NOTHING`,
      e.message_id,
      e.email_id,
      e.case_id,
      e.direction,
      e.from_address,
      e.subject,
      JSON.stringify(e.references),
      seq,
    );
    for (const id of thread_ids) {
      if (e.case_id) this.sql.exec("INSERT OR IGNORE INTO mail_thread_ids (message_id, case_id) VALUES (?, ?)", id, e.case_id);
      else this.sql.exec("INSERT OR IGNORE INTO mail_orphan_ids (message_id, email_id) VALUES (?, ?)", id, e.email_id);
    }
    const orgId = this.orgId();
    this.enqueue({ kind: "email", row: { ...row, org_id: orgId, seq } });
    attachments.forEach((a, position) => {
      this.enqueue({ kind: "email_attachment", row: { ...a, org_id: orgId, email_id: e.email_id, case_id: e.case_id, position } });
    });
  }

  // --- pattern windows -------------------------------------------------------

  patternState<T>(ruleId: string, group: string): T | null {
    const row = this.sql.exec<{ state: string }>("SELECT state FROM pattern_state WHERE rule_id = ? AND group_key = ?", ruleId, group).toArray()[0];
    return row ? (JSON.parse(row.state) as T) : null;
  }

  setPatternState(ruleId: string, group: string, state: unknown): void {
    this.sql.exec(
      `INSERT INTO pattern_state (rule_id, group_key, state) VALUES (?, ?, ?)
       ON CONFLICT (rule_id, group_key) DO UPDATE SET state = excluded.state`,
      ruleId,
      group,
      JSON.stringify(state),
    );
  }

  // --- users and tokens ----------------------------------------------------

  userByEmail(email: string): StoredUser | null {
    const row = this.sql.exec<{ data: string }>("SELECT data FROM users WHERE email = ?", email).toArray()[0];
    return row ? (JSON.parse(row.data) as StoredUser) : null;
  }

  getUser(userId: string): StoredUser | null {
    const row = this.sql.exec<{ data: string }>("SELECT data FROM users WHERE user_id = ?", userId).toArray()[0];
    return row ? (JSON.parse(row.data) as StoredUser) : null;
  }

  /** Writes the user and queues its D1 copy; its list position (seq) is kept with the row. */
  putUser(u: StoredUser): void {
    const existing = this.sql.exec<{ seq: number | null }>("SELECT seq FROM users WHERE user_id = ?", u.user_id).toArray()[0];
    const seq = existing?.seq ?? this.nextSeq();
    this.sql.exec(
      `INSERT INTO users (user_id, email, seq, data) VALUES (?, ?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, seq = excluded.seq, data = excluded.data`,
      u.user_id,
      u.email,
      seq,
      JSON.stringify(u),
    );
    this.enqueue({ kind: "user", row: { ...u, org_id: this.orgId(), seq } });
  }

  getToken(tokenId: string): StoredToken | null {
    const row = this.sql.exec<{ data: string }>("SELECT data FROM tokens WHERE token_id = ?", tokenId).toArray()[0];
    return row ? (JSON.parse(row.data) as StoredToken) : null;
  }

  tokenByHash(tokenHash: string): StoredToken | null {
    const row = this.sql.exec<{ data: string }>("SELECT data FROM tokens WHERE token_hash = ?", tokenHash).toArray()[0];
    return row ? (JSON.parse(row.data) as StoredToken) : null;
  }

  putToken(t: StoredToken): void {
    this.sql.exec(
      `INSERT INTO tokens (token_id, token_hash, data) VALUES (?, ?, ?)
       ON CONFLICT (token_id) DO UPDATE SET token_hash = excluded.token_hash, data = excluded.data`,
      t.token_id,
      t.token_hash,
      JSON.stringify(t),
    );
    this.enqueue({ kind: "token", row: { ...t, org_id: this.orgId() } });
  }

  activeUsers(): StoredUser[] {
    return this.sql
      .exec<{ data: string }>("SELECT data FROM users")
      .toArray()
      .map((r) => JSON.parse(r.data) as StoredUser)
      .filter((u) => u.active);
  }

  // --- notifications (the object keeps those still to deliver) ----------------

  /** A new notification: its log row goes to D1; one still to deliver is also kept here for the alarm. */
  putNotice(n: Notice): void {
    const row: Delivery = { ...n, org_id: this.orgId(), seq: this.nextSeq("notifications"), attempts: 0, version: 1 };
    if (n.status === "delivered") this.enqueue({ kind: "notification", row });
    else this.putDelivery(row);
  }

  putDelivery(row: Delivery): void {
    this.sql.exec(
      "INSERT INTO deliveries (notification_id, data) VALUES (?, ?) ON CONFLICT (notification_id) DO UPDATE SET data = excluded.data",
      row.notification_id,
      JSON.stringify(row),
    );
    this.enqueue({ kind: "notification", row });
  }

  getDelivery(id: string): Delivery | null {
    const row = this.sql.exec<{ data: string }>("SELECT data FROM deliveries WHERE notification_id = ?", id).toArray()[0];
    return row ? (JSON.parse(row.data) as Delivery) : null;
  }

  /** Delivered or dead-lettered notifications leave the object; D1 keeps their record. */
  dropDelivery(id: string): void {
    this.sql.exec("DELETE FROM deliveries WHERE notification_id = ?", id);
  }

  allTokens(): StoredToken[] {
    return this.sql
      .exec<{ data: string }>("SELECT data FROM tokens")
      .toArray()
      .map((r) => JSON.parse(r.data) as StoredToken);
  }

  // --- persons ---------------------------------------------------------------

  getPerson(personId: string): Person | null {
    const row = this.sql.exec<{ data: string }>("SELECT data FROM persons WHERE person_id = ?", personId).toArray()[0];
    return row ? (JSON.parse(row.data) as Person) : null;
  }

  putPerson(p: Person): void {
    const existing = this.sql.exec<{ seq: number }>("SELECT seq FROM persons WHERE person_id = ?", p.person_id).toArray()[0];
    const seq = existing?.seq ?? this.nextSeq();
    this.sql.exec(
      "INSERT INTO persons (person_id, seq, data) VALUES (?, ?, ?) ON CONFLICT (person_id) DO UPDATE SET data = excluded.data",
      p.person_id,
      seq,
      JSON.stringify(p),
    );
    this.enqueue({ kind: "person", row: { ...p, org_id: this.orgId(), seq } });
  }

  // --- login throttling (not audited: attempts are not changes) ----------------

  loginFailuresSince(email: string, since: number): number[] {
    return this.sql
      .exec<{ at: number }>("SELECT at FROM login_failures WHERE email = ? AND at > ? ORDER BY at", email, since)
      .toArray()
      .map((r) => r.at);
  }

  recordLoginFailure(email: string, at: number, keepSince: number): void {
    this.sql.exec("DELETE FROM login_failures WHERE at <= ?", keepSince);
    this.sql.exec("INSERT INTO login_failures (email, at) VALUES (?, ?)", email, at);
  }

  clearLoginFailures(email: string): void {
    this.sql.exec("DELETE FROM login_failures WHERE email = ?", email);
  }

  // --- audit ---------------------------------------------------------------

  audit(e: AuditEvent, caseId: string | null): void {
    this.enqueue({ kind: "audit", row: { ...e, org_id: this.orgId(), seq: this.nextSeq("audit"), case_id: caseId } });
  }

  // --- timers --------------------------------------------------------------

  /** Upsert: arming the same (kind, entity, step) twice keeps one timer. */
  setTimer(t: Timer): void {
    this.sql.exec(
      `INSERT INTO timers (timer_id, due_at, kind, entity_type, entity_id, step) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (timer_id) DO UPDATE SET due_at = excluded.due_at`,
      t.timer_id,
      t.due_at,
      t.kind,
      t.entity_type,
      t.entity_id,
      t.step,
    );
  }

  dropTimers(entityId: string, kind?: string): void {
    if (kind) this.sql.exec("DELETE FROM timers WHERE entity_id = ? AND kind = ?", entityId, kind);
    else this.sql.exec("DELETE FROM timers WHERE entity_id = ?", entityId);
  }

  deleteTimer(timerId: string): boolean {
    return this.sql.exec("DELETE FROM timers WHERE timer_id = ?", timerId).rowsWritten > 0;
  }

  dueTimers(now: number, limit: number): Timer[] {
    return this.sql
      .exec("SELECT timer_id, due_at, kind, entity_type, entity_id, step FROM timers WHERE due_at <= ? ORDER BY due_at, timer_id LIMIT ?", now, limit)
      .toArray() as unknown as Timer[];
  }

  earliestTimer(): number | null {
    return this.sql.exec<{ due: number | null }>("SELECT min(due_at) AS due FROM timers").one().due;
  }

  hasTimer(timerId: string): boolean {
    return this.sql.exec("SELECT 1 FROM timers WHERE timer_id = ?", timerId).toArray().length > 0;
  }

  timerCount(): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM timers").one().n;
  }

  // --- organization settings (what D1 shows of the profile) ------------------

  putOrgSettings(profile: Profile): void {
    this.enqueue({
      kind: "org_settings",
      row: { org_id: this.orgId(), profile: profile.name, privacy: profile.privacy, modules: enabledModules(profile.modules) },
    });
  }

  // --- outbox --------------------------------------------------------------

  /** Queues a record's D1 copy; module stores (durable-objects/modules) write through here too. */
  enqueue(item: OutboxItem): void {
    this.sql.exec("INSERT INTO outbox (kind, payload) VALUES (?, ?)", item.kind, JSON.stringify(item.row));
  }

  outboxBatch(limit: number): { seq: number; item: OutboxItem }[] {
    return this.sql
      .exec<{ seq: number; kind: string; payload: string }>("SELECT seq, kind, payload FROM outbox ORDER BY seq LIMIT ?", limit)
      .toArray()
      .map((r) => ({ seq: r.seq, item: { kind: r.kind, row: JSON.parse(r.payload) } as OutboxItem }));
  }

  /** Rows of one kind enqueued after `seq` (what the open transaction has written so far). */
  outboxSince<K extends OutboxItem["kind"]>(seq: number, kind: K): Extract<OutboxItem, { kind: K }>[] {
    return this.sql
      .exec<{ payload: string }>("SELECT payload FROM outbox WHERE seq > ? AND kind = ? ORDER BY seq", seq, kind)
      .toArray()
      .map((r) => ({ kind, row: JSON.parse(r.payload) }) as Extract<OutboxItem, { kind: K }>);
  }

  outboxHead(): number {
    return this.sql.exec<{ s: number | null }>("SELECT max(seq) AS s FROM outbox").one().s ?? 0;
  }

  /** True while any outbox row at or below `seq` is still waiting for D1. */
  outboxPendingThrough(seq: number): boolean {
    return this.sql.exec("SELECT 1 FROM outbox WHERE seq <= ? LIMIT 1", seq).toArray().length > 0;
  }

  outboxSize(): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM outbox").one().n;
  }

  ackOutbox(throughSeq: number): void {
    this.sql.exec("DELETE FROM outbox WHERE seq <= ?", throughSeq);
  }

  private cachedOrgId: string | null = null;

  private orgId(): string {
    if (this.cachedOrgId) return this.cachedOrgId;
    const org = this.org();
    if (!org) throw new Error("organization not initialised");
    return (this.cachedOrgId = org.org_id);
  }
}
