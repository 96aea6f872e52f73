/**
 * Pushes outbox rows into D1 as one batch (one D1 transaction). Every
 * statement is idempotent: versioned records upsert only when the incoming
 * version is newer, append-only rows are inserted once. A batch replayed after
 * a crash between the D1 write and the outbox acknowledgement changes nothing.
 */
import { and, eq, getTableColumns, sql, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import * as schema from "../../d1/schema";
import type { OutboxItem } from "../../d1/outbox-item";
import { caseFact, departmentOf, taskFact, timeDimension } from "../../core/insights/facts";

/** Every column taken from the incoming row (`excluded.*`). */
function excludedSet(table: SQLiteTable): Record<string, SQL> {
  const set: Record<string, SQL> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    set[key] = sql.raw(`excluded."${column.name}"`);
  }
  return set;
}

/**
 * A fact takes every column of the incoming row, but keeps the first instant
 * it was resolved or closed while it stays so (a later edit of a resolved
 * case moves its updated_at, not the moment it was resolved).
 */
function factSet(table: typeof schema.fact_cases | typeof schema.fact_tasks): Record<string, SQL> {
  const set = excludedSet(table);
  for (const column of ["resolved_at", "closed_at"] as const) {
    set[column] = sql.raw(
      `CASE WHEN excluded."${column}" IS NULL THEN NULL ELSE coalesce("${table === schema.fact_cases ? "fact_cases" : "fact_tasks"}"."${column}", excluded."${column}") END`,
    );
  }
  return set;
}

const SETS = {
  case: excludedSet(schema.cases),
  task: excludedSet(schema.tasks),
  user: excludedSet(schema.users),
  person: excludedSet(schema.persons),
  token: excludedSet(schema.tokens),
  notification: excludedSet(schema.notifications),
  role: excludedSet(schema.roles),
  email: excludedSet(schema.email_messages),
  location: excludedSet(schema.locations),
  asset: excludedSet(schema.assets),
  personnel: excludedSet(schema.personnel),
  consent: excludedSet(schema.consents),
  group: excludedSet(schema.groups),
  fact_case: factSet(schema.fact_cases),
  fact_task: factSet(schema.fact_tasks),
};

export async function writeToD1(db: D1Database | D1DatabaseSession, items: OutboxItem[]): Promise<void> {
  if (items.length === 0) return;
  // A session exposes prepare/batch like the database; it also yields the bookmark readers need.
  const d = drizzle(db as D1Database, { schema });
  const statements = items.flatMap((item): BatchItem<"sqlite">[] => {
    if (item.kind === "email_adopted") {
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
    if (item.kind === "case_deleted") {
      const { org_id, case_id } = item.row;
      return [
        d.delete(schema.tasks).where(and(eq(schema.tasks.org_id, org_id), eq(schema.tasks.case_id, case_id))),
        d.delete(schema.email_attachments).where(and(eq(schema.email_attachments.org_id, org_id), eq(schema.email_attachments.case_id, case_id))),
        d.delete(schema.email_messages).where(and(eq(schema.email_messages.org_id, org_id), eq(schema.email_messages.case_id, case_id))),
        d.delete(schema.cases).where(and(eq(schema.cases.org_id, org_id), eq(schema.cases.case_id, case_id))),
      ];
    }
    if (item.kind === "module_row_deleted") {
      const { org_id, table, id } = item.row;
      const t = MODULE_TABLE_KEYS[table];
      return [d.delete(t.table).where(and(eq(t.table.org_id, org_id), eq(t.key, id)))];
    }
    return [upsert(d, item), ...insightRows(d, item)];
  });
  await d.batch(statements as unknown as Parameters<typeof d.batch>[0]);
}

/** Each module table with its key column, for deletions by id. */
const MODULE_TABLE_KEYS = {
  locations: { table: schema.locations, key: schema.locations.location_id },
  assets: { table: schema.assets, key: schema.assets.asset_id },
  personnel: { table: schema.personnel, key: schema.personnel.person_id },
  consents: { table: schema.consents, key: schema.consents.consent_id },
  groups: { table: schema.groups, key: schema.groups.group_id },
} as const;

/** The star schema's rows that a record's row brings along (same batch, same idempotence). */
function insightRows(d: DrizzleD1Database<typeof schema>, item: OutboxItem): BatchItem<"sqlite">[] {
  switch (item.kind) {
    case "case": {
      const fact = caseFact(item.row.org_id, item.row);
      return [
        d
          .insert(schema.fact_cases)
          .values(fact)
          .onConflictDoUpdate({ target: schema.fact_cases.case_id, set: SETS.fact_case, setWhere: sql`excluded.version > ${schema.fact_cases.version}` }),
        d.insert(schema.dim_time).values(timeDimension(fact.created_date)).onConflictDoNothing(),
        d
          .insert(schema.dim_location)
          .values({ org_id: fact.org_id, site: fact.site ?? "", area: fact.area ?? "" })
          .onConflictDoNothing(),
      ];
    }
    case "task": {
      const fact = taskFact(item.row.org_id, item.row);
      return [
        d
          .insert(schema.fact_tasks)
          .values(fact)
          .onConflictDoUpdate({ target: schema.fact_tasks.task_id, set: SETS.fact_task, setWhere: sql`excluded.version > ${schema.fact_tasks.version}` }),
        d.insert(schema.dim_time).values(timeDimension(fact.created_date)).onConflictDoNothing(),
      ];
    }
    case "role":
      return [
        d
          .insert(schema.dim_role)
          .values({ org_id: item.row.org_id, role: item.row.name, parent: item.row.parent, department: departmentOf(item.row.name) })
          .onConflictDoUpdate({ target: [schema.dim_role.org_id, schema.dim_role.role], set: { parent: item.row.parent } }),
      ];
    default:
      return [];
  }
}

function upsert(d: DrizzleD1Database<typeof schema>, item: Exclude<OutboxItem, { kind: "case_deleted" | "email_adopted" | "module_row_deleted" }>) {
  switch (item.kind) {
    case "case":
      return d
        .insert(schema.cases)
        .values(item.row)
        .onConflictDoUpdate({ target: schema.cases.case_id, set: SETS.case, setWhere: sql`excluded.version > ${schema.cases.version}` });
    case "task":
      return d
        .insert(schema.tasks)
        .values(item.row)
        .onConflictDoUpdate({ target: schema.tasks.task_id, set: SETS.task, setWhere: sql`excluded.version > ${schema.tasks.version}` });
    case "user":
      return d
        .insert(schema.users)
        .values(item.row)
        .onConflictDoUpdate({ target: schema.users.user_id, set: SETS.user, setWhere: sql`excluded.version > ${schema.users.version}` });
    case "person":
      return d
        .insert(schema.persons)
        .values(item.row)
        .onConflictDoUpdate({ target: schema.persons.person_id, set: SETS.person, setWhere: sql`excluded.version > ${schema.persons.version}` });
    case "token":
      return d
        .insert(schema.tokens)
        .values(item.row)
        .onConflictDoUpdate({ target: schema.tokens.token_id, set: SETS.token, setWhere: sql`excluded.version > ${schema.tokens.version}` });
    case "notification":
      return d
        .insert(schema.notifications)
        .values(item.row)
        .onConflictDoUpdate({
          target: schema.notifications.notification_id,
          set: SETS.notification,
          setWhere: sql`excluded.version > ${schema.notifications.version}`,
        });
    case "role":
      return d.insert(schema.roles).values(item.row).onConflictDoUpdate({ target: schema.roles.role_id, set: SETS.role });
    case "org_settings":
      return d
        .update(schema.orgs)
        .set({ profile: item.row.profile, privacy: item.row.privacy, modules: item.row.modules })
        .where(eq(schema.orgs.org_id, item.row.org_id));
    case "signal":
      return d.insert(schema.signals).values(item.row).onConflictDoNothing();
    case "audit":
      return d.insert(schema.audit_events).values(item.row).onConflictDoNothing();
    case "email":
      return d
        .insert(schema.email_messages)
        .values(item.row)
        .onConflictDoUpdate({ target: schema.email_messages.email_id, set: SETS.email, setWhere: sql`excluded.version > ${schema.email_messages.version}` });
    case "email_status":
      return d
        .update(schema.email_messages)
        .set({ status: item.row.status, version: item.row.version })
        .where(
          and(
            eq(schema.email_messages.org_id, item.row.org_id),
            eq(schema.email_messages.email_id, item.row.email_id),
            sql`${schema.email_messages.version} < ${item.row.version}`,
          ),
        );
    case "email_attachment":
      return d.insert(schema.email_attachments).values(item.row).onConflictDoNothing();
    case "location":
      return d
        .insert(schema.locations)
        .values(item.row)
        .onConflictDoUpdate({ target: schema.locations.location_id, set: SETS.location, setWhere: sql`excluded.version > ${schema.locations.version}` });
    case "asset":
      return d
        .insert(schema.assets)
        .values(item.row)
        .onConflictDoUpdate({ target: schema.assets.asset_id, set: SETS.asset, setWhere: sql`excluded.version > ${schema.assets.version}` });
    case "personnel":
      return d
        .insert(schema.personnel)
        .values(item.row)
        .onConflictDoUpdate({ target: schema.personnel.person_id, set: SETS.personnel, setWhere: sql`excluded.version > ${schema.personnel.version}` });
    case "consent":
      return d
        .insert(schema.consents)
        .values(item.row)
        .onConflictDoUpdate({ target: schema.consents.consent_id, set: SETS.consent, setWhere: sql`excluded.version > ${schema.consents.version}` });
    case "group":
      return d
        .insert(schema.groups)
        .values(item.row)
        .onConflictDoUpdate({ target: schema.groups.group_id, set: SETS.group, setWhere: sql`excluded.version > ${schema.groups.version}` });
  }
}
