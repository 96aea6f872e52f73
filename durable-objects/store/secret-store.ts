/**
 * The organization's secrets in its SQLite storage, sealed (see
 * core/security/secret-envelope.ts). They never enter the outbox: D1, the
 * audit log and every API answer only ever see their names.
 */
import type { SecretSummary } from "../../core/security/org-secret";

export interface StoredSecret extends SecretSummary {
  sealed: string;
}

type Row = { name: string; sealed: string; created_at: string; updated_at: string };

export class SecretStore {
  constructor(private readonly sql: SqlStorage) {}

  get(name: string): StoredSecret | null {
    return this.sql.exec<Row>("SELECT name, sealed, created_at, updated_at FROM org_secrets WHERE name = ?", name).toArray()[0] ?? null;
  }

  list(): SecretSummary[] {
    return this.sql.exec<Omit<Row, "sealed">>("SELECT name, created_at, updated_at FROM org_secrets ORDER BY name").toArray();
  }

  count(): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM org_secrets").one().n;
  }

  put(s: StoredSecret): void {
    this.sql.exec(
      `INSERT INTO org_secrets (name, sealed, created_at, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at`,
      s.name,
      s.sealed,
      s.created_at,
      s.updated_at,
    );
  }

  delete(name: string): boolean {
    return this.sql.exec("DELETE FROM org_secrets WHERE name = ?", name).rowsWritten > 0;
  }
}
