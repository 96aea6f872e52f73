/**
 * An intake in one transaction: the person (when recorded inline), the
 * screened case naming them, and the consents they stated. A failure in any
 * part leaves nothing behind.
 */
import { DomainError } from "../../../core/errors";
import { planIntake } from "../../../core/modules/care/intake-plan";
import type { IntakeInput, IntakeResult } from "../../../core/modules/care/records";
import { type CommandContext, auditEvent } from "../../commands/context";
import { createPerson } from "../../commands/persons";
import { applyPlan } from "../../store/apply-plan";
import { lookupIn } from "../../store/snapshots";
import { writeConsent } from "./consents";

export function intake(ctx: CommandContext, input: IntakeInput): IntakeResult {
  const recordedHere = input.person !== undefined;
  const person = input.person ? createPerson(ctx, input.person) : ctx.store.getPerson(input.person_id ?? "");
  if (!person) {
    throw new DomainError("validation", "no person with this id in the organization", [
      { path: "person_id", message: "no person with this id in the organization" },
    ]);
  }
  const settings = ctx.profile.modules?.care ?? {};
  const plan = planIntake(
    { person, recorded_here: recordedHere, person_links: ctx.store.trustedLinksTo(person.person_id), lookup: lookupIn(ctx.store) },
    input,
    settings,
    ctx,
  );
  const opened = applyPlan(ctx.store, plan);
  for (const statement of input.consents ?? []) writeConsent(ctx, { person_id: person.person_id, ...statement });
  ctx.store.audit(
    auditEvent(ctx, "intake.opened", "case", opened.case.case_id, {
      person_recorded: recordedHere,
      screening_tasks: opened.tasks.length,
      consents: (input.consents ?? []).map((c) => c.purpose),
    }),
    opened.case.case_id,
  );
  return { case: opened.case, tasks: opened.tasks, person_id: person.person_id };
}
