/**
 * What a person agreed to, purpose by purpose. The latest statement counts:
 * one record per person and purpose, its version rising with each statement,
 * so withdrawing is as easy as granting and the history is in the audit log.
 */
import { DomainError, notFound } from "../../../core/errors";
import type { Consent } from "../../../core/modules/care/records";
import { seesPerson } from "../../../core/privacy/person-sight";
import { auditEvent, type CommandContext, iso } from "../../commands/context";
import { orgIdOf } from "./personnel";

export interface ConsentStatement {
  person_id: string;
  purpose: string;
  granted: boolean;
}

export function recordConsent(ctx: CommandContext, input: ConsentStatement): Consent {
  if (!ctx.store.getPerson(input.person_id)) throw notFound("person");
  if (!seesPerson(ctx.actor, ctx.store.trustedLinksTo(input.person_id))) {
    throw new DomainError("forbidden", "recording a person's consent needs admin rights or a trusted link to them on a case in your scope");
  }
  return writeConsent(ctx, input);
}

/** Writes the statement; the caller has judged that it may (an intake records what its person said). */
export function writeConsent(ctx: CommandContext, input: ConsentStatement): Consent {
  const purposes = ctx.profile.modules?.care?.consent_purposes;
  if (purposes && !purposes.includes(input.purpose)) {
    throw new DomainError("validation", "not a consent purpose of this organization", [{ path: "purpose", message: `one of: ${purposes.join(", ")}` }]);
  }
  const row = ctx.store.sql
    .exec<{ data: string }>("SELECT data FROM care_consents WHERE person_id = ? AND purpose = ?", input.person_id, input.purpose)
    .toArray()[0];
  const before = row ? (JSON.parse(row.data) as Consent) : null;
  const next: Consent = {
    consent_id: before?.consent_id ?? ctx.newId(),
    person_id: input.person_id,
    purpose: input.purpose,
    granted: input.granted,
    recorded_at: iso(ctx.now),
    recorded_by: ctx.actor.ref,
    version: (before?.version ?? 0) + 1,
  };
  ctx.store.sql.exec(
    "INSERT INTO care_consents (person_id, purpose, data) VALUES (?, ?, ?) ON CONFLICT (person_id, purpose) DO UPDATE SET data = excluded.data",
    next.person_id,
    next.purpose,
    JSON.stringify(next),
  );
  ctx.store.enqueue({ kind: "consent", row: { ...next, org_id: orgIdOf(ctx) } });
  ctx.store.audit(
    auditEvent(ctx, next.granted ? "consent.granted" : "consent.withdrawn", "consent", next.consent_id, { person_id: next.person_id, purpose: next.purpose }),
    null,
  );
  return next;
}
