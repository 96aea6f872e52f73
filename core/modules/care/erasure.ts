/**
 * Erasure of a person: which strings are theirs, and how a record is written
 * without them. A person's data is not only their own record: their name and
 * contact details are copied into case titles, signal bodies, mail and the
 * audit trail's values. Erasure replaces every occurrence of those strings
 * with `[erased]` wherever it stands, and keeps the records themselves (a
 * case stays a case, so insight counts do not move).
 *
 * Terms are the display name, the external reference and every contact
 * attribute value (emails and phone numbers, by key or by shape). A display
 * name is treated as the person's wherever it appears in the organization's
 * records: a namesake's mention is erased too, which errs on the side of the
 * person who asked.
 */
import type { Person } from "../../model";

export const ERASED = "[erased]";

/** Shorter strings would match inside ordinary words. */
const MIN_TERM = 3;
/** Bounds the work per record: a person record carries at most this many terms. */
const MAX_TERMS = 40;

const CONTACT_KEY = /mail|phone|mobile|tel|fax|contact|address|whatsapp|signal|skype/i;
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE_SHAPE = /^\+?[\d\s().-]{7,}$/;

export interface ErasureTerms {
  /** Every string to replace, as given (matched case-insensitively). */
  terms: string[];
  /** The email addresses among them, lower-cased: mail from or to them is the person's. */
  emails: string[];
}

/** The strings that identify the person, from their record. */
export function erasureTerms(person: Pick<Person, "display_name" | "external_ref" | "attributes">): ErasureTerms {
  const found = new Set<string>();
  const emails = new Set<string>();
  const add = (value: string) => {
    const v = value.trim();
    if (v.length >= MIN_TERM && v !== ERASED) found.add(v);
  };
  add(person.display_name);
  if (person.external_ref) add(person.external_ref);
  for (const [key, value] of Object.entries(person.attributes ?? {})) {
    for (const text of stringsIn(value)) {
      const t = text.trim();
      const isEmail = EMAIL_SHAPE.test(t);
      const isPhone = PHONE_SHAPE.test(t) && digitsOf(t).length >= 7;
      if (!isEmail && !isPhone && !CONTACT_KEY.test(key)) continue;
      add(t);
      if (isEmail) emails.add(t.toLowerCase());
      // A phone number is written many ways; its bare digits are one of them.
      if (isPhone && digitsOf(t) !== t) add(digitsOf(t));
    }
  }
  return { terms: [...found].sort((a, b) => b.length - a.length).slice(0, MAX_TERMS), emails: [...emails] };
}

/** ASCII lower case: what SQLite's `lower()` does, so a prefilter in SQL matches what the scrub replaces. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function digitsOf(s: string): string {
  return s.replace(/\D/g, "");
}

function stringsIn(value: unknown, depth = 0): string[] {
  if (typeof value === "string") return [value];
  if (depth > 3 || value === null || typeof value !== "object") return [];
  return Object.values(value as Record<string, unknown>).flatMap((v) => stringsIn(v, depth + 1));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** One pattern for all terms, longest first, so a full name wins over a part of it. */
export function termPattern(terms: readonly string[]): RegExp | null {
  if (terms.length === 0) return null;
  return new RegExp(
    [...terms]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join("|"),
    "giu",
  );
}

/** The text with every term replaced. */
export function scrubText(text: string, pattern: RegExp | null): string {
  if (!pattern) return text;
  pattern.lastIndex = 0;
  return text.replace(pattern, ERASED);
}

/** A JSON value with every string (keys included) scrubbed; the same object back when nothing changed. */
export function scrubJson<T>(value: T, pattern: RegExp | null): T {
  if (!pattern) return value;
  if (typeof value === "string") return scrubText(value, pattern) as T;
  if (Array.isArray(value)) {
    const next = value.map((v) => scrubJson(v, pattern));
    return next.some((v, i) => v !== value[i]) ? (next as T) : value;
  }
  if (value !== null && typeof value === "object") {
    let changed = false;
    const next: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const key = scrubText(k, pattern);
      const scrubbed = scrubJson(v, pattern);
      if (key !== k || scrubbed !== v) changed = true;
      next[key] = scrubbed;
    }
    return changed ? (next as T) : value;
  }
  return value;
}

/** Does the text hold any term? */
export function mentions(text: string | null | undefined, pattern: RegExp | null): boolean {
  if (!pattern || !text) return false;
  pattern.lastIndex = 0;
  return pattern.test(text);
}

interface Named {
  person_id: string | null;
  title: string;
  description: string | null;
  metadata: Record<string, unknown>;
  person_link_trusted?: boolean;
}

/**
 * A case without the person: unlinked if it named them, their strings gone
 * from its text. Null when nothing changes (the caller then writes nothing
 * and the version stays).
 */
export function scrubCase<C extends Named>(c: C, personId: string, pattern: RegExp | null): C | null {
  const title = scrubText(c.title, pattern);
  const description = c.description === null ? null : scrubText(c.description, pattern);
  const metadata = scrubJson(c.metadata, pattern);
  const unlinked = c.person_id === personId;
  if (!unlinked && title === c.title && description === c.description && metadata === c.metadata) return null;
  return {
    ...c,
    title,
    description,
    metadata,
    ...(unlinked ? { person_id: null, person_link_trusted: false } : {}),
  };
}

interface TaskLike {
  title: string;
  assignee_person_id?: string | null;
}

/** A task without the person: their strings gone from its title, no longer assigned to them. Null when nothing changes. */
export function scrubTask<T extends TaskLike>(t: T, personId: string, pattern: RegExp | null): T | null {
  const title = scrubText(t.title, pattern);
  const unassigned = t.assignee_person_id === personId;
  if (!unassigned && title === t.title) return null;
  return { ...t, title, ...(unassigned ? { assignee_person_id: null } : {}) };
}
