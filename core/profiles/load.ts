/**
 * Turns a profile's YAML text into a resolved `Profile`, or into every problem
 * it has, each with a path and the 1-based line and column in the YAML, so
 * `PUT /v1/orgs/{org}/profile` can answer 422 with all of them at once and an
 * administrator can fix a profile in one round trip.
 *
 * Resolution: BUILTIN_DEFAULTS ← root ancestor ← … ← parent ← this document.
 * Maps merge key by key at every depth; a list replaces the one below it.
 *
 * The document comes from a tenant, so the work and the answer are bounded:
 * the text, its number of nodes, its nesting and its aliases are checked on
 * the syntax tree before any schema work, every lookup is linear, and at most
 * MAX_REPORTED_PROBLEMS problems are listed (plus one saying how many more).
 */
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node, type Pair, type YAMLMap } from "yaml";
import type { z } from "zod";
import type { FieldProblem } from "../errors";
import { BUILTIN_DEFAULTS, Profile, ProfileDocument, ProfileStructure, checkProfile, expandRoles, type ProfileProblem } from "./schema";

export type LoadProfileResult = { ok: true; profile: Profile; document: ProfileDocument } | { ok: false; errors: FieldProblem[] };

export type ParentResolver = (name: string) => string | undefined;

// Deeper chains are almost certainly a mistake and would make errors hard to follow.
const MAX_EXTENDS_DEPTH = 16;

/**
 * What a profile document may be, checked before any schema work. The
 * shipped profiles are under 10 kB with a few hundred nodes; these leave room
 * for 500 flow rules while keeping parsing and validation cheap.
 */
export const PROFILE_DOCUMENT_BOUNDS = {
  /** UTF-8 bytes of the YAML text (the API's body limit for a profile). */
  bytes: 200_000,
  /** Keys, values and list items, counted on the syntax tree (an alias counts once). */
  nodes: 50_000,
  /** Maps and lists inside one another. */
  depth: 32,
  /** `*alias` references (YAML's billion-laughs expansion is also refused when read). */
  aliases: 100,
  /** Characters of one key. */
  keyLength: 200,
} as const;

/** Problems listed in one answer; the rest are counted in a last problem. */
export const MAX_REPORTED_PROBLEMS = 50;
// Suggesting a close key compares strings pairwise: only for keys of a sensible length.
const MAX_SUGGESTED_KEY_LENGTH = 64;
const MAX_MESSAGE_LENGTH = 1_000;

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

// ---------------------------------------------------------------------------
// Locating paths in the YAML

interface Located {
  doc: Document.Parsed;
  lines: LineCounter;
  /** Each map's pairs by key text, built when a path first goes through it: lookups stay linear. */
  pairsByKey: WeakMap<YAMLMap, Map<string, Pair>>;
}

function pairOf(src: Located, map: YAMLMap, key: string): Pair | undefined {
  let index = src.pairsByKey.get(map);
  if (!index) {
    index = new Map();
    for (const pair of map.items) {
      const text = keyText(pair.key);
      if (!index.has(text)) index.set(text, pair);
    }
    src.pairsByKey.set(map, index);
  }
  return index.get(key);
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
      const pair = pairOf(src, node, String(seg));
      if (!pair) break;
      const key = isNode(pair.key) ? pair.key : null;
      const value = isNode(pair.value) && pair.value.range ? pair.value : null;
      // A key with an empty value (`calendar:`) has a zero-width value node; the key reads better.
      const valueIsEmpty = value !== null && isScalar(value) && value.value === null;
      best = last && (atKey || valueIsEmpty) ? (key ?? best) : (value ?? key ?? best);
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
      // The allowed keys are said once per object, with its first unknown key;
      // only the keys that can be among the listed problems get a suggestion.
      const allowed = allowedKeys(schema, path);
      issue.keys.forEach((key, i) => {
        const hinted = i < MAX_REPORTED_PROBLEMS ? allowed : [];
        out.push({ path: [...path, key], message: unknownKeyMessage(key, hinted, i === 0 ? allowed : []) });
      });
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

/** `suggestFrom`: keys to suggest a close one from; `listed`: the allowed keys to name (once per object). */
function unknownKeyMessage(key: string, suggestFrom: readonly string[], listed: readonly string[]): string {
  // Typos are the usual cause; one or two edits away is close enough to suggest.
  const close =
    key.length > MAX_SUGGESTED_KEY_LENGTH
      ? undefined
      : suggestFrom
          .map((k) => ({ k, d: editDistance(key.toLowerCase(), k.toLowerCase()) }))
          .filter(({ d }) => d <= Math.max(1, Math.min(2, Math.floor(key.length / 3))))
          .sort((a, b) => a.d - b.d)[0];
  const hint = close ? ` (did you mean "${close.k}"?)` : "";
  const list = listed.length > 0 ? `; allowed here: ${listed.join(", ")}` : "";
  return `unknown key "${key}"${hint}${list}`;
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
    const message = p.message.length > MAX_MESSAGE_LENGTH ? `${p.message.slice(0, MAX_MESSAGE_LENGTH)}…` : p.message;
    return { path: pathText(p.path), message, ...locate(src, p.path, atKey) };
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
  const { bytes } = PROFILE_DOCUMENT_BOUNDS;
  // A string has at most as many UTF-16 units as UTF-8 bytes: a long one is refused without encoding it.
  if (text.length > bytes || new TextEncoder().encode(text).length > bytes) {
    const doc = parseDocument("");
    return {
      src: { doc, lines, pairsByKey: new WeakMap() },
      errors: [{ path: "", message: `a profile is at most ${bytes.toLocaleString("en-US")} bytes of YAML`, line: 1, column: 1 }],
    };
  }
  // Duplicate keys are found by the tree check below in linear time; the
  // parser's own check compares every key with every other one.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const src: Located = { doc, lines, pairsByKey: new WeakMap() };
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((e) => {
      const pos = lines.linePos(e.pos[0]);
      return { path: "", message: `YAML syntax error: ${e.message}`, line: pos.line, column: pos.col };
    });
    return { src, errors };
  }
  const shape = treeProblem(doc);
  if (shape !== null) {
    const pos = lines.linePos(shape.offset);
    return { src, errors: [{ path: "", message: shape.message, line: pos.line, column: pos.col }] };
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: PROFILE_DOCUMENT_BOUNDS.aliases });
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

/**
 * The first way the syntax tree breaks PROFILE_DOCUMENT_BOUNDS or repeats a
 * key, with the offset of the node at fault; null when it is fine. Iterative,
 * so a deep document cannot exhaust the stack here.
 */
function treeProblem(doc: Document.Parsed): { message: string; offset: number } | null {
  const { nodes: maxNodes, depth: maxDepth, aliases: maxAliases, keyLength } = PROFILE_DOCUMENT_BOUNDS;
  const stack: { node: unknown; depth: number }[] = [{ node: doc.contents, depth: 0 }];
  let nodes = 0;
  let aliases = 0;
  const at = (node: unknown) => (isNode(node) ? (node.range?.[0] ?? 0) : 0);
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    if (node === null || node === undefined) continue;
    nodes++;
    if (nodes > maxNodes) return { message: `a profile has at most ${maxNodes.toLocaleString("en-US")} keys, values and list items`, offset: at(node) };
    if (isAlias(node)) {
      aliases++;
      if (aliases > maxAliases) return { message: `a profile uses at most ${maxAliases} YAML aliases`, offset: at(node) };
      continue;
    }
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth >= maxDepth) return { message: `a profile nests maps and lists at most ${maxDepth} deep`, offset: at(node) };
    if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push({ node: node.items[i], depth: depth + 1 });
      continue;
    }
    const seen = new Set<string>();
    for (const pair of node.items) {
      const key = keyText(pair.key);
      if (key.length > keyLength) return { message: `a key is at most ${keyLength} characters long`, offset: at(pair.key) };
      if (seen.has(key)) return { message: `YAML error: map keys must be unique; "${key}" appears twice`, offset: at(pair.key) };
      seen.add(key);
    }
    // Pushed in reverse so the first problem found is the first in the text.
    for (let i = node.items.length - 1; i >= 0; i--) {
      const pair = node.items[i];
      if (pair) stack.push({ node: pair.value, depth: depth + 1 }, { node: pair.key, depth: depth + 1 });
    }
  }
  return null;
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
  if (raw === undefined) return { ok: false, errors: reported(read.errors) };
  // Document-level type errors do not stop the rest: cross-key checks still run
  // on whatever is readable, so one answer lists everything to fix.
  const errors: FieldProblem[] = [...read.errors];

  const chain = resolveChain(raw, resolveParent);
  if (!chain.ok) {
    const at = locate(src, ["extends"]);
    errors.push(...chain.messages.map((message) => ({ path: "extends", message, ...at })));
    return { ok: false, errors: reported(errors) };
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

  if (errors.length > 0 || read.document === undefined) return { ok: false, errors: reported(errors) };
  const profile = Profile.safeParse(merged);
  if (!profile.success) {
    return { ok: false, errors: reported(toFieldProblems(issueProblems(profile.error.issues, ProfileStructure), src)) };
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
        messages: parsed.errors.map((e) => `parent profile "${next as string}" is invalid: ${e.path || "(document)"} (line ${e.line ?? "?"}): ${e.message}`),
      };
    }
    visited.push(next);
    ancestors.unshift(parsed.raw);
    next = parsed.raw.extends;
  }
  return { ok: true, ancestors };
}

/** Sorted by line; the first MAX_REPORTED_PROBLEMS, then one problem counting the rest. */
function reported(problems: FieldProblem[]): FieldProblem[] {
  const sorted = sortProblems(problems);
  if (sorted.length <= MAX_REPORTED_PROBLEMS) return sorted;
  const more = sorted.length - MAX_REPORTED_PROBLEMS;
  return [
    ...sorted.slice(0, MAX_REPORTED_PROBLEMS),
    {
      path: "",
      message: `${more.toLocaleString("en-US")} more problem${more === 1 ? "" : "s"} not listed (${sorted.length.toLocaleString("en-US")} in all); fix the ones above first`,
    },
  ];
}

function sortProblems(problems: FieldProblem[]): FieldProblem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.line ?? 0) - (b.p.line ?? 0) || (a.p.column ?? 0) - (b.p.column ?? 0) || a.i - b.i)
    .map(({ p }) => p);
}
