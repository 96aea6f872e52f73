/**
 * Access matrix over EVERY operation of the API (issue 3, "Done when" #1).
 *
 * The operations are enumerated from GET /v1/openapi.json, so an endpoint
 * added later is covered without touching this file: its path parameters are
 * filled with real ids of organization B and it must answer
 *  - 404 (and leak nothing of B) to a token of organization A,
 *  - 401 to a revoked token and to an expired session,
 * and the admin operations answer 403 to a staff (non-admin) token.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, api, auditOf, createOrg, expectProblem, newCase, newTask, orgStub, type Reply } from "./helpers";

type Org = Awaited<ReturnType<typeof createOrg>>;

interface Operation {
  method: string;
  path: string;
  summary: string;
  secured: boolean;
  bodyTypes: string[];
}

/** Operations that need no credentials; anything else public is a finding. */
const PUBLIC_OPS = new Set(["GET /health", "GET /v1/openapi.json", "POST /v1/auth/login"]);

/** Operations outside /v1/orgs/{org}: the matrix judges them one by one. */
/** `me` and `logout` act on the caller's own token only, whatever organization it belongs to. */
const UNSCOPED_OPS = new Set([...PUBLIC_OPS, "POST /v1/orgs", "GET /v1/me", "POST /v1/auth/logout"]);

/** Admin operations (issue 3 §5, CONTRACT "Organizations, users, tokens", "Profiles", "Insights"). */
const ADMIN_OPS = [
  "POST /v1/orgs",
  "POST /v1/orgs/{org}/users",
  "GET /v1/orgs/{org}/users",
  "PATCH /v1/orgs/{org}/users/{user_id}",
  "DELETE /v1/orgs/{org}/users/{user_id}",
  "POST /v1/orgs/{org}/tokens",
  "DELETE /v1/orgs/{org}/tokens/{token_id}",
  "PUT /v1/orgs/{org}/profile",
  "GET /v1/orgs/{org}/audit",
];
/** Admin operations the contract names that may not be built yet; tested once they appear. */
const ADMIN_OPS_IF_PRESENT = ["POST /v1/orgs/{org}/insights/rollup"];

/** How the OpenAPI summaries mark an admin-only operation: "(org admin)", "(org admin; …)", "(platform admin)". */
const ADMIN_SUMMARY = /\((?:org|platform) admin(?:\)|;)/;

const HTTP_METHODS = ["get", "post", "put", "patch", "delete"];

async function operations(): Promise<Operation[]> {
  const r = await api("GET", "/v1/openapi.json", { token: null });
  expect(r.status).toBe(200);
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(r.body.paths as Record<string, Record<string, any>>)) {
    for (const m of HTTP_METHODS) {
      const op = item[m];
      if (!op) continue;
      ops.push({
        method: m.toUpperCase(),
        path,
        summary: String(op.summary ?? ""),
        secured: Array.isArray(op.security) ? op.security.length > 0 : Array.isArray(r.body.security) && r.body.security.length > 0,
        bodyTypes: Object.keys(op.requestBody?.content ?? {}),
      });
    }
  }
  return ops;
}

const key = (op: { method: string; path: string }) => `${op.method} ${op.path}`;

/** Query parameters an operation requires. */
const QUERIES: Record<string, string> = { "GET /v1/orgs/{org}/insights/review": "?cycle=weekly" };

/** A body that would succeed if the caller were allowed: a refusal then proves the guard, not the validator. */
function requestFor(op: Operation, ids: Record<string, string>): { path: string; raw?: string; type?: string } {
  const query = QUERIES[key(op)] ?? "";
  const path = `${op.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(ids[name] ?? `unknown-${name}-${crypto.randomUUID()}`))}${query}`;
  const k = key(op);
  const json = (value: unknown) => ({ path, raw: JSON.stringify(value), type: "application/json" });
  const samples: Record<string, unknown> = {
    "POST /v1/orgs": { slug: `planted-${crypto.randomUUID().slice(0, 8)}`, name: "Planted" },
    "POST /v1/auth/login": { org: ids.org, email: "staff@b.example", password: "b-staff-password-1" },
    "POST /v1/orgs/{org}/users": {
      email: `mole-${crypto.randomUUID().slice(0, 6)}@example.com`,
      display_name: "Mole",
      password: "mole-password-1",
      admin: true,
    },
    "PATCH /v1/orgs/{org}/users/{user_id}": { display_name: "pwned", admin: true },
    "POST /v1/orgs/{org}/tokens": { name: "backdoor", admin: true },
    "POST /v1/orgs/{org}/cases": { title: "planted case", label: "1001.91.Operations.Safety" },
    "PATCH /v1/orgs/{org}/cases/{case_id}": { title: "pwned" },
    "POST /v1/orgs/{org}/cases/{case_id}/tasks": { title: "planted task" },
    "POST /v1/orgs/{org}/cases/{case_id}/replies": { body: "planted reply", to: "mole@example.com" },
    "POST /v1/orgs/{org}/tasks/{task_id}/transition": { to: "cancelled" },
    "POST /v1/orgs/{org}/persons": { display_name: "Planted Person" },
    "PATCH /v1/orgs/{org}/persons/{person_id}": { display_name: "pwned", attributes: { diagnosis: "pwned" } },
    "POST /v1/orgs/{org}/open311/requests.json": { service_code: "pothole", address_string: "planted" },
    "POST /v1/orgs/{org}/signals": { title: "planted signal", idempotency_key: `planted-${crypto.randomUUID()}` },
    "POST /v1/orgs/{org}/locations": { name: "planted place", kind: "site" },
    "POST /v1/orgs/{org}/assets": { name: "planted asset", type: "pump" },
    "PATCH /v1/orgs/{org}/assets/{asset_id}": { name: "pwned", status: "retired" },
    "POST /v1/orgs/{org}/assets/{asset_id}/repairs": { title: "planted fault" },
    "POST /v1/orgs/{org}/groups": { name: "planted group", kind: "team" },
    "PATCH /v1/orgs/{org}/groups/{group_id}": { name: "pwned" },
    "PUT /v1/orgs/{org}/groups/{group_id}/members": { members: [] },
    "PUT /v1/orgs/{org}/groups/{group_id}/schedule": { rrule: "FREQ=DAILY", duration: "PT1H", timezone: "UTC" },
    "POST /v1/orgs/{org}/groups/{group_id}/broadcast": { title: "planted broadcast", body: "pwned" },
    "POST /v1/orgs/{org}/signals/batch": { signals: [{ title: "planted batch signal", idempotency_key: `planted-${crypto.randomUUID()}` }] },
    "PUT /v1/orgs/{org}/persons/{person_id}/personnel": { employment_status: "active", position: "planted" },
    "PUT /v1/orgs/{org}/persons/{person_id}/consents/{purpose}": { granted: true },
    "POST /v1/orgs/{org}/intakes": { person: { display_name: "Planted Intake" }, title: "planted intake" },
  };
  if (op.bodyTypes.length === 0 && !(k in samples)) return { path };
  if (op.bodyTypes.includes("application/json") || op.bodyTypes.length === 0) return json(samples[k] ?? {});
  const yaml = op.bodyTypes.find((t) => /yaml/.test(t));
  if (yaml) return { path, raw: "name: pwned\nextends: retail_ops\nprivacy: open\n", type: yaml };
  return { path, raw: "", type: op.bodyTypes[0] };
}

function send(op: Operation, ids: Record<string, string>, token: string | null): Promise<Reply> {
  const req = requestFor(op, ids);
  return api(op.method, req.path, { token, ...(req.raw !== undefined ? { raw: req.raw, type: req.type } : {}) });
}

async function login(org: string, email: string, password: string): Promise<string> {
  const r = await api("POST", "/v1/auth/login", { token: null, body: { org, email, password } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.token as string;
}

async function addUser(o: Org, email: string, password: string, positions: { level: number; role: string }[], admin = false) {
  const r = await api("POST", `/v1/orgs/${o.slug}/users`, { token: o.token, body: { email, display_name: email.split("@")[0], password, positions, admin } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { user_id: string };
}

describe("access matrix over every operation of the OpenAPI document", () => {
  let ops: Operation[];
  let a: Org;
  let b: Org;
  let aStaffSession: string;
  let bIds: Record<string, string>;
  let bSecrets: string[];
  let bStaffToken: string;
  let bStaffSession: string;
  let bStaffUserId: string;

  beforeAll(async () => {
    ops = await operations();
    a = await createOrg({
      profile_yaml:
        "name: tenant_a\nextends: base\nprivacy: need_to_know\nsensitive_person_fields: [diagnosis]\nmodules:\n  groups: {}\n  care: {}\n  maintenance: {}\n  open311:\n    services:\n      - { service_code: pothole, service_name: Pothole }\n",
    });
    b = await createOrg({
      profile_yaml:
        "name: tenant_b\nextends: base\nprivacy: need_to_know\nsensitive_person_fields: [diagnosis]\nmodules:\n  groups: {}\n  care: {}\n  maintenance: {}\n  open311:\n    services:\n      - { service_code: pothole, service_name: Pothole }\n",
    });
    await addUser(a, "staff@a.example", "a-staff-password-1", [{ level: 1001, role: "Operations.Safety" }]);
    aStaffSession = await login(a.slug, "staff@a.example", "a-staff-password-1");

    const staff = await addUser(b, "staff@b.example", "b-staff-password-1", [{ level: 1001, role: "Operations.Safety" }]);
    bStaffUserId = staff.user_id;
    bStaffSession = await login(b.slug, "staff@b.example", "b-staff-password-1");
    const apiToken = await api("POST", `/v1/orgs/${b.slug}/tokens`, {
      token: b.token,
      body: { name: "b-integration", positions: [{ level: 1001, role: "Operations.Safety" }] },
    });
    expect(apiToken.status).toBe(201);
    bStaffToken = apiToken.body.token;
    const person = await api("POST", `/v1/orgs/${b.slug}/persons`, {
      token: b.token,
      body: { display_name: "B-Person-Zelda", attributes: { diagnosis: "b-secret-diagnosis" } },
    });
    expect(person.status).toBe(201);
    const personnel = await api("PUT", `/v1/orgs/${b.slug}/persons/${person.body.person_id}/personnel`, {
      token: b.token,
      body: { position: "B-secret-position", employment_status: "active" },
    });
    expect(personnel.status).toBe(200);
    const bCase = await newCase(b.slug, b.token, {
      title: "B-secret-case-title",
      description: "B-secret-description",
      label: "1001.91.Operations.Safety",
      severity: "low",
      metadata: { b_secret: "b-secret-metadata" },
      person_id: person.body.person_id,
    });
    const bTask = await newTask(b.slug, b.token, bCase.case_id, { title: "B-secret-task-title" });
    const sig = await api("POST", `/v1/orgs/${b.slug}/signals`, { token: b.token, body: { title: "B-secret-signal", idempotency_key: "b-sig-1" } });
    expect(sig.status).toBe(201);
    const role = (await api("GET", `/v1/orgs/${b.slug}/roles`, { token: b.token })).body.items[0];
    const place = await api("POST", `/v1/orgs/${b.slug}/locations`, { token: b.token, body: { name: "B-secret-site", kind: "site" } });
    expect(place.status).toBe(201);
    const asset = await api("POST", `/v1/orgs/${b.slug}/assets`, {
      token: b.token,
      body: { name: "B-secret-asset", type: "pump", location_id: place.body.location_id },
    });
    expect(asset.status).toBe(201);
    const request = await api("POST", `/v1/orgs/${b.slug}/open311/requests.json`, {
      token: b.token,
      body: { service_code: "pothole", address_string: "B-secret-address", description: "B-secret-request" },
    });
    expect(request.status).toBe(201);
    const group = await api("POST", `/v1/orgs/${b.slug}/groups`, { token: b.token, body: { name: "B-secret-group", kind: "team" } });
    expect(group.status).toBe(201);
    const roster = await api("PUT", `/v1/orgs/${b.slug}/groups/${group.body.group_id}/members`, {
      token: b.token,
      body: { members: [{ person_id: person.body.person_id, role: "B-secret-member-role" }] },
    });
    expect(roster.status).toBe(200);
    bIds = {
      org: b.slug,
      group_id: group.body.group_id,
      service_request_id: request.body[0].service_request_id,
      case_id: bCase.case_id,
      task_id: bTask.task_id,
      user_id: bStaffUserId,
      token_id: apiToken.body.token_id,
      person_id: person.body.person_id,
      role_id: role.role_id,
      signal_id: sig.body.signal_id,
      location_id: place.body.location_id,
      asset_id: asset.body.asset_id,
    };
    bSecrets = [
      b.slug,
      b.org.org_id,
      b.org.name,
      b.admin.user_id,
      b.admin.email,
      "tenant_b",
      "staff@b.example",
      "B-secret-case-title",
      "B-secret-description",
      "b-secret-metadata",
      "B-secret-task-title",
      "B-secret-site",
      "B-secret-asset",
      "B-secret-group",
      "B-secret-member-role",
      "B-Person-Zelda",
      "b-secret-diagnosis",
      "B-secret-signal",
      "B-secret-address",
      "B-secret-request",
      ...Object.values(bIds),
    ];
  });

  const scoped = () => ops.filter((op) => !UNSCOPED_OPS.has(key(op)));
  const secured = () => ops.filter((op) => op.secured);

  function expectNoLeakOfB(r: Reply, what: string) {
    const text = JSON.stringify(r.body) + [...r.headers.entries()].map(([k, v]) => `${k}:${v}`).join("\n");
    for (const s of bSecrets) expect(text, `${what} leaked ${s}`).not.toContain(s);
  }

  /**
   * Org B's state, to prove that refused requests changed nothing. It is read
   * from D1 once B's outbox is drained, so a copy still in flight (a slow
   * machine) is not mistaken for a change.
   */
  async function snapshotB() {
    await orgStub(b.org.org_id).heal();
    const audit = await auditOf(b.slug, ADMIN);
    const kase = await api("GET", `/v1/orgs/${b.slug}/cases/${bIds.case_id}`, { token: ADMIN });
    const users = await api("GET", `/v1/orgs/${b.slug}/users?limit=200`, { token: ADMIN });
    const cases = await api("GET", `/v1/orgs/${b.slug}/cases?limit=200`, { token: ADMIN });
    const profile = await api("GET", `/v1/orgs/${b.slug}/profile`, { token: ADMIN });
    return { audit: audit.length, kase: kase.body, users: users.body, cases: cases.body.items.length, profile: profile.body };
  }

  it("the OpenAPI document lists the contract's operations, marks the admin ones, and only the known few are public", async () => {
    const keys = new Set(ops.map(key));
    for (const k of [
      "POST /v1/orgs",
      "GET /v1/orgs/{org}",
      "POST /v1/auth/login",
      "POST /v1/orgs/{org}/users",
      "POST /v1/orgs/{org}/tokens",
      "DELETE /v1/orgs/{org}/tokens/{token_id}",
      "POST /v1/orgs/{org}/signals",
      "POST /v1/orgs/{org}/signals/batch",
      "POST /v1/orgs/{org}/cases",
      "GET /v1/orgs/{org}/cases",
      "GET /v1/orgs/{org}/cases/{case_id}",
      "GET /v1/orgs/{org}/cases/{case_id}/timeline",
      "PATCH /v1/orgs/{org}/cases/{case_id}",
      "POST /v1/orgs/{org}/cases/{case_id}/tasks",
      "GET /v1/orgs/{org}/tasks",
      "GET /v1/orgs/{org}/tasks/{task_id}",
      "POST /v1/orgs/{org}/tasks/{task_id}/transition",
      "GET /v1/orgs/{org}/profile",
      "PUT /v1/orgs/{org}/profile",
      "GET /v1/orgs/{org}/audit",
      "GET /v1/orgs/{org}/roles",
      "POST /v1/orgs/{org}/persons",
      "GET /v1/orgs/{org}/persons/{person_id}",
      "PATCH /v1/orgs/{org}/persons/{person_id}",
      ...ADMIN_OPS,
    ]) {
      expect(keys.has(k), `the OpenAPI document lacks ${k}`).toBe(true);
    }
    // Every operation outside the known few lives under /v1/orgs/{org}, so the tenancy guard covers it.
    for (const op of ops) {
      if (!UNSCOPED_OPS.has(key(op))) expect(op.path, key(op)).toMatch(/^\/v1\/orgs\/\{org\}(\/|$)/);
    }
    const publicOps = ops.filter((op) => !op.secured).map(key);
    for (const k of publicOps) expect(PUBLIC_OPS.has(k), `${k} declares no security`).toBe(true);
    // The admin operations the contract names are documented as such.
    for (const k of ADMIN_OPS) expect(ops.find((o) => key(o) === k)!.summary, k).toMatch(ADMIN_SUMMARY);
  });

  it("org B's own admin reads every GET operation with the ids used below (the matrix is not vacuous)", async () => {
    for (const op of scoped().filter((o) => o.method === "GET")) {
      const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
      if (params.some((p) => !(p in bIds))) continue; // an id this suite cannot make (e.g. an insights file key)
      const r = await send(op, bIds, b.token);
      // The live-updates WebSocket answers a plain GET 426 once every guard let it through (live-events.test.ts opens it).
      const ok = key(op) === "GET /v1/orgs/{org}/events" ? 426 : 200;
      expect(r.status, `${key(op)} → ${JSON.stringify(r.body)}`).toBe(ok);
    }
    expect((await send(ops.find((o) => key(o) === "GET /v1/orgs/{org}/tasks/{task_id}")!, bIds, bStaffSession)).status).toBe(200);
  });

  it("a token of org A (admin or staff) gets 404 on every operation under org B, with nothing of B in the answer, and B is unchanged", async () => {
    const before = await snapshotB();
    const list = scoped();
    expect(list.length).toBeGreaterThanOrEqual(20);
    for (const op of list) {
      for (const [who, token] of [
        ["A admin", a.token],
        ["A staff session", aStaffSession],
      ] as const) {
        const r = await send(op, bIds, token);
        expectProblem(r, 404, "not-found");
        expectNoLeakOfB(r, `${key(op)} as ${who}`);
      }
    }
    // B's ids under A's own slug are just as unknown.
    for (const op of list.filter((o) => /\{(case_id|task_id|user_id|token_id|person_id)\}/.test(o.path))) {
      const r = await send(op, { ...bIds, org: a.slug }, a.token);
      expectProblem(r, 404, "not-found");
      expectNoLeakOfB(r, `${key(op)} under A's slug`);
    }
    expect(await snapshotB()).toEqual(before);
  });

  it("the unscoped operations do not open org B to a token of org A either", async () => {
    // Creating organizations needs the platform token, even for an org admin.
    const create = await api("POST", "/v1/orgs", { token: a.token, body: { slug: `by-a-${crypto.randomUUID().slice(0, 8)}`, name: "By A" } });
    expectProblem(create, 403, "forbidden");
    expectNoLeakOfB(create, "POST /v1/orgs");
    // Logging into B with A's credentials fails like any wrong password.
    const cross = await api("POST", "/v1/auth/login", { token: a.token, body: { org: b.slug, email: "staff@a.example", password: "a-staff-password-1" } });
    expectProblem(cross, 401, "unauthorized");
    expectNoLeakOfB(cross, "POST /v1/auth/login");
    // Asking who one is tells of one's own organization only.
    const me = await api("GET", "/v1/me", { token: a.token });
    expect(me.status).toBe(200);
    expect(me.body.org.slug).toBe(a.slug);
    expectNoLeakOfB(me, "GET /v1/me");
  });

  it("a revoked token gets 401 on every secured operation, and changes nothing", async () => {
    const issued = await api("POST", `/v1/orgs/${b.slug}/tokens`, { token: b.token, body: { name: "soon revoked", admin: true } });
    expect(issued.status).toBe(201);
    const revoked = issued.body.token as string;
    expect((await api("GET", `/v1/orgs/${b.slug}/cases`, { token: revoked })).status).toBe(200);
    expect((await api("DELETE", `/v1/orgs/${b.slug}/tokens/${issued.body.token_id}`, { token: b.token })).status).toBe(204);
    const before = await snapshotB();
    for (const op of secured()) {
      const r = await send(op, bIds, revoked);
      expectProblem(r, 401, "unauthorized");
      expectNoLeakOfB(r, `${key(op)} with a revoked token`);
    }
    expect(await snapshotB()).toEqual(before);
  });

  it("an expired session gets 401 on every secured operation", async () => {
    const u = await addUser(b, "expiring@b.example", "expiring-password-1", [{ level: 1, role: "Operations" }], true);
    const session = await login(b.slug, "expiring@b.example", "expiring-password-1");
    expect((await api("GET", `/v1/orgs/${b.slug}/cases/${bIds.case_id}`, { token: session })).status).toBe(200);
    // The session reaches its expiry in both copies: D1's (reads authenticate there) and the object's (writes are judged there).
    const { results } = await env.DB.prepare("SELECT token_id, expires_at FROM tokens WHERE user_id = ? AND kind = 'session'")
      .bind(u.user_id)
      .all<{ token_id: string; expires_at: string }>();
    expect(results).toHaveLength(1);
    expect(Date.parse(results[0]!.expires_at)).toBeGreaterThan(Date.now());
    const expired = new Date(Date.now() - 1_000).toISOString();
    await env.DB.prepare("UPDATE tokens SET expires_at = ? WHERE token_id = ?").bind(expired, results[0]!.token_id).run();
    await runInDurableObject(orgStub(b.org.org_id), (_i, state) => {
      state.storage.sql.exec("UPDATE tokens SET data = json_set(data, '$.expires_at', ?) WHERE token_id = ?", expired, results[0]!.token_id);
    });
    const before = await snapshotB();
    for (const op of secured()) {
      const r = await send(op, bIds, session);
      expectProblem(r, 401, "unauthorized");
    }
    expect(await snapshotB()).toEqual(before);
    // The other tokens of the organization are untouched.
    expect((await api("GET", `/v1/orgs/${b.slug}/cases/${bIds.case_id}`, { token: b.token })).status).toBe(200);
  });

  it("a staff (non-admin) session or API token gets 403 on every admin operation, and changes nothing", async () => {
    // The contract's admin operations, and every operation documented as admin-only (new ones included).
    const present = new Set(ops.map(key));
    const wanted = new Set([...ADMIN_OPS, ...ADMIN_OPS_IF_PRESENT.filter((k) => present.has(k)), ...ops.filter((o) => ADMIN_SUMMARY.test(o.summary)).map(key)]);
    const adminOps = [...wanted].map((k) => {
      const op = ops.find((o) => key(o) === k);
      expect(op, `${k} is not in the OpenAPI document`).toBeDefined();
      return op!;
    });
    expect(adminOps.length).toBeGreaterThanOrEqual(ADMIN_OPS.length);
    const before = await snapshotB();
    for (const op of adminOps) {
      for (const [who, token] of [
        ["staff session", bStaffSession],
        ["staff API token", bStaffToken],
      ] as const) {
        const r = await send(op, bIds, token);
        expectProblem(r, 403, "forbidden");
        expect(JSON.stringify(r.body), `${key(op)} as ${who}`).not.toContain("B-secret");
      }
    }
    expect(await snapshotB()).toEqual(before);
    // The staff tokens still work where staff may go, so the 403s were about rights, not broken tokens.
    expect((await api("GET", `/v1/orgs/${b.slug}/tasks/${bIds.task_id}`, { token: bStaffSession })).status).toBe(200);
    expect((await api("GET", `/v1/orgs/${b.slug}/tasks/${bIds.task_id}`, { token: bStaffToken })).status).toBe(200);
    // A user may read their own record, not someone else's.
    expect((await api("GET", `/v1/orgs/${b.slug}/users/${bStaffUserId}`, { token: bStaffSession })).status).toBe(200);
    expectProblem(await api("GET", `/v1/orgs/${b.slug}/users/${b.admin.user_id}`, { token: bStaffSession }), 404);
  });
});
