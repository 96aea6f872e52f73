/**
 * Persons: subjects of cases. Attributes the profile marks sensitive are
 * shown only to admins and to those who may act on a case that names the
 * person through a trusted link (core/privacy/person-sight.ts), whatever the
 * privacy mode; changing a person needs the same sight (the object checks it).
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { notFound } from "../../../core/errors";
import { seesPerson } from "../../../core/privacy/person-sight";
import { Person, PersonCreate, PersonPatch } from "../../../core/model";
import { decodeCursor, Limit } from "../../db/pagination";
import { getPerson, getPersonWithTrustedLinks, listPersons } from "../../db/queries";
import type { AppEnv } from "../../env";
import { stubOf, unwrap } from "../org-client";
import { ERRORS, OrgParam, PersonParams, SECURITY, json, jsonBody, router } from "../openapi";

const tag = { tags: ["People"], security: SECURITY };
const HIDDEN = "[restricted]";

async function sensitiveFields(c: Context<AppEnv>): Promise<string[]> {
  const current = await stubOf(c).getProfile();
  return current?.profile.sensitive_person_fields ?? [];
}

function redact(person: Person, fields: string[]): Person {
  if (fields.length === 0) return person;
  const attributes = { ...person.attributes };
  for (const f of fields) if (f in attributes) attributes[f] = HIDDEN;
  return { ...person, attributes, ...(fields.includes("display_name") ? { display_name: HIDDEN } : {}) };
}

const create = createRoute({
  ...tag,
  method: "post",
  path: "/v1/orgs/{org}/persons",
  summary: "Record a person",
  request: { params: OrgParam, body: jsonBody(PersonCreate) },
  responses: { 201: json(Person, "The person"), ...ERRORS },
});
const list = createRoute({
  ...tag,
  method: "get",
  path: "/v1/orgs/{org}/persons",
  summary: "List persons, newest first (sensitive attributes restricted)",
  request: { params: OrgParam, query: z.object({ limit: Limit, cursor: z.string().max(100).optional() }).strict() },
  responses: { 200: json(z.object({ items: z.array(Person), next_cursor: z.string().nullable() }), "A page of persons"), ...ERRORS },
});
const read = createRoute({
  ...tag,
  method: "get",
  path: "/v1/orgs/{org}/persons/{person_id}",
  summary: "Read a person",
  request: { params: PersonParams },
  responses: { 200: json(Person, "The person"), ...ERRORS },
});
const patch = createRoute({
  ...tag,
  method: "patch",
  path: "/v1/orgs/{org}/persons/{person_id}",
  summary: "Change a person",
  request: { params: PersonParams, body: jsonBody(PersonPatch) },
  responses: { 200: json(Person, "The person"), ...ERRORS },
});

export const personRoutes = router()
  .openapi(create, async (c) => c.json(unwrap(c, await stubOf(c).createPerson(c.get("actor"), c.req.valid("json"))), 201))
  .openapi(list, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const found = await listPersons(c.get("db"), c.get("org").org_id, { limit, before: decodeCursor(cursor) });
    // Lists never carry sensitive attributes: checking each person's cases would cost a query per row.
    const fields = c.get("actor").admin ? [] : await sensitiveFields(c);
    return c.json({ ...found, items: found.items.map((p) => redact(p, fields)) }, 200);
  })
  .openapi(read, async (c) => {
    const { person_id } = c.req.valid("param");
    const actor = c.get("actor");
    const db = c.get("db");
    const orgId = c.get("org").org_id;
    // Admins see every attribute; anyone else needs the person's trusted links, read in the same round trip.
    if (actor.admin) {
      const person = await getPerson(db, orgId, person_id);
      if (!person) throw notFound("person");
      return c.json(person, 200);
    }
    const found = await getPersonWithTrustedLinks(db, orgId, person_id);
    if (!found) throw notFound("person");
    return c.json(seesPerson(actor, found.links) ? found.person : redact(found.person, await sensitiveFields(c)), 200);
  })
  .openapi(patch, async (c) => {
    const { person_id } = c.req.valid("param");
    const person = unwrap(c, await stubOf(c).patchPerson(c.get("actor"), person_id, c.req.valid("json")));
    return c.json(person, 200);
  });
