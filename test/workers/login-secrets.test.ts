/**
 * Login throttling and secrets (issue 3 §1-2, "Done when" #3 and #4).
 *
 * - Brute force: five wrong passwords for one org+email within a minute, and
 *   the sixth attempt (even with the right password) is 429 with Retry-After;
 *   once the window has passed the right password works. The window is not
 *   slept through: the org object's clock is moved forward.
 * - Wrong password and unknown user answer the same 401.
 * - No password, password hash or token appears in any response, log line or
 *   audit event; deactivating a user ends its sessions at once.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { OrgObject } from "../../durable-objects/org-object";
import { ADMIN, api, auditOf, createOrg, expectProblem, newCase, newTask, orgStub, transition, uniqueSlug, type Reply } from "./helpers";

type Org = Awaited<ReturnType<typeof createOrg>>;

const PROFILE = "name: secrets\nextends: base\nprivacy: need_to_know\n";

const login = (org: string, email: string, password: string, headers?: Record<string, string>) =>
  api("POST", "/v1/auth/login", { token: null, body: { org, email, password }, ...(headers ? { headers } : {}) });

async function addUser(o: Org, email: string, password: string, positions = [{ level: 1001, role: "Operations.Safety" }]) {
  const r = await api("POST", `/v1/orgs/${o.slug}/users`, { token: o.token, body: { email, display_name: email.split("@")[0], password, positions } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { user_id: string };
}

/** Lets `ms` pass on the organization object's clock. */
function ageFailures(o: Org, ms: number) {
  return runInDurableObject(orgStub(o.org.org_id), (instance: OrgObject) => {
    instance.clockOffsetMs += ms;
  });
}

function failuresOf(o: Org, email: string): Promise<number> {
  return runInDurableObject(
    orgStub(o.org.org_id),
    (_i, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM login_failures WHERE email = ?", email).one().n,
  );
}

const strip = (b: Record<string, unknown>) => {
  const { request_id: _r, ...rest } = b;
  return rest;
};

describe("brute-force protection", () => {
  let o: Org;
  beforeAll(async () => {
    o = await createOrg({ profile_yaml: PROFILE });
    await addUser(o, "victim@example.com", "correct-horse-battery");
    await addUser(o, "bystander@example.com", "bystander-password");
  });

  it("the 6th attempt within a minute is 429 with Retry-After, even with the right password; after the window the right password works", async () => {
    for (let i = 1; i <= 5; i++) {
      const r = await login(o.slug, "victim@example.com", `wrong-password-${i}`);
      expectProblem(r, 401, "unauthorized");
      expect(r.headers.get("retry-after"), `attempt ${i}`).toBeNull();
    }
    expect(await failuresOf(o, "victim@example.com")).toBe(5);

    const sixth = await login(o.slug, "victim@example.com", "correct-horse-battery");
    expectProblem(sixth, 429, "rate-limited");
    const retry = Number(sixth.headers.get("retry-after"));
    expect(Number.isInteger(retry)).toBe(true);
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect(JSON.stringify(sixth.body)).not.toMatch(/token/i);
    // A 6th wrong password is refused the same way, and so is the 7th.
    expectProblem(await login(o.slug, "victim@example.com", "wrong-password-6"), 429, "rate-limited");
    expectProblem(await login(o.slug, "VICTIM@example.com", "correct-horse-battery"), 429, "rate-limited");

    // The limit is per org+email: another user of the org, and the same email elsewhere, log in.
    expect((await login(o.slug, "bystander@example.com", "bystander-password")).status).toBe(200);
    const other = await createOrg({ profile_yaml: PROFILE });
    await addUser(other, "victim@example.com", "other-org-password");
    expect((await login(other.slug, "victim@example.com", "other-org-password")).status).toBe(200);

    // Just inside the window it still holds...
    await ageFailures(o, 50_000);
    const still = await login(o.slug, "victim@example.com", "correct-horse-battery");
    expectProblem(still, 429, "rate-limited");
    expect(Number(still.headers.get("retry-after"))).toBeLessThanOrEqual(11);
    // ...and once the minute has passed, the right password works.
    await ageFailures(o, 11_000);
    const ok = await login(o.slug, "victim@example.com", "correct-horse-battery");
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(typeof ok.body.token).toBe("string");
    expect((await api("GET", `/v1/orgs/${o.slug}`, { token: ok.body.token })).status).toBe(200);
  });

  it("refused attempts are counted for unknown users too, so the 429 does not reveal who exists", async () => {
    for (let i = 0; i < 5; i++) expectProblem(await login(o.slug, "ghost@example.com", `guess-${i}`), 401);
    const known = [] as Reply[];
    for (let i = 0; i < 5; i++) known.push(await login(o.slug, "bystander@example.com", `guess-${i}`));
    for (const r of known) expectProblem(r, 401);
    const ghost = await login(o.slug, "ghost@example.com", "guess-6");
    const real = await login(o.slug, "bystander@example.com", "guess-6");
    expectProblem(ghost, 429, "rate-limited");
    expectProblem(real, 429, "rate-limited");
    expect(strip(ghost.body)).toEqual(strip(real.body));
    await ageFailures(o, 61_000);
    expect((await login(o.slug, "bystander@example.com", "bystander-password")).status).toBe(200);
  });

  it("a successful login clears the count: 4 failures, a success, then 5 more failures are allowed", async () => {
    const u = "counter@example.com";
    await addUser(o, u, "counter-password");
    for (let i = 0; i < 4; i++) expectProblem(await login(o.slug, u, "nope-nope"), 401);
    expect((await login(o.slug, u, "counter-password")).status).toBe(200);
    expect(await failuresOf(o, u)).toBe(0);
    for (let i = 0; i < 5; i++) expectProblem(await login(o.slug, u, "nope-nope"), 401);
    expectProblem(await login(o.slug, u, "counter-password"), 429);
  });

  it("answers a wrong password and an unknown user with identical 401s (request_id aside)", async () => {
    const fresh = await createOrg({ profile_yaml: PROFILE });
    await addUser(fresh, "known@example.com", "known-password-1");
    const wrong = await login(fresh.slug, "known@example.com", "not-the-password");
    const unknown = await login(fresh.slug, "unknown@example.com", "not-the-password");
    const unknownOrg = await login(uniqueSlug("nowhere"), "known@example.com", "known-password-1");
    for (const r of [wrong, unknown, unknownOrg]) expectProblem(r, 401, "unauthorized");
    expect(strip(unknown.body)).toEqual(strip(wrong.body));
    expect(strip(unknownOrg.body)).toEqual(strip(wrong.body));
    const headerNames = (r: Reply) => [...r.headers.keys()].filter((k) => k !== "x-request-id").sort();
    expect(headerNames(unknown)).toEqual(headerNames(wrong));
    expect(unknown.headers.get("content-type")).toBe(wrong.headers.get("content-type"));
  });
});

describe("secrets never leave", () => {
  const passwords = {
    admin: "Adm1n-plaintext-pw-QX",
    alice: "Al1ce-plaintext-pw-JK",
    aliceNew: "Al1ce-rotated-pw-ZZ",
    bob: "B0b-plaintext-pw-MN",
    wrong: "Wr0ng-plaintext-guess-VV",
  };
  let logs: string[];
  let spies: ReturnType<typeof vi.spyOn>[];
  const replies: { what: string; reply: Reply; issues?: string }[] = [];
  const tokens: string[] = [];
  let slug: string;

  afterEach(() => {
    for (const s of spies ?? []) s.mockRestore();
  });

  function capture() {
    logs = [];
    spies = (["log", "error", "warn", "info", "debug"] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logs.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
      }),
    );
  }

  async function call(what: string, method: string, path: string, opts: Parameters<typeof api>[2] = {}, issues?: string) {
    const reply = await api(method, path, opts);
    replies.push({ what, reply, ...(issues ? { issues } : {}) });
    return reply;
  }

  async function sha256Hex(text: string) {
    return [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)))].map((b) => b.toString(16).padStart(2, "0")).join("");
  }

  it("no password, hash or token appears in any response, log line or audit event", async () => {
    capture();
    slug = uniqueSlug("secrets");
    // Every call that may carry a secret, from organization creation to deactivation.
    const created = await call("create org", "POST", "/v1/orgs", {
      token: ADMIN,
      body: { slug, name: "Secrets Inc", profile_yaml: PROFILE, admin: { email: "boss@secrets.example", display_name: "Boss", password: passwords.admin } },
    });
    expect(created.status).toBe(201);
    const orgToken = created.body.token as string;
    replies[replies.length - 1]!.issues = orgToken;
    tokens.push(orgToken);

    const alice = await call("create alice", "POST", `/v1/orgs/${slug}/users`, {
      token: orgToken,
      body: { email: "alice@secrets.example", display_name: "Alice", password: passwords.alice, positions: [{ level: 1001, role: "Operations.Safety" }] },
    });
    expect(alice.status).toBe(201);
    const bob = await call("create bob", "POST", `/v1/orgs/${slug}/users`, {
      token: orgToken,
      body: { email: "bob@secrets.example", display_name: "Bob", password: passwords.bob, admin: true },
    });
    expect(bob.status).toBe(201);

    const bossLogin = await call("boss login", "POST", "/v1/auth/login", {
      token: null,
      body: { org: slug, email: "boss@secrets.example", password: passwords.admin },
    });
    expect(bossLogin.status).toBe(200);
    replies[replies.length - 1]!.issues = bossLogin.body.token;
    tokens.push(bossLogin.body.token);

    expectProblem(
      await call("alice wrong", "POST", "/v1/auth/login", { token: null, body: { org: slug, email: "alice@secrets.example", password: passwords.wrong } }),
      401,
    );
    expectProblem(
      await call("ghost", "POST", "/v1/auth/login", { token: null, body: { org: slug, email: "ghost@secrets.example", password: passwords.wrong } }),
      401,
    );
    expectProblem(
      await call("extra field", "POST", "/v1/auth/login", {
        token: null,
        body: { org: slug, email: "alice@secrets.example", password: passwords.wrong, extra: passwords.alice },
      }),
      422,
    );

    const aliceLogin = await call("alice login", "POST", "/v1/auth/login", {
      token: null,
      body: { org: slug, email: "alice@secrets.example", password: passwords.alice },
    });
    expect(aliceLogin.status).toBe(200);
    replies[replies.length - 1]!.issues = aliceLogin.body.token;
    const aliceSession = aliceLogin.body.token as string;
    tokens.push(aliceSession);

    const apiToken = await call("api token", "POST", `/v1/orgs/${slug}/tokens`, {
      token: bossLogin.body.token,
      body: { name: "ci", positions: [{ level: 101, role: "Operations" }] },
    });
    expect(apiToken.status).toBe(201);
    replies[replies.length - 1]!.issues = apiToken.body.token;
    tokens.push(apiToken.body.token);

    // Ordinary use of every token, including refusals.
    const c = await newCase(slug, apiToken.body.token, { title: "Secrets case", label: "1001.91.Operations.Safety", severity: "low" });
    const t = await newTask(slug, apiToken.body.token, c.case_id, { title: "Secrets task" });
    expect((await transition(slug, aliceSession, t.task_id, { to: "in_progress" })).status).toBe(200);
    await call("alice reads case", "GET", `/v1/orgs/${slug}/cases/${c.case_id}`, { token: aliceSession });
    await call("alice timeline", "GET", `/v1/orgs/${slug}/cases/${c.case_id}/timeline`, { token: aliceSession });
    await call("alice reads herself", "GET", `/v1/orgs/${slug}/users/${alice.body.user_id}`, { token: aliceSession });
    expectProblem(await call("alice lists users", "GET", `/v1/orgs/${slug}/users`, { token: aliceSession }), 403);
    expectProblem(await call("bad token", "GET", `/v1/orgs/${slug}/cases`, { token: `${aliceSession}x` }), 401);
    await call("users list", "GET", `/v1/orgs/${slug}/users?limit=200`, { token: orgToken });
    await call("read bob", "GET", `/v1/orgs/${slug}/users/${bob.body.user_id}`, { token: orgToken });
    await call("rotate alice's password", "PATCH", `/v1/orgs/${slug}/users/${alice.body.user_id}`, { token: orgToken, body: { password: passwords.aliceNew } });
    const rotated = await call("alice login after rotation", "POST", "/v1/auth/login", {
      token: null,
      body: { org: slug, email: "alice@secrets.example", password: passwords.aliceNew },
    });
    expect(rotated.status).toBe(200);
    replies[replies.length - 1]!.issues = rotated.body.token;
    tokens.push(rotated.body.token);
    expect((await call("revoke api token", "DELETE", `/v1/orgs/${slug}/tokens/${apiToken.body.token_id}`, { token: orgToken })).status).toBe(204);
    expectProblem(await call("revoked api token", "GET", `/v1/orgs/${slug}/cases`, { token: apiToken.body.token }), 401);
    expect((await call("deactivate bob", "DELETE", `/v1/orgs/${slug}/users/${bob.body.user_id}`, { token: orgToken })).status).toBe(204);
    expectProblem(
      await call("bob after deactivation", "POST", "/v1/auth/login", {
        token: null,
        body: { org: slug, email: "bob@secrets.example", password: passwords.bob },
      }),
      401,
    );
    await call("profile", "GET", `/v1/orgs/${slug}/profile`, { token: orgToken });
    await call("org", "GET", `/v1/orgs/${slug}`, { token: aliceSession });
    const audit = await auditOf(slug, orgToken);
    for (const s of spies) s.mockRestore();

    // The stored secrets: password hashes (D1 copy) and token hashes.
    const orgId = created.body.org.org_id as string;
    const { results } = await env.DB.prepare("SELECT password_hash FROM users WHERE org_id = ? AND password_hash IS NOT NULL")
      .bind(orgId)
      .all<{ password_hash: string }>();
    expect(results.length).toBe(3);
    const passwordHashes = results.map((r) => r.password_hash);
    for (const h of passwordHashes) expect(h).toMatch(/^pbkdf2-sha256\$/);
    const hashParts = passwordHashes.flatMap((h) => h.split("$").slice(2)); // salt and derived key
    const tokenHashes = await Promise.all(tokens.map(sha256Hex));
    const { results: storedTokenHashes } = await env.DB.prepare("SELECT token_hash FROM tokens WHERE org_id = ?").bind(orgId).all<{ token_hash: string }>();
    expect(storedTokenHashes.length).toBeGreaterThanOrEqual(tokens.length);

    const alwaysForbidden = [...Object.values(passwords), ...passwordHashes, ...hashParts, ...tokenHashes, ...storedTokenHashes.map((r) => r.token_hash)];
    const scan = (text: string, where: string, allowedToken?: string) => {
      expect(text, `${where} mentions pbkdf2`).not.toMatch(/pbkdf2/i);
      for (const s of alwaysForbidden) expect(text.includes(s), `${where} contains a password or hash (${s.slice(0, 12)}…)`).toBe(false);
      for (const tok of tokens) if (tok !== allowedToken) expect(text.includes(tok), `${where} contains a token`).toBe(false);
    };

    // Responses: bodies and headers. A token appears only in the one answer that issues it.
    expect(replies.length).toBeGreaterThan(20);
    for (const { what, reply, issues } of replies) {
      const text = `${typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body)}\n${[...reply.headers.entries()].map(([k, v]) => `${k}: ${v}`).join("\n")}`;
      scan(text, `response to "${what}"`, issues);
      if (issues) expect(text).toContain(issues);
    }
    for (const u of [alice.body, bob.body]) {
      expect(Object.keys(u)).not.toContain("password");
      expect(Object.keys(u)).not.toContain("password_hash");
    }

    // Log lines: the Worker's request log runs in this isolate, so it was captured.
    const requestLines = logs.filter((l) => l.includes('"msg":"request"'));
    expect(requestLines.length, "the request log lines were captured").toBeGreaterThanOrEqual(replies.length);
    expect(requestLines.some((l) => l.includes('"route":"/v1/auth/login"'))).toBe(true);
    for (const [i, line] of logs.entries()) scan(line, `log line ${i}: ${line.slice(0, 120)}`);

    // Audit events: users, tokens, password changes and logins are recorded without their secrets.
    const actions = new Set(audit.map((e) => e.action));
    for (const a of ["user.created", "user.updated", "token.created", "token.revoked"]) expect(actions.has(a), a).toBe(true);
    const pwChange = audit.find((e) => e.action === "user.updated" && e.entity_id === alice.body.user_id && "password" in e.changes);
    expect(pwChange, "the password change is audited").toBeDefined();
    for (const e of audit) scan(JSON.stringify(e), `audit event ${e.action} ${e.entity_id}`);
  });

  it("deactivating a user (DELETE /users/{id}) makes its session token 401 at once, and it cannot log in again", async () => {
    const o = await createOrg({ profile_yaml: PROFILE });
    const u = await addUser(o, "leaver@example.com", "leaver-password-1");
    const s1 = await login(o.slug, "leaver@example.com", "leaver-password-1");
    const s2 = await login(o.slug, "leaver@example.com", "leaver-password-1");
    expect(s1.status).toBe(200);
    expect(s2.status).toBe(200);
    for (const s of [s1, s2]) expect((await api("GET", `/v1/orgs/${o.slug}/cases`, { token: s.body.token })).status).toBe(200);

    expect((await api("DELETE", `/v1/orgs/${o.slug}/users/${u.user_id}`, { token: o.token })).status).toBe(204);
    for (const s of [s1, s2]) {
      expectProblem(await api("GET", `/v1/orgs/${o.slug}/cases`, { token: s.body.token }), 401, "unauthorized");
      expectProblem(await api("GET", `/v1/orgs/${o.slug}/users/${u.user_id}`, { token: s.body.token }), 401, "unauthorized");
    }
    expectProblem(await login(o.slug, "leaver@example.com", "leaver-password-1"), 401, "unauthorized");
    // The record stays, inactive, for the audit trail.
    const rec = await api("GET", `/v1/orgs/${o.slug}/users/${u.user_id}`, { token: o.token });
    expect(rec.status).toBe(200);
    expect(rec.body.active).toBe(false);
    const revoked = (await auditOf(o.slug, o.token)).filter((e) => e.action === "token.revoked");
    expect(revoked).toHaveLength(2);
  });

  it("changing a user's positions ends its old sessions (they carried the old rights)", async () => {
    const o = await createOrg({ profile_yaml: PROFILE });
    const u = await addUser(o, "mover@example.com", "mover-password-1");
    const s = await login(o.slug, "mover@example.com", "mover-password-1");
    expect((await api("GET", `/v1/orgs/${o.slug}/cases`, { token: s.body.token })).status).toBe(200);
    const p = await api("PATCH", `/v1/orgs/${o.slug}/users/${u.user_id}`, { token: o.token, body: { positions: [{ level: 1001, role: "Facilities" }] } });
    expect(p.status).toBe(200);
    expectProblem(await api("GET", `/v1/orgs/${o.slug}/cases`, { token: s.body.token }), 401);
  });
});
