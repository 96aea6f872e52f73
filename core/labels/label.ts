/**
 * Labels decide where work goes: `<BASE>.<CATEGORY><SUBCATEGORY>.<HORIZONTAL_ROLE>`
 * (e.g. `1001.91.Operations.Safety`). BASE is the vertical scope, the two digits
 * say what kind of item it is, and HORIZONTAL_ROLE names the part of the
 * organization that owns it. A label that does not parse, or that names a role
 * the organization does not have, would route work into the void, so every
 * label is checked here and rejected with a sentence that says exactly what is
 * wrong. Escalation moves BASE up one level; that ladder lives here as well so
 * the scheduler and the API agree on it.
 */
import { DomainError } from "../errors";

/** Vertical levels, top first: executive, department head, team lead, staff. */
export const LEVELS = [1, 11, 101, 1001] as const;
export type Level = (typeof LEVELS)[number];

/** Broadcast variants: addressed to everyone at that scope rather than to one owner. */
export const BROADCAST_LEVELS = [10, 100, 1000] as const;
export type BroadcastLevel = (typeof BROADCAST_LEVELS)[number];

export type Base = Level | BroadcastLevel;

export const LEVEL_NAMES: Readonly<Record<Level, string>> = {
  1: "executive",
  11: "department_head",
  101: "team_lead",
  1001: "staff",
};

/**
 * Only the digits the contract names. Any digit 1-9 is accepted in a label;
 * these maps exist for display, not validation, so an unnamed digit is fine.
 */
export const CATEGORY_NAMES: Readonly<Record<number, string>> = {
  1: "operations",
  5: "training",
  9: "crisis",
};
export const SUBCATEGORY_NAMES: Readonly<Record<number, string>> = {
  1: "request",
  4: "report",
  5: "broadcast",
};

export const MAX_ROLE_SEGMENTS = 8;
export const MAX_ROLE_SEGMENT_LENGTH = 64;

export interface Label {
  base: number;
  category: number;
  subcategory: number;
  role: string;
  broadcast: boolean;
}

export type ParseLabelResult = { ok: true; label: Label } | { ok: false; reason: string };

const FORM = "<BASE>.<CATEGORY><SUBCATEGORY>.<HORIZONTAL_ROLE>";
const EXAMPLE = "1001.91.Operations.Safety";
const BASE_CHOICES = `${LEVELS.join(", ")} (or broadcast ${BROADCAST_LEVELS.join(", ")})`;

// Rank 0 is the top of the hierarchy; comparing ranks is how visibility and
// escalation decide "higher than". Each broadcast base ranks beside the level
// at the same place on its own chain (1000→100→10→1 beside 1001→101→11→1):
// 1000 is the staff broadcast, 100 the team leads', 10 the department heads'.
const RANK: ReadonlyMap<number, number> = new Map([
  [1, 0],
  [10, 1],
  [11, 1],
  [100, 2],
  [101, 2],
  [1000, 3],
  [1001, 3],
]);

// Both chains end at 1: broadcasts lose their broadcast nature only at the very
// top, where there is a single executive level left to notify.
const ESCALATES_TO: ReadonlyMap<number, number | null> = new Map([
  [1001, 101],
  [101, 11],
  [11, 1],
  [1, null],
  [1000, 100],
  [100, 10],
  [10, 1],
]);

const q = (s: string): string => JSON.stringify(s);

export const isValidBase = (base: number): base is Base => RANK.has(base);

export const isBroadcastBase = (base: number): base is BroadcastLevel =>
  (BROADCAST_LEVELS as readonly number[]).includes(base);

// Callers only hold bases that came out of parseLabel; anything else is a bug
// in the caller, not bad input, hence RangeError rather than DomainError.
const assertBase = (base: number): void => {
  if (!RANK.has(base)) throw new RangeError(`${base} is not a label BASE; expected one of ${BASE_CHOICES}`);
};

/** 0 for 1/10 (top), 1 for 11/100, 2 for 101/1000, 3 for 1001. Lower is higher up. */
export function levelRank(base: number): number {
  assertBase(base);
  return RANK.get(base) as number;
}

/** The BASE one level up, or null when already at the top (1). */
export function escalateBase(base: number): number | null {
  assertBase(base);
  return ESCALATES_TO.get(base) ?? null;
}

/**
 * Syntax of a HORIZONTAL_ROLE (also usable for a profile's `roles` entries).
 * Returns null when valid, else the reason. `what` names the thing in the
 * reason so profile errors can say "role" instead of "HORIZONTAL_ROLE".
 */
export function checkRoleSyntax(role: string, what = "HORIZONTAL_ROLE"): string | null {
  if (role === "") return `${what} is empty; expected dot-separated names such as Operations.Safety`;
  const segments = role.split(".");
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as string;
    if (seg === "") {
      if (i === 0) return `${what} ${q(role)} must not start with a dot`;
      if (i === segments.length - 1) return `${what} ${q(role)} must not end with a dot`;
      return `${what} ${q(role)} must not contain two dots in a row`;
    }
    if (seg.length > MAX_ROLE_SEGMENT_LENGTH) {
      return `${what} segment ${q(seg.slice(0, 20) + "…")} is ${seg.length} characters long; at most ${MAX_ROLE_SEGMENT_LENGTH} are allowed per segment`;
    }
    const first = seg[0] as string;
    if (!/^[A-Za-z]$/.test(first)) {
      return `${what} segment ${q(seg)} must start with a letter (A-Z or a-z); it starts with ${q(first)}`;
    }
    const bad = /[^A-Za-z0-9_-]/.exec(seg);
    if (bad) {
      return `${what} segment ${q(seg)} contains ${q(bad[0])}; only letters, digits, "_" and "-" are allowed`;
    }
  }
  if (segments.length > MAX_ROLE_SEGMENTS) {
    return `${what} ${q(role)} has ${segments.length} segments; at most ${MAX_ROLE_SEGMENTS} are allowed`;
  }
  return null;
}

/** True when `role` is `ancestor` itself or lies below it, segment by segment. */
export function roleCovers(ancestor: string, role: string): boolean {
  if (ancestor === "") return false;
  return role === ancestor || role.startsWith(ancestor + ".");
}

export function isKnownRole(role: string, roles: readonly string[]): boolean {
  return roles.some((r) => roleCovers(r, role));
}

/** `Operations.Safety` → `Operations`; a single-segment role has no parent. */
export function roleParent(role: string): string | null {
  const i = role.lastIndexOf(".");
  return i <= 0 ? null : role.slice(0, i);
}

function unknownRoleReason(role: string, roles: readonly string[]): string {
  if (roles.length === 0) {
    return `HORIZONTAL_ROLE ${q(role)} is not a role of this organization; the organization defines no roles`;
  }
  // Case slips are the most common typo; naming the intended role saves a round trip.
  const lower = role.toLowerCase();
  const hint = roles.find((r) => r.toLowerCase() === lower || lower.startsWith(r.toLowerCase() + "."));
  const shown = roles.slice(0, 10).join(", ") + (roles.length > 10 ? `, … (${roles.length - 10} more)` : "");
  return (
    `HORIZONTAL_ROLE ${q(role)} is not a role of this organization nor below one` +
    (hint !== undefined ? ` (roles are case-sensitive; did you mean ${q(hint)}?)` : "") +
    `; known roles: ${shown}`
  );
}

export function parseLabel(text: string, opts: { roles?: readonly string[] } = {}): ParseLabelResult {
  const fail = (reason: string): ParseLabelResult => ({ ok: false, reason });
  if (typeof text !== "string") return fail(`label must be a string of the form ${FORM}, e.g. ${EXAMPLE}`);
  if (text === "") return fail(`label is empty; expected ${FORM}, e.g. ${EXAMPLE}`);
  // Stored labels are compared as strings; tolerating whitespace would let
  // two spellings of one label route differently.
  if (text.trim() !== text) return fail(`label ${q(text)} must not start or end with whitespace`);
  if (/\s/.test(text)) return fail(`label ${q(text)} must not contain whitespace`);

  const d1 = text.indexOf(".");
  if (d1 === -1) return fail(`label ${q(text)} does not have the form ${FORM}, e.g. ${EXAMPLE}`);
  const d2 = text.indexOf(".", d1 + 1);
  const baseText = text.slice(0, d1);
  const codeText = d2 === -1 ? text.slice(d1 + 1) : text.slice(d1 + 1, d2);
  const roleText = d2 === -1 ? "" : text.slice(d2 + 1);

  if (baseText === "") return fail(`BASE is missing before the first dot; expected one of ${BASE_CHOICES}`);
  if (!/^[0-9]+$/.test(baseText)) return fail(`BASE must be a number, one of ${BASE_CHOICES}; got ${q(baseText)}`);
  if (baseText.length > 1 && baseText.startsWith("0")) {
    return fail(`BASE must not have leading zeros; got ${baseText}`);
  }
  const base = Number(baseText);
  if (!isValidBase(base)) return fail(`BASE must be one of ${BASE_CHOICES}; got ${baseText}`);

  if (codeText === "") {
    return fail(`CATEGORY and SUBCATEGORY are missing after BASE ${baseText}; expected two digits such as 91 (${FORM})`);
  }
  if (!/^[0-9]{2}$/.test(codeText)) {
    const hint = /^[A-Za-z]/.test(codeText) ? " — the CATEGORY/SUBCATEGORY part seems to be missing" : "";
    return fail(
      `CATEGORY and SUBCATEGORY must be exactly two digits, one each (e.g. 91 = category 9, subcategory 1); got ${q(codeText)}${hint}`,
    );
  }
  const category = Number(codeText[0]);
  const subcategory = Number(codeText[1]);
  if (category === 0) return fail(`CATEGORY must be a digit from 1 to 9; got 0 (in ${codeText})`);
  if (subcategory === 0) return fail(`SUBCATEGORY must be a digit from 1 to 9; got 0 (in ${codeText})`);

  if (d2 === -1 || roleText === "") {
    return fail(`HORIZONTAL_ROLE is missing; expected it after ${baseText}.${codeText}., e.g. ${baseText}.${codeText}.Operations`);
  }
  const syntax = checkRoleSyntax(roleText);
  if (syntax !== null) return fail(syntax);
  if (opts.roles !== undefined && !isKnownRole(roleText, opts.roles)) return fail(unknownRoleReason(roleText, opts.roles));

  return { ok: true, label: { base, category, subcategory, role: roleText, broadcast: isBroadcastBase(base) } };
}

/** parseLabel that throws the 422 the API answers with. */
export function requireLabel(text: string, roles: readonly string[] | undefined, path = "label"): Label {
  const r = parseLabel(text, roles === undefined ? {} : { roles });
  if (!r.ok) throw new DomainError("invalid_label", r.reason, [{ path, message: r.reason }]);
  return r.label;
}

/**
 * The label's text. `broadcast` is ignored because BASE already says it; the
 * result is re-checked so a hand-built Label can never become a stored label
 * that parseLabel would refuse.
 */
export function formatLabel(label: Label): string {
  const text = `${label.base}.${label.category}${label.subcategory}.${label.role}`;
  const r = parseLabel(text);
  if (!r.ok) throw new DomainError("invalid_label", r.reason, [{ path: "label", message: r.reason }]);
  return text;
}

/** The same label one level up (1001→101→11→1, 1000→100→10→1); null at the top. */
export function escalateLabel(text: string): string | null {
  const label = requireLabel(text, undefined);
  const up = escalateBase(label.base);
  if (up === null) return null;
  return formatLabel({ ...label, base: up, broadcast: isBroadcastBase(up) });
}
