/**
 * The organization's own SQLite schema (the source of truth). Applied in the
 * constructor; each step runs once, recorded in `_schema`. Records are kept
 * as JSON documents beside the few columns that commands look up by, so the
 * core works on the same typed objects the API returns.
 */
const STEPS: string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
   CREATE TABLE roles (name TEXT PRIMARY KEY, role_id TEXT NOT NULL UNIQUE, parent TEXT, seq INTEGER NOT NULL);
   CREATE TABLE cases (case_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, status TEXT NOT NULL, data TEXT NOT NULL);
   CREATE TABLE tasks (task_id TEXT PRIMARY KEY, case_id TEXT NOT NULL, seq INTEGER NOT NULL, status TEXT NOT NULL, data TEXT NOT NULL);
   CREATE INDEX tasks_case ON tasks (case_id);
   CREATE TABLE signals (signal_id TEXT PRIMARY KEY, idempotency_key TEXT UNIQUE, received_at TEXT NOT NULL, result TEXT NOT NULL);
   CREATE TABLE open_dedupe (dedupe_key TEXT PRIMARY KEY, case_id TEXT NOT NULL);
   CREATE INDEX open_dedupe_case ON open_dedupe (case_id);
   CREATE TABLE users (user_id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, data TEXT NOT NULL);
   CREATE TABLE tokens (token_id TEXT PRIMARY KEY, data TEXT NOT NULL);
   CREATE TABLE timers (timer_id TEXT PRIMARY KEY, due_at INTEGER NOT NULL, kind TEXT NOT NULL,
                        entity_type TEXT NOT NULL, entity_id TEXT NOT NULL, step INTEGER NOT NULL);
   CREATE INDEX timers_due ON timers (due_at, timer_id);
   CREATE INDEX timers_entity ON timers (entity_id);
   CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, payload TEXT NOT NULL);`,
  `CREATE TABLE pattern_state (rule_id TEXT NOT NULL, group_key TEXT NOT NULL, state TEXT NOT NULL,
                               PRIMARY KEY (rule_id, group_key));`,
  `CREATE TABLE persons (person_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, data TEXT NOT NULL);
   CREATE TABLE login_failures (email TEXT NOT NULL, at INTEGER NOT NULL);
   CREATE INDEX login_failures_email ON login_failures (email, at);`,
  `CREATE TABLE deliveries (notification_id TEXT PRIMARY KEY, data TEXT NOT NULL);
   CREATE INDEX cases_status_seq ON cases (status, seq);`,
  `ALTER TABLE users ADD COLUMN seq INTEGER;`,
  // Person links: who linked a person before trust was recorded is unknown, so
  // those links open nothing until someone with sight re-states them (fails closed).
  `ALTER TABLE cases ADD COLUMN person_id TEXT;
   UPDATE cases SET person_id = json_extract(data, '$.person_id'), data = json_set(data, '$.person_link_trusted', json('false'));
   CREATE INDEX cases_person_seq ON cases (person_id, seq);`,
  // Organization secrets (webhook signing keys), sealed; never copied to D1.
  `CREATE TABLE org_secrets (name TEXT PRIMARY KEY, sealed TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);`,
  // Case refs (core/model/case-ref.ts): older cases take theirs by the same rule, in SQL.
  // Mail: each message once (by Message-ID), and every id a message names, so a reply to
  // any of them (even one that never arrived) finds the case; and the ids of mail recorded
  // without a case, so the case a later message of the same thread opens can take it in.
  `ALTER TABLE cases ADD COLUMN ref TEXT;
   UPDATE cases SET ref = upper(substr(replace(case_id, '-', ''), 1, 10));
   UPDATE cases SET data = json_set(data, '$.ref', ref);
   CREATE UNIQUE INDEX cases_ref ON cases (ref);
   CREATE TABLE mail_messages (message_id TEXT PRIMARY KEY, email_id TEXT NOT NULL, case_id TEXT, direction TEXT NOT NULL,
                               from_address TEXT NOT NULL, subject TEXT NOT NULL, refs TEXT NOT NULL, seq INTEGER NOT NULL);
   CREATE INDEX mail_messages_case ON mail_messages (case_id, direction, seq);
   CREATE TABLE mail_thread_ids (message_id TEXT PRIMARY KEY, case_id TEXT NOT NULL);
   CREATE INDEX mail_thread_ids_case ON mail_thread_ids (case_id);
   CREATE TABLE mail_orphan_ids (message_id TEXT NOT NULL, email_id TEXT NOT NULL, PRIMARY KEY (message_id, email_id));
   CREATE INDEX mail_orphan_ids_email ON mail_orphan_ids (email_id);`,
  // Profile versions: what was stored before them was routed and timed by version 1.
  `UPDATE cases SET data = json_set(data, '$.profile_version', 1) WHERE json_extract(data, '$.profile_version') IS NULL;
   UPDATE tasks SET data = json_set(data, '$.profile_version', 1) WHERE json_extract(data, '$.profile_version') IS NULL;
   INSERT OR IGNORE INTO meta (key, value) SELECT 'profile_version', '1' FROM meta WHERE key = 'profile';`,
  // The object judges the bearer of a write itself (core/security/credential.ts): tokens by hash.
  `ALTER TABLE tokens ADD COLUMN token_hash TEXT;
   UPDATE tokens SET token_hash = json_extract(data, '$.token_hash');
   CREATE UNIQUE INDEX tokens_hash ON tokens (token_hash);`,
];

export function migrate(sql: SqlStorage, modules: readonly { name: string; tables: readonly string[] }[] = []): void {
  sql.exec("CREATE TABLE IF NOT EXISTS _schema (step INTEGER PRIMARY KEY)");
  const done = sql.exec<{ n: number }>("SELECT count(*) AS n FROM _schema").one().n;
  for (let i = done; i < STEPS.length; i++) {
    sql.exec(STEPS[i] as string);
    sql.exec("INSERT INTO _schema (step) VALUES (?)", i);
  }
  // Each module's tables have their own step list, so modules grow independently of the core and of each other.
  sql.exec("CREATE TABLE IF NOT EXISTS _module_schema (module TEXT NOT NULL, step INTEGER NOT NULL, PRIMARY KEY (module, step))");
  for (const module of modules) {
    const applied = sql.exec<{ n: number }>("SELECT count(*) AS n FROM _module_schema WHERE module = ?", module.name).one().n;
    for (let i = applied; i < module.tables.length; i++) {
      sql.exec(module.tables[i] as string);
      sql.exec("INSERT INTO _module_schema (module, step) VALUES (?, ?)", module.name, i);
    }
  }
}
