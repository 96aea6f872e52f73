/**
 * Pushes outbox rows into D1 as one batch (one D1 transaction). Every
 * statement is idempotent: versioned records upsert only when the incoming
 * version is newer, append-only rows are inserted once. A batch replayed after
 * a crash between the D1 write and the outbox acknowledgement changes nothing.
 *
 * Rows that only insert or upsert go a table at a time, many rows per
 * statement (bulk-statements.ts): a batch of 1,000 rows is a few dozen
 * statements rather than a thousand or more. Deletions and partial updates
 * keep their place in the sequence.
 */
import { and, eq, getTableColumns, type SQL, sql } from "drizzle-orm";
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import * as schema from "../../d1/schema";
import type { OutboxItem } from "../../d1/outbox-item";
import { caseFact, departmentOf, taskFact, timeDimension } from "../../core/insights/facts";
import { type BulkTable, bulkStatements, bulkTable } from "./bulk-statements";

/** A versioned record's table, upserted under the version guard on its key column. */
const versioned = (table: SQLiteTable, key: string) => ({ table: bulkTable(table, { kind: "version", key }), key });

/** Versioned records, by outbox kind, with their key column. */
const VERSIONED = {
  case: versioned(schema.cases, "case_id"),
  task: versioned(schema.tasks, "task_id"),
  user: versioned(schema.users, "user_id"),
  person: versioned(schema.persons, "person_id"),
  token: versioned(schema.tokens, "token_id"),
  notification: versioned(schema.notifications, "notification_id"),
  email: versioned(schema.email_messages, "email_id"),
  location: versioned(schema.locations, "location_id"),
  asset: versioned(schema.assets, "asset_id"),
  personnel: versioned(schema.personnel, "person_id"),
  consent: versioned(schema.consents, "consent_id"),
  group: versioned(schema.groups, "group_id"),
} as const;

/** Append-only rows, by outbox kind: inserted once. */
const APPEND_ONLY = {
  signal: bulkTable(schema.signals, { kind: "ignore" }),
  audit: bulkTable(schema.audit_events, { kind: "ignore" }),
  email_attachment: bulkTable(schema.email_attachments, { kind: "ignore" }),
} as const;

/**
 * A fact takes every column of the incoming row, but keeps the first instant
 * it was resolved or closed while it stays so (a later edit of a resolved
 * case moves its updated_at, not the moment it was resolved).
 */
const firstInstants = (table: string) =>
  Object.fromEntries(
    (["resolved_at", "closed_at"] as const).map((c) => [
      c,
      `CASE WHEN excluded."${c}" IS NULL THEN NULL ELSE coalesce("${table}"."${c}", excluded."${c}") END`,
    ]),
  );

/** The star schema's rows that case and task rows bring along (same batch, same idempotence). */
const INSIGHTS = {
  case: bulkTable(schema.fact_cases, { kind: "version", key: "case_id", keep: firstInstants("fact_cases") }),
  task: bulkTable(schema.fact_tasks, { kind: "version", key: "task_id", keep: firstInstants("fact_tasks") }),
  time: bulkTable(schema.dim_time, { kind: "ignore" }),
  location: bulkTable(schema.dim_location, { kind: "ignore" }),
};

type VersionedKind = keyof typeof VERSIONED;
type AppendOnlyKind = keyof typeof APPEND_ONLY;
const isVersioned = (kind: string): kind is VersionedKind => kind in VERSIONED;
const isAppendOnly = (kind: string): kind is AppendOnlyKind => kind in APPEND_ONLY;

type Statement = { sql: string; params: unknown[] };
type SingleItem = Exclude<OutboxItem, { kind: VersionedKind | AppendOnlyKind }>;

/**
 * Writes `items` in one D1 batch. A run of inserts and upserts is written a
 * table at a time; any other item is written in its place, after everything
 * before it and before everything after it, so an upsert never lands after
 * the deletion that followed it.
 */
export async function writeToD1(db: D1Database | D1DatabaseSession, items: OutboxItem[]): Promise<void> {
  if (items.length === 0) return;
  // A session exposes prepare/batch like the database; it also yields the bookmark readers need.
  const d = drizzle(db as D1Database, { schema });
  const statements: Statement[] = [];
  let run: OutboxItem[] = [];
  for (const item of items) {
    if (isVersioned(item.kind) || isAppendOnly(item.kind)) {
      run.push(item);
      continue;
    }
    statements.push(...runStatements(run));
    run = [];
    for (const query of singleStatements(d, item as SingleItem)) statements.push(query.toSQL());
  }
  statements.push(...runStatements(run));
  await db.batch(statements.map((s) => db.prepare(s.sql).bind(...s.params)));
}

/**
 * A run of inserts and upserts as a few statements per table. Of a versioned
 * record only its newest version is written (an older one would lose to it;
 * of equal versions the first, which D1 would keep). Facts keep every
 * version, in order: the first resolved instant depends on the sequence.
 */
function runStatements(items: OutboxItem[]): Statement[] {
  if (items.length === 0) return [];
  const newest = new Map<VersionedKind, Map<string, { version: number; row: object }>>();
  const appended = new Map<AppendOnlyKind, object[]>();
  const facts = { case: [] as object[], task: [] as object[] };
  const times = new Map<string, object>();
  const locations = new Map<string, object>();
  for (const item of items) {
    if (isAppendOnly(item.kind)) {
      const rows = appended.get(item.kind) ?? [];
      rows.push(item.row);
      appended.set(item.kind, rows);
      continue;
    }
    if (!isVersioned(item.kind)) continue;
    const row = item.row as Record<string, unknown>;
    const byKey = newest.get(item.kind) ?? new Map<string, { version: number; row: object }>();
    newest.set(item.kind, byKey);
    const key = String(row[VERSIONED[item.kind].key]);
    const version = Number(row.version);
    const kept = byKey.get(key);
    if (!kept || version > kept.version) byKey.set(key, { version, row });
    if (item.kind === "case") {
      const fact = caseFact(item.row.org_id, item.row);
      facts.case.push(fact);
      times.set(fact.created_date, timeDimension(fact.created_date));
      const location = { org_id: fact.org_id, site: fact.site ?? "", area: fact.area ?? "" };
      locations.set(JSON.stringify(location), location);
    } else if (item.kind === "task") {
      const fact = taskFact(item.row.org_id, item.row);
      facts.task.push(fact);
      times.set(fact.created_date, timeDimension(fact.created_date));
    }
  }
  const out: Statement[] = [];
  const write = (table: BulkTable, rows: readonly object[]) => {
    for (const s of bulkStatements(table, rows)) out.push({ sql: s.sql, params: [s.payload] });
  };
  for (const [kind, byKey] of newest)
    write(
      VERSIONED[kind].table,
      [...byKey.values()].map((v) => v.row),
    );
  for (const [kind, rows] of appended) write(APPEND_ONLY[kind], rows);
  write(INSIGHTS.case, facts.case);
  write(INSIGHTS.task, facts.task);
  write(INSIGHTS.time, [...times.values()]);
  write(INSIGHTS.location, [...locations.values()]);
  return out;
}

/** Each module table with its key column, for deletions by id. */
const MODULE_TABLE_KEYS = {
  locations: { table: schema.locations, key: schema.locations.location_id },
  assets: { table: schema.assets, key: schema.assets.asset_id },
  personnel: { table: schema.personnel, key: schema.personnel.person_id },
  consents: { table: schema.consents, key: schema.consents.consent_id },
  groups: { table: schema.groups, key: schema.groups.group_id },
} as const;

/** A role row replaces every column (roles carry no version: the latest write wins). */
const ROLE_SET: Record<string, SQL> = Object.fromEntries(
  Object.entries(getTableColumns(schema.roles)).map(([key, column]) => [key, sql.raw(`excluded."${column.name}"`)]),
);

/** An item written on its own, in its place: deletions, partial updates and the unversioned role rows. */
function singleStatements(d: DrizzleD1Database<typeof schema>, item: SingleItem): { toSQL: () => Statement }[] {
  switch (item.kind) {
    case "email_adopted": {
      const { org_id, email_id, case_id, version } = item.row;
      const mine = and(eq(schema.email_messages.org_id, org_id), eq(schema.email_messages.email_id, email_id));
      return [
        d
          .update(schema.email_messages)
          .set({ case_id, status: "joined", version })
          .where(and(mine, sql`${schema.email_messages.version} < ${version}`)),
        d
          .update(schema.email_attachments)
          .set({ case_id })
          .where(and(eq(schema.email_attachments.org_id, org_id), eq(schema.email_attachments.email_id, email_id))),
      ];
    }
    case "case_deleted": {
      const { org_id, case_id } = item.row;
      return [
        d.delete(schema.tasks).where(and(eq(schema.tasks.org_id, org_id), eq(schema.tasks.case_id, case_id))),
        d.delete(schema.email_attachments).where(and(eq(schema.email_attachments.org_id, org_id), eq(schema.email_attachments.case_id, case_id))),
        d.delete(schema.email_messages).where(and(eq(schema.email_messages.org_id, org_id), eq(schema.email_messages.case_id, case_id))),
        d.delete(schema.cases).where(and(eq(schema.cases.org_id, org_id), eq(schema.cases.case_id, case_id))),
      ];
    }
    case "module_row_deleted": {
      const { org_id, table, id } = item.row;
      const t = MODULE_TABLE_KEYS[table];
      return [d.delete(t.table).where(and(eq(t.table.org_id, org_id), eq(t.key, id)))];
    }
    case "role":
      return [
        d.insert(schema.roles).values(item.row).onConflictDoUpdate({ target: schema.roles.role_id, set: ROLE_SET }),
        d
          .insert(schema.dim_role)
          .values({ org_id: item.row.org_id, role: item.row.name, parent: item.row.parent, department: departmentOf(item.row.name) })
          .onConflictDoUpdate({ target: [schema.dim_role.org_id, schema.dim_role.role], set: { parent: item.row.parent } }),
      ];
    case "org_settings":
      return [
        d
          .update(schema.orgs)
          .set({ profile: item.row.profile, privacy: item.row.privacy, modules: item.row.modules })
          .where(eq(schema.orgs.org_id, item.row.org_id)),
      ];
    case "email_status":
      return [
        d
          .update(schema.email_messages)
          .set({ status: item.row.status, version: item.row.version })
          .where(
            and(
              eq(schema.email_messages.org_id, item.row.org_id),
              eq(schema.email_messages.email_id, item.row.email_id),
              sql`${schema.email_messages.version} < ${item.row.version}`,
            ),
          ),
      ];
  }
}
