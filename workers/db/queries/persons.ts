/**
 * Persons, and the cases that name one through a trusted link: what decides
 * whether a caller sees the person's sensitive attributes
 * (core/privacy/person-sight.ts). Redaction is the caller's.
 */
import { and, desc, eq, lt } from "drizzle-orm";
import type { Case, Person } from "../../../core/model";
import type { Database } from "../../../d1/database";
import { rowToCase, rowToPerson } from "../../../d1/rows";
import { cases, persons } from "../../../d1/schema";
import { page } from "../pagination";
import type { Page } from "./scan";

/** Trusted links examined at most: the newest, which are the likeliest to open the person. */
const MAX_LINKS = 200;

export async function listPersons(db: Database, orgId: string, f: { limit: number; before: number | null }): Promise<Page<Person>> {
  const rows = await db
    .select()
    .from(persons)
    .where(and(eq(persons.org_id, orgId), ...(f.before === null ? [] : [lt(persons.seq, f.before)])))
    .orderBy(desc(persons.seq))
    .limit(f.limit + 1);
  return page(rows, f.limit, rowToPerson);
}

const personQuery = (db: Database, orgId: string, personId: string) =>
  db
    .select()
    .from(persons)
    .where(and(eq(persons.org_id, orgId), eq(persons.person_id, personId)));

export async function getPerson(db: Database, orgId: string, personId: string): Promise<Person | null> {
  const row = await personQuery(db, orgId, personId).get();
  return row ? rowToPerson(row) : null;
}

/** A person and the newest cases naming them through a trusted link, in one round trip; null when there is no such person. */
export async function getPersonWithTrustedLinks(db: Database, orgId: string, personId: string): Promise<{ person: Person; links: Case[] } | null> {
  const [found, links] = await db.batch([
    personQuery(db, orgId, personId),
    db
      .select()
      .from(cases)
      .where(and(eq(cases.org_id, orgId), eq(cases.person_id, personId), eq(cases.person_link_trusted, true)))
      .orderBy(desc(cases.seq))
      .limit(MAX_LINKS),
  ]);
  const row = found[0];
  return row ? { person: rowToPerson(row), links: links.map(rowToCase) } : null;
}
