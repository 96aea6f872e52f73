/**
 * Subjects as people see them: the reply and forward prefixes every client
 * and language adds ("Re:", "RE:", "Fwd:", "AW:", "SV:", "WG:", "TR:"…, also
 * "Re[2]:" and repeated ones) and our case tag are not part of the title.
 */
import { caseRefInSubject } from "../model/case-ref";

const PREFIX = /^\s*(?:re|fwd?|fw|aw|sv|vs|wg|tr|antw|rif|r|odp|ynt|res|enc|rv|vl|atb|bls|doorst|tr|转发|回复|答复)\s*(?:\[\d{1,4}\]|\(\d{1,4}\))?\s*[:：]\s*/i;
const TAG = /\s*\[Orgo #[0-9A-Za-z]{4,16}\]\s*/gi;
/** A title is at most this long; longer subjects are cut (the message keeps the whole). */
export const TITLE_MAX = 300;

export function normalizeSubject(subject: string): string {
  let s = subject.slice(0, 4096).replace(TAG, " ");
  for (let i = 0; i < 20; i++) {
    const next = s.replace(PREFIX, "");
    if (next === s) break;
    s = next;
  }
  return s.replace(/\s+/g, " ").trim();
}

/** The case title a subject gives: normalized, bounded, never empty. */
export function titleOfSubject(subject: string | null): string {
  const t = normalizeSubject(subject ?? "");
  if (t === "") return "(no subject)";
  return t.length <= TITLE_MAX ? t : `${t.slice(0, TITLE_MAX - 1)}…`;
}

export { caseRefInSubject };
