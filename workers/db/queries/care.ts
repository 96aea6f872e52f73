/** Care/HR reads: personnel records (by person, or a page by role) and a person's consents. */
import { and, asc, desc, eq, lt } from "drizzle-orm";
import type { Consent, Personnel } from "../../../core/modules/care/records";
import type { Database } from "../../../d1/database";
import { consents, personnel } from "../../../d1/schema";
import { page } from "../pagination";
import type { Page } from "./scan";

type PersonnelRow = typeof personnel.$inferSelect;
type ConsentRow = typeof consents.$inferSelect;

function toPersonnel(r: PersonnelRow): Personnel {
  return {
    person_id: r.person_id,
    user_id: r.user_id,
    role: r.role,
    position: r.position,
    employment_status: r.employment_status as Personnel["employment_status"],
    started_on: r.started_on,
    ended_on: r.ended_on,
    created_at: r.created_at,
    updated_at: r.updated_at,
    version: r.version,
  };
}

function toConsent(r: ConsentRow): Consent {
  return {
    consent_id: r.consent_id,
    person_id: r.person_id,
    purpose: r.purpose,
    granted: r.granted,
    recorded_at: r.recorded_at,
    recorded_by: r.recorded_by,
    version: r.version,
  };
}

export async function getPersonnel(db: Database, orgId: string, personId: string): Promise<Personnel | null> {
  const row = await db
    .select()
    .from(personnel)
    .where(and(eq(personnel.org_id, orgId), eq(personnel.person_id, personId)))
    .get();
  return row ? toPersonnel(row) : null;
}

/** Newest first; by role through `personnel_org_role_seq`, otherwise `personnel_org_seq`. */
export async function listPersonnel(db: Database, orgId: string, f: { role?: string; limit: number; before: number | null }): Promise<Page<Personnel>> {
  const rows = await db
    .select()
    .from(personnel)
    .where(
      and(
        eq(personnel.org_id, orgId),
        ...(f.role === undefined ? [] : [eq(personnel.role, f.role)]),
        ...(f.before === null ? [] : [lt(personnel.seq, f.before)]),
      ),
    )
    .orderBy(desc(personnel.seq))
    .limit(f.limit + 1);
  return page(rows, f.limit, toPersonnel);
}

/** Through `consents_org_person_purpose`; a person has at most one row per purpose. */
export async function listConsents(db: Database, orgId: string, personId: string): Promise<Consent[]> {
  const rows = await db
    .select()
    .from(consents)
    .where(and(eq(consents.org_id, orgId), eq(consents.person_id, personId)))
    .orderBy(asc(consents.purpose))
    .limit(200);
  return rows.map(toConsent);
}
