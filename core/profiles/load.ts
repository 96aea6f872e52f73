/**
 * Turns a profile's YAML text into a resolved `Profile`, or into every problem
 * it has, each with a path and the 1-based line and column in the YAML, so
 * `PUT /v1/orgs/{org}/profile` can answer 422 with all of them at once and an
 * administrator can fix a profile in one round trip.
 *
 * Resolution: BUILTIN_DEFAULTS ← root ancestor ← … ← parent ← this document.
 * Maps merge key by key at every depth; a list replaces the one below it.
 */
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, stringify, type Document, type Node } from "yaml";
import type { z } from "zod";
import type { FieldProblem } from "../errors";
import {
  BUILTIN_DEFAULTS,
  Profile,
  ProfileDocument,
  ProfileStructure,
  checkProfile,
  expandRoles,
  type ProfileProblem,
} from "./schema";

export type LoadProfileResult =
  | { ok: true; profile: Profile; document: ProfileDocument }
  | { ok: false; errors: FieldProblem[] };

export type ParentResolver = (name: string) => string | undefined;

// Deeper chains are almost certainly a mistake and would make errors hard to follow.
const MAX_EXTENDS_DEPTH = 16;

type PathKey = string | number;
type Json = Record<string, unknown>;

const isPlainObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The contract's `extends` semantics: maps merge key by key (deeply), a list
 * or scalar in the child replaces the parent's, absent keys are inherited.
 * `name` and `description` describe one document and are never inherited.
 */
export function mergeProfileDocuments<P extends object, C extends object>(parent: P, child: C): P & C {
  const { name: _n, description: _d, ...inheritable } = parent as Json;
  return deepMerge(inheritable, child as Json) as P & C;
}

function deepMerge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const below = out[key];
    out[key] = isPlainObject(below) && isPlainObject(value) ? deepMerge(below, value) : value;
  }
  return out;
}

/** The resolved profile as YAML, for `Accept: application/yaml`; loading it gives the same profile back. */
export function profileToYaml(profile: Profile): string {
  const header =
    `Profile "${profile.name}", resolved` +
    (profile.extends ? ` (extends ${profile.extends}; inherited and default keys included)` : " (default keys included)");
  return `# ${header}\n` + stringify(profile, { lineWidth: 0 });
}

// ---------------------------------------------------------------------------
// Locating paths in the YAML

interface Located {
  doc: Document.Parsed;
  lines: LineCounter;
}

/**
 * Line and column of `path` in the document. A path that does not exist there
 * (a missing key, or a key inherited from a parent) is reported at its nearest
 * existing ancestor. `atKey` points at the key itself rather than its value
 * (unknown keys).
 */
function locate(src: Located, path: readonly PathKey[], atKey = false): { line: number; column: number } {
  let node: unknown = src.doc.contents;
  let best: Node | null = isNode(node) ? node : null;
  for (let i = 0; i < path.length; i++) {
    if (isAlias(node)) node = node.resolve(src.doc);
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === String(seg));
      if (!pair) break;
      const key = isNode(pair.key) ? pair.key : null;
      const value = isNode(pair.value) && pair.value.range ? pair.value : null;
      // A key with an empty value (`calendar:`) has a zero-width value node; the key reads better.
      const valueIsEmpty = value !== null && isScalar(value) && value.value === null;
      best = last && (atKey || valueIsEmpty) ? key ?? best : value ?? key ?? best;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = typeof seg === "number" || /^\d+$/.test(String(seg)) ? node.items[Number(seg)] : undefined;
      if (!isNode(item)) break;
      best = item;
      node = item;
    } else break;
  }
  const offset = best?.range?.[0] ?? 0;
  const pos = src.lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function isNode(v: unknown): v is Node {
  return typeof v === "object" && v !== null && "range" in v;
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

const pathText = (path: readonly PathKey[]): string => path.map(String).join(".");

// ---------------------------------------------------------------------------
// Zod issues → problems

function issueProblems(issues: readonly z.core.$ZodIssue[], schema: z.ZodType): ProfileProblem[] {
  const out: ProfileProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    if (issue.code === "unrecognized_keys") {
      const allowed = allowedKeys(schema, path);
      for (const key of issue.keys) {
        out.push({ path: [...path, key], message: unknownKeyMessage(key, allowed) });
      }
      continue;
    }
    if (issue.code === "invalid_type" && /received undefined$/.test(issue.message)) {
      out.push({ path, message: `required key is missing (expected ${issue.expected})` });
      continue;
    }
    out.push({ path, message: issue.message });
  }
  return out;
}

/** The keys the schema accepts at `path` (an object's shape), or [] when it cannot tell. */
function allowedKeys(schema: z.ZodType, path: readonly PathKey[]): string[] {
  let cur: unknown = schema;
  const unwrap = () => {
    for (let guard = 0; guard < 20; guard++) {
      const def = defOf(cur);
      if (def && (def.type === "optional" || def.type === "default" || def.type === "nullable" || def.type === "readonly")) {
        cur = def.innerType;
      } else if (def && def.type === "pipe") cur = def.in;
      else return;
    }
  };
  for (const seg of path) {
    unwrap();
    const def = defOf(cur);
    if (def?.type === "object" && typeof seg === "string") cur = (def.shape as Record<string, unknown>)[seg];
    else if (def?.type === "array") cur = def.element;
    else if (def?.type === "record") cur = def.valueType;
    else return [];
  }
  unwrap();
  const def = defOf(cur);
  return def?.type === "object" ? Object.keys(def.shape as object) : [];
}

function defOf(schema: unknown): Record<string, unknown> | undefined {
  const def = (schema as { _zod?: { def?: Record<string, unknown> } } | undefined)?._zod?.def;
  return def;
}

function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  if (allowed.length === 0) return `unknown key "${key}"`;
  // Typos are the usual cause; one or two edits away is close enough to suggest.
  const close = allowed
    .map((k) => ({ k, d: editDistance(key.toLowerCase(), k.toLowerCase()) }))
    .filter(({ d }) => d <= Math.max(1, Math.min(2, Math.floor(key.length / 3))))
    .sort((a, b) => a.d - b.d)[0];
  const hint = close ? ` (did you mean "${close.k}"?)` : "";
  return `unknown key "${key}"${hint}; allowed here: ${allowed.join(", ")}`;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

function toFieldProblems(problems: readonly ProfileProblem[], src: Located, unknownKeyMessages = true): FieldProblem[] {
  return problems.map((p) => {
    const atKey = unknownKeyMessages && p.message.startsWith("unknown key ");
    return { path: pathText(p.path), message: p.message, ...locate(src, p.path, atKey) };
  });
}

// ---------------------------------------------------------------------------
// Parsing one document

/**
 * A YAML document read as far as possible: `raw` is absent only when the text
 * is not usable YAML (or not a mapping); `errors` also holds schema problems,
 * and `document` is set only when there are none.
 */
interface ReadDocument {
  raw?: Json;
  document?: ProfileDocument;
  src: Located;
  errors: FieldProblem[];
}

function readDocument(text: string): ReadDocument {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const src: Located = { doc, lines };
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((e) => {
      const pos = lines.linePos(e.pos[0]);
      return { path: "", message: `YAML syntax error: ${e.message}`, line: pos.line, column: pos.col };
    });
    return { src, errors };
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return { src, errors: [{ path: "", message: `YAML error: ${(e as Error).message}`, line: 1, column: 1 }] };
  }
  if (!isPlainObject(raw)) {
    const what = raw === null || raw === undefined ? "empty" : Array.isArray(raw) ? "a list" : `a ${typeof raw}`;
    const message = `a profile must be a YAML mapping with at least \`name\`; this document is ${what}`;
    return { src, errors: [{ path: "", message, ...locate(src, []) }] };
  }
  const parsed = ProfileDocument.safeParse(raw);
  if (!parsed.success) return { raw, src, errors: toFieldProblems(issueProblems(parsed.error.issues, ProfileDocument), src) };
  return { raw, document: parsed.data, src, errors: [] };
}

// ---------------------------------------------------------------------------
// Loading with `extends`

/**
 * Parses, resolves `extends` through `resolveParent` (name → YAML text, or
 * undefined when there is no such profile), fills the built-in defaults and
 * validates the result. Every problem found is returned, sorted by line.
 */
export function loadProfile(yamlText: string, resolveParent: ParentResolver): LoadProfileResult {
  const read = readDocument(yamlText);
  const { raw, src } = read;
  if (raw === undefined) return { ok: false, errors: read.errors };
  // Document-level type errors do not stop the rest: cross-key checks still run
  // on whatever is readable, so one answer lists everything to fix.
  const errors: FieldProblem[] = [...read.errors];

  const chain = resolveChain(raw, resolveParent);
  if (!chain.ok) {
    const at = locate(src, ["extends"]);
    errors.push(...chain.messages.map((message) => ({ path: "extends", message, ...at })));
    return { ok: false, errors: sortProblems(errors) };
  }

  let merged: Json = { ...(BUILTIN_DEFAULTS as unknown as Json) };
  for (const ancestor of chain.ancestors) merged = mergeProfileDocuments(merged, ancestor);
  merged = mergeProfileDocuments(merged, raw);
  // "Every key but name may be left out": a document that names its own roles
  // but no triage label sends unmatched signals to its first role's staff.
  const labelGiven = [...chain.ancestors, raw].some((d) => d.default_label !== undefined);
  if (!labelGiven && Array.isArray(merged.roles) && typeof merged.roles[0] === "string" && !merged.roles.includes("Operations")) {
    merged.default_label = `1001.14.${merged.roles[0]}`;
  }

  const known = new Set(errors.map((e) => `${e.path}\u0000${e.message}`));
  const addAll = (problems: FieldProblem[]) => {
    for (const p of problems) {
      const k = `${p.path}\u0000${p.message}`;
      if (!known.has(k)) {
        known.add(k);
        errors.push(p);
      }
    }
  };

  // With document errors the resolved-shape errors would mostly repeat them.
  if (read.document !== undefined) {
    const structure = ProfileStructure.safeParse(merged);
    if (!structure.success) addAll(toFieldProblems(issueProblems(structure.error.issues, ProfileStructure), src));
  }
  addAll(toFieldProblems(checkProfile(merged), src, false));

  if (errors.length > 0 || read.document === undefined) return { ok: false, errors: sortProblems(errors) };
  const profile = Profile.safeParse(merged);
  if (!profile.success) {
    return { ok: false, errors: sortProblems(toFieldProblems(issueProblems(profile.error.issues, ProfileStructure), src)) };
  }
  // Parents are added only now so that problems found above point at the roles as written.
  return { ok: true, profile: { ...profile.data, roles: expandRoles(profile.data.roles) }, document: read.document };
}

type Chain = { ok: true; ancestors: Json[] } | { ok: false; messages: string[] };

/** Ancestors root first. Each parent must itself be a valid document. */
function resolveChain(child: Json, resolveParent: ParentResolver): Chain {
  const ancestors: Json[] = [];
  const visited: string[] = typeof child.name === "string" ? [child.name] : [];
  let next = child.extends;
  while (next !== undefined) {
    if (typeof next !== "string") return { ok: true, ancestors }; // the document check reports the type
    if (visited.includes(next)) {
      return { ok: false, messages: [`extends cycle: ${[...visited, next].join(" → ")}`] };
    }
    if (visited.length > MAX_EXTENDS_DEPTH) {
      return { ok: false, messages: [`extends chain is longer than ${MAX_EXTENDS_DEPTH} profiles`] };
    }
    const text = resolveParent(next);
    if (text === undefined) {
      const via = visited.length > 1 ? ` (reached through ${visited.join(" → ")})` : "";
      return { ok: false, messages: [`unknown parent profile "${next}"${via}`] };
    }
    const parsed = readDocument(text);
    if (parsed.raw === undefined || parsed.document === undefined) {
      return {
        ok: false,
        messages: parsed.errors.map(
          (e) => `parent profile "${next as string}" is invalid: ${e.path || "(document)"} (line ${e.line ?? "?"}): ${e.message}`,
        ),
      };
    }
    visited.push(next);
    ancestors.unshift(parsed.raw);
    next = parsed.raw.extends;
  }
  return { ok: true, ancestors };
}

function sortProblems(problems: FieldProblem[]): FieldProblem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.line ?? 0) - (b.p.line ?? 0) || (a.p.column ?? 0) - (b.p.column ?? 0) || a.i - b.i)
    .map(({ p }) => p);
}
