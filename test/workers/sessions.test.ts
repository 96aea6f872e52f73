/**
 * Sessions and revocation: a password change ends the user's sessions; a
 * revocation or deactivation holds from the moment it is acknowledged, even
 * while the outbox to D1 is stalled; parallel wrong logins cannot outrun the
 * throttle; GET /v1/me and POST /v1/auth/logout.
 */
import { runInDurableObject } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { OrgObject } from "../../durable-objects/org-object";
import { ADMIN, api, createOrg, expectProblem, orgStub } from "./helpers";

type Org = Awaited<ReturnType<typeof createOrg>>;

const PASSWORD = "correct-horse-battery";
const login = (org: string, email: string, password: string) => api("POST", "/v1/auth/login", { token: null, body: { org, email, password } });

async function addUser(o: Org, email: string) {
  const r = await api("POST", `/v1/orgs/${o.slug}/users`, {
    token: o.token,
    body: { email, display_name: "Sam", password: PASSWORD, positions: [{ level: 1001, role: "Operations.Safety" }] },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const session = await login(o.slug, email, PASSWORD);
  expect(session.status).toBe(200);
  return { user_id: r.body.user_id as string, token: session.body.token as string };
}

const me = (token: string) => api("GET", "/v1/me", { token });

/** Holds the org object's D1 flush back (each flush waits `ms`), as a slow or stalled D1 would. */
function stallOutbox(o: Org, ms: number) {
  return runInDurableObject(orgStub(o.org.org_id), (instance: OrgObject) => {
    instance.sinkDelayMs = ms;
  });
}

/** Lets the outbox drain and leaves no alarm armed behind the test. */
async function unstall(o: Org) {
  await runInDurableObject(orgStub(o.org.org_id), async (instance: OrgObject, state) => {
    instance.sinkDelayMs = 0;
    await instance.heal();
    await state.storage.deleteAlarm();
  });
}

describe("revocation holds at once", () => {
  let o: Org;
  beforeAll(async () => {
    o = await createOrg({ profile: "retail_ops" });
  });
  afterEach(() => unstall(o));

  it("a password change revokes the user's sessions", async () => {
    const u = await addUser(o, "pw@example.com");
    expect((await me(u.token)).status).toBe(200);
    const patched = await api("PATCH", `/v1/orgs/${o.slug}/users/${u.user_id}`, { token: o.token, body: { password: "a-new-long-password" } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expectProblem(await me(u.token), 401, "unauthorized");
    expectProblem(await login(o.slug, "pw@example.com", PASSWORD), 401);
    expect((await login(o.slug, "pw@example.com", "a-new-long-password")).status).toBe(200);
  });

  it("a revoked token answers 401 at once even while the outbox is stalled", async () => {
    const issued = await api("POST", `/v1/orgs/${o.slug}/tokens`, { token: o.token, body: { name: "kiosk" } });
    expect(issued.status).toBe(201);
    expect((await api("GET", `/v1/orgs/${o.slug}/cases`, { token: issued.body.token })).status).toBe(200);
    await stallOutbox(o, 4_000);
    const revoked = await api("DELETE", `/v1/orgs/${o.slug}/tokens/${issued.body.token_id}`, { token: o.token });
    expect(revoked.status).toBe(204);
    expectProblem(await api("GET", `/v1/orgs/${o.slug}/cases`, { token: issued.body.token }), 401, "unauthorized");
  });

  it("a deactivated user's session answers 401 at once even while the outbox is stalled", async () => {
    const u = await addUser(o, "gone@example.com");
    await stallOutbox(o, 4_000);
    expect((await api("DELETE", `/v1/orgs/${o.slug}/users/${u.user_id}`, { token: o.token })).status).toBe(204);
    expectProblem(await me(u.token), 401, "unauthorized");
  });
});

describe("login throttling under parallel attempts", () => {
  it("twenty wrong passwords at once: five are checked, the rest are 429", async () => {
    const o = await createOrg({ profile: "retail_ops" });
    await addUser(o, "target@example.com");
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => login(o.slug, "target@example.com", `guess-${i}-wrong`)));
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    expectProblem(await login(o.slug, "target@example.com", PASSWORD), 429, "rate-limited");
  });
});

describe("GET /v1/me and POST /v1/auth/logout", () => {
  let o: Org;
  beforeAll(async () => {
    o = await createOrg({ profile: "retail_ops" });
  });

  it("me tells whom a session speaks for, never a secret", async () => {
    const u = await addUser(o, "who@example.com");
    const r = await me(u.token);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      kind: "member",
      org: { org_id: o.org.org_id, slug: o.slug },
      user: { user_id: u.user_id, email: "who@example.com", display_name: "Sam" },
      token_kind: "session",
      admin: false,
      positions: [{ level: 1001, role: "Operations.Safety" }],
    });
    expect(Date.parse(r.body.expires_at)).toBeGreaterThan(Date.now());
    expect(JSON.stringify(r.body)).not.toMatch(/hash|password|orgo_/);
  });

  it("me answers for the platform admin and for an API token that belongs to no user", async () => {
    expect((await me(ADMIN)).body).toMatchObject({ kind: "platform", org: null, user: null, admin: true });
    const issued = await api("POST", `/v1/orgs/${o.slug}/tokens`, { token: o.token, body: { name: "sensor" } });
    expect((await me(issued.body.token)).body).toMatchObject({
      kind: "member",
      org: { slug: o.slug },
      user: null,
      token_kind: "api",
      admin: false,
      expires_at: null,
    });
  });

  it("logout revokes the token it carries and nothing else", async () => {
    const u = await addUser(o, "bye@example.com");
    const other = await login(o.slug, "bye@example.com", PASSWORD);
    expect((await api("POST", "/v1/auth/logout", { token: u.token })).status).toBe(204);
    expectProblem(await me(u.token), 401, "unauthorized");
    expectProblem(await api("POST", "/v1/auth/logout", { token: u.token }), 401);
    expect((await me(other.body.token)).status).toBe(200);
    expectProblem(await api("POST", "/v1/auth/logout", { token: ADMIN }), 403);
  });
});
