/**
 * The fuzz of every endpoint that takes a JSON (or YAML) body, generated from
 * the OpenAPI document the Worker serves. Bodies come from each operation's
 * request schema (json-schema-arbitrary.ts): some valid by the schema, some
 * broken in one known way (wrong type, missing required key, unknown key,
 * oversized string or body, deep nesting, too many keys, not an object, not
 * JSON). Path parameters are mostly real ids of a fresh organization, and
 * sometimes random ones. Whatever the request:
 *  - the answer is never a 5xx;
 *  - every 4xx is application/problem+json with type, title, status and
 *    detail, and a 422 lists `errors` with a path and a message each (naming
 *    the broken field when the body is the request's only fault);
 *  - a body the schema refuses is refused (4xx), and a broken signal in a
 *    batch is rejected as that item alone;
 *  - a refused request changes nothing in the organization (its Durable
 *    Object's tables and outbox) nor in the list of organizations.
 *
 * Per-request time in the workerd harness grows with the number of requests a
 * file makes, so the operations are dealt out to several test files
 * (`fuzzEndpoints({ part, parts })`), each with its own organization; an
 * endpoint added later lands in one of them automatically. Replay a failure
 * with ORGO_FC_SEED=<seed printed>. Workerd only.
 */
import { illFormedTextPath } from "../../core/model/well-formed";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import type { OrgObject } from "../../durable-objects/org-object";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { checkDuration } from "../../core/scheduling/duration";
import { ADMIN, api, createOrg, newCase, newTask, orgStub, type Reply } from "../workers/helpers";
import { minimalRequestBody, mutatedFor, preview, resolveSchema, valueFor, type Hint, type Mutated, type SchemaOptions } from "./json-schema-arbitrary";
import { fillPath, operationsOf, type Operation } from "./openapi-operations";
import { orgState, platformState } from "./org-state";
import { runs } from "./property-runs";

/**
 * Runs the organization's alarm until nothing is due and the outbox is empty,
 * so work a success queued for now (a reply's delivery) finishes before the
 * next baseline. The runtime may have started that alarm itself (it was due at
 * once), and a run in flight is not the armed one that `runDurableObjectAlarm`
 * runs: so the object's own schedule decides when it is over (bounded).
 */
async function settleDueWork(orgId: string): Promise<void> {
  const stub = orgStub(orgId);
  for (let attempt = 0; attempt < 100; attempt++) {
    await runDurableObjectAlarm(stub);
    const idle = await runInDurableObject(stub, (instance: OrgObject, state) => {
      const now = Date.now() + instance.clockOffsetMs;
      const due = state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM timers WHERE due_at <= ? AND kind <> 'daily'", now).one().n;
      return due === 0 && instance.stats().outbox === 0;
    });
    if (idle) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

type Org = Awaited<ReturnType<typeof createOrg>>;

export const DOC = (await api("GET", "/v1/openapi.json", { token: null })).body as Record<string, any>;
const OPS = operationsOf(DOC);

/** JSON-body operations this suite was written against; more may appear, none may vanish. */
export const KNOWN_JSON_OPS = [
  "POST /v1/orgs",
  "POST /v1/auth/login",
  "POST /v1/orgs/{org}/users",
  "PATCH /v1/orgs/{org}/users/{user_id}",
  "POST /v1/orgs/{org}/tokens",
  "POST /v1/orgs/{org}/cases",
  "PATCH /v1/orgs/{org}/cases/{case_id}",
  "POST /v1/orgs/{org}/cases/{case_id}/tasks",
  "POST /v1/orgs/{org}/tasks/{task_id}/transition",
  "POST /v1/orgs/{org}/profile/dry-run",
  "POST /v1/orgs/{org}/signals",
  "POST /v1/orgs/{org}/signals/batch",
  "POST /v1/orgs/{org}/persons",
  "PATCH /v1/orgs/{org}/persons/{person_id}",
  "PUT /v1/orgs/{org}/secrets/{name}",
];

/**
 * Operations never sent by the fuzzer: logging out revokes the very token the
 * suite runs on. (It takes no body today; this keeps it out if it ever does.)
 */
const NEVER = new Set(["POST /v1/auth/logout"]);

export const JSON_OPS = OPS.filter((op) => op.jsonSchema !== null && !NEVER.has(op.key));
export const YAML_OPS = OPS.filter((op) => op.jsonSchema === null && op.bodyTypes.some((t) => /yaml/.test(t)) && !NEVER.has(op.key));

/** Requests per endpoint. Creating organizations is bounded harder: each one is a new Durable Object. */
const RUNS_PER_ENDPOINT = 36;
const RUNS_FOR = (op: Operation) => (op.key === "POST /v1/orgs" ? 12 : RUNS_PER_ENDPOINT);

const MIB = 1024 * 1024;
const bodyLimitOf = (op: Operation) => (op.path.endsWith("/signals/batch") ? 16 * MIB : MIB);

const PROFILE_YAML =
  "name: fuzz_org\nextends: base\nsensitive_person_fields: [diagnosis]\nmodules:\n  maintenance: {}\n  groups: {}\n  care:\n    screening:\n      - title: Screen\n  open311:\n    services:\n      - { service_code: pothole, service_name: Pothole }\n";
const VICTIM_EMAIL = "victim@fuzz.example.com";
const VICTIM_PASSWORD = "victim-password-1";
const SECRET_NAME = "FUZZ_KEY";
const ROLES = ["Operations", "Operations.Safety", "Operations.Maintenance", "Facilities"];

/** Shortest reactivity window a generated body may set: anything shorter would arm an alarm that fires mid-suite. */
const MIN_WINDOW_MS = 10 * 60_000;

const uuid = fc.uuid();
const junkId = fc.oneof(
  fc.string({ minLength: 1, maxLength: 80 }).filter((s) => s !== "." && s !== ".."),
  fc.constantFrom("0", "-1", "null", "undefined", "%", "'; DROP TABLE cases; --", "a".repeat(101), "../../etc/passwd", "\u00e9\u00e8", "{case_id}"),
);

const windowArb = fc.constantFrom("PT10M", "PT15M", "PT1H", "PT4H", "P1D", "P3D", "P1W", "P1M", "P10Y");
const labelArb = fc
  .tuple(
    fc.constantFrom(1, 11, 101, 1001, 10, 100, 1000),
    fc.integer({ min: 1, max: 9 }),
    fc.integer({ min: 1, max: 9 }),
    fc.constantFrom(...ROLES, "Operations.Safety.Night"),
  )
  .map(([b, c, s, r]) => `${b}.${c}${s}.${r}`);

/**
 * Reactivity windows shorter than MIN_WINDOW_MS (a generated string might
 * happen to be one) are raised to it, so no generated case escalates while
 * the suite runs; anything that is not a valid duration stays as it is.
 * Only the top levels are walked (that is where such fields live): the deeply
 * nested values of the nesting mutation are left untouched.
 */
function withoutShortWindows(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => withoutShortWindows(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    let next = withoutShortWindows(v, depth + 1);
    if (k === "reactivity_time" && typeof v === "string") {
      const c = checkDuration(v);
      if (c.ok && c.ms < MIN_WINDOW_MS) next = "PT10M";
    }
    Object.defineProperty(out, k, { value: next, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

interface Sent {
  kind: "valid" | "mutated";
  body?: unknown;
  raw?: string;
  mutation?: Mutated;
  params: Record<string, string>;
  headers: Record<string, string>;
  query: Record<string, string>;
}

function headerArb(name: string): fc.Arbitrary<string> {
  if (name === "if-match")
    return fc.oneof(fc.integer({ min: 0, max: 6 }).map(String), fc.constantFrom('"1"', 'W/"1"', "*", "abc", "-1", "1.5", "99999999999999999999999", ""));
  if (name === "idempotency-key") {
    return fc.oneof(
      fc.stringMatching(/^[a-z0-9-]{1,20}$/).map((k) => `"${k}"`),
      fc.stringMatching(/^[a-z0-9-]{1,20}$/),
      fc.constantFrom('"unterminated', '""', '"a\\"b"', "x".repeat(300), " "),
    );
  }
  return fc.stringMatching(/^[ -~]{0,40}$/);
}

function describeSent(op: Operation, s: Sent, r: Reply): string {
  const body = s.raw !== undefined ? { raw: s.raw } : { body: s.body };
  return [
    `${op.key} params=${JSON.stringify(s.params)} headers=${JSON.stringify(s.headers)} query=${JSON.stringify(s.query)}`,
    `${s.kind}${s.mutation ? ` (${s.mutation.kind} at ${JSON.stringify(s.mutation.path)}: ${s.mutation.note})` : ""}: ${preview(body)}`,
    `→ ${r.status} ${preview({ body: r.body }, 600)}`,
  ].join("\n");
}

/** The RFC 9457 shape every refusal must have. */
function expectProblemShape(r: Reply, what: string) {
  expect(r.headers.get("content-type"), what).toMatch(/^application\/problem\+json/);
  const b = r.body as Record<string, any>;
  expect(typeof b, what).toBe("object");
  expect(b.type, what).toMatch(/^https:\/\/orgo\.dev\/problems\/[a-z-]+$/);
  expect(typeof b.title === "string" && b.title.length > 0, what).toBe(true);
  expect(b.status, what).toBe(r.status);
  expect(typeof b.detail === "string" && b.detail.length > 0, what).toBe(true);
  if (b.errors !== undefined) {
    expect(Array.isArray(b.errors), what).toBe(true);
    for (const e of b.errors) {
      expect(typeof e.path, what).toBe("string");
      expect(typeof e.message === "string" && e.message.length > 0, what).toBe(true);
    }
  }
}

/** True when a field problem points at the broken place (the field itself, a parent or a child of it). */
function namesPath(errorPath: string, broken: (string | number)[]): boolean {
  const target = broken.map(String).join(".");
  if (errorPath === target) return true;
  if (errorPath !== "" && target.startsWith(`${errorPath}.`)) return true;
  return target !== "" && errorPath.startsWith(`${target}.`);
}

/** Where a mutation of a batch body lands: in one signal (its index) or in the envelope (null). */
function batchItemOf(op: Operation, m: Mutated | undefined): number | null {
  if (!op.path.endsWith("/signals/batch") || !m || m.path.length < 2 || m.path[0] !== "signals") return null;
  return typeof m.path[1] === "number" ? m.path[1] : null;
}

/** A mutation that replaced a batch's `signals` with an array (of items the schema refuses one by one). */
function batchOfBadItems(op: Operation, m: Mutated): boolean {
  return op.path.endsWith("/signals/batch") && m.path.length === 1 && m.path[0] === "signals" && Array.isArray((m.body as { signals?: unknown }).signals);
}

function idempotencyKeysOf(s: Sent): string[] {
  const keys: string[] = [];
  const b = s.body as Record<string, unknown> | undefined;
  if (b && typeof b === "object" && typeof b.idempotency_key === "string") keys.push(b.idempotency_key);
  const h = s.headers["idempotency-key"];
  if (h !== undefined)
    keys.push(
      h
        .trim()
        .replace(/^"(.*)"$/, "$1")
        .replace(/\\(["\\])/g, "$1"),
    );
  return keys;
}

/** Registers the fuzz of one share of the operations (every `parts`-th, from `part`), in its own organization. */
export function fuzzEndpoints({ part, parts }: { part: number; parts: number }): void {
  const ALL = [...JSON_OPS, ...YAML_OPS].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  const mine = new Set(ALL.filter((_, i) => i % parts === part).map((op) => op.key));
  const myJson = JSON_OPS.filter((op) => mine.has(op.key));
  const myYaml = YAML_OPS.filter((op) => mine.has(op.key));

  let o: Org;
  /** Real ids by parameter (and body field) name; grows with what the fuzz creates. */
  const pools: Record<string, string[]> = {};
  /** Idempotency keys of signals that were accepted: replaying one answers 200 even if the body is broken. */
  const acceptedKeys = new Set<string>();
  /** Per operation: answers by status, and how many valid / mutated bodies were sent. */
  const stats = new Map<string, { statuses: Record<number, number>; valid: number; mutated: number }>();

  function remember(name: string, value: unknown) {
    if (typeof value !== "string" || value === "") return;
    const pool = (pools[name] ??= []);
    if (!pool.includes(value)) pool.push(value);
    if (pool.length > 12) pool.splice(1, 1); // keep the fixture's own id first
  }

  /** A value for a path parameter: mostly a real id, sometimes a random or nonsensical one. */
  function paramArb(name: string, schema: Record<string, unknown>): fc.Arbitrary<string> {
    const real = pools[name];
    const fromSchema = valueFor(schema, { root: DOC }).map(String);
    if (!real || real.length === 0) return fc.oneof({ weight: 3, arbitrary: fromSchema }, { weight: 1, arbitrary: uuid }, { weight: 1, arbitrary: junkId });
    return fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom(...real) },
      { weight: 1, arbitrary: uuid },
      { weight: 1, arbitrary: junkId },
      { weight: 1, arbitrary: fromSchema },
    );
  }

  /** Field values worth trying besides the schema's: real ids, the org's roles and labels, its users. */
  function hint({ key, path }: Hint): fc.Arbitrary<unknown> | undefined {
    if (key === null) return undefined;
    const pool = pools[key === "owner_role_id" ? "role_id" : key];
    if (pool && pool.length > 0 && /_id$/.test(key)) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: uuid });
    switch (key) {
      case "label":
        return labelArb;
      case "owner_role":
      case "role":
        return fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...ROLES) }, { weight: 1, arbitrary: fc.constantFrom("Nowhere", "operations", "Operations.") });
      case "reactivity_time":
      case "window":
        return windowArb;
      case "email":
        return fc.constantFrom(VICTIM_EMAIL, o.admin.email, "new-person@fuzz.example.com", "NEW-PERSON@fuzz.example.com");
      case "password":
        return fc.constantFrom(VICTIM_PASSWORD, "wrong-password-1");
      case "org":
        return path.length === 1 ? fc.constant(o.slug) : undefined;
      case "profile":
        return fc.constantFrom("base", "retail_ops", "hospital", "nope");
      case "profile_yaml":
        return fc.constantFrom(PROFILE_YAML, "name: fuzz_other\nextends: retail_ops\n", "name: x\nspeed: fast\n", "- just a list\n", "name: [unclosed\n");
      case "expected_version":
        return fc.integer({ min: 1, max: 4 });
      case "value":
        return fc.string({ minLength: 16, maxLength: 64 });
      case "status":
        return fc.constantFrom("resolved", "closed");
      default:
        return undefined;
    }
  }

  /** No header, no query and only real ids: the body is the request's only possible fault. */
  /** Only the mutation is wrong: no stray header, query or parameter, and no text that is not well-formed Unicode (refused on its own). */
  function isClean(s: Sent): boolean {
    return (
      Object.keys(s.headers).length === 0 &&
      Object.keys(s.query).length === 0 &&
      Object.entries(s.params).every(([k, v]) => pools[k]?.includes(v)) &&
      illFormedTextPath(s.body) === null
    );
  }

  function requestArb(op: Operation): fc.Arbitrary<Sent> {
    const opts: SchemaOptions = { root: DOC, hint, hintWeight: 8 };
    const valid = valueFor(op.jsonSchema!, opts).map((body): Pick<Sent, "kind" | "body"> => ({ kind: "valid", body: withoutShortWindows(body) }));
    const mutated = mutatedFor(op.jsonSchema!, opts, bodyLimitOf(op)).map(
      (m): Pick<Sent, "kind" | "body" | "raw" | "mutation"> => ({
        kind: "mutated",
        mutation: m,
        ...(m.raw !== undefined ? { raw: m.raw } : { body: withoutShortWindows(m.body) }),
      }),
    );
    const params: Record<string, fc.Arbitrary<string>> = {};
    const headers: Record<string, fc.Arbitrary<string>> = {};
    const query: Record<string, fc.Arbitrary<string>> = {};
    for (const p of op.parameters) {
      if (p.in === "path") params[p.name] = paramArb(p.name, p.schema);
      if (p.in === "header") headers[p.name] = headerArb(p.name);
      if (p.in === "query")
        query[p.name] = p.name === "window" ? fc.oneof(windowArb, fc.constantFrom("PT0S", "soon", "P99Y", "")) : valueFor(p.schema, { root: DOC }).map(String);
    }
    return fc
      .record({
        body: fc.oneof({ weight: 3, arbitrary: valid as fc.Arbitrary<Partial<Sent>> }, { weight: 2, arbitrary: mutated as fc.Arbitrary<Partial<Sent>> }),
        params: fc.record(params),
        headers: fc.record(headers, { requiredKeys: [] }),
        query: fc.record(query, { requiredKeys: [] }),
      })
      .map(({ body, params, headers, query }) => ({
        ...(body as Sent),
        params,
        headers: headers as Record<string, string>,
        query: query as Record<string, string>,
      }));
  }

  function send(op: Operation, s: Sent): Promise<Reply> {
    let path = fillPath(op.path, (name) => s.params[name] ?? "");
    const q = new URLSearchParams(s.query).toString();
    if (q) path += `?${q}`;
    const token = op.key === "POST /v1/orgs" ? ADMIN : op.secured ? o.token : null;
    if (s.raw !== undefined) return api(op.method, path, { token, raw: s.raw, type: "application/json", headers: s.headers });
    return api(op.method, path, { token, raw: JSON.stringify(s.body), type: "application/json", headers: s.headers });
  }

  describe(`fuzz: JSON and YAML endpoints of the OpenAPI document, share ${part + 1} of ${parts}`, () => {
    beforeAll(async () => {
      o = await createOrg({ profile_yaml: PROFILE_YAML });
      const c = await newCase(o.slug, o.token, { title: "Fuzz fixture case", label: "1001.91.Operations.Safety", severity: "low" });
      const t = await newTask(o.slug, o.token, c.case_id, { title: "Fuzz fixture task" });
      const person = await api("POST", `/v1/orgs/${o.slug}/persons`, {
        token: o.token,
        body: { display_name: "Fuzz Person", attributes: { diagnosis: "fuzz" } },
      });
      const victim = await api("POST", `/v1/orgs/${o.slug}/users`, {
        token: o.token,
        body: { email: VICTIM_EMAIL, display_name: "Victim", password: VICTIM_PASSWORD, positions: [{ level: 1001, role: "Operations.Safety" }] },
      });
      const token = await api("POST", `/v1/orgs/${o.slug}/tokens`, { token: o.token, body: { name: "fuzz victim token" } });
      const secret = await api("PUT", `/v1/orgs/${o.slug}/secrets/${SECRET_NAME}`, { token: o.token, body: { value: "a-secret-of-sixteen-bytes-or-more" } });
      const signal = await api("POST", `/v1/orgs/${o.slug}/signals`, { token: o.token, body: { title: "Fuzz fixture signal", idempotency_key: "fixture-1" } });
      const roles = await api("GET", `/v1/orgs/${o.slug}/roles`, { token: o.token });
      const group = await api("POST", `/v1/orgs/${o.slug}/groups`, { token: o.token, body: { name: "Fuzz Team", kind: "team" } });
      const place = await api("POST", `/v1/orgs/${o.slug}/locations`, { token: o.token, body: { name: "Fuzz Site", kind: "site" } });
      const asset = await api("POST", `/v1/orgs/${o.slug}/assets`, {
        token: o.token,
        body: { name: "Fuzz Pump", type: "pump", location_id: place.body.location_id },
      });
      for (const [what, r, status] of [
        ["person", person, 201],
        ["user", victim, 201],
        ["token", token, 201],
        ["secret", secret, 204],
        ["signal", signal, 201],
        ["roles", roles, 200],
        ["group", group, 201],
        ["location", place, 201],
        ["asset", asset, 201],
      ] as const) {
        expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBe(status);
      }
      acceptedKeys.add("fixture-1");
      remember("org", o.slug);
      remember("case_id", c.case_id);
      remember("task_id", t.task_id);
      remember("person_id", person.body.person_id);
      remember("user_id", victim.body.user_id);
      remember("token_id", token.body.token_id);
      remember("name", SECRET_NAME);
      remember("signal_id", signal.body.signal_id);
      remember("group_id", group.body.group_id);
      remember("location_id", place.body.location_id);
      remember("parent_id", place.body.location_id);
      remember("asset_id", asset.body.asset_id);
      for (const role of roles.body.items as { role_id: string }[]) remember("role_id", role.role_id);
    });

    if (part === 0) {
      it("the document still lists every JSON endpoint known today (and the fuzz covers each)", () => {
        const keys = new Set(JSON_OPS.map((op) => op.key));
        for (const k of KNOWN_JSON_OPS) expect(keys.has(k), `${k} is missing from the OpenAPI document or takes no JSON body`).toBe(true);
        expect(JSON_OPS.length).toBeGreaterThanOrEqual(KNOWN_JSON_OPS.length);
        expect(YAML_OPS.map((op) => op.key)).toContain("PUT /v1/orgs/{org}/profile");
      });
    }

    for (const op of myJson) {
      it(`${op.key}: never a 5xx, refusals are problem+json and change nothing`, async () => {
        const st = { statuses: {} as Record<number, number>, valid: 0, mutated: 0 };
        stats.set(op.key, st);
        let baseline = await orgState(o.org.org_id);
        let platform = await platformState();
        await fc.assert(
          fc.asyncProperty(requestArb(op), async (s) => {
            const r = await send(op, s);
            const what = describeSent(op, s, r);
            st.statuses[r.status] = (st.statuses[r.status] ?? 0) + 1;
            st[s.kind] += 1;

            expect(r.status, what).toBeGreaterThanOrEqual(200);
            expect(r.status, what).toBeLessThan(500);

            if (r.status >= 400) {
              expectProblemShape(r, what);
              const b = r.body as { errors?: { path: string; message: string }[] };
              if (r.status === 422) {
                expect(Array.isArray(b.errors) && b.errors.length > 0, `a 422 without field errors\n${what}`).toBe(true);
                const m = s.mutation;
                // When the body is the only thing wrong, the problem names the broken field.
                if (m && isClean(s) && (m.kind === "missing-required" || m.kind === "wrong-type" || m.kind === "long-string") && m.path.length > 0) {
                  expect(
                    b.errors!.some((e) => namesPath(e.path, m.path)),
                    `the 422 does not name ${m.path.join(".")}\n${what}`,
                  ).toBe(true);
                }
                if (m && isClean(s) && m.kind === "unknown-key") {
                  const key = String(m.path[m.path.length - 1]);
                  expect(
                    b.errors!.some((e) => namesPath(e.path, m.path) || e.message.includes(JSON.stringify(key)) || (key !== "" && e.message.includes(key))),
                    `the 422 does not name the unknown key ${JSON.stringify(key)}\n${what}`,
                  ).toBe(true);
                }
              }
              // A refusal changes nothing, anywhere.
              expect(await orgState(o.org.org_id), `a refused request changed the organization\n${what}`).toEqual(baseline);
              expect(await platformState(), `a refused request changed the organizations\n${what}`).toEqual(platform);
            } else {
              const m = s.mutation;
              const replay = idempotencyKeysOf(s).some((k) => acceptedKeys.has(k));
              const item = batchItemOf(op, m);
              if (m?.mustReject && item !== null && r.status === 200) {
                // One bad signal in a batch is rejected alone (or answered as a replay of its key).
                const signals = (s.body as { signals: { idempotency_key?: unknown }[] }).signals;
                const key = signals[item]?.idempotency_key;
                const duplicateKey = typeof key === "string" && (acceptedKeys.has(key) || signals.some((x, j) => j !== item && x?.idempotency_key === key));
                const result = (r.body as { results: { index: number; status: string }[] }).results[item];
                expect(result?.status === "rejected" || (result?.status === "duplicate" && duplicateKey), `item ${item} was not rejected\n${what}`).toBe(true);
              } else if (m?.mustReject && batchOfBadItems(op, m) && r.status === 200) {
                // `signals` itself replaced by an array of bad items: each is rejected alone, as the contract says.
                const results = (r.body as { results: { status: string }[] }).results;
                expect(results.length > 0 && results.every((x) => x.status === "rejected"), `a bad item was accepted\n${what}`).toBe(true);
              } else if (m?.mustReject && !replay) {
                expect(false, `a body the schema refuses was accepted\n${what}`).toBe(true);
              }
              // Successes move the baseline, and their ids join the pools.
              const body = r.body as Record<string, any>;
              if (body && typeof body === "object") {
                for (const k of ["case_id", "task_id", "person_id", "user_id", "token_id", "signal_id"]) remember(k, body[k]);
                if (body.case && typeof body.case === "object") remember("case_id", body.case.case_id);
              }
              if (op.path.endsWith("/signals") && r.status < 300) for (const k of idempotencyKeysOf(s)) acceptedKeys.add(k);
              if (op.path.endsWith("/signals/batch") && r.status === 200 && Array.isArray((s.body as any)?.signals)) {
                (r.body as { results: { index: number; status: string }[] }).results.forEach((res) => {
                  const key = (s.body as any).signals[res.index]?.idempotency_key;
                  if (res.status !== "rejected" && typeof key === "string") acceptedKeys.add(key);
                });
              }
              // Work a success queued for now (a reply's delivery) runs here, not behind a later request's back.
              await settleDueWork(o.org.org_id);
              baseline = await orgState(o.org.org_id);
              platform = await platformState();
            }
          }),
          runs(RUNS_FOR(op)),
        );
        // The fuzz reached the validators: at least one broken body was refused.
        const refused = Object.entries(st.statuses)
          .filter(([code]) => Number(code) >= 400)
          .reduce((n, [, c]) => n + c, 0);
        expect(refused, JSON.stringify(st)).toBeGreaterThan(0);
      });
    }

    for (const op of myYaml) {
      it(`${op.key} (YAML body): never a 5xx, refusals are problem+json and change nothing`, async () => {
        const st = { statuses: {} as Record<number, number>, valid: 0, mutated: 0 };
        stats.set(op.key, st);
        const type = op.bodyTypes.find((t) => /yaml/.test(t))!;
        const okWindow = fc.constantFrom("PT10M", "PT1H", "P1D");
        const plausible = fc
          .record(
            {
              privacy: fc.constantFrom("open", "need_to_know"),
              reactivity: fc.record({ critical: okWindow, high: okWindow, low: okWindow }, { requiredKeys: [] }),
              retention: fc.record({ audit: fc.integer({ min: 1, max: 3650 }) }, { requiredKeys: [] }),
              sensitive_person_fields: fc.constantFrom(["diagnosis"], ["diagnosis", "mrn"]),
            },
            { requiredKeys: [] },
          )
          .map(
            (o) =>
              `name: fuzz_org\nextends: base\n${Object.entries(o)
                .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
                .join("\n")}\n`,
          );
        const broken = fc.oneof(
          fc.constantFrom(
            "",
            "name: fuzz_org\nextends: base\nspeed: fast\n",
            "name: fuzz_org\nreactivity: {critical: PT0S}\n",
            "name: fuzz_org\nreactivity: {critical: P20Y}\n",
            "name: fuzz_org\nroles: []\n",
            "name: fuzz_org\n\tprivacy: open\n",
            "- a list\n",
            "name: [unclosed\n",
            "a: &a [*a]\n",
            "name: fuzz_org\nextends: fuzz_org\n",
            `name: fuzz_org\n${"x: ".repeat(1)}${"[".repeat(2000)}\n`,
            "lol: &a [x,x,x,x,x,x,x,x,x]\nlol2: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nlol3: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nlol4: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\nname: x\n",
            `name: fuzz_org\ndescription: ${"d".repeat(200_001)}\n`,
          ),
          fc.string({ maxLength: 200 }),
        );
        let baseline = await orgState(o.org.org_id);
        await fc.assert(
          fc.asyncProperty(
            fc.oneof({ weight: 1, arbitrary: plausible.map((t) => ({ t, bad: false })) }, { weight: 2, arbitrary: broken.map((t) => ({ t, bad: true })) }),
            async ({ t, bad }) => {
              const r = await api(
                op.method,
                fillPath(op.path, (n) => pools[n]?.[0] ?? crypto.randomUUID()),
                { token: o.token, raw: t, type },
              );
              const what = `${op.key} ${preview({ raw: t })}\n→ ${r.status} ${preview({ body: r.body }, 600)}`;
              st.statuses[r.status] = (st.statuses[r.status] ?? 0) + 1;
              st[bad ? "mutated" : "valid"] += 1;
              expect(r.status, what).toBeLessThan(500);
              if (r.status >= 400) {
                expectProblemShape(r, what);
                if (r.status === 422) expect((r.body as any).errors?.length, what).toBeGreaterThan(0);
                expect(await orgState(o.org.org_id), `a refused request changed the organization\n${what}`).toEqual(baseline);
              } else {
                baseline = await orgState(o.org.org_id);
              }
            },
          ),
          runs(24),
        );
        const refused = Object.entries(st.statuses)
          .filter(([code]) => Number(code) >= 400)
          .reduce((n, [, c]) => n + c, 0);
        expect(refused).toBeGreaterThan(0);
      });
    }

    if (part === 0) {
      it("an unknown key is reported at its own path, on every endpoint whose body is strict", async () => {
        const failures: string[] = [];
        let checked = 0;
        // Every strict endpoint, not only this share's: one request each is cheap.
        for (const op of JSON_OPS) {
          const schema = resolveSchema(op.jsonSchema!, DOC);
          if (schema.additionalProperties !== false) continue;
          const path = fillPath(op.path, (name) => pools[name]?.[0] ?? crypto.randomUUID());
          const token = op.key === "POST /v1/orgs" ? ADMIN : op.secured ? o.token : null;
          const body = minimalRequestBody(op.jsonSchema!, { root: DOC }) as Record<string, unknown>;
          // At the top, and inside the first nested object the schema also keeps strict.
          const nested = Object.entries((schema.properties ?? {}) as Record<string, any>).find(
            ([, v]) => resolveSchema(v, DOC).additionalProperties === false && resolveSchema(v, DOC).type === "object",
          );
          const tries: [Record<string, unknown>, string][] = [[{ ...body, zz_unknown_key: 1 }, "zz_unknown_key"]];
          if (nested)
            tries.push([
              { ...body, [nested[0]]: { ...(minimalRequestBody(nested[1], { root: DOC }) as object), zz_unknown_key: 1 } },
              `${nested[0]}.zz_unknown_key`,
            ]);
          for (const [sent, expected] of tries) {
            const r = await api(op.method, path, { token, body: sent });
            checked += 1;
            const paths = ((r.body as { errors?: { path: string }[] }).errors ?? []).map((e) => e.path);
            if (r.status !== 422 || !paths.includes(expected))
              failures.push(`${op.method} ${path} ${JSON.stringify(sent)} → ${r.status} ${JSON.stringify(r.body)}`);
          }
        }
        expect(checked).toBeGreaterThanOrEqual(KNOWN_JSON_OPS.length - 2);
        expect(failures, `unknown keys not reported at their own path:\n${failures.join("\n")}`).toEqual([]);
      });
    }

    if (part === parts - 1) {
      it("what a create answers is what a read returns (or the create is refused), whatever the text", async () => {
        // Any UTF-16 code units, lone surrogates included: JSON can carry them, storage may not.
        const text = fc.string({
          unit: fc.oneof(
            { weight: 1, arbitrary: fc.constantFrom("\ud800", "\udbff", "\udc00", "\udfff") },
            { weight: 6, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }) },
          ),
          maxLength: 10,
        });
        await fc.assert(
          fc.asyncProperty(fc.constantFrom("case", "person"), text, text, async (kind, a, b) => {
            const create =
              kind === "case"
                ? await api("POST", `/v1/orgs/${o.slug}/cases`, { token: o.token, body: { title: `t ${a}`, description: b, metadata: { [`k${a}`]: b } } })
                : await api("POST", `/v1/orgs/${o.slug}/persons`, {
                    token: o.token,
                    body: { display_name: `p ${a}`, external_ref: `r ${b}`, attributes: { [`k${a}`]: b } },
                  });
            const what = `${kind} ${JSON.stringify(a)} ${JSON.stringify(b)} → ${create.status} ${preview({ body: create.body }, 400)}`;
            expect(create.status, what).toBeLessThan(500);
            if (create.status >= 400) {
              expectProblemShape(create, what);
              return;
            }
            const id = kind === "case" ? create.body.case_id : create.body.person_id;
            const read = await api("GET", `/v1/orgs/${o.slug}/${kind === "case" ? "cases" : "persons"}/${id}`, { token: o.token });
            expect(read.status, what).toBe(200);
            const fields = kind === "case" ? ["title", "description", "metadata"] : ["display_name", "external_ref", "attributes"];
            // Compared as JSON text: a failure report must itself be valid UTF-8 (lone surrogates are escaped).
            for (const f of fields) expect(JSON.stringify(read.body[f]), `${f} of ${what}`).toBe(JSON.stringify(create.body[f]));
          }),
          runs(30),
        );
      });
    }

    it("the fuzz was not vacuous: most endpoints accepted some generated bodies and refused others", () => {
      const table = [...stats].map(([k, s]) => `${k}: ${JSON.stringify(s.statuses)} (valid ${s.valid}, mutated ${s.mutated})`).join("\n");
      const accepting = [...stats.values()].filter((s) => Object.keys(s.statuses).some((c) => Number(c) < 300)).length;
      expect(stats.size, table).toBe(myJson.length + myYaml.length);
      expect(accepting, table).toBeGreaterThanOrEqual(Math.ceil(stats.size / 2));
      console.log(`fuzz answers by endpoint:\n${table}`);
    });
  });
}
