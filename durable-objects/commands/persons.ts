/** Persons: subjects of cases who may never log in. */
import { diff } from "../../core/engine";
import { DomainError, notFound } from "../../core/errors";
import type { Person, PersonCreate, PersonPatch } from "../../core/model";
import { seesPerson } from "../../core/privacy/person-sight";
import { auditEvent, iso, type CommandContext } from "./context";

export function createPerson(ctx: CommandContext, input: PersonCreate): Person {
  const now = iso(ctx.now);
  const person: Person = {
    person_id: crypto.randomUUID(),
    display_name: input.display_name,
    kind: input.kind ?? null,
    external_ref: input.external_ref ?? null,
    attributes: input.attributes ?? {},
    created_at: now,
    updated_at: now,
    version: 1,
  };
  ctx.store.putPerson(person);
  // The audit names the fields that changed, not their (possibly sensitive) values.
  ctx.store.audit(auditEvent(ctx, "person.created", "person", person.person_id, { fields: Object.keys(input) }), null);
  return person;
}

export function patchPerson(ctx: CommandContext, personId: string, patch: PersonPatch): Person {
  const before = ctx.store.getPerson(personId);
  if (!before) throw notFound("person");
  // Judged here, on the source of truth, so a link made a moment ago counts at once and the D1 copy's lag cannot open anything.
  if (!seesPerson(ctx.actor, ctx.store.trustedLinksTo(personId))) {
    throw new DomainError("forbidden", "changing a person needs admin rights or a trusted link to them on a case in your scope");
  }
  const next: Person = {
    ...before,
    ...(patch.display_name !== undefined ? { display_name: patch.display_name } : {}),
    ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
    ...(patch.external_ref !== undefined ? { external_ref: patch.external_ref } : {}),
    ...(patch.attributes !== undefined ? { attributes: patch.attributes } : {}),
    updated_at: iso(ctx.now),
    version: before.version + 1,
  };
  ctx.store.putPerson(next);
  ctx.store.audit(auditEvent(ctx, "person.updated", "person", personId, { fields: Object.keys(diff(before, next)) }), null);
  return next;
}
