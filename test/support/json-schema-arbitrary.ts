/**
 * JSON Schema → fast-check arbitraries, for fuzzing what the API documents.
 *
 * The request schemas come from /v1/openapi.json (generated from the same zod
 * schemas that validate requests), so bodies generated here follow the live
 * contract: an endpoint or field added later is fuzzed without touching the
 * tests. Only the subset of JSON Schema the document uses is understood:
 * objects (properties, required, additionalProperties, propertyNames), strings
 * (minLength, maxLength, enum, const, format, pattern), numbers and integers
 * with bounds, booleans, null, arrays (items, prefixItems, minItems, maxItems),
 * type lists, anyOf / oneOf / allOf and local `$ref`s. Anything else is
 * generated as arbitrary JSON.
 *
 * Three things are offered:
 * - `valueFor`: values valid by the schema (as far as the subset can tell);
 * - `minimalValueFor`: one deterministic small valid value (required keys only);
 * - `mutatedFor`: a valid value broken in one known way (wrong type, missing
 *   required key, unknown key, oversized string, deep nesting, too many keys,
 *   a body that is not an object, text that is not JSON), each saying whether
 *   the schema says it must be refused and at which path.
 *
 * Pure fast-check and no runtime imports: it runs in Node and in workerd.
 */
import fc from "fast-check";

export type JsonSchema = { [key: string]: any } | boolean;
export type Path = (string | number)[];

export interface Hint {
  /** Path of the value being generated, from the body's root. */
  path: Path;
  /** The property name (or null for array items and the root). */
  key: string | null;
  schema: { [key: string]: any };
}

export interface SchemaOptions {
  /** The document `$ref`s point into (e.g. the OpenAPI document). */
  root?: unknown;
  /**
   * Values worth trying for a field besides the schema's own (real ids, known
   * roles, durations): mixed in with the schema-generated ones, never instead.
   */
  hint?: (h: Hint) => fc.Arbitrary<unknown> | undefined;
  /** How much more often a hint is used than the schema's own value (default 3). */
  hintWeight?: number;
  /** Longest string generated for a valid value when the schema allows more (default 40). */
  maxStringLength?: number;
  /** Most items in a generated array when the schema allows more (default 3). */
  maxItems?: number;
  /** Depth after which `$ref` recursion falls back to minimal values (default 6). */
  maxDepth?: number;
}

type Obj = { [key: string]: any };

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------------------
// Schema plumbing

/** Follows local `$ref`s (`#/components/schemas/X`) to the schema they name. */
export function resolveSchema(schema: JsonSchema | undefined, root: unknown): Obj {
  let cur: JsonSchema | undefined = schema;
  for (let guard = 0; guard < 32; guard++) {
    if (cur === undefined || cur === true) return {};
    if (cur === false) return { not: {} };
    if (typeof cur.$ref !== "string") return cur;
    const ref: string = cur.$ref;
    if (!ref.startsWith("#")) throw new Error(`only local $refs are supported, got ${ref}`);
    let target: unknown = root;
    for (const raw of ref
      .slice(1)
      .split("/")
      .filter((s) => s !== "")) {
      const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
      target = isObj(target) || Array.isArray(target) ? (target as Obj)[seg] : undefined;
    }
    if (target === undefined) throw new Error(`unresolvable $ref ${ref}`);
    const { $ref: _r, ...siblings } = cur;
    cur = Object.keys(siblings).length > 0 ? { ...(target as Obj), ...siblings } : (target as JsonSchema);
  }
  throw new Error("$ref chain too long");
}

const ALL_TYPES = ["string", "number", "integer", "boolean", "null", "object", "array"] as const;
type TypeName = (typeof ALL_TYPES)[number];

/** The JSON types a schema allows, or null when it does not say. */
export function typesOf(s: Obj): TypeName[] | null {
  if (Array.isArray(s.type)) return s.type as TypeName[];
  if (typeof s.type === "string") return [s.type as TypeName];
  if (Array.isArray(s.enum)) return [...new Set(s.enum.map(jsonTypeOf))];
  if ("const" in s) return [jsonTypeOf(s.const)];
  if (s.properties || s.additionalProperties !== undefined || s.required) return ["object"];
  if (s.items || s.prefixItems) return ["array"];
  return null;
}

function jsonTypeOf(v: unknown): TypeName {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v as TypeName;
}

function mergeAllOf(s: Obj, root: unknown): Obj {
  if (!Array.isArray(s.allOf)) return s;
  const { allOf, ...rest } = s;
  const out: Obj = { ...rest };
  for (const part of allOf as JsonSchema[]) {
    const p = mergeAllOf(resolveSchema(part, root), root);
    out.properties = { ...(out.properties ?? {}), ...(p.properties ?? {}) };
    out.required = [...new Set([...(out.required ?? []), ...(p.required ?? [])])];
    for (const [k, v] of Object.entries(p)) if (!(k in out)) out[k] = v;
  }
  return out;
}

function branches(s: Obj): JsonSchema[] | null {
  if (Array.isArray(s.anyOf)) return s.anyOf;
  if (Array.isArray(s.oneOf)) return s.oneOf;
  return null;
}

function compilePattern(pattern: unknown): RegExp | null {
  if (typeof pattern !== "string") return null;
  try {
    return new RegExp(pattern);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------
// Valid values

const ASCII_WORD = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789_-"), minLength: 1, maxLength: 12 });

/** Single code units that are not text on their own: lone surrogates, NUL, controls, separators, BOM. */
const oddUnit = fc.constantFrom("\ud800", "\udbff", "\udc00", "\udfff", "\u0000", "\u0007", "\u001b", "\u2028", "\u2029", "\ufeff", "\uffff");

/** Mostly printable text, sometimes any code point or odd code units: storage and JSON must cope. */
function textArb(minLength: number, maxLength: number): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.string({ minLength, maxLength }) },
    { weight: 2, arbitrary: fc.string({ minLength, maxLength, unit: "grapheme" }) },
    { weight: 1, arbitrary: fc.string({ minLength, maxLength, unit: "binary" }) },
    { weight: 1, arbitrary: fc.string({ minLength, maxLength, unit: fc.oneof(oddUnit, fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 })) }) },
  );
}

export const emailArb: fc.Arbitrary<string> = fc
  .tuple(ASCII_WORD, fc.constantFrom("example.com", "example.org", "mail.example.net"))
  .map(([local, domain]) => `${local.replace(/^[-_]+|[-_]+$/g, "") || "x"}@${domain}`);

const dateTimeArb: fc.Arbitrary<string> = fc
  .date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString());

function stringArb(s: Obj, cap: number): fc.Arbitrary<string> {
  const min = typeof s.minLength === "number" ? s.minLength : 0;
  const max = typeof s.maxLength === "number" ? s.maxLength : Number.POSITIVE_INFINITY;
  const fits = (v: string) => v.length >= min && v.length <= max;
  switch (s.format) {
    case "email":
      return emailArb.filter(fits);
    case "date-time":
      return dateTimeArb;
    case "date":
      return dateTimeArb.map((d) => d.slice(0, 10));
    case "uri":
    case "url":
      return fc.webUrl().filter(fits);
    case "uuid":
      return fc.uuid();
  }
  const re = compilePattern(s.pattern);
  if (re) return fc.stringMatching(re, { size: "small" }).filter((v) => fits(v) && re.test(v));
  return textArb(min, Math.max(min, Math.min(max, min + cap)));
}

function numberArb(s: Obj, integer: boolean): fc.Arbitrary<number> {
  let min = typeof s.minimum === "number" ? s.minimum : undefined;
  let max = typeof s.maximum === "number" ? s.maximum : undefined;
  if (typeof s.exclusiveMinimum === "number") min = integer ? Math.floor(s.exclusiveMinimum) + 1 : s.exclusiveMinimum;
  if (typeof s.exclusiveMaximum === "number") max = integer ? Math.ceil(s.exclusiveMaximum) - 1 : s.exclusiveMaximum;
  if (integer) {
    const lo = Math.max(min ?? -1_000_000, Number.MIN_SAFE_INTEGER);
    const hi = Math.min(max ?? 1_000_000, Number.MAX_SAFE_INTEGER);
    return fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) });
  }
  return fc.double({
    min: min ?? -1e9,
    max: max ?? 1e9,
    noNaN: true,
    noDefaultInfinity: true,
    minExcluded: typeof s.exclusiveMinimum === "number",
    maxExcluded: typeof s.exclusiveMaximum === "number",
  });
}

const anyJson = fc.jsonValue({ maxDepth: 2 });

/** Arbitrary values that the schema accepts (within the understood subset). */
export function valueFor(schema: JsonSchema | undefined, opts: SchemaOptions = {}, path: Path = []): fc.Arbitrary<unknown> {
  const s = mergeAllOf(resolveSchema(schema, opts.root), opts.root);
  const own = schemaValueFor(s, opts, path);
  const hinted = opts.hint?.({ path, key: typeof path[path.length - 1] === "string" ? (path[path.length - 1] as string) : null, schema: s });
  return hinted ? fc.oneof({ weight: opts.hintWeight ?? 3, arbitrary: hinted }, { weight: 1, arbitrary: own }) : own;
}

function schemaValueFor(s: Obj, opts: SchemaOptions, path: Path): fc.Arbitrary<unknown> {
  if (path.length > (opts.maxDepth ?? 6) + 8) return fc.constant(minimalValueFor(s, opts));
  if ("const" in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  const alternatives = branches(s);
  if (alternatives) {
    const { anyOf: _a, oneOf: _o, ...rest } = s;
    return fc.oneof(...alternatives.map((b) => valueFor({ ...rest, ...(resolveSchema(b, opts.root) as Obj) }, opts, path)));
  }
  const types = typesOf(s);
  if (types === null) return anyJson;
  return fc.oneof(...types.map((t) => valueOfType(t, s, opts, path)));
}

function valueOfType(t: TypeName, s: Obj, opts: SchemaOptions, path: Path): fc.Arbitrary<unknown> {
  switch (t) {
    case "string":
      return stringArb(s, opts.maxStringLength ?? 40);
    case "integer":
      return numberArb(s, true);
    case "number":
      return fc.oneof(numberArb(s, true), numberArb(s, false));
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return arrayArb(s, opts, path);
    case "object":
      return objectArb(s, opts, path);
  }
}

function arrayArb(s: Obj, opts: SchemaOptions, path: Path): fc.Arbitrary<unknown[]> {
  const minItems = typeof s.minItems === "number" ? s.minItems : 0;
  const maxItems = Math.max(minItems, Math.min(typeof s.maxItems === "number" ? s.maxItems : Number.POSITIVE_INFINITY, minItems + (opts.maxItems ?? 3)));
  const prefix: JsonSchema[] = Array.isArray(s.prefixItems) ? s.prefixItems : [];
  if (prefix.length > 0) {
    const head = fc.tuple(...prefix.map((p, i) => valueFor(p, opts, [...path, i])));
    if (s.items === false || s.items === undefined) return head;
    const tail = fc.array(valueFor(s.items, opts, [...path, prefix.length]), { maxLength: Math.max(0, maxItems - prefix.length) });
    return fc.tuple(head, tail).map(([h, t]) => [...h, ...t]);
  }
  return fc.array(valueFor(s.items, opts, [...path, 0]), { minLength: minItems, maxLength: maxItems });
}

function objectArb(s: Obj, opts: SchemaOptions, path: Path): fc.Arbitrary<Obj> {
  const props: Obj = isObj(s.properties) ? s.properties : {};
  const required: string[] = Array.isArray(s.required) ? s.required : [];
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, v] of Object.entries(props)) model[k] = valueFor(v, opts, [...path, k]);
  const known = fc.record(model, { requiredKeys: required.filter((k) => k in model), noNullPrototype: true }) as fc.Arbitrary<Obj>;
  const extra = s.additionalProperties;
  if (extra === false || extra === undefined) return known;
  // Free-form maps (metadata, attributes) and typed records: a few extra keys.
  const names = s.propertyNames ? (valueFor(s.propertyNames, { ...opts, hint: undefined }, path) as fc.Arbitrary<string>) : ASCII_WORD;
  const values = extra === true ? anyJson : valueFor(extra, opts, [...path, "*"]);
  return fc
    .tuple(
      known,
      fc.dictionary(
        names.filter((k) => !(k in props) && k !== "__proto__"),
        values,
        { maxKeys: 3, noNullPrototype: true },
      ),
    )
    .map(([k, e]) => ({ ...e, ...k }));
}

// ---------------------------------------------------------------------------
// One small valid value, deterministically

/** The smallest value the schema accepts: required keys only, shortest strings, lowest numbers, first choices. */
export function minimalValueFor(schema: JsonSchema | undefined, opts: SchemaOptions = {}, depth = 0): unknown {
  const s = mergeAllOf(resolveSchema(schema, opts.root), opts.root);
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  const alternatives = branches(s);
  if (alternatives) {
    const { anyOf: _a, oneOf: _o, ...rest } = s;
    return minimalValueFor({ ...rest, ...(resolveSchema(alternatives[0], opts.root) as Obj) }, opts, depth + 1);
  }
  const types = typesOf(s);
  const t = types === null ? "null" : (types.find((x) => x !== "null") ?? "null");
  switch (t) {
    case "string": {
      if (s.format === "email") return "someone@example.com";
      if (s.format === "date-time") return "2026-01-01T00:00:00Z";
      if (s.format === "date") return "2026-01-01";
      if (s.format === "uri" || s.format === "url") return "https://example.com/";
      if (s.format === "uuid") return "00000000-0000-4000-8000-000000000000";
      const re = compilePattern(s.pattern);
      if (re) {
        const min = s.minLength ?? 0;
        const max = s.maxLength ?? Number.POSITIVE_INFINITY;
        const sample = fc.sample(
          fc.stringMatching(re, { size: "xsmall" }).filter((v) => v.length >= min && v.length <= max),
          { numRuns: 1, seed: 42 },
        );
        return sample[0];
      }
      return "x".repeat(Math.max(1, s.minLength ?? 0));
    }
    case "integer":
    case "number": {
      if (typeof s.minimum === "number") return s.minimum;
      if (typeof s.exclusiveMinimum === "number") return Math.floor(s.exclusiveMinimum) + 1;
      if (typeof s.maximum === "number") return Math.min(0, s.maximum);
      return 0;
    }
    case "boolean":
      return false;
    case "null":
      return null;
    case "array": {
      const n = typeof s.minItems === "number" ? s.minItems : 0;
      const prefix: JsonSchema[] = Array.isArray(s.prefixItems) ? s.prefixItems : [];
      const out = prefix.map((p) => minimalValueFor(p, opts, depth + 1));
      while (out.length < n) out.push(minimalValueFor(s.items, opts, depth + 1));
      return out;
    }
    case "object": {
      const out: Obj = {};
      const props: Obj = isObj(s.properties) ? s.properties : {};
      for (const k of Array.isArray(s.required) ? (s.required as string[]) : []) out[k] = minimalValueFor(props[k], opts, depth + 1);
      return out;
    }
  }
}

/**
 * A small body a handler would accept as far as the schema goes: the minimal
 * value, and when every key is optional (a PATCH), its first plain field, since
 * an empty change may be refused as such before anything else is looked at.
 */
export function minimalRequestBody(schema: JsonSchema, opts: SchemaOptions = {}): unknown {
  const body = minimalValueFor(schema, opts);
  if (!isObj(body) || Object.keys(body).length > 0) return body;
  const props: Obj = resolveSchema(schema, opts.root).properties ?? {};
  for (const [k, v] of Object.entries(props)) {
    const value = minimalValueFor(v, opts);
    if (typeof value === "string" || typeof value === "number") return { [k]: value };
  }
  return body;
}

// ---------------------------------------------------------------------------
// Broken values

export type MutationKind =
  | "wrong-type"
  | "missing-required"
  | "unknown-key"
  | "long-string"
  | "huge-string"
  | "deep-nesting"
  | "many-keys"
  | "root-not-object"
  | "not-json";

export interface Mutated {
  kind: MutationKind;
  /** Where the value was broken (empty for the whole body). */
  path: Path;
  /** The broken body, to be sent as JSON; absent when `raw` is the text to send. */
  body?: unknown;
  raw?: string;
  /**
   * True when the schema (or the contract's bounds) says the body cannot be
   * accepted as it is, whatever else it holds.
   */
  mustReject: boolean;
  note: string;
}

interface Site {
  path: Path;
  value: unknown;
  /** The schema governing the value (the anyOf branch its type fits), or null inside free-form data (metadata). */
  schema: Obj | null;
  /** The same before choosing a branch: what a wrong value must be wrong against. */
  full: Obj | null;
}

/** Every position in `value`, with the schema that governs it where the schema says. */
function sitesOf(value: unknown, schema: Obj | null, opts: SchemaOptions, path: Path = [], out: Site[] = []): Site[] {
  const full = schema === null ? null : mergeAllOf(resolveSchema(schema, opts.root), opts.root);
  const s = full === null ? null : narrow(full, value, opts);
  out.push({ path, value, schema: s, full });
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const prefix: JsonSchema[] = s && Array.isArray(s.prefixItems) ? s.prefixItems : [];
      const itemSchema =
        s === null ? null : i < prefix.length ? resolveSchema(prefix[i], opts.root) : s.items !== undefined ? resolveSchema(s.items, opts.root) : null;
      sitesOf(item, itemSchema, opts, [...path, i], out);
    });
  } else if (isObj(value)) {
    for (const [k, v] of Object.entries(value)) {
      const props: Obj = s && isObj(s.properties) ? s.properties : {};
      const sub =
        s === null
          ? null
          : k in props
            ? resolveSchema(props[k], opts.root)
            : isObj(s.additionalProperties) && Object.keys(s.additionalProperties).length > 0
              ? resolveSchema(s.additionalProperties, opts.root)
              : null;
      sitesOf(v, sub, opts, [...path, k], out);
    }
  }
  return out;
}

/** For anyOf/oneOf, the first branch whose type fits the value (enough to know which keys are expected). */
function narrow(s: Obj, value: unknown, opts: SchemaOptions): Obj {
  const alternatives = branches(s);
  if (!alternatives) return s;
  const { anyOf: _a, oneOf: _o, ...rest } = s;
  for (const b of alternatives) {
    const r = { ...rest, ...resolveSchema(b, opts.root) };
    const types = typesOf(r);
    const t = jsonTypeOf(value);
    if (types === null || types.includes(t) || (t === "integer" && types.includes("number"))) return r;
  }
  return rest;
}

/** A typed schema: a wrong type, a missing key or an unknown key there must be refused. */
function isTyped(s: Obj | null): s is Obj {
  return s !== null && (typesOf(s) !== null || branches(s) !== null);
}

function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Obj;
  let cur: Obj = copy;
  for (let i = 0; i < path.length - 1; i++) cur = cur[path[i] as string] as Obj;
  defineOwn(cur, path[path.length - 1] as string, value);
  return copy;
}

function deleteAt(root: unknown, path: Path): unknown {
  const copy = structuredClone(root) as Obj;
  let cur: Obj = copy;
  for (let i = 0; i < path.length - 1; i++) cur = cur[path[i] as string] as Obj;
  delete cur[path[path.length - 1] as string];
  return copy;
}

/** Assignment would set the prototype for "__proto__"; an own key is what a JSON body carries. */
function defineOwn(target: Obj, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A value of one of the JSON types the schema does not allow (or, for enums, outside every choice). */
function wrongTypeArb(s: Obj, opts: SchemaOptions): fc.Arbitrary<unknown> | null {
  const alternatives = branches(s)?.map((b) => mergeAllOf(resolveSchema(b, opts.root), opts.root));
  const parts = alternatives ?? [s];
  if (parts.every((p) => Array.isArray(p.enum) || "const" in p)) {
    const choices = parts.flatMap((p) => (Array.isArray(p.enum) ? (p.enum as unknown[]) : [p.const]));
    return fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.constant(null), fc.boolean()).filter((v) => !choices.some((e) => e === v));
  }
  const typeLists = parts.map((p) => typesOf(p));
  if (typeLists.some((t) => t === null)) return null;
  const types = [...new Set(typeLists.flat() as TypeName[])];
  const allowed = new Set<string>(types);
  if (allowed.has("number")) allowed.add("integer");
  const candidates: fc.Arbitrary<unknown>[] = [];
  if (!allowed.has("string")) candidates.push(fc.string({ maxLength: 8 }), fc.constantFrom("1", "true", "null", "", "[]"));
  if (!allowed.has("integer")) candidates.push(fc.integer(), fc.constantFrom(0, -1, 1e21, Number.MAX_SAFE_INTEGER + 2));
  else if (types.includes("integer") && !types.includes("number")) candidates.push(fc.constantFrom(1.5, -0.25, 1e-7));
  if (!allowed.has("boolean")) candidates.push(fc.boolean());
  if (!allowed.has("null")) candidates.push(fc.constant(null));
  if (!allowed.has("object")) candidates.push(fc.constantFrom({}, { a: 1 }, { "0": "x" }));
  if (!allowed.has("array")) candidates.push(fc.constantFrom([], [1, "two"], [[[]]]));
  return candidates.length > 0 ? fc.oneof(...candidates) : null;
}

function nested(depth: number, leaf: unknown, asArray: boolean): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { n: v };
  return v;
}

/** Keys no schema declares; includes names that trip naive object handling. */
const unknownKeyArb = fc.oneof(
  { weight: 3, arbitrary: ASCII_WORD.map((k) => `zz_${k}`) },
  { weight: 1, arbitrary: fc.constantFrom("__proto__", "constructor", "prototype", "hasOwnProperty", "toString", "", " ", "a.b", "$where") },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 20, unit: "binary" }) },
);

/** Bounds the contract sets on free-form JSON (metadata, attributes): deeper or wider is refused. */
export const FREE_FORM_MAX_DEPTH = 8;
export const FREE_FORM_MAX_KEYS = 1_000;
const MIB = 1024 * 1024;

/**
 * A valid value broken in one way. `bodyLimit` is the endpoint's body size
 * limit, for the occasional body that must be refused as too large.
 */
export function mutatedFor(schema: JsonSchema, opts: SchemaOptions = {}, bodyLimit = MIB): fc.Arbitrary<Mutated> {
  const rootSchema = resolveSchema(schema, opts.root);
  return fc.tuple(valueFor(schema, opts), fc.nat(), fc.nat(), fc.nat()).chain(([valid, a, b, c]) => {
    const sites = sitesOf(valid, rootSchema, opts);
    const pick = <T>(xs: T[], n: number): T | undefined => (xs.length === 0 ? undefined : xs[n % xs.length]);
    const options: fc.Arbitrary<Mutated>[] = [];

    const typed = sites.filter((x) => isTyped(x.full));
    const typedSite = pick(typed, a);
    if (typedSite) {
      const wrong = wrongTypeArb(typedSite.full!, opts);
      if (wrong) {
        options.push(
          wrong.map((w) => ({
            kind: "wrong-type" as const,
            path: typedSite.path,
            body: setAt(valid, typedSite.path, w),
            mustReject: true,
            note: `${JSON.stringify(w)?.slice(0, 40)} where the schema wants ${JSON.stringify(typedSite.full).slice(0, 120)}`,
          })),
        );
      }
    }

    const withRequired = sites.filter(
      (x) => isObj(x.value) && x.schema && Array.isArray(x.schema.required) && x.schema.required.some((k: string) => k in (x.value as Obj)),
    );
    const reqSite = pick(withRequired, b);
    if (reqSite) {
      const keys = (reqSite.schema!.required as string[]).filter((k) => k in (reqSite.value as Obj));
      const key = keys[c % keys.length]!;
      const path = [...reqSite.path, key];
      options.push(fc.constant({ kind: "missing-required" as const, path, body: deleteAt(valid, path), mustReject: true, note: `without ${key}` }));
    }

    const strict = sites.filter((x) => isObj(x.value) && x.schema && x.schema.additionalProperties === false);
    const strictSite = pick(strict, c);
    if (strictSite) {
      const props: Obj = isObj(strictSite.schema!.properties) ? strictSite.schema!.properties : {};
      options.push(
        fc
          .tuple(
            unknownKeyArb.filter((k) => !(k in props)),
            fc.jsonValue({ maxDepth: 1 }),
          )
          .map(([k, v]) => ({
            kind: "unknown-key" as const,
            path: [...strictSite.path, k],
            body: setAt(valid, [...strictSite.path, k], v),
            mustReject: true,
            note: `unknown key ${JSON.stringify(k)}`,
          })),
      );
    }

    const bounded = sites.filter((x) => typeof x.value === "string" && x.schema && typeof x.schema.maxLength === "number");
    const longSite = pick(bounded, a + b);
    if (longSite) {
      const max = longSite.schema!.maxLength as number;
      options.push(
        fc.integer({ min: 1, max: 64 }).map((extra) => ({
          kind: "long-string" as const,
          path: longSite.path,
          body: setAt(valid, longSite.path, "y".repeat(max + extra)),
          mustReject: true,
          note: `${max + extra} characters where at most ${max} are allowed`,
        })),
      );
    }

    const anySite = pick(sites, b + c)!;
    if (bodyLimit <= 2 * MIB)
      options.push(
        fc.constant({
          kind: "huge-string" as const,
          path: anySite.path,
          body: setAt(valid, anySite.path, "h".repeat(bodyLimit + 1)),
          mustReject: true,
          note: `a string of ${bodyLimit + 1} characters: the body exceeds its limit`,
        }),
      );

    const deepSite = pick(sites, a + c)!;
    // Added under an object as a new key, or in place of a value. A key added to
    // a typed object that neither forbids nor types extra keys is just dropped.
    const addsKey = isObj(deepSite.value);
    const dropped = addsKey && isTyped(deepSite.schema) && deepSite.schema!.additionalProperties === undefined;
    options.push(
      fc.tuple(fc.constantFrom(FREE_FORM_MAX_DEPTH + 1, 40, 600, 5_000), fc.boolean()).map(([depth, asArray]) => {
        const deep = nested(depth, "leaf", asArray);
        const path = addsKey ? [...deepSite.path, "zz_deep"] : deepSite.path;
        return {
          kind: "deep-nesting" as const,
          path,
          body: setAt(valid, path, deep),
          mustReject: !dropped,
          note: `${asArray ? "arrays" : "objects"} nested ${depth} deep`,
        };
      }),
    );

    const freeForm = sites.filter((x) => isObj(x.value) && x.schema && x.schema.additionalProperties !== false && x.schema.additionalProperties !== undefined);
    const wideSite = pick(freeForm, a);
    if (wideSite) {
      options.push(
        fc.constant({
          kind: "many-keys" as const,
          path: wideSite.path,
          body: setAt(valid, wideSite.path, Object.fromEntries(Array.from({ length: FREE_FORM_MAX_KEYS + 1 }, (_, i) => [`k${i}`, i]))),
          mustReject: true,
          note: `${FREE_FORM_MAX_KEYS + 1} keys in one map`,
        }),
      );
    }

    if (typesOf(rootSchema)?.includes("object")) {
      options.push(
        fc.constantFrom(null, [], [valid], 0, -1.5, "text", "", true, false).map((v) => ({
          kind: "root-not-object" as const,
          path: [],
          body: v,
          mustReject: true,
          note: `the body is ${JSON.stringify(v).slice(0, 40)}`,
        })),
      );
    }

    const text = JSON.stringify(valid);
    options.push(
      fc
        .constantFrom(
          text.slice(0, Math.max(1, Math.floor(text.length / 2))),
          `${text},`,
          `${text}}`,
          `{"a":1,}`,
          `{'single': 'quotes'}`,
          '{"x": NaN}',
          "\u0000",
          "[".repeat(20_000),
          '{"a":'.repeat(20_000),
        )
        .map((raw) => ({ kind: "not-json" as const, path: [], raw, mustReject: true, note: `text that is not JSON: ${JSON.stringify(raw.slice(0, 30))}` })),
    );

    return fc.oneof(...options);
  });
}

/** A printable one-line summary of a body, for failure messages. */
export function preview(m: { body?: unknown; raw?: string }, max = 300): string {
  if (m.raw !== undefined) {
    // Escaped, so that a report stays valid UTF-8 whatever the text held.
    const shown = JSON.stringify(m.raw.slice(0, max));
    return m.raw.length > max ? `${shown}… (${m.raw.length} characters)` : shown;
  }
  const text = JSON.stringify(m.body);
  if (text === undefined) return String(text);
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}
