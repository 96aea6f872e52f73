/** A person's staff record: one per person, its version rising with each change. */
import { DomainError, notFound } from "../../../core/errors";
import type { Personnel, PersonnelInput } from "../../../core/modules/care/records";
import { auditEvent, type CommandContext, iso } from "../../commands/context";

export function readPersonnel(ctx: CommandContext, personId: string): { record: Personnel; seq: number } | null {
  const row = ctx.store.sql.exec<{ data: string; seq: number }>("SELECT data, seq FROM care_personnel WHERE person_id = ?", personId).toArray()[0];
  return row ? { record: JSON.parse(row.data) as Personnel, seq: row.seq } : null;
}

export function putPersonnel(ctx: CommandContext, input: { person_id: string; record: PersonnelInput }): Personnel {
  if (!ctx.actor.admin) throw new DomainError("forbidden", "personnel records are kept by organization admins");
  if (!ctx.store.getPerson(input.person_id)) throw notFound("person");
  const r = input.record;
  if (r.role && !ctx.store.roleByName(r.role)) {
    throw new DomainError("validation", "no such role in the profile", [{ path: "role", message: `${r.role} is not one of the profile's roles` }]);
  }
  if (r.user_id && !ctx.store.getUser(r.user_id)) {
    throw new DomainError("validation", "no such user in the organization", [{ path: "user_id", message: "no user with this id" }]);
  }
  const before = readPersonnel(ctx, input.person_id);
  const now = iso(ctx.now);
  const next: Personnel = {
    person_id: input.person_id,
    user_id: r.user_id ?? null,
    role: r.role ?? null,
    position: r.position ?? null,
    employment_status: r.employment_status,
    started_on: r.started_on ?? null,
    ended_on: r.ended_on ?? null,
    created_at: before?.record.created_at ?? now,
    updated_at: now,
    version: (before?.record.version ?? 0) + 1,
  };
  const seq = before?.seq ?? ctx.store.nextSeq();
  ctx.store.sql.exec(
    "INSERT INTO care_personnel (person_id, seq, data) VALUES (?, ?, ?) ON CONFLICT (person_id) DO UPDATE SET data = excluded.data",
    next.person_id,
    seq,
    JSON.stringify(next),
  );
  ctx.store.enqueue({ kind: "personnel", row: { ...next, org_id: orgIdOf(ctx), seq } });
  // Field names only: a position or an end date is HR data, not for the audit trail.
  const fields = (["user_id", "role", "position", "employment_status", "started_on", "ended_on"] as const).filter(
    (f) => !before || before.record[f] !== next[f],
  );
  ctx.store.audit(auditEvent(ctx, "personnel.updated", "person", next.person_id, { fields }), null);
  return next;
}

export function orgIdOf(ctx: CommandContext): string {
  const org = ctx.store.org();
  if (!org) throw notFound("organization");
  return org.org_id;
}
