/**
 * Tenancy sweep over every operation of the OpenAPI document the Worker
 * serves, crossed with every kind of credential that must not get through:
 *  (a) a token of organization B (its admin's API token, a staff session) on
 *      organization A's paths, with A's real ids             → 404;
 *  (b) A's own admin token on A's paths naming B's objects   → 404;
 *  (c) a revoked token of A                                   → 401;
 *  (d) an expired session of an A admin                       → 401;
 *  (e) no token, and garbage tokens of every shape            → 401.
 * Every answer is problem+json, contains none of B's identifiers, slugs,
 * names, titles, emails or tokens (body and headers are searched raw), and
 * neither organization changes. Write methods carry a minimal body that is
 * valid by the schema, so the guard answers, not the validator.
 *
 * Operations are read from /v1/openapi.json: an endpoint added later is swept
 * with no change here. Path parameters named like an object B or A owns are
 * filled with its id; any other `{x}` gets a random UUID (and `{name}` the
 * organization's secret name).
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { minimalRequestBody } from "../support/json-schema-arbitrary";
import { fillPath, operationsOf, pathParams, type Operation } from "../support/openapi-operations";
import { orgState } from "../support/org-state";
import { api, createOrg, expectProblem, newCase, newTask, orgStub, type Reply } from "./helpers";

type Org = Awaited<ReturnType<typeof createOrg>>;

const DOC = (await api("GET", "/v1/openapi.json", { token: null })).body as Record<string, any>;
const OPS = operationsOf(DOC);

/** Scoped to one organization: the tenancy guard must answer for every one of them. */
const SCOPED = OPS.filter((op) => /^\/v1\/orgs\/\{org\}(\/|$)/.test(op.path));
/** Everything that needs credentials (the scoped operations, creating orgs, /v1/me, logging out…). */
const SECURED = OPS.filter((op) => op.secured);
/** Scoped operations that name an object by id: the ones B's ids can be tried on. */
const WITH_IDS = SCOPED.filter((op) => pathParams(op.path).some((p) => /_id$/.test(p)));

/** Counts when this suite was written; the sweep may grow, never shrink. */
const SCOPED_TODAY = 32;
const WITH_IDS_TODAY = 12;
const SECURED_TODAY = 35;
const MUST_INCLUDE = [
  "GET /v1/me",
  "POST /v1/auth/logout",
  "PUT /v1/orgs/{org}/secrets/{name}",
  "DELETE /v1/orgs/{org}/users/{user_id}",
  "DELETE /v1/orgs/{org}/tokens/{token_id}",
];

const PROFILE = (name: string) =>
  `name: ${name}\nextends: base\nprivacy: need_to_know\nsensitive_person_fields: [diagnosis]\nmodules:\n  maintenance: {}\n  groups: {}\n  care: {}\n  open311:\n    services:\n      - { service_code: pothole, service_name: Pothole }\n`;

interface Tenant {
  org: Org;
  /** Values for path parameters, by parameter name. */
  ids: Record<string, string>;
  staffEmail: string;
  staffPassword: string;
  staffSession: string;
  secretName: string;
  /** Everything of this tenant that must never show up in another tenant's answers. */
  secrets: string[];
}

async function expectStatus(r: Reply, status: number, what: string) {
  expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBe(status);
  return r;
}

async function login(org: string, email: string, password: string): Promise<string> {
  const r = await expectStatus(await api("POST", "/v1/auth/login", { token: null, body: { org, email, password } }), 200, `login ${email}`);
  return r.body.token as string;
}

/** An organization with one of everything, each carrying strings unique to it. */
async function tenant(tag: "A" | "B"): Promise<Tenant> {
  const org = await createOrg({ profile_yaml: PROFILE(`tenant_${tag.toLowerCase()}_sweep`) });
  const s = org.slug;
  const mark = `${tag}-sweep-${crypto.randomUUID().slice(0, 8)}`;
  const staffEmail = `staff-${mark.toLowerCase()}@${tag.toLowerCase()}.example`;
  const staffPassword = `${mark}-password`;
  const staff = await expectStatus(
    await api("POST", `/v1/orgs/${s}/users`, {
      token: org.token,
      body: { email: staffEmail, display_name: `${mark} Staff Name`, password: staffPassword, positions: [{ level: 1001, role: "Operations.Safety" }] },
    }),
    201,
    "staff",
  );
  const apiToken = await expectStatus(
    await api("POST", `/v1/orgs/${s}/tokens`, { token: org.token, body: { name: `${mark} integration token` } }),
    201,
    "token",
  );
  const person = await expectStatus(
    await api("POST", `/v1/orgs/${s}/persons`, {
      token: org.token,
      body: { display_name: `${mark} Person Name`, external_ref: `${mark}-ext-ref`, attributes: { diagnosis: `${mark}-diagnosis` } },
    }),
    201,
    "person",
  );
  await expectStatus(
    await api("PUT", `/v1/orgs/${s}/persons/${person.body.person_id}/personnel`, {
      token: org.token,
      body: { position: `${mark} position`, employment_status: "active" },
    }),
    200,
    "personnel",
  );
  const kase = await newCase(s, org.token, {
    title: `${mark} case title`,
    description: `${mark} case description`,
    label: "1001.91.Operations.Safety",
    severity: "low",
    location: { site: `${mark} site` },
    tags: [`${mark}-tag`],
    metadata: { secret: `${mark}-metadata` },
    person_id: person.body.person_id,
  });
  const task = await newTask(s, org.token, kase.case_id, { title: `${mark} task title` });
  const signal = await expectStatus(
    await api("POST", `/v1/orgs/${s}/signals`, {
      token: org.token,
      body: { title: `${mark} signal title`, body: `${mark} signal body`, idempotency_key: `${mark}-key` },
    }),
    201,
    "signal",
  );
  const request = await expectStatus(
    await api("POST", `/v1/orgs/${s}/open311/requests.json`, {
      token: org.token,
      body: { service_code: "pothole", address_string: `${mark} address`, description: `${mark} request description` },
    }),
    201,
    "open311 request",
  );
  const secretName = `${tag}_SWEEP_${mark
    .slice(-8)
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, "X")}`;
  const secretValue = `${mark}-secret-value-long-enough`;
  await expectStatus(await api("PUT", `/v1/orgs/${s}/secrets/${secretName}`, { token: org.token, body: { value: secretValue } }), 204, "secret");
  const roles = await expectStatus(await api("GET", `/v1/orgs/${s}/roles`, { token: org.token }), 200, "roles");
  const roleIds = (roles.body.items as { role_id: string }[]).map((r) => r.role_id);
  const staffSession = await login(s, staffEmail, staffPassword);
  const group = await expectStatus(
    await api("POST", `/v1/orgs/${s}/groups`, { token: org.token, body: { name: `${mark} group`, kind: "team" } }),
    201,
    "group",
  );
  await expectStatus(
    await api("PUT", `/v1/orgs/${s}/groups/${group.body.group_id}/members`, { token: org.token, body: { members: [{ person_id: person.body.person_id }] } }),
    200,
    "roster",
  );
  const place = await expectStatus(
    await api("POST", `/v1/orgs/${s}/locations`, { token: org.token, body: { name: `${mark} site`, kind: "site" } }),
    201,
    "location",
  );
  const asset = await expectStatus(
    await api("POST", `/v1/orgs/${s}/assets`, {
      token: org.token,
      body: { name: `${mark} asset`, type: "pump", serial: `${mark}-serial`, location_id: place.body.location_id },
    }),
    201,
    "asset",
  );
  const ids: Record<string, string> = {
    org: s,
    case_id: kase.case_id,
    task_id: task.task_id,
    person_id: person.body.person_id,
    user_id: staff.body.user_id,
    token_id: apiToken.body.token_id,
    role_id: roleIds[0]!,
    signal_id: signal.body.signal_id,
    group_id: group.body.group_id,
    location_id: place.body.location_id,
    asset_id: asset.body.asset_id,
    service_request_id: request.body[0].service_request_id,
    name: secretName,
  };
  const secrets = [
    s,
    org.org.org_id,
    org.org.name,
    org.admin.user_id,
    org.admin.email,
    org.token,
    apiToken.body.token,
    staffSession,
    staffEmail,
    mark,
    `tenant_${tag.toLowerCase()}_sweep`,
    secretName,
    secretValue,
    ...roleIds,
    ...Object.values(ids),
  ];
  return { org, ids, staffEmail, staffPassword, staffSession, secretName, secrets };
}

/** A value for each path parameter: the tenant's object of that name, else a random id. */
function pathFor(op: Operation, ids: Record<string, string>): string {
  return fillPath(op.path, (name) => ids[name] ?? crypto.randomUUID());
}

/** The request each operation gets: a small body valid by its schema (or a valid YAML profile). */
function bodyFor(op: Operation): { raw?: string; type?: string } {
  if (op.jsonSchema) return { raw: JSON.stringify(minimalRequestBody(op.jsonSchema, { root: DOC })), type: "application/json" };
  const yaml = op.bodyTypes.find((t) => /yaml/.test(t));
  if (yaml) return { raw: "name: planted\nextends: base\nprivacy: open\n", type: yaml };
  if (op.bodyTypes.length > 0) return { raw: "", type: op.bodyTypes[0] };
  return {};
}

function send(op: Operation, ids: Record<string, string>, token: string | null, headers: Record<string, string> = {}): Promise<Reply> {
  return api(op.method, pathFor(op, ids), { token, headers, ...bodyFor(op) });
}

/** None of the other tenant's strings, anywhere in the answer (body as sent, and headers). */
function expectNoLeak(r: Reply, secrets: string[], what: string, except: string[] = []) {
  const raw = `${typeof r.body === "string" ? r.body : JSON.stringify(r.body)}\n${[...r.headers.entries()].map(([k, v]) => `${k}: ${v}`).join("\n")}`;
  for (const s of secrets) {
    if (except.includes(s)) continue;
    expect(raw.includes(s), `${what} leaked ${JSON.stringify(s)}:\n${raw.slice(0, 800)}`).toBe(false);
  }
}

/** Garbage credentials of every shape the header can take. */
const GARBAGE: { name: string; header: string }[] = [
  { name: "a random bearer", header: `Bearer garbage-${crypto.randomUUID()}` },
  { name: "an orgo-looking token", header: `Bearer orgo_${"A".repeat(43)}` },
  { name: "a bearer with nothing after it", header: "Bearer " },
  { name: "basic auth", header: `Basic ${btoa("admin:password")}` },
  { name: "a very long bearer", header: `Bearer ${"x".repeat(8_000)}` },
  { name: "two tokens", header: "Bearer a b" },
  { name: "the scheme alone", header: "Bearer" },
  { name: "a token with an appended character", header: "" /* filled with A's real token + "x" */ },
];

describe("tenancy sweep: every operation × every credential that must not pass", () => {
  let a: Tenant;
  let b: Tenant;
  let revokedA: string;
  let expiredA: string;
  let sent = 0;

  beforeAll(async () => {
    a = await tenant("A");
    b = await tenant("B");
    // (c) An admin API token of A that worked, then was revoked.
    const issued = await expectStatus(
      await api("POST", `/v1/orgs/${a.org.slug}/tokens`, { token: a.org.token, body: { name: "soon revoked", admin: true } }),
      201,
      "token to revoke",
    );
    revokedA = issued.body.token;
    await expectStatus(await api("GET", `/v1/orgs/${a.org.slug}/cases`, { token: revokedA }), 200, "token before revocation");
    await expectStatus(await api("DELETE", `/v1/orgs/${a.org.slug}/tokens/${issued.body.token_id}`, { token: a.org.token }), 204, "revocation");
    // (d) A session of an A admin that worked, then reached its expiry (in D1, the copy the Worker authenticates against).
    const adminEmail = `expiring-admin@a-${crypto.randomUUID().slice(0, 6)}.example`;
    const adminUser = await expectStatus(
      await api("POST", `/v1/orgs/${a.org.slug}/users`, {
        token: a.org.token,
        body: { email: adminEmail, display_name: "Expiring Admin", password: "expiring-admin-pw", admin: true, positions: [{ level: 1, role: "Operations" }] },
      }),
      201,
      "admin user",
    );
    expiredA = await login(a.org.slug, adminEmail, "expiring-admin-pw");
    await expectStatus(await api("GET", `/v1/orgs/${a.org.slug}/audit`, { token: expiredA }), 200, "session before expiry");
    const rows = await env.DB.prepare("SELECT token_id FROM tokens WHERE user_id = ? AND kind = 'session'")
      .bind(adminUser.body.user_id)
      .all<{ token_id: string }>();
    expect(rows.results).toHaveLength(1);
    // The session expires in both copies: D1's (reads authenticate there) and the object's (writes are judged there).
    const expired = new Date(Date.now() - 1_000).toISOString();
    await env.DB.prepare("UPDATE tokens SET expires_at = ? WHERE token_id = ?").bind(expired, rows.results[0]!.token_id).run();
    await runInDurableObject(orgStub(a.org.org.org_id), (_i, state) => {
      state.storage.sql.exec("UPDATE tokens SET data = json_set(data, '$.expires_at', ?) WHERE token_id = ?", expired, rows.results[0]!.token_id);
    });
    GARBAGE[GARBAGE.length - 1]!.header = `Bearer ${a.org.token}x`;
  });

  it("the document lists at least today's operations, and the sweep's fixtures are real (B's own token reads them)", async () => {
    expect(SCOPED.length).toBeGreaterThanOrEqual(SCOPED_TODAY);
    expect(WITH_IDS.length).toBeGreaterThanOrEqual(WITH_IDS_TODAY);
    expect(SECURED.length).toBeGreaterThanOrEqual(SECURED_TODAY);
    const keys = new Set(OPS.map((op) => op.key));
    for (const k of MUST_INCLUDE) expect(keys.has(k), k).toBe(true);
    // Every id-bearing GET answers 200 to B itself with the ids used below: a 404 later means the guard, not a bad id.
    for (const op of WITH_IDS.filter((o) => o.method === "GET")) {
      if (pathParams(op.path).some((p) => !(p in b.ids))) continue;
      const r = await send(op, b.ids, b.org.token);
      expect(r.status, `${op.key} as B → ${JSON.stringify(r.body).slice(0, 300)}`).toBe(200);
    }
    // And the credentials of (c) and (d) are refused for the reason under test, not because they never worked.
    expect((await api("GET", "/v1/me", { token: a.org.token })).status).toBe(200);
  });

  it("(a) B's tokens on A's paths: 404 on every scoped operation, nothing of B in the answer, neither org changes", async () => {
    const before = [await orgState(a.org.org.org_id), await orgState(b.org.org.org_id)];
    for (const op of SCOPED) {
      for (const [who, token] of [
        ["B admin token", b.org.token],
        ["B staff session", b.staffSession],
      ] as const) {
        const r = await send(op, a.ids, token);
        sent += 1;
        const what = `${op.key} on A with ${who}`;
        expectProblem(r, 404, "not-found");
        expectNoLeak(r, b.secrets, what);
      }
    }
    expect([await orgState(a.org.org.org_id), await orgState(b.org.org.org_id)]).toEqual(before);
  });

  it("(b) A's own token on A's paths with B's ids: 404 on every operation that names an object, nothing of B, neither org changes", async () => {
    const before = [await orgState(a.org.org.org_id), await orgState(b.org.org.org_id)];
    for (const op of WITH_IDS) {
      // B's ids for every `*_id`; A's own values for the rest (its slug, its secret's name).
      const ids: Record<string, string> = { ...a.ids };
      for (const p of pathParams(op.path)) if (/_id$/.test(p)) ids[p] = b.ids[p] ?? crypto.randomUUID();
      for (const [who, token] of [
        ["A admin token", a.org.token],
        ["A staff session", a.staffSession],
      ] as const) {
        const r = await send(op, ids, token);
        sent += 1;
        const what = `${op.key} on A naming B's ids with ${who}`;
        // A staff member may be refused admin operations (403) before the lookup: that reveals nothing of B either.
        if (who === "A staff session" && r.status === 403) expectProblem(r, 403, "forbidden");
        else expectProblem(r, 404, "not-found");
        expectNoLeak(r, b.secrets, what);
      }
    }
    expect([await orgState(a.org.org.org_id), await orgState(b.org.org.org_id)]).toEqual(before);
  });

  it("(c) a revoked token of A: 401 on every secured operation, nothing of B, nothing changes", async () => {
    const before = [await orgState(a.org.org.org_id), await orgState(b.org.org.org_id)];
    for (const op of SECURED) {
      const r = await send(op, a.ids, revokedA);
      sent += 1;
      expectProblem(r, 401, "unauthorized");
      expectNoLeak(r, b.secrets, `${op.key} with a revoked token`);
    }
    expect([await orgState(a.org.org.org_id), await orgState(b.org.org.org_id)]).toEqual(before);
  });

  it("(d) an expired session of an A admin: 401 on every secured operation, nothing of B, nothing changes", async () => {
    const before = [await orgState(a.org.org.org_id), await orgState(b.org.org.org_id)];
    for (const op of SECURED) {
      const r = await send(op, a.ids, expiredA);
      sent += 1;
      expectProblem(r, 401, "unauthorized");
      expectNoLeak(r, b.secrets, `${op.key} with an expired session`);
    }
    expect([await orgState(a.org.org.org_id), await orgState(b.org.org.org_id)]).toEqual(before);
  });

  it("(e) no token and garbage tokens: 401 on every secured operation, nothing of B, nothing changes", async () => {
    const before = [await orgState(a.org.org.org_id), await orgState(b.org.org.org_id)];
    for (const [i, op] of SECURED.entries()) {
      const none = await send(op, a.ids, null);
      sent += 1;
      expectProblem(none, 401, "unauthorized");
      expectNoLeak(none, b.secrets, `${op.key} without a token`);
      // Each operation meets two garbage shapes; across the sweep every shape meets many operations.
      for (const g of [GARBAGE[i % GARBAGE.length]!, GARBAGE[(i + 3) % GARBAGE.length]!]) {
        const r = await send(op, a.ids, null, { authorization: g.header });
        sent += 1;
        expectProblem(r, 401, "unauthorized");
        expectNoLeak(r, b.secrets, `${op.key} with ${g.name}`);
      }
    }
    expect([await orgState(a.org.org.org_id), await orgState(b.org.org.org_id)]).toEqual(before);
    // Three requests for every secured operation: this sweep grows with the API, so its bound is its own.
  }, 90_000);

  it("B's ids inside A's request bodies are refused, and nothing of B comes back", async () => {
    const s = a.org.slug;
    const t = a.org.token;
    const attempts: { what: string; method: string; path: string; body?: unknown; ok?: number[] }[] = [
      { what: "a case naming B's person", method: "POST", path: `/v1/orgs/${s}/cases`, body: { title: "names B's person", person_id: b.ids.person_id } },
      { what: "a patch naming B's person", method: "PATCH", path: `/v1/orgs/${s}/cases/${a.ids.case_id}`, body: { person_id: b.ids.person_id } },
      {
        what: "a signal naming B's person",
        method: "POST",
        path: `/v1/orgs/${s}/signals`,
        body: { title: "names B's person", person_id: b.ids.person_id, idempotency_key: `b-person-${crypto.randomUUID()}` },
      },
      {
        what: "a task owned by B's role",
        method: "POST",
        path: `/v1/orgs/${s}/cases/${a.ids.case_id}/tasks`,
        body: { title: "owned by B's role", owner_role_id: b.ids.role_id },
      },
    ];
    const failures: string[] = [];
    for (const x of attempts) {
      const r = await api(x.method, x.path, { token: t, body: x.body });
      // The id A sent may be echoed in a field error; B's data may not.
      expectNoLeak(r, b.secrets, x.what, [b.ids.person_id!, b.ids.role_id!]);
      if (r.status !== 404 && r.status !== 422)
        failures.push(`${x.method} ${x.path} ${JSON.stringify(x.body)} → ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      else expectProblem(r, r.status);
    }
    // Whatever A's records now say, reading them shows nothing of B's person.
    for (const path of [
      `/v1/orgs/${s}/cases/${a.ids.case_id}`,
      `/v1/orgs/${s}/cases/${a.ids.case_id}/timeline`,
      `/v1/orgs/${s}/cases?limit=200`,
      `/v1/orgs/${s}/persons?limit=200`,
    ]) {
      const r = await api("GET", path, { token: t });
      expect(r.status, path).toBe(200);
      expectNoLeak(r, b.secrets, path, [b.ids.person_id!]);
    }
    // Filters naming B's objects find nothing.
    for (const path of [
      `/v1/orgs/${s}/tasks?case_id=${b.ids.case_id}`,
      `/v1/orgs/${s}/audit?entity_id=${b.ids.case_id}`,
      `/v1/orgs/${s}/audit?entity_id=${b.ids.person_id}`,
    ]) {
      const r = await api("GET", path, { token: t });
      expect(r.status, path).toBe(200);
      expect(r.body.items, path).toEqual([]);
      expectNoLeak(r, b.secrets, path, [b.ids.case_id!, b.ids.person_id!]);
    }
    expect(failures, `requests naming B's objects were accepted:\n${failures.join("\n")}`).toEqual([]);
  });

  afterAll(() => {
    console.log(
      `tenancy sweep: ${SCOPED.length} scoped operations × 2 foreign tokens, ${WITH_IDS.length} id-bearing × 2 own tokens with B's ids, ` +
        `${SECURED.length} secured × (revoked, expired, none, 2 garbage shapes): ${sent} requests`,
    );
  });
});
