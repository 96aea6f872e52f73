/**
 * Writes judged by the organization's object: once the Worker knows an
 * organization, a write's bearer is checked against the object's own tokens,
 * not D1. What must hold: another organization's token is still a 404 and
 * changes nothing, an unknown one a 401, a revocation or an expiry the object
 * knows of holds at once whatever D1 says, and the audit log names the token's
 * user.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { OrgObject } from "../../durable-objects/org-object";
import { api, auditOf, createOrg, expectProblem, newCase, orgStub } from "./helpers";

type Org = Awaited<ReturnType<typeof createOrg>>;

const PASSWORD = "correct-horse-battery";

let a: Org;
let b: Org;

/** A read first, so the Worker has met the organization and later writes go to its object unchecked. */
async function warm(o: Org) {
  expect((await api("GET", `/v1/orgs/${o.slug}`, { token: o.token })).status).toBe(200);
}

async function caseCount(o: Org): Promise<number> {
  return runInDurableObject(orgStub(o.org.org_id), (_i: OrgObject, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM cases").one().n);
}

async function memberToken(o: Org, admin = false) {
  const r = await api("POST", `/v1/orgs/${o.slug}/tokens`, {
    token: o.token,
    body: { name: "writer", admin, positions: [{ level: 1001, role: "Operations.Safety" }] },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { token: r.body.token as string, token_id: r.body.token_id as string };
}

beforeAll(async () => {
  [a, b] = [await createOrg(), await createOrg()];
  await warm(a);
  await warm(b);
}, 30_000);

describe("writes judged by the organization's object", () => {
  it("answers another organization's token 404 on every deferred write, and changes nothing", async () => {
    const kase = await newCase(a.slug, a.token);
    const task = (await api("POST", `/v1/orgs/${a.slug}/cases/${kase.case_id}/tasks`, { token: a.token, body: { title: "Check", label: kase.label } })).body;
    const before = await caseCount(a);
    const attempts = [
      api("POST", `/v1/orgs/${a.slug}/signals`, { token: b.token, body: { title: "Leak", severity: "high" } }),
      api("POST", `/v1/orgs/${a.slug}/signals/batch`, { token: b.token, body: { signals: [{ title: "Leak", severity: "high" }] } }),
      api("POST", `/v1/orgs/${a.slug}/cases`, { token: b.token, body: { title: "Leak", severity: "high" } }),
      api("PATCH", `/v1/orgs/${a.slug}/cases/${kase.case_id}`, { token: b.token, body: { title: "Renamed" } }),
      api("POST", `/v1/orgs/${a.slug}/cases/${kase.case_id}/tasks`, { token: b.token, body: { title: "Sneak", label: kase.label } }),
      api("POST", `/v1/orgs/${a.slug}/tasks/${task.task_id}/transition`, { token: b.token, body: { to: "in_progress" } }),
    ];
    for (const r of await Promise.all(attempts)) {
      const problem = expectProblem(r, 404);
      expect(JSON.stringify(problem)).not.toContain(kase.case_id);
    }
    expect(await caseCount(a)).toBe(before);
    const read = await api("GET", `/v1/orgs/${a.slug}/cases/${kase.case_id}`, { token: a.token });
    expect(read.body.title).toBe(kase.title);
    expect(read.body.version).toBe(kase.version);
  });

  it("answers an unknown token 401 and stores nothing", async () => {
    const before = await caseCount(a);
    expectProblem(await api("POST", `/v1/orgs/${a.slug}/signals`, { token: "not-a-token", body: { title: "Leak", severity: "high" } }), 401);
    expectProblem(await api("POST", `/v1/orgs/${a.slug}/cases`, { token: "not-a-token", body: { title: "Leak", severity: "high" } }), 401);
    expect(await caseCount(a)).toBe(before);
    // The organization is still known afterwards: its own token writes.
    expect((await api("POST", `/v1/orgs/${a.slug}/signals`, { token: a.token, body: { title: "Leak", severity: "high" } })).status).toBe(201);
  });

  it("takes the object's word over D1's: a token D1 has lost still writes, one the object revoked does not", async () => {
    const writer = await memberToken(a);
    // D1 loses the token row: the object alone still knows it.
    await env.DB.prepare("DELETE FROM tokens WHERE token_id = ?").bind(writer.token_id).run();
    const made = await api("POST", `/v1/orgs/${a.slug}/cases`, { token: writer.token, body: { title: "Written by the object's word", severity: "low" } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const events = await auditOf(a.slug, a.token, made.body.case_id);
    expect(events.find((e: { action: string }) => e.action === "case.created")?.actor).toBe(`token:${writer.token_id}`);

    // The object revokes a token while D1 still holds it live.
    const revoked = await memberToken(a);
    await runInDurableObject(orgStub(a.org.org_id), (_i: OrgObject, state) => {
      const row = state.storage.sql.exec<{ data: string }>("SELECT data FROM tokens WHERE token_id = ?", revoked.token_id).one();
      const data = { ...JSON.parse(row.data), revoked_at: new Date().toISOString() };
      state.storage.sql.exec("UPDATE tokens SET data = ? WHERE token_id = ?", JSON.stringify(data), revoked.token_id);
    });
    const live = await env.DB.prepare("SELECT revoked_at FROM tokens WHERE token_id = ?").bind(revoked.token_id).first<{ revoked_at: string | null }>();
    expect(live?.revoked_at).toBeNull();
    expectProblem(await api("POST", `/v1/orgs/${a.slug}/signals`, { token: revoked.token, body: { title: "After revocation", severity: "low" } }), 401);
  });

  it("refuses a revoked token's next write at once, through the API", async () => {
    const writer = await memberToken(a);
    expect((await api("POST", `/v1/orgs/${a.slug}/signals`, { token: writer.token, body: { title: "Before", severity: "low" } })).status).toBe(201);
    expect((await api("DELETE", `/v1/orgs/${a.slug}/tokens/${writer.token_id}`, { token: a.token })).status).toBe(204);
    expectProblem(await api("POST", `/v1/orgs/${a.slug}/signals`, { token: writer.token, body: { title: "After", severity: "low" } }), 401);
  });

  it("refuses a session the object's clock has seen expire", async () => {
    const user = await api("POST", `/v1/orgs/${a.slug}/users`, {
      token: a.token,
      body: { email: "expiry@example.test", display_name: "Ex", password: PASSWORD, positions: [{ level: 1001, role: "Operations.Safety" }] },
    });
    expect(user.status).toBe(201);
    const session = await api("POST", "/v1/auth/login", { token: null, body: { org: a.slug, email: "expiry@example.test", password: PASSWORD } });
    expect(session.status).toBe(200);
    const token = session.body.token as string;
    expect((await api("POST", `/v1/orgs/${a.slug}/signals`, { token, body: { title: "In time", severity: "low" } })).status).toBe(201);
    const stub = orgStub(a.org.org_id);
    const ahead = new Date(session.body.expires_at).getTime() - Date.now() + 60_000;
    await runInDurableObject(stub, (instance: OrgObject) => {
      instance.clockOffsetMs = ahead;
    });
    try {
      expectProblem(await api("POST", `/v1/orgs/${a.slug}/signals`, { token, body: { title: "Too late", severity: "low" } }), 401);
    } finally {
      await runInDurableObject(stub, (instance: OrgObject) => {
        instance.clockOffsetMs = 0;
      });
    }
  });

  it("records the write under the token's user, with the token's positions", async () => {
    await api("POST", `/v1/orgs/${b.slug}/users`, {
      token: b.token,
      body: { email: "writer@example.test", display_name: "Wri", password: PASSWORD, positions: [{ level: 1001, role: "Operations.Safety" }] },
    });
    const session = await api("POST", "/v1/auth/login", { token: null, body: { org: b.slug, email: "writer@example.test", password: PASSWORD } });
    const me = await api("GET", "/v1/me", { token: session.body.token });
    const made = await api("POST", `/v1/orgs/${b.slug}/cases`, {
      token: session.body.token,
      body: { title: "Mine", severity: "low", label: "1001.94.Operations.Safety" },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const events = await auditOf(b.slug, b.token, made.body.case_id);
    expect(events.find((e: { action: string }) => e.action === "case.created")?.actor).toBe(`user:${me.body.user.user_id}`);
  });
});

describe("reads of one record, judged in the read's own batch", () => {
  it("answers another organization's token 404, an unknown one 401, and a revoked one 401 at once", async () => {
    const kase = await newCase(a.slug, a.token);
    const task = (await api("POST", `/v1/orgs/${a.slug}/cases/${kase.case_id}/tasks`, { token: a.token, body: { title: "Look", label: kase.label } })).body;
    const reader = await memberToken(a, true);
    for (const path of [`/v1/orgs/${a.slug}/cases/${kase.case_id}`, `/v1/orgs/${a.slug}/tasks/${task.task_id}`]) {
      const own = await api("GET", path, { token: reader.token });
      expect(own.status, JSON.stringify(own.body)).toBe(200);
      const foreign = expectProblem(await api("GET", path, { token: b.token }), 404);
      expect(JSON.stringify(foreign)).not.toContain(kase.title);
      expectProblem(await api("GET", path, { token: "not-a-token" }), 401);
    }
    expect((await api("DELETE", `/v1/orgs/${a.slug}/tokens/${reader.token_id}`, { token: a.token })).status).toBe(204);
    expectProblem(await api("GET", `/v1/orgs/${a.slug}/cases/${kase.case_id}`, { token: reader.token }), 401);
    expectProblem(await api("GET", `/v1/orgs/${a.slug}/tasks/${task.task_id}`, { token: reader.token }), 401);
  });

  it("applies the organization's privacy to what the batch read", async () => {
    const o = await createOrg({ profile_yaml: "name: ntk_reads\nextends: retail_ops\nprivacy: need_to_know" });
    await warm(o);
    const hidden = await newCase(o.slug, o.token, { label: "101.91.Operations.Safety", title: "Lead only" });
    const shown = await newCase(o.slug, o.token, { label: "1001.91.Operations.Safety", title: "Staff work" });
    const staff = await memberToken(o);
    // Need-to-know: a 1001 position sees its own level's case, not its team lead's.
    expect((await api("GET", `/v1/orgs/${o.slug}/cases/${shown.case_id}`, { token: staff.token })).status).toBe(200);
    const problem = expectProblem(await api("GET", `/v1/orgs/${o.slug}/cases/${hidden.case_id}`, { token: staff.token }), 404);
    expect(JSON.stringify(problem)).not.toContain("Lead only");
  });
});

describe("errors of deferred requests tell outsiders nothing", () => {
  it("answers an invalid write 404 to another organization's token, 401 to an unknown one, 422 only to a member", async () => {
    const bad = { title: "", severity: "apocalyptic" };
    expectProblem(await api("POST", `/v1/orgs/${a.slug}/cases`, { token: b.token, body: bad }), 404);
    expectProblem(await api("POST", `/v1/orgs/${a.slug}/cases`, { token: "not-a-token", body: bad }), 401);
    expectProblem(await api("POST", `/v1/orgs/${a.slug}/signals`, { token: b.token, raw: "{not json" }), 404);
    const own = expectProblem(await api("POST", `/v1/orgs/${a.slug}/cases`, { token: a.token, body: bad }), 422);
    expect(JSON.stringify(own)).toContain("severity");
  });

  it("answers an invalid list or an over-long id the same way", async () => {
    for (const path of [`/v1/orgs/${a.slug}/cases?limit=abc`, `/v1/orgs/${a.slug}/tasks?status=lost`, `/v1/orgs/${a.slug}/cases/${"x".repeat(150)}`]) {
      expectProblem(await api("GET", path, { token: b.token }), 404);
      expectProblem(await api("GET", path, { token: "not-a-token" }), 401);
      expectProblem(await api("GET", path, { token: a.token }), 422);
    }
  });

  it("lists through the batch read as through the middleware: pages, cursors and the caller's sight", async () => {
    const o = await createOrg({ profile_yaml: "name: ntk_lists\nextends: retail_ops\nprivacy: need_to_know" });
    await warm(o);
    for (let i = 0; i < 3; i++) await newCase(o.slug, o.token, { label: "1001.91.Operations.Safety", title: `Seen ${i}` });
    await newCase(o.slug, o.token, { label: "101.91.Operations.Safety", title: "Hidden" });
    const staff = await memberToken(o);
    const first = await api("GET", `/v1/orgs/${o.slug}/cases?limit=2`, { token: staff.token });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.items.map((x: { title: string }) => x.title)).toEqual(["Seen 2", "Seen 1"]);
    const rest = await api("GET", `/v1/orgs/${o.slug}/cases?limit=2&cursor=${encodeURIComponent(first.body.next_cursor)}`, { token: staff.token });
    expect(rest.body.items.map((x: { title: string }) => x.title)).toEqual(["Seen 0"]);
    expect(rest.body.next_cursor).toBeNull();
    const all = await api("GET", `/v1/orgs/${o.slug}/cases`, { token: o.token });
    expect(all.body.items).toHaveLength(4);
  });
});
