/**
 * Organization secrets through the real Worker and object: set, list and
 * delete by org admins only, stored encrypted and bound to their
 * organization, audited without their values; and the webhook URL policy
 * applied where a profile is set, which depends on the deployment mode.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { keyringFrom } from "../../core/security/secret-envelope";
import { readSecret } from "../../durable-objects/commands/secrets";
import type { OrgObject } from "../../durable-objects/org-object";
import { SecretStore } from "../../durable-objects/store/secret-store";
import { profileFromYaml } from "../../workers/profile-source";
import { api, auditOf, createOrg, errorPaths, expectProblem, orgStub } from "./helpers";

type Stub = DurableObjectStub<OrgObject>;

const VALUE = "s3cr3t-value-never-shown-0001";
const OTHER_VALUE = "s3cr3t-value-never-shown-0002";
const NO_WEBHOOK = "name: plain\nextends: base\n";
const URL_PATH = "notifications.channels.webhook.url";

const webhookProfile = (url: string, secretName = "HOOK_KEY") => `
name: hooked
extends: base
notifications:
  channels:
    in_app: {}
    webhook: { url: "${url}", secret_name: ${secretName} }
  rules:
    - { on: new_case, min_severity: high, channels: [in_app, webhook] }
`;

const used: Stub[] = [];
async function org(profile_yaml = NO_WEBHOOK) {
  const o = await createOrg({ profile_yaml });
  const stub = orgStub(o.org.org_id);
  used.push(stub);
  return { ...o, stub };
}
afterAll(async () => {
  for (const stub of used) await runInDurableObject(stub, (_i, state) => state.storage.deleteAlarm());
});

const putSecret = (slug: string, token: string, name: string, value: unknown) => api("PUT", `/v1/orgs/${slug}/secrets/${name}`, { token, body: { value } });
const listSecrets = (slug: string, token: string) => api("GET", `/v1/orgs/${slug}/secrets`, { token });
const putProfile = (slug: string, token: string, yaml: string) => api("PUT", `/v1/orgs/${slug}/profile`, { token, raw: yaml, type: "application/yaml" });

/** The object's deployment mode comes from ORGO_ENV; this object alone runs as production from now on. */
function runAsProduction(stub: Stub): Promise<void> {
  return runInDurableObject(stub, (instance: OrgObject) => {
    const o = instance as unknown as { env: Env };
    o.env = { ...o.env, ORGO_ENV: "production" };
  });
}

describe("the secrets API", () => {
  it("creates, replaces, lists (names and dates only) and deletes; each change is audited without the value", async () => {
    const o = await org();
    expect((await putSecret(o.slug, o.token, "HOOK_KEY", VALUE)).status).toBe(204);
    let list = await listSecrets(o.slug, o.token);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([{ name: "HOOK_KEY", created_at: expect.any(String), updated_at: expect.any(String) }]);
    const created = list.body.items[0];

    expect((await putSecret(o.slug, o.token, "HOOK_KEY", OTHER_VALUE)).status).toBe(204);
    expect((await putSecret(o.slug, o.token, "ANOTHER_KEY", VALUE)).status).toBe(204);
    list = await listSecrets(o.slug, o.token);
    expect(list.body.items.map((s: { name: string }) => s.name)).toEqual(["ANOTHER_KEY", "HOOK_KEY"]);
    const replaced = list.body.items[1];
    expect(replaced.created_at).toBe(created.created_at);
    expect(replaced.updated_at >= created.updated_at).toBe(true);
    expect(JSON.stringify(list.body)).not.toContain("s3cr3t");

    expect((await api("DELETE", `/v1/orgs/${o.slug}/secrets/HOOK_KEY`, { token: o.token })).status).toBe(204);
    expectProblem(await api("DELETE", `/v1/orgs/${o.slug}/secrets/HOOK_KEY`, { token: o.token }), 404, "not-found");
    expect((await listSecrets(o.slug, o.token)).body.items.map((s: { name: string }) => s.name)).toEqual(["ANOTHER_KEY"]);

    const audit = (await auditOf(o.slug, o.token)).filter((e) => e.entity_type === "secret");
    expect(audit.map((e) => [e.action, e.entity_id]).reverse()).toEqual([
      ["secret.created", "HOOK_KEY"],
      ["secret.updated", "HOOK_KEY"],
      ["secret.created", "ANOTHER_KEY"],
      ["secret.deleted", "HOOK_KEY"],
    ]);
    expect(JSON.stringify(audit)).not.toContain("s3cr3t");
  });

  it("stores values encrypted: neither the object's storage nor D1 holds the plaintext", async () => {
    const o = await org();
    expect((await putSecret(o.slug, o.token, "HOOK_KEY", VALUE)).status).toBe(204);
    const rows = await runInDurableObject(o.stub, (_i, state) => {
      const dump: unknown[] = [];
      const tables = state.storage.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'")
        .toArray();
      for (const t of tables) dump.push(...state.storage.sql.exec(`SELECT * FROM "${t.name}"`).toArray());
      return { dump: JSON.stringify(dump), sealed: state.storage.sql.exec<{ sealed: string }>("SELECT sealed FROM org_secrets").one().sealed };
    });
    expect(rows.sealed).toMatch(/^v1\.admin-token\./);
    expect(rows.dump).not.toContain("s3cr3t");
    const d1Tables = (
      await env.DB.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'",
      ).all<{ name: string }>()
    ).results;
    for (const t of d1Tables) {
      const all = await env.DB.prepare(`SELECT * FROM "${t.name}"`).all();
      expect(JSON.stringify(all.results), t.name).not.toContain("s3cr3t");
    }
  });

  it("a sealed value copied into another organization does not decrypt there", async () => {
    const a = await org();
    const b = await org();
    expect((await putSecret(a.slug, a.token, "HOOK_KEY", VALUE)).status).toBe(204);
    const sealed = await runInDurableObject(
      a.stub,
      (_i, state) => state.storage.sql.exec<{ sealed: string }>("SELECT sealed FROM org_secrets WHERE name = 'HOOK_KEY'").one().sealed,
    );
    const ring = await keyringFrom(env);
    const inA = await runInDurableObject(a.stub, (_i, state) => readSecret(new SecretStore(state.storage.sql), ring, a.org.org_id, "HOOK_KEY"));
    expect(inA).toEqual({ ok: true, value: VALUE });
    const inB = await runInDurableObject(b.stub, (_i, state) => {
      state.storage.sql.exec("INSERT INTO org_secrets (name, sealed, created_at, updated_at) VALUES ('HOOK_KEY', ?, '', '')", sealed);
      return readSecret(new SecretStore(state.storage.sql), ring, b.org.org_id, "HOOK_KEY");
    });
    expect(inB).toMatchObject({ ok: false, reason: expect.stringMatching(/does not decrypt/) });
    const missing = await runInDurableObject(b.stub, (_i, state) => readSecret(new SecretStore(state.storage.sql), ring, b.org.org_id, "NOT_SET"));
    expect(missing).toMatchObject({ ok: false, reason: expect.stringMatching(/NOT_SET is not set/) });
  });

  it("validates names, values and the body; bounds the number of secrets", async () => {
    const o = await org();
    for (const name of ["lower_case", "1LEADING_DIGIT", "WITH-DASH", "A".repeat(65)]) {
      const r = await putSecret(o.slug, o.token, name, VALUE);
      expectProblem(r, 422, "validation");
      expect(errorPaths(r), name).toEqual(["name"]);
    }
    for (const value of ["too-short", "x".repeat(4097), 1234567890123456, null]) {
      const r = await putSecret(o.slug, o.token, "HOOK_KEY", value);
      expectProblem(r, 422, "validation");
      expect(errorPaths(r)).toEqual(["value"]);
    }
    const extra = await api("PUT", `/v1/orgs/${o.slug}/secrets/HOOK_KEY`, { token: o.token, body: { value: VALUE, name: "OTHER" } });
    expectProblem(extra, 422, "validation");
    expect((await listSecrets(o.slug, o.token)).body.items).toEqual([]);

    for (let i = 0; i < 50; i++) expect((await putSecret(o.slug, o.token, `KEY_${i}`, VALUE)).status, `secret ${i}`).toBe(204);
    const over = await putSecret(o.slug, o.token, "ONE_TOO_MANY", VALUE);
    expectProblem(over, 422, "validation");
    expect(over.body.detail).toMatch(/at most 50/);
    // Replacing an existing one is still fine.
    expect((await putSecret(o.slug, o.token, "KEY_7", OTHER_VALUE)).status).toBe(204);
    expect((await listSecrets(o.slug, o.token)).body.items).toHaveLength(50);
  });

  it("is for org admins: members get 403, other organizations 404", async () => {
    const o = await org();
    const other = await org();
    expect((await putSecret(o.slug, o.token, "HOOK_KEY", VALUE)).status).toBe(204);
    const member = await api("POST", `/v1/orgs/${o.slug}/tokens`, {
      token: o.token,
      body: { name: "staff", positions: [{ level: 1001, role: "Operations" }] },
    });
    expect(member.status, JSON.stringify(member.body)).toBe(201);
    const staff = member.body.token as string;
    expectProblem(await putSecret(o.slug, staff, "HOOK_KEY", OTHER_VALUE), 403);
    expectProblem(await listSecrets(o.slug, staff), 403);
    expectProblem(await api("DELETE", `/v1/orgs/${o.slug}/secrets/HOOK_KEY`, { token: staff }), 403);
    expectProblem(await putSecret(o.slug, other.token, "HOOK_KEY", OTHER_VALUE), 404);
    expectProblem(await listSecrets(o.slug, other.token), 404);
    expectProblem(await api("DELETE", `/v1/orgs/${o.slug}/secrets/HOOK_KEY`, { token: other.token }), 404);
    // The platform admin acts as an org admin.
    expect((await listSecrets(o.slug, "test-admin-token")).body.items).toHaveLength(1);
    expect((await listSecrets(other.slug, other.token)).body.items).toEqual([]);
  });

  it("is described in the OpenAPI document", async () => {
    const doc = await api("GET", "/v1/openapi.json", { token: null });
    expect(Object.keys(doc.body.paths["/v1/orgs/{org}/secrets/{name}"]).sort()).toEqual(["delete", "put"]);
    expect(Object.keys(doc.body.paths["/v1/orgs/{org}/secrets"])).toEqual(["get"]);
  });
});

describe("webhook URLs where a profile is set", () => {
  it("development (ORGO_ENV=development) accepts local receivers, and a secret that is not set yet", async () => {
    expect(env.ORGO_ENV).toBe("development");
    const o = await org(webhookProfile("http://127.0.0.1:9999/hook", "NOT_SET_YET"));
    expect((await putProfile(o.slug, o.token, webhookProfile("http://localhost:3000/hook"))).status).toBe(200);
  });

  it("production refuses private, loopback and plain-http URLs with 422 naming the url path, and keeps the profile", async () => {
    const o = await org();
    await runAsProduction(o.stub);
    for (const url of [
      "https://127.0.0.1/hook",
      "https://2130706433/hook",
      "https://[::ffff:127.0.0.1]/hook",
      "https://169.254.169.254/latest",
      "https://10.0.0.8/",
      "https://hooks.internal/",
      "https://localhost/",
      "http://hooks.example.com/",
      "https://hooks.example.com:8443/",
    ]) {
      const r = await putProfile(o.slug, o.token, webhookProfile(url));
      expectProblem(r, 422, "invalid-profile");
      expect(errorPaths(r), url).toEqual([URL_PATH]);
    }
    const current = await api("GET", `/v1/orgs/${o.slug}/profile`, { token: o.token });
    expect(current.body.name).toBe("plain");
    // A public https receiver is fine, even before its secret is set (it can be set afterwards).
    const ok = await putProfile(o.slug, o.token, webhookProfile("https://hooks.example.com/orgo", "SET_LATER"));
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.notifications.channels.webhook).toMatchObject({ url: "https://hooks.example.com/orgo", secret_name: "SET_LATER" });
  });

  it("production refuses them when an organization is created, too", async () => {
    const ns = env.ORG as unknown as DurableObjectNamespace<OrgObject>;
    const stub = ns.get(ns.idFromName(crypto.randomUUID()));
    used.push(stub);
    await runAsProduction(stub);
    const { profile, yaml } = profileFromYaml(webhookProfile("https://192.168.0.10/hook"));
    const orgId = crypto.randomUUID();
    const init = (p = profile, y = yaml) =>
      runInDurableObject(stub, (instance: OrgObject) =>
        instance.initialize({
          org: { org_id: orgId, slug: `direct-${orgId.slice(0, 8)}`, name: "Direct", profile_name: p.name },
          profile: p,
          profile_yaml: y,
          admin: { email: "admin@direct.example", display_name: "Admin", password_hash: null, admin: true, positions: [] },
          token_hash: "0".repeat(64),
        }),
      );
    const refused = await init();
    expect(refused).toMatchObject({ ok: false, error: { code: "invalid_profile", errors: [{ path: URL_PATH }] } });
    // Nothing was written: the organization can still be created with an acceptable profile.
    const good = profileFromYaml(webhookProfile("https://hooks.example.com/orgo"));
    expect(await init(good.profile, good.yaml)).toMatchObject({ ok: true });
  });
});
