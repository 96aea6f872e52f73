/**
 * Who sees a person's sensitive attributes (the profile's
 * `sensitive_person_fields`). Anyone who may write a case may name a person
 * on it (a staff member reports about a patient), so a link alone must not
 * open the person's record, or any member could read and overwrite it by
 * filing a case. A link opens it only when it is trusted: made by someone who
 * already had that sight. Through a trusted link, those who may act on the
 * case (a matching position, never merely its creator) see the person.
 */
import { canAct, type Guarded, type Viewer } from "./visibility";

export interface PersonLink extends Guarded {
  person_link_trusted: boolean;
}

/** Does the viewer see the person, given the cases that name them? */
export function seesPerson(viewer: Viewer, links: Iterable<PersonLink>): boolean {
  if (viewer.admin) return true;
  for (const link of links) if (link.person_link_trusted && canAct(viewer, link)) return true;
  return false;
}
