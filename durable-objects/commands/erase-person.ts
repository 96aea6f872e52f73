/**
 * Erasure of a person (a legal duty, so every organization has it, whatever
 * its modules). Their record, personnel and consent rows go; everything else
 * that holds their name or contact details keeps existing with those strings
 * replaced (core/modules/care/erasure.ts): cases, tasks and facts stay, so
 * insight counts do not move.
 *
 * The work is bounded per step and resumable:
 * 1. One transaction deletes the person (from then on they answer 404),
 *    their personnel and consent rows, and records the erasure as pending
 *    in `care_erasures` (with the strings to look for and scan cursors).
 * 2. The object's own tables are scanned in windows of `WINDOW` rows (by
 *    rowid); each window is one transaction that scrubs what it found
 *    (versions rise, D1 copies go through the outbox) and advances the
 *    cursor, so a window is applied whole or not at all and a restart
 *    continues where the last one ended.
 * 3. With the outbox flushed, D1's append-only rows (signals, audit events,
 *    notifications, mail, attachment names) are scrubbed in place, swept by
 *    their per-organization sequence in windows, and the person's row goes.
 *    The raw messages that mention them and the attachments of mail they
 *    sent are deleted from R2 (an attachment that another message still
 *    names is kept: its bytes are that message's too). This phase is
 *    idempotent: run again, it finds nothing left.
 * 4. The pending record is deleted, and the audit log says what was done
 *    (counts only).
 * If any step fails the request answers an error and the pending record
 * stays: the same DELETE again resumes it (and answers 204 once done).
 */
import { DomainError, fail, notFound, type Result } from "../../core/errors";
import type { Case, Task } from "../../core/model";
import { asciiLower, ERASED, erasureTerms, mentions, scrubCase, scrubJson, scrubTask, scrubText, termPattern } from "../../core/modules/care/erasure";
import type { Delivery, OrgStore } from "../store/org-store";
import { dropFromRosters } from "../modules/groups/group-store";
import { auditEvent, type CommandContext, iso } from "./context";

/** Rows of the object's storage looked at per transaction. */
const WINDOW = 500;
/** Sequence numbers of one D1 table covered per statement, and statements per round trip. */
const D1_WINDOW = 2_000;
const D1_STATEMENTS = 10;
/** D1 updates per batch. */
const D1_WRITES = 50;

export interface ErasureHost {
  store: OrgStore;
  db: D1Database;
  files: R2Bucket;
  /** Runs one step in the object's transaction (audit and outbox with it) and waits for its D1 copy. */
  run<T>(step: (ctx: CommandContext) => T): Promise<Result<T>>;
  /** Pushes the whole outbox to D1; false when rows remain. */
  flush(): Promise<boolean>;
}

const OBJECT_TABLES = ["cases", "tasks", "signals", "mail_messages", "deliveries", "pattern_state", "open_dedupe"] as const;
type ObjectTable = (typeof OBJECT_TABLES)[number];

interface ErasureJob {
  person_id: string;
  terms: string[];
  emails: string[];
  started_at: string;
  /** The next object table to scan and the last rowid done in it. */
  table: number;
  after: number;
  counts: Record<string, number>;
}

export async function erasePerson(host: ErasureHost, personId: string): Promise<Result<null>> {
  const begun = await host.run((ctx) => beginErasure(ctx, personId));
  if (!begun.ok) return begun;
  let job = begun.value;
  while (job.table < OBJECT_TABLES.length) {
    const step = await host.run((ctx) => scrubWindow(ctx, personId));
    if (!step.ok) return step;
    job = step.value;
  }
  if (!(await host.flush()))
    return fail(new DomainError("unavailable", "the erasure could not reach the database yet; send the same request again to finish it"));
  try {
    const orgId = host.store.org()?.org_id;
    if (!orgId) return fail(notFound("organization"));
    const d1 = await scrubD1(host, orgId, job);
    job = { ...job, counts: { ...job.counts, ...d1 } };
  } catch (e) {
    console.error(JSON.stringify({ msg: "erasure D1/R2 phase failed", error: String(e) }));
    return fail(new DomainError("unavailable", "the erasure is not finished; send the same request again to finish it"));
  }
  const done = await host.run((ctx) => finishErasure(ctx, job));
  return done.ok ? { ok: true, value: null, bookmark: done.bookmark } : done;
}

// --- 1. the person goes ---------------------------------------------------------

function readJob(store: OrgStore, personId: string): ErasureJob | null {
  const row = store.sql.exec<{ data: string }>("SELECT data FROM care_erasures WHERE person_id = ?", personId).toArray()[0];
  return row ? (JSON.parse(row.data) as ErasureJob) : null;
}

function saveJob(store: OrgStore, job: ErasureJob): void {
  store.sql.exec(
    "INSERT INTO care_erasures (person_id, data) VALUES (?, ?) ON CONFLICT (person_id) DO UPDATE SET data = excluded.data",
    job.person_id,
    JSON.stringify(job),
  );
}

function beginErasure(ctx: CommandContext, personId: string): ErasureJob {
  if (!ctx.actor.admin) throw new DomainError("forbidden", "erasing a person needs an organization admin");
  const pending = readJob(ctx.store, personId);
  if (pending) return pending;
  const person = ctx.store.getPerson(personId);
  if (!person) throw notFound("person");
  const orgId = orgIdOf(ctx.store);
  const { terms, emails } = erasureTerms(person);
  ctx.store.sql.exec("DELETE FROM persons WHERE person_id = ?", personId);
  let personnel = 0;
  if (ctx.store.sql.exec("DELETE FROM care_personnel WHERE person_id = ?", personId).rowsWritten > 0) {
    personnel = 1;
    ctx.store.enqueue({ kind: "module_row_deleted", row: { org_id: orgId, table: "personnel", id: personId } });
  }
  const consents = ctx.store.sql
    .exec<{ data: string }>("SELECT data FROM care_consents WHERE person_id = ?", personId)
    .toArray()
    .map((r) => (JSON.parse(r.data) as { consent_id: string }).consent_id);
  ctx.store.sql.exec("DELETE FROM care_consents WHERE person_id = ?", personId);
  for (const id of consents) ctx.store.enqueue({ kind: "module_row_deleted", row: { org_id: orgId, table: "consents", id } });
  const rosters = dropFromRosters(ctx.store, personId, iso(ctx.now));
  const job: ErasureJob = {
    person_id: personId,
    terms,
    emails,
    started_at: iso(ctx.now),
    table: 0,
    after: 0,
    counts: { personnel, consents: consents.length, rosters },
  };
  saveJob(ctx.store, job);
  ctx.store.audit(auditEvent(ctx, "person.erased", "person", personId, { terms: terms.length }), null);
  return job;
}

// --- 2. the object's tables, window by window -------------------------------------

/** SQL that is true when any of `columns` holds any term (ASCII case folded, as the scrub's match is). */
function prefilter(columns: string[], terms: readonly string[]): { sql: string; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  for (const column of columns) {
    for (const term of terms) {
      parts.push(`instr(lower(coalesce(${column}, '')), ?) > 0`);
      params.push(asciiLower(term));
    }
  }
  return { sql: parts.length ? parts.join(" OR ") : "0", params };
}

function scrubWindow(ctx: CommandContext, personId: string): ErasureJob {
  const job = readJob(ctx.store, personId);
  if (!job) throw notFound("person");
  const table = OBJECT_TABLES[job.table];
  if (!table) return job;
  const sql = ctx.store.sql;
  const end = sql
    .exec<{ r: number | null }>(`SELECT max(r) AS r FROM (SELECT rowid AS r FROM ${table} WHERE rowid > ? ORDER BY rowid LIMIT ?)`, job.after, WINDOW)
    .one().r;
  if (end === null) {
    const next = { ...job, table: job.table + 1, after: 0 };
    saveJob(ctx.store, next);
    return next;
  }
  const changed = scrubObjectRows(ctx, table, job, end);
  const next = { ...job, after: end, counts: { ...job.counts, [table]: (job.counts[table] ?? 0) + changed } };
  saveJob(ctx.store, next);
  return next;
}

function scrubObjectRows(ctx: CommandContext, table: ObjectTable, job: ErasureJob, end: number): number {
  const sql = ctx.store.sql;
  const pattern = termPattern(job.terms);
  const range = "rowid > ? AND rowid <= ?";
  const rows = <T extends Record<string, SqlStorageValue>>(columns: string, filter: { sql: string; params: unknown[] }) =>
    sql.exec<T>(`SELECT ${columns} FROM ${table} WHERE ${range} AND (${filter.sql})`, job.after, end, ...filter.params).toArray();
  const now = iso(ctx.now);
  let changed = 0;
  switch (table) {
    case "cases": {
      const f = prefilter(["data"], job.terms);
      for (const r of rows<{ data: string }>("data", { sql: `person_id = ? OR ${f.sql}`, params: [job.person_id, ...f.params] })) {
        const before = JSON.parse(r.data) as Case;
        const next = scrubCase(before, job.person_id, pattern);
        if (!next) continue;
        ctx.store.putCase({ ...next, updated_at: now, version: before.version + 1 });
        ctx.store.audit(auditEvent(ctx, "case.person_erased", "case", before.case_id, { fields: changedFields(before, next) }), before.case_id);
        changed++;
      }
      return changed;
    }
    case "tasks": {
      const f = prefilter(["data"], job.terms);
      const assigned = "json_extract(data, '$.assignee_person_id') = ?";
      for (const r of rows<{ data: string }>("data", { sql: `${assigned} OR ${f.sql}`, params: [job.person_id, ...f.params] })) {
        const before = JSON.parse(r.data) as Task;
        const next = scrubTask(before, job.person_id, pattern);
        if (!next) continue;
        const location = ctx.store.getCase(before.case_id)?.location ?? { site: null, area: null };
        ctx.store.putTask({ ...next, updated_at: now, version: before.version + 1 }, location);
        ctx.store.audit(auditEvent(ctx, "task.person_erased", "task", before.task_id, { fields: changedFields(before, next) }), before.case_id);
        changed++;
      }
      return changed;
    }
    case "signals": {
      // The first answer kept for replays embeds the case as it was then.
      const f = prefilter(["result", "idempotency_key"], job.terms);
      const named = "json_extract(result, '$.case.person_id') = ?";
      for (const r of rows<{ signal_id: string; idempotency_key: string | null; result: string }>("signal_id, idempotency_key, result", {
        sql: `${named} OR ${f.sql}`,
        params: [job.person_id, ...f.params],
      })) {
        const outcome = scrubJson(JSON.parse(r.result) as { case?: { person_id?: string | null } | null }, pattern);
        const unlinked = outcome.case?.person_id === job.person_id ? { ...outcome, case: { ...outcome.case, person_id: null } } : outcome;
        // A key that names them cannot be kept, nor shared with another scrubbed key.
        const key = r.idempotency_key !== null && mentions(r.idempotency_key, pattern) ? `${ERASED}:${r.signal_id}` : r.idempotency_key;
        sql.exec("UPDATE signals SET result = ?, idempotency_key = ? WHERE signal_id = ?", JSON.stringify(unlinked), key, r.signal_id);
        changed++;
      }
      return changed;
    }
    case "mail_messages": {
      const f = prefilter(["from_address", "subject"], job.terms);
      for (const r of rows<{ message_id: string; from_address: string; subject: string }>("message_id, from_address, subject", f)) {
        sql.exec(
          "UPDATE mail_messages SET from_address = ?, subject = ? WHERE message_id = ?",
          scrubText(r.from_address, pattern),
          scrubText(r.subject, pattern),
          r.message_id,
        );
        changed++;
      }
      return changed;
    }
    case "deliveries": {
      const f = prefilter(["data"], job.terms);
      for (const r of rows<{ notification_id: string; data: string }>("notification_id, data", f)) {
        const before = JSON.parse(r.data) as Delivery;
        const toThem = mentions(before.recipient, pattern);
        const next: Delivery = {
          ...before,
          recipient: scrubText(before.recipient, pattern),
          payload: scrubJson(before.payload, pattern),
          version: before.version + 1,
          ...(toThem ? { status: "cancelled" } : {}),
        };
        if (toThem) {
          // Nothing more goes to someone who is erased: the delivery is cancelled, its log row kept without them.
          ctx.store.dropDelivery(before.notification_id);
          ctx.store.dropTimers(before.notification_id, "delivery");
          ctx.store.enqueue({ kind: "notification", row: next });
        } else ctx.store.putDelivery(next);
        changed++;
      }
      return changed;
    }
    case "pattern_state":
    case "open_dedupe": {
      // Group and dedupe keys may be built from a signal's fields (an address): the key is renamed, its state kept.
      const column = table === "pattern_state" ? "group_key" : "dedupe_key";
      const f = prefilter([column], job.terms);
      for (const r of rows<{ r: number; key: string }>(`rowid AS r, ${column} AS key`, f)) {
        const renamed = scrubText(r.key, pattern);
        sql.exec(`UPDATE OR REPLACE ${table} SET ${column} = ? WHERE rowid = ?`, renamed, r.r);
        changed++;
      }
      return changed;
    }
  }
}

function changedFields(before: object, after: object): string[] {
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  return Object.keys(b).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

// --- 3. D1's append-only rows and R2 ----------------------------------------------

interface SweptTable {
  table: string;
  counter: string;
  key: string;
  columns: string[];
  /** Also matched: rows that name the person by id. */
  byPerson?: string;
}

const D1_TABLES: SweptTable[] = [
  { table: "signals", counter: "records", key: "signal_id", columns: ["title", "body", "metadata", "idempotency_key"], byPerson: "person_id" },
  { table: "audit_events", counter: "audit", key: "event_id", columns: ["changes"] },
  { table: "notifications", counter: "notifications", key: "notification_id", columns: ["recipient", "payload"] },
  { table: "email_messages", counter: "email", key: "email_id", columns: ["from_address", "from_name", '"to"', "cc", "subject", "text", "full_text"] },
];

async function scrubD1(host: ErasureHost, orgId: string, job: ErasureJob): Promise<Record<string, number>> {
  const db = host.db;
  const pattern = termPattern(job.terms);
  const counts: Record<string, number> = {};
  await db.prepare("DELETE FROM persons WHERE org_id = ? AND person_id = ?").bind(orgId, job.person_id).run();
  for (const t of D1_TABLES) {
    const top = host.store.sql.exec<{ value: number }>("SELECT value FROM counters WHERE name = ?", t.counter).toArray()[0]?.value ?? 0;
    const f = prefilter(t.columns, job.terms);
    const where = t.byPerson ? `${t.byPerson} = ? OR ${f.sql}` : f.sql;
    const params = t.byPerson ? [job.person_id, ...f.params] : f.params;
    const statement = db.prepare(`SELECT * FROM ${t.table} WHERE org_id = ? AND seq > ? AND seq <= ? AND (${where})`);
    let found: Record<string, unknown>[] = [];
    for (let from = 0; from < top; from += D1_WINDOW * D1_STATEMENTS) {
      const windows: D1PreparedStatement[] = [];
      for (let w = from; w < Math.min(top, from + D1_WINDOW * D1_STATEMENTS); w += D1_WINDOW) windows.push(statement.bind(orgId, w, w + D1_WINDOW, ...params));
      const results = await db.batch<Record<string, unknown>>(windows);
      found = found.concat(results.flatMap((r) => r.results));
      // Rows are handled as they are found, so memory holds one round trip's matches.
      counts[t.table] = (counts[t.table] ?? 0) + (await scrubD1Rows(host, orgId, t, found, job, pattern));
      found = [];
    }
  }
  return counts;
}

async function scrubD1Rows(
  host: ErasureHost,
  orgId: string,
  t: SweptTable,
  rows: Record<string, unknown>[],
  job: ErasureJob,
  pattern: RegExp | null,
): Promise<number> {
  if (rows.length === 0) return 0;
  const db = host.db;
  const writes: D1PreparedStatement[] = [];
  const text = (v: unknown) => (typeof v === "string" ? scrubText(v, pattern) : v);
  const json = (v: unknown) => (typeof v === "string" ? JSON.stringify(scrubJson(JSON.parse(v) as unknown, pattern)) : v);
  for (const row of rows) {
    const id = row[t.key] as string;
    switch (t.table) {
      case "signals": {
        const key = typeof row.idempotency_key === "string" && mentions(row.idempotency_key, pattern) ? `${ERASED}:${id}` : row.idempotency_key;
        writes.push(
          db
            .prepare(
              "UPDATE signals SET title = ?, body = ?, metadata = ?, idempotency_key = ?, person_id = CASE WHEN person_id = ? THEN NULL ELSE person_id END WHERE org_id = ? AND signal_id = ?",
            )
            .bind(text(row.title), text(row.body) ?? null, json(row.metadata), key ?? null, job.person_id, orgId, id),
        );
        break;
      }
      case "audit_events":
        writes.push(db.prepare("UPDATE audit_events SET changes = ? WHERE org_id = ? AND event_id = ?").bind(json(row.changes), orgId, id));
        break;
      case "notifications":
        writes.push(
          db
            .prepare("UPDATE notifications SET recipient = ?, payload = ? WHERE org_id = ? AND notification_id = ?")
            .bind(text(row.recipient), json(row.payload), orgId, id),
        );
        break;
      case "email_messages": {
        const sentByThem = job.emails.includes(String(row.from_address).toLowerCase());
        // The raw message holds the same text; it is kept by nobody else (its key is its own bytes' hash).
        if (typeof row.raw_key === "string") await host.files.delete(row.raw_key);
        const attachments = await erasedAttachments(host, orgId, id, sentByThem, job.emails, pattern);
        writes.push(...attachments);
        writes.push(
          db
            .prepare(
              'UPDATE email_messages SET from_address = ?, from_name = ?, "to" = ?, cc = ?, subject = ?, text = ?, full_text = ?, raw_key = NULL WHERE org_id = ? AND email_id = ?',
            )
            .bind(
              text(row.from_address),
              text(row.from_name) ?? null,
              json(row.to),
              json(row.cc),
              text(row.subject),
              text(row.text),
              text(row.full_text),
              orgId,
              id,
            ),
        );
        break;
      }
    }
  }
  for (let i = 0; i < writes.length; i += D1_WRITES) await db.batch(writes.slice(i, i + D1_WRITES));
  return rows.length;
}

/**
 * A message's attachments: their names lose the person's strings; the files
 * of mail the person sent are deleted from R2, unless another message names
 * the same (content-addressed) file.
 */
async function erasedAttachments(
  host: ErasureHost,
  orgId: string,
  emailId: string,
  sentByThem: boolean,
  emails: readonly string[],
  pattern: RegExp | null,
): Promise<D1PreparedStatement[]> {
  const db = host.db;
  const { results } = await db
    .prepare("SELECT attachment_id, filename, r2_key FROM email_attachments WHERE org_id = ? AND email_id = ? ORDER BY position")
    .bind(orgId, emailId)
    .all<{ attachment_id: string; filename: string | null; r2_key: string }>();
  const writes: D1PreparedStatement[] = [];
  for (const a of results) {
    if (sentByThem) {
      // No index leads by r2_key: this looks through the organization's attachment rows, once per file of an erased message.
      const { results: holders } = await db
        .prepare("SELECT email_id FROM email_attachments WHERE org_id = ? AND r2_key = ? LIMIT 50")
        .bind(orgId, a.r2_key)
        .all<{ email_id: string }>();
      const others = [...new Set(holders.map((h) => h.email_id).filter((id) => id !== emailId))];
      const shared = others.length > 0 && (await sentByOthers(db, orgId, others, emails));
      if (!shared) await host.files.delete(a.r2_key);
    }
    if (a.filename !== null && mentions(a.filename, pattern)) {
      writes.push(
        db
          .prepare("UPDATE email_attachments SET filename = ? WHERE org_id = ? AND attachment_id = ?")
          .bind(scrubText(a.filename, pattern), orgId, a.attachment_id),
      );
    }
  }
  return writes;
}

/** Does any of these messages come from someone other than the person (mail of theirs already scrubbed reads `[erased]`)? */
async function sentByOthers(db: D1Database, orgId: string, emailIds: string[], emails: readonly string[]): Promise<boolean> {
  const marks = emailIds.map(() => "?").join(", ");
  const { results } = await db
    .prepare(`SELECT from_address FROM email_messages WHERE org_id = ? AND email_id IN (${marks})`)
    .bind(orgId, ...emailIds)
    .all<{ from_address: string }>();
  return results.some((r) => r.from_address !== ERASED && !emails.includes(r.from_address.toLowerCase()));
}

// --- 4. done ---------------------------------------------------------------------

function finishErasure(ctx: CommandContext, job: ErasureJob): null {
  ctx.store.sql.exec("DELETE FROM care_erasures WHERE person_id = ?", job.person_id);
  ctx.store.audit(auditEvent(ctx, "person.erasure_completed", "person", job.person_id, { counts: job.counts, started_at: job.started_at }), null);
  return null;
}

function orgIdOf(store: OrgStore): string {
  const org = store.org();
  if (!org) throw notFound("organization");
  return org.org_id;
}
