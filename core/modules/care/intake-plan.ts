/**
 * An intake: a request about a person becomes a case in the intake team's
 * scope with one screening task per template of the care settings. The case
 * is a staff-level request (label `1001.11.<intake_role>`: category 1
 * operations, subcategory 1 request) and names the person; its text is what
 * the intake said, never the person's sensitive attributes (a value of one
 * that the intake's words repeat is replaced, so lists and exports, which
 * show titles to everyone who sees the case, cannot leak it).
 *
 * A signal can do the same without this route: a flow rule matching, say,
 * `source: intake` with `label: 1001.11.<intake_role>` and the screening
 * tasks under `tasks` opens the same case from a signal that names the
 * person by `person_id`.
 */
import { DomainError } from "../../errors";
import { type Plan, PlanBuilder, type OrgLookup, type PlanEnv } from "../../engine/plan";
import { addTask, caseDraft, openCase, taskDraft } from "../../engine/steps";
import type { Case, Person, Task } from "../../model";
import type { PersonLink } from "../../privacy/person-sight";
import { termPattern } from "./erasure";
import type { CareSettings } from "./settings";
import type { IntakeInput } from "./records";

/** Replaces what an intake's words repeat of the person's sensitive attributes. */
export const WITHHELD = "[restricted]";

export interface IntakeSnapshot {
  person: Person;
  /** The person was recorded by this same intake: its author knows them, so the link is trusted as far as they may act on the case. */
  recorded_here: boolean;
  /** Trusted links to the person that exist already. */
  person_links: readonly PersonLink[];
  lookup: OrgLookup;
}

/** The team that takes intakes: the settings' or the profile's first role. */
export function intakeRole(settings: CareSettings, roles: readonly string[]): string {
  const role = settings.intake_role ?? roles[0];
  if (!role) throw new DomainError("validation", "the profile names no role to take intakes");
  return role;
}

export function intakeLabel(role: string): string {
  // BASE 1001 (staff), category 1 (operations), subcategory 1 (request); openCase checks the role against the profile.
  return `1001.11.${role}`;
}

/** The values of the person's sensitive attributes (strings long enough to be told apart from ordinary words). */
export function sensitiveValues(person: Person, fields: readonly string[]): string[] {
  const values: string[] = [];
  for (const f of fields) {
    const v = person.attributes[f];
    if (typeof v === "string" && v.trim().length >= 3) values.push(v.trim());
    else if (typeof v === "number") values.push(String(v));
  }
  return values;
}

export function planIntake(snapshot: IntakeSnapshot, input: IntakeInput, settings: CareSettings, env: PlanEnv): Plan<{ case: Case; tasks: Task[] }> {
  const b = new PlanBuilder(env, snapshot.lookup);
  const role = intakeRole(settings, env.profile.roles);
  const label = intakeLabel(role);
  const withheld = termPattern(sensitiveValues(snapshot.person, env.profile.sensitive_person_fields));
  const hide = (text: string) => (withheld ? text.replace(withheld, WITHHELD) : text);
  const draft = caseDraft({
    title: hide(input.title),
    description: input.body === undefined ? null : hide(input.body),
    label,
    severity: input.severity ?? null,
    origin_role: role,
    tags: ["intake"],
    metadata: { intake: true },
    person_id: snapshot.person.person_id,
  });
  // A person recorded by this intake is known to its author: the link carries sight to those who may act on the case (the author among them only if they may).
  const links: PersonLink[] = snapshot.recorded_here
    ? [...snapshot.person_links, { label, origin_label: label, owner_role: null, created_by: null, person_link_trusted: true }]
    : [...snapshot.person_links];
  let theCase = openCase(b, env.actor, draft, "new_case", links);
  const tasks: Task[] = [];
  for (const template of settings.screening ?? []) {
    const owner = template.owner_role ?? role;
    const added = addTask(b, env.actor, theCase, tasks, taskDraft({ title: template.title, type: "screening", label: intakeLabel(owner), owner_role: owner }));
    tasks.push(added.task);
    theCase = added.case;
  }
  return b.build({ case: theCase, tasks });
}
