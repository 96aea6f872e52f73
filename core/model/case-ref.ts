/**
 * A case's short ref, as people quote it in mail subjects: `[Orgo #3F9A2C71B0]`.
 * Ten hex digits of the case id (40 random bits): short enough to read out,
 * hard to guess, and the same rule a storage migration can apply in SQL to
 * cases older than refs. Uniqueness within the organization is checked where
 * a case is opened.
 */
export const CASE_REF_LENGTH = 10;

export function caseRefOf(caseId: string): string {
  return caseId.replaceAll("-", "").slice(0, CASE_REF_LENGTH).toUpperCase();
}

/** The tag that threads a subject to a case. */
export function caseTag(ref: string): string {
  return `[Orgo #${ref}]`;
}

const TAG = /\[Orgo #([0-9A-Za-z]{4,16})\]/i;

/** The ref a subject's case tag names, if any (the first tag wins). */
export function caseRefInSubject(subject: string): string | null {
  const m = TAG.exec(subject.slice(0, 4096));
  return m?.[1] ? m[1].toUpperCase() : null;
}
