/**
 * Persons: subjects of cases. Attributes the profile marks sensitive are
 * shown only to admins and to those who may act on a case that names the
 * person through a trusted link (core/privacy/person-sight.ts), whatever the
 * privacy mode; changing a person needs the same sight (the object checks it).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, eq, lt } from "drizzle-orm";
import type { Context } from "hono";
import { notFound } from "../../../core/errors";
import { seesPerson } from "../../../core/privacy/person-sight";
import { Person, PersonCreate, PersonPatch } from "../../../core/model";
import { decodeCursor, Limit, page } from "../../db/pagination";
import { rowToCase } from "../../../d1/rows";
import { cases, persons } from "../../../d1/schema";
import type { AppEnv } from "../../env";
import { stubOf, unwrap } from "../org-client";
import { ERRORS, OrgParam, SECURITY, json, jsonBody, router } from "../openapi";

const PersonParams = OrgParam.extend({ person_id: z.string().min(1).max(100).openapi({ param: { name: "person_id", in: "path" } }) });
const tag = { tags: ["People"], security: SECURITY };
const HIDDEN = "[restricted]";

async function sensitiveFields(c: Context<AppEnv>): Promise<string[]> {
  const current = await stubOf(c).getProfile();
  return current?.profile.sensitive_person_fields ?? [];
}

/** True when the caller sees the person's sensitive attributes. */
async function closeToPerson(c: Context<AppEnv>, personId: string): Promise<boolean> {
  const actor = c.get("actor");
  if (actor.admin) return true;
  const rows = await c
    .get("db")
    .select()
    .from(cases)
    .where(and(eq(cases.org_id, c.get("org").org_id), eq(cases.person_id, personId), eq(cases.person_link_trusted, true)))
    .orderBy(desc(cases.seq))
    .limit(200);
  return seesPerson(actor, rows.map(rowToCase));
}

function redact(person: Person, fields: string[]): Person {
  if (fields.length === 0) return person;
  const attributes = { ...person.attributes };
  for (const f of fields) if (f in attributes) attributes[f] = HIDDEN;
  return { ...person, attributes, ...(fields.includes("display_name") ? { display_name: HIDDEN } : {}) };
}

const rowToPerson = (r: typeof persons.$inferSelect): Person => {
  const { org_id: _o, seq: _s, ...rest } = r;
  return rest;
};

const create = createRoute({ ...tag, method: "post", path: "/v1/orgs/{org}/persons", summary: "Record a person", request: { params: OrgParam, body: jsonBody(PersonCreate) }, responses: { 201: json(Person, "The person"), ...ERRORS } });
const list = createRoute({
  ...tag,
  method: "get",
  path: "/v1/orgs/{org}/persons",
  summary: "List persons, newest first (sensitive attributes restricted)",
  request: { params: OrgParam, query: z.object({ limit: Limit, cursor: z.string().max(100).optional() }).strict() },
  responses: { 200: json(z.object({ items: z.array(Person), next_cursor: z.string().nullable() }), "A page of persons"), ...ERRORS },
});
const read = createRoute({ ...tag, method: "get", path: "/v1/orgs/{org}/persons/{person_id}", summary: "Read a person", request: { params: PersonParams }, responses: { 200: json(Person, "The person"), ...ERRORS } });
const patch = createRoute({ ...tag, method: "patch", path: "/v1/orgs/{org}/persons/{person_id}", summary: "Change a person", request: { params: PersonParams, body: jsonBody(PersonPatch) }, responses: { 200: json(Person, "The person"), ...ERRORS } });

export const personRoutes = router()
  .openapi(create, async (c) => c.json(unwrap(c, await stubOf(c).createPerson(c.get("actor"), c.req.valid("json"))), 201))
  .openapi(list, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const before = decodeCursor(cursor);
    const orgId = c.get("org").org_id;
    const rows = await c
      .get("db")
      .select()
      .from(persons)
      .where(and(eq(persons.org_id, orgId), ...(before === null ? [] : [lt(persons.seq, before)])))
      .orderBy(desc(persons.seq))
      .limit(limit + 1);
    // Lists never carry sensitive attributes: checking each person's cases would cost a query per row.
    const fields = c.get("actor").admin ? [] : await sensitiveFields(c);
    return c.json(page(rows, limit, (r) => redact(rowToPerson(r), fields)), 200);
  })
  .openapi(read, async (c) => {
    const { person_id } = c.req.valid("param");
    const row = await c
      .get("db")
      .select()
      .from(persons)
      .where(and(eq(persons.org_id, c.get("org").org_id), eq(persons.person_id, person_id)))
      .get();
    if (!row) throw notFound("person");
    const person = rowToPerson(row);
    return c.json((await closeToPerson(c, person_id)) ? person : redact(person, await sensitiveFields(c)), 200);
  })
  .openapi(patch, async (c) => {
    const { person_id } = c.req.valid("param");
    const person = unwrap(c, await stubOf(c).patchPerson(c.get("actor"), person_id, c.req.valid("json")));
    return c.json(person, 200);
  });
