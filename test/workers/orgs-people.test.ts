/**
 * Operations, organizations, roles, users, tokens and login, through the real
 * Worker (contract: Operations; Organizations, users, tokens; Authentication).
 */
import { describe, expect, it } from "vitest";
import { Org } from "../../core/model";
import { ADMIN, addMs, api, createOrg, errorPaths, expectProblem, MINUTE, newCase, uniqueSlug } from "./helpers";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("GET /health", () => {
  it("answers 200 { ok: true } without credentials, with a request id", async () => {
    const r = await api("GET", "/health", { token: null });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    expect(r.body).toEqual({ ok: true });
    expect(r.headers.get("x-request-id")).toMatch(/^[\w.-]{8,64}$/);
  });

  it("echoes a well-formed incoming x-request-id and gives each request its own otherwise", async () => {
    const mine = await api("GET", "/health", { token: null, headers: { "x-request-id": "trace-abc-12345" } });
    expect(mine.headers.get("x-request-id")).toBe("trace-abc-12345");
    const a = await api("GET", "/health", { token: null });
    const b = await api("GET", "/health", { token: null });
    expect(a.headers.get("x-request-id")).not.toBe(b.headers.get("x-request-id"));
  });
});

describe("GET /v1/openapi.json", () => {
  it("is a public OpenAPI 3.1 document listing every path and method of the API", async () => {
    const r = await api("GET", "/v1/openapi.json", { token: null });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    const doc = r.body;
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(typeof doc.info.title).toBe("string");
    expect(typeof doc.info.version).toBe("string");
    const expected: Record<string, string[]> = {
      "/health": ["get"],
      "/v1/orgs": ["post"],
      "/v1/orgs/{org}": ["get"],
      "/v1/orgs/{org}/roles": ["get"],
      "/v1/orgs/{org}/users": ["post"],
      "/v1/orgs/{org}/tokens": ["post"],
      "/v1/orgs/{org}/tokens/{token_id}": ["delete"],
      "/v1/auth/login": ["post"],
      "/v1/auth/logout": ["post"],
      "/v1/me": ["get"],
      "/v1/orgs/{org}/cases": ["get", "post"],
      "/v1/orgs/{org}/cases/{case_id}": ["get", "patch"],
      "/v1/orgs/{org}/cases/{case_id}/timeline": ["get"],
      "/v1/orgs/{org}/cases/{case_id}/tasks": ["post"],
      "/v1/orgs/{org}/tasks": ["get"],
      "/v1/orgs/{org}/tasks/{task_id}": ["get"],
      "/v1/orgs/{org}/tasks/{task_id}/transition": ["post"],
      "/v1/orgs/{org}/audit": ["get"],
    };
    for (const [path, methods] of Object.entries(expected)) {
      expect(doc.paths, `missing path ${path}`).toHaveProperty([path]);
      for (const m of methods) {
        const op = doc.paths[path][m];
        expect(op, `missing ${m.toUpperCase()} ${path}`).toBeDefined();
        expect(Object.keys(op.responses).length).toBeGreaterThan(0);
      }
    }
    // Path parameters are declared for templated paths.
    const caseGet = doc.paths["/v1/orgs/{org}/cases/{case_id}"].get;
    const names = (caseGet.parameters as { name: string; in: string }[])
      .filter((p) => p.in === "path")
      .map((p) => p.name)
      .sort();
    expect(names).toEqual(["case_id", "org"]);
    // Errors are documented as problem+json.
    const createCase = doc.paths["/v1/orgs/{org}/cases"].post;
    expect(createCase.responses["422"].content).toHaveProperty(["application/problem+json"]);
    expect(createCase.requestBody.content).toHaveProperty(["application/json"]);
  });
});

describe("POST /v1/orgs", () => {
  it("creates an organization: 201 { org, admin, token } and the token works in it", async () => {
    const slug = uniqueSlug("acme");
    const r = await api("POST", "/v1/orgs", { body: { slug, name: "Acme Corp", profile: "retail_ops" } });
    expect(r.status).toBe(201);
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    expect(Object.keys(r.body)).toEqual(expect.arrayContaining(["admin", "org", "token"]));
    expect(Org.safeParse(r.body.org).success).toBe(true);
    expect(r.body.org).toMatchObject({ slug, name: "Acme Corp", profile: "retail_ops" });
    expect(r.body.org.org_id).toMatch(UUID);
    expect(r.body.admin.user_id).toMatch(UUID);
    expect(typeof r.body.admin.email).toBe("string");
    expect(r.body.admin).not.toHaveProperty("password_hash");
    expect(typeof r.body.token).toBe("string");
    expect(r.body.token.length).toBeGreaterThanOrEqual(20);

    const read = await api("GET", `/v1/orgs/${slug}`, { token: r.body.token });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(r.body.org);
  });

  it("takes an explicit first admin whose password then logs in", async () => {
    const slug = uniqueSlug("adm");
    const r = await api("POST", "/v1/orgs", {
      body: { slug, name: "With admin", profile: "retail_ops", admin: { email: "boss@example.com", display_name: "Boss", password: "correct horse" } },
    });
    expect(r.status).toBe(201);
    expect(r.body.admin.email).toBe("boss@example.com");
    const login = await api("POST", "/v1/auth/login", { token: null, body: { org: slug, email: "boss@example.com", password: "correct horse" } });
    expect(login.status).toBe(200);
    // The first admin is an org admin: it may create users.
    const u = await api("POST", `/v1/orgs/${slug}/users`, { token: login.body.token, body: { email: "staff@example.com", display_name: "Staff" } });
    expect(u.status).toBe(201);
  });

  it("answers 409 for a duplicate slug and leaves the first organization as it was", async () => {
    const { slug, org } = await createOrg();
    const r = await api("POST", "/v1/orgs", { body: { slug, name: "Impostor", profile: "retail_ops" } });
    const p = expectProblem(r, 409);
    expect(errorPaths(r)).toContain("slug");
    expect(JSON.stringify(p)).not.toContain(org.org_id);
    const read = await api("GET", `/v1/orgs/${slug}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(org);
  });

  it("answers 403 to an organization token (even an org admin's) and creates nothing", async () => {
    const { token } = await createOrg();
    const slug = uniqueSlug("nope");
    const r = await api("POST", "/v1/orgs", { token, body: { slug, name: "Nope", profile: "retail_ops" } });
    expectProblem(r, 403);
    expectProblem(await api("GET", `/v1/orgs/${slug}`), 404);
  });

  it("answers 401 without a token, with a malformed header, and with an unknown token", async () => {
    const body = { slug: uniqueSlug("anon"), name: "Anon", profile: "retail_ops" };
    expectProblem(await api("POST", "/v1/orgs", { token: null, body }), 401);
    expectProblem(await api("POST", "/v1/orgs", { token: null, body, headers: { authorization: "Basic Zm9vOmJhcg==" } }), 401);
    expectProblem(await api("POST", "/v1/orgs", { token: "not-a-real-token", body }), 401);
    expectProblem(await api("GET", `/v1/orgs/${body.slug}`), 404);
  });

  it.each([["Bad Slug"], ["-leading"], ["trailing-"], ["UPPER"], [""], ["a".repeat(49)], ["under_score"]])(
    "answers 422 with errors[].path 'slug' for the slug %j",
    async (slug) => {
      const r = await api("POST", "/v1/orgs", { body: { slug, name: "Bad", profile: "retail_ops" } });
      expectProblem(r, 422);
      expect(errorPaths(r)).toContain("slug");
    },
  );

  it("answers 422 for a missing name, naming the field", async () => {
    const r = await api("POST", "/v1/orgs", { body: { slug: uniqueSlug("noname"), profile: "retail_ops" } });
    expectProblem(r, 422);
    expect(errorPaths(r)).toContain("name");
  });

  it("answers 422 for an unknown shipped profile, on the path 'profile', and keeps the slug free", async () => {
    const slug = uniqueSlug("unk");
    const r = await api("POST", "/v1/orgs", { body: { slug, name: "X", profile: "no_such_profile" } });
    expectProblem(r, 422);
    expect(errorPaths(r)).toContain("profile");
    expect((await api("POST", "/v1/orgs", { body: { slug, name: "X", profile: "retail_ops" } })).status).toBe(201);
  });

  it("accepts an inline profile_yaml: its roles become the organization's and its reactivity applies", async () => {
    const slug = uniqueSlug("inline");
    const yaml = ["name: tiny_team", "roles: [Ops, Ops.Night, Desk]", "default_label: 1001.14.Ops", "reactivity:", "  high: PT5M", ""].join("\n");
    const r = await api("POST", "/v1/orgs", { body: { slug, name: "Tiny", profile_yaml: yaml } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.org.profile).toBe("tiny_team");
    const roles = await api("GET", `/v1/orgs/${slug}/roles`, { token: r.body.token });
    expect(roles.status).toBe(200);
    expect((roles.body.items as { name: string }[]).map((x) => x.name).sort()).toEqual(["Desk", "Ops", "Ops.Night"]);
    const c = await newCase(slug, r.body.token, { label: "1001.11.Ops.Night", severity: "high" });
    expect(c.reactivity_time).toBe("PT5M");
    expect(c.reactivity_deadline).toBe(addMs(c.created_at, 5 * MINUTE));
    // retail_ops roles do not exist here.
    const bad = await api("POST", `/v1/orgs/${slug}/cases`, { token: r.body.token, body: { title: "x", label: "1001.91.Operations.Safety" } });
    expectProblem(bad, 422);
    expect(errorPaths(bad)).toEqual(["label"]);
  });

  it("answers 422 for an invalid profile_yaml with each problem's path and line, and creates nothing", async () => {
    const slug = uniqueSlug("badyaml");
    const yaml = ["name: broken", "roles: [Operations]", "bogus_key: 1", "reactivity:", "  high: banana", ""].join("\n");
    const r = await api("POST", "/v1/orgs", { body: { slug, name: "Broken", profile_yaml: yaml } });
    const p = expectProblem(r, 422);
    const byPath = new Map((p.errors ?? []).map((e) => [e.path, e]));
    expect(byPath.get("bogus_key")?.line).toBe(3);
    expect(byPath.get("reactivity.high")?.line).toBe(5);
    for (const e of p.errors ?? []) expect(typeof e.message).toBe("string");
    // Rejected: the slug is still free.
    expectProblem(await api("GET", `/v1/orgs/${slug}`), 404);
  });

  it("answers 422 for YAML that does not parse, with a line number", async () => {
    const r = await api("POST", "/v1/orgs", { body: { slug: uniqueSlug("syntax"), name: "S", profile_yaml: "name: x\nroles: [Operations\n  bad: : :\n" } });
    const p = expectProblem(r, 422);
    expect((p.errors ?? []).length).toBeGreaterThan(0);
    expect((p.errors ?? []).some((e) => typeof e.line === "number" && e.line >= 1)).toBe(true);
  });
});

describe("GET /v1/orgs/{org}", () => {
  it("returns the organization to its own token and to the platform admin", async () => {
    const { slug, token, org } = await createOrg();
    const own = await api("GET", `/v1/orgs/${slug}`, { token });
    expect(own.status).toBe(200);
    expect(own.body).toEqual(org);
    const admin = await api("GET", `/v1/orgs/${slug}`, { token: ADMIN });
    expect(admin.status).toBe(200);
    expect(admin.body).toEqual(org);
  });

  it("answers 404 for an unknown slug and 401 without a token", async () => {
    expectProblem(await api("GET", `/v1/orgs/${uniqueSlug("ghost")}`), 404);
    const { slug } = await createOrg();
    expectProblem(await api("GET", `/v1/orgs/${slug}`, { token: null }), 401);
  });
});

describe("GET /v1/orgs/{org}/roles", () => {
  it("lists the profile's roles as records with ids and parents, parents first", async () => {
    const { slug, token } = await createOrg({ profile: "retail_ops" });
    const r = await api("GET", `/v1/orgs/${slug}/roles`, { token });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(["items"]);
    const roles = r.body.items as { role_id: string; name: string; parent: string | null }[];
    for (const role of roles) expect(Object.keys(role)).toEqual(expect.arrayContaining(["name", "parent", "role_id"]));
    const byName = new Map(roles.map((x) => [x.name, x]));
    for (const name of ["Operations", "Operations.Safety", "Operations.Maintenance", "Facilities", "StoreOps.Managers", "IT.PointOfSale"]) {
      expect(byName.has(name), name).toBe(true);
    }
    expect(byName.get("Operations")?.parent).toBeNull();
    expect(byName.get("Facilities")?.parent).toBeNull();
    expect(byName.get("Operations.Safety")?.parent).toBe("Operations");
    expect(byName.get("IT.PointOfSale")?.parent).toBe("IT");
    expect(new Set(roles.map((x) => x.role_id)).size).toBe(roles.length);
    expect(new Set(roles.map((x) => x.name)).size).toBe(roles.length);
    const index = new Map(roles.map((x, i) => [x.name, i]));
    for (const role of roles) if (role.parent) expect(index.get(role.parent)!).toBeLessThan(index.get(role.name)!);
  });
});

describe("POST /v1/orgs/{org}/users", () => {
  it("creates a user: 201 without the password or any hash of it", async () => {
    const { slug, token } = await createOrg();
    const password = "s3cret-passw0rd";
    const r = await api("POST", `/v1/orgs/${slug}/users`, {
      token,
      body: { email: "ana@example.com", display_name: "Ana", password, positions: [{ level: 1001, role: "Operations.Safety" }] },
    });
    expect(r.status).toBe(201);
    expect(r.body.user_id).toMatch(UUID);
    expect(r.body).toMatchObject({ email: "ana@example.com", display_name: "Ana", admin: false, active: true, version: 1 });
    expect(r.body.positions).toEqual([{ level: 1001, role: "Operations.Safety" }]);
    const text = JSON.stringify(r.body);
    expect(text).not.toMatch(/password/i);
    expect(text).not.toMatch(/hash/i);
    expect(text).not.toContain(password);
    // Nor does the audit trail of its creation carry it.
    const audit = await api("GET", `/v1/orgs/${slug}/audit?entity_id=${r.body.user_id}`, { token });
    expect(audit.status).toBe(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(["user.created"]);
    expect(JSON.stringify(audit.body)).not.toMatch(/password|hash/i);
    expect(JSON.stringify(audit.body)).not.toContain(password);
  });

  it("answers 409 for a duplicate email, leaving one user", async () => {
    const { slug, token } = await createOrg();
    const body = { email: "dup@example.com", display_name: "First" };
    const first = await api("POST", `/v1/orgs/${slug}/users`, { token, body });
    expect(first.status).toBe(201);
    const again = await api("POST", `/v1/orgs/${slug}/users`, { token, body: { ...body, display_name: "Second" } });
    expectProblem(again, 409);
    expect(errorPaths(again)).toContain("email");
    const created = (await api("GET", `/v1/orgs/${slug}/audit?limit=200`, { token })).body.items.filter(
      (e: { action: string; changes: { email?: string } }) => e.action === "user.created" && e.changes.email === "dup@example.com",
    );
    expect(created).toHaveLength(1);
  });

  it("answers 422 for a position naming an unknown role or level, and for a bad email", async () => {
    const { slug, token } = await createOrg();
    const role = await api("POST", `/v1/orgs/${slug}/users`, {
      token,
      body: { email: "x@example.com", display_name: "X", positions: [{ level: 1001, role: "Nope" }] },
    });
    expectProblem(role, 422);
    expect(errorPaths(role)).toContain("positions.0.role");
    const level = await api("POST", `/v1/orgs/${slug}/users`, {
      token,
      body: { email: "y@example.com", display_name: "Y", positions: [{ level: 7, role: "Operations" }] },
    });
    expectProblem(level, 422);
    expect(errorPaths(level).some((p) => p.startsWith("positions.0"))).toBe(true);
    const email = await api("POST", `/v1/orgs/${slug}/users`, { token, body: { email: "not-an-email", display_name: "Z" } });
    expectProblem(email, 422);
    expect(errorPaths(email)).toContain("email");
  });

  it("the platform admin token acts as an org admin in every organization", async () => {
    const { slug } = await createOrg();
    const u = await api("POST", `/v1/orgs/${slug}/users`, { token: ADMIN, body: { email: "byplatform@example.com", display_name: "P", admin: true } });
    expect(u.status).toBe(201);
    expect(u.body.admin).toBe(true);
    const t = await api("POST", `/v1/orgs/${slug}/tokens`, { token: ADMIN, body: { name: "by platform" } });
    expect(t.status).toBe(201);
    expect((await api("DELETE", `/v1/orgs/${slug}/tokens/${t.body.token_id}`, { token: ADMIN })).status).toBe(204);
  });

  it("a user created with admin: true logs in as an org admin", async () => {
    const { slug, token } = await createOrg();
    await api("POST", `/v1/orgs/${slug}/users`, {
      token,
      body: { email: "second-admin@example.com", display_name: "Two", password: "twotwotwo2", admin: true },
    });
    const login = await api("POST", "/v1/auth/login", { token: null, body: { org: slug, email: "second-admin@example.com", password: "twotwotwo2" } });
    expect(login.status).toBe(200);
    expect((await api("POST", `/v1/orgs/${slug}/users`, { token: login.body.token, body: { email: "third@example.com", display_name: "Three" } })).status).toBe(
      201,
    );
  });

  it("answers 403 to a token that is not an org admin", async () => {
    const { slug, token } = await createOrg();
    const t = await api("POST", `/v1/orgs/${slug}/tokens`, { token, body: { name: "plain" } });
    expect(t.status).toBe(201);
    const r = await api("POST", `/v1/orgs/${slug}/users`, { token: t.body.token, body: { email: "z@example.com", display_name: "Z" } });
    expectProblem(r, 403);
  });
});

describe("tokens", () => {
  it("issues a token that works, revokes it (204) and the revoked token gets 401 at once", async () => {
    const { slug, token } = await createOrg();
    const created = await api("POST", `/v1/orgs/${slug}/tokens`, { token, body: { name: "ci", positions: [{ level: 101, role: "Operations" }] } });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body)).toEqual(expect.arrayContaining(["token", "token_id"]));
    expect(created.body.token_id).toMatch(UUID);
    const fresh = created.body.token as string;
    expect(fresh).not.toBe(token);
    expect((await api("GET", `/v1/orgs/${slug}/cases`, { token: fresh })).status).toBe(200);

    const del = await api("DELETE", `/v1/orgs/${slug}/tokens/${created.body.token_id}`, { token });
    expect(del.status).toBe(204);
    expect(del.body).toBe("");
    const after = await api("GET", `/v1/orgs/${slug}/cases`, { token: fresh });
    expectProblem(after, 401);
    // The issuing token is untouched.
    expect((await api("GET", `/v1/orgs/${slug}/cases`, { token })).status).toBe(200);
    const audit = await api("GET", `/v1/orgs/${slug}/audit?entity_id=${created.body.token_id}`, { token });
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(["token.revoked", "token.created"]);
    expect(JSON.stringify(audit.body)).not.toContain(fresh);
  });

  it("answers 404 when revoking an unknown token, 422 for a position with an unknown role, 403 for a non-admin", async () => {
    const { slug, token } = await createOrg();
    expectProblem(await api("DELETE", `/v1/orgs/${slug}/tokens/${crypto.randomUUID()}`, { token }), 404);
    const bad = await api("POST", `/v1/orgs/${slug}/tokens`, { token, body: { name: "x", positions: [{ level: 1001, role: "Ghost" }] } });
    expectProblem(bad, 422);
    expect(errorPaths(bad)).toContain("positions.0.role");
    const plain = await api("POST", `/v1/orgs/${slug}/tokens`, { token, body: { name: "plain" } });
    expectProblem(await api("POST", `/v1/orgs/${slug}/tokens`, { token: plain.body.token, body: { name: "escalate" } }), 403);
    expectProblem(await api("DELETE", `/v1/orgs/${slug}/tokens/${plain.body.token_id}`, { token: plain.body.token }), 403);
  });

  it("a token of one organization cannot revoke another organization's token", async () => {
    const a = await createOrg();
    const b = await createOrg();
    const bt = await api("POST", `/v1/orgs/${b.slug}/tokens`, { token: b.token, body: { name: "b-token" } });
    expectProblem(await api("DELETE", `/v1/orgs/${a.slug}/tokens/${bt.body.token_id}`, { token: a.token }), 404);
    expectProblem(await api("DELETE", `/v1/orgs/${b.slug}/tokens/${bt.body.token_id}`, { token: a.token }), 404);
    expect((await api("GET", `/v1/orgs/${b.slug}`, { token: bt.body.token })).status).toBe(200);
  });
});

describe("POST /v1/auth/login", () => {
  async function orgWithUser() {
    const o = await createOrg();
    const u = await api("POST", `/v1/orgs/${o.slug}/users`, {
      token: o.token,
      body: { email: "lea@example.com", display_name: "Lea", password: "pa55word-long", positions: [{ level: 1001, role: "Operations" }] },
    });
    expect(u.status).toBe(201);
    return { ...o, user: u.body };
  }

  it("exchanges email and password for a session token of that organization", async () => {
    const o = await orgWithUser();
    const before = Date.now();
    const r = await api("POST", "/v1/auth/login", { token: null, body: { org: o.slug, email: "lea@example.com", password: "pa55word-long" } });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(expect.arrayContaining(["expires_at", "token"]));
    const expires = new Date(r.body.expires_at).getTime();
    expect(expires).toBeGreaterThan(before);
    expect(r.body.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    const read = await api("GET", `/v1/orgs/${o.slug}`, { token: r.body.token });
    expect(read.status).toBe(200);
    expect(read.body.org_id).toBe(o.org.org_id);
    // The session acts as the user: it is not an org admin.
    expectProblem(await api("POST", `/v1/orgs/${o.slug}/users`, { token: r.body.token, body: { email: "q@example.com", display_name: "Q" } }), 403);
    // Login is case-insensitive on the email the user was created with.
    expect((await api("POST", "/v1/auth/login", { token: null, body: { org: o.slug, email: "LEA@example.com", password: "pa55word-long" } })).status).toBe(200);
  });

  it("answers wrong password, unknown user and unknown org with the same 401 body (request_id aside)", async () => {
    const o = await orgWithUser();
    const strip = (b: Record<string, unknown>) => {
      const { request_id: _r, ...rest } = b;
      return rest;
    };
    const wrong = await api("POST", "/v1/auth/login", { token: null, body: { org: o.slug, email: "lea@example.com", password: "wrong-password" } });
    const unknown = await api("POST", "/v1/auth/login", { token: null, body: { org: o.slug, email: "nobody@example.com", password: "pa55word-long" } });
    const noOrg = await api("POST", "/v1/auth/login", { token: null, body: { org: uniqueSlug("none"), email: "lea@example.com", password: "pa55word-long" } });
    expectProblem(wrong, 401);
    expectProblem(unknown, 401);
    expectProblem(noOrg, 401);
    expect(strip(unknown.body)).toEqual(strip(wrong.body));
    expect(strip(noOrg.body)).toEqual(strip(wrong.body));
    expect(wrong.body.request_id).not.toBe(unknown.body.request_id);
  });

  it("does not log in a user created without a password", async () => {
    const o = await createOrg();
    await api("POST", `/v1/orgs/${o.slug}/users`, { token: o.token, body: { email: "nopw@example.com", display_name: "No Pw" } });
    expectProblem(await api("POST", "/v1/auth/login", { token: null, body: { org: o.slug, email: "nopw@example.com", password: "" } }), 401);
    expectProblem(await api("POST", "/v1/auth/login", { token: null, body: { org: o.slug, email: "nopw@example.com", password: "anything-at-all" } }), 401);
  });

  it("answers 422 for a body missing fields", async () => {
    const r = await api("POST", "/v1/auth/login", { token: null, body: { org: "x" } });
    expectProblem(r, 422);
    expect(errorPaths(r)).toEqual(expect.arrayContaining(["email", "password"]));
  });
});
