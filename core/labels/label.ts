/**
 * Labels decide where work goes: `<BASE>.<CATEGORY><SUBCATEGORY>.<HORIZONTAL_ROLE>`
 * (e.g. `1001.91.Operations.Safety`). BASE is the vertical scope, the two digits
 * say what kind of item it is, and HORIZONTAL_ROLE names the part of the
 * organization that owns it. A label that does not parse, or that names a role
 * the organization does not have, would route work into the void, so every
 * label is checked here and rejected with a sentence that says exactly what is
 * wrong. Escalation moves BASE up the ladder of ./ladder.ts.
 */
import { DomainError } from "../errors";
import { BASE_CHOICES, escalateBase, isBroadcastBase, isValidBase } from "./ladder";

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

const q = (s: string): string => JSON.stringify(s);

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
      return `${what} segment ${q(`${seg.slice(0, 20)}…`)} is ${seg.length} characters long; at most ${MAX_ROLE_SEGMENT_LENGTH} are allowed per segment`;
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
  return role === ancestor || role.startsWith(`${ancestor}.`);
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
  const hint = roles.find((r) => r.toLowerCase() === lower || lower.startsWith(`${r.toLowerCase()}.`));
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
    return fail(`CATEGORY and SUBCATEGORY must be exactly two digits, one each (e.g. 91 = category 9, subcategory 1); got ${q(codeText)}${hint}`);
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

/**
 * The same label one rung up the ladder (1001→101→11→1, 1000→100→10→1), or
 * null at the top: level 1, or the profile's `top_level` when given.
 */
export function escalateLabel(text: string, topLevel?: number): string | null {
  const label = requireLabel(text, undefined);
  const up = escalateBase(label.base, topLevel);
  if (up === null) return null;
  return formatLabel({ ...label, base: up, broadcast: isBroadcastBase(up) });
}
