import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { SHIPPED_PROFILES } from "../../profiles/bundle.generated";
import { api, createOrg } from "./helpers";

const yaml = (text: string) => ({ raw: text, type: "application/yaml" });

async function counts(orgId: string) {
  const one = async (table: string) => (await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE org_id = ?`).bind(orgId).first<{ n: number }>())!.n;
  return { cases: await one("cases"), tasks: await one("tasks"), audit: await one("audit_events"), signals: await one("signals") };
}

describe("profiles through the API", () => {
  it("reads the active profile as JSON and as the YAML it was given", async () => {
    const { slug, token } = await createOrg({ profile: "hospital" });
    const asJson = await api("GET", `/v1/orgs/${slug}/profile`, { token });
    expect(asJson.status).toBe(200);
    expect(asJson.body.name).toBe("hospital");
    expect(asJson.body.privacy).toBe("need_to_know");
    const asYaml = await api("GET", `/v1/orgs/${slug}/profile`, { token, headers: { accept: "application/yaml" } });
    expect(asYaml.headers.get("content-type")).toMatch(/yaml/);
    expect(asYaml.body).toBe(SHIPPED_PROFILES.hospital);
  });

  it("a changed profile applies to new work at once, and new roles become records", async () => {
    const { slug, token } = await createOrg({ profile: "retail_ops" });
    const put = await api("PUT", `/v1/orgs/${slug}/profile`, {
      token,
      ...yaml(
        "name: retail_fast\nextends: retail_ops\nroles: [Operations, Operations.Safety, Operations.Maintenance, Facilities, StoreOps, StoreOps.Managers, LossPrevention, IT, IT.PointOfSale, CustomerService, Kitchen]\nreactivity: { medium: PT7M }\n",
      ),
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const roles = await api("GET", `/v1/orgs/${slug}/roles`, { token });
    expect(roles.body.items.map((r: { name: string }) => r.name)).toContain("Kitchen");
    const c = await api("POST", `/v1/orgs/${slug}/cases`, { token, body: { title: "x", label: "1001.14.Kitchen", severity: "medium" } });
    expect(c.status).toBe(201);
    expect(c.body.reactivity_time).toBe("PT7M");
  });

  const broken: [string, string, string, number][] = [
    ["bad duration", "name: x\nreactivity:\n  critical: 15 minutes\n", "reactivity.critical", 3],
    ["unknown key", "name: x\nescalation:\n  step: PT1H\n  speed: fast\n", "escalation.speed", 4],
    ["bad label", "name: x\ndefault_label: 1002.14.Operations\n", "default_label", 2],
    [
      "label with unknown role",
      "name: x\nroles: [Operations]\ndefault_label: 1001.14.Operations\nflow_rules:\n  - id: a\n    when: { keywords: [x] }\n    then:\n      case: { label: 1001.91.Nowhere }\n",
      "flow_rules.0.then.case.label",
      8,
    ],
    [
      "duplicate rule id",
      "name: x\nflow_rules:\n  - id: a\n    when: { keywords: [x] }\n    then: {}\n  - id: a\n    when: { keywords: [y] }\n    then: {}\n",
      "flow_rules.1.id",
      6,
    ],
    ["extends cycle", "name: x\nextends: x\n", "extends", 2],
    ["unknown parent", "name: x\nextends: nowhere\n", "extends", 2],
    ["wrong type", "name: x\nroles: Operations\n", "roles", 2],
    ["bad regex", "name: x\nflow_rules:\n  - id: a\n    when: { regex: ['(unclosed'] }\n    then: {}\n", "flow_rules.0.when.regex.0", 4],
    ["bad privacy", "name: x\nprivacy: secret\n", "privacy", 2],
    ["negative retention", "name: x\nretention:\n  audit: -5\n", "retention.audit", 3],
    ["empty roles", "name: x\nroles: []\n", "roles", 2],
  ];

  it.each(broken)("rejects a profile with a %s: 422 with path and line, nothing changed", async (_what, text, path, line) => {
    const { slug, token } = await createOrg({ profile: "retail_ops" });
    const before = await api("GET", `/v1/orgs/${slug}/profile`, { token, headers: { accept: "application/yaml" } });
    const r = await api("PUT", `/v1/orgs/${slug}/profile`, { token, ...yaml(text) });
    expect(r.status, JSON.stringify(r.body)).toBe(422);
    expect(r.headers.get("content-type")).toMatch(/problem\+json/);
    const hit = r.body.errors.find((e: { path: string }) => e.path === path);
    expect(hit, JSON.stringify(r.body.errors)).toBeDefined();
    expect(hit.line).toBe(line);
    const after = await api("GET", `/v1/orgs/${slug}/profile`, { token, headers: { accept: "application/yaml" } });
    expect(after.body).toBe(before.body);
  });

  it("a YAML syntax error names its line", async () => {
    const { slug, token } = await createOrg();
    const r = await api("PUT", `/v1/orgs/${slug}/profile`, { token, ...yaml("name: x\nroles: [Operations\nprivacy: open\n") });
    expect(r.status).toBe(422);
    expect(r.body.errors[0].line).toBeGreaterThanOrEqual(2);
  });
});

describe("profile dry run", () => {
  it("shows exactly the signals a changed keyword rule would move, and writes nothing", async () => {
    const { slug, token, org } = await createOrg({ profile: "retail_ops" });
    const signals = [
      { idempotency_key: "1", title: "Till is broken", location: { site: "S1" } },
      { idempotency_key: "2", title: "Card reader not working", location: { site: "S2" } },
      { idempotency_key: "3", title: "Customer fell near the entrance", location: { site: "S3" } },
      { idempotency_key: "4", title: "Shoplifter seen at door", location: { site: "S4" } },
    ];
    const sent = await api("POST", `/v1/orgs/${slug}/signals/batch`, { token, body: { signals } });
    expect(sent.body.results.every((r: { status: string }) => r.status === "created")).toBe(true);
    const before = await counts(org.org_id);
    const profileBefore = await api("GET", `/v1/orgs/${slug}/profile`, { token, headers: { accept: "application/yaml" } });

    // The candidate drops "till" and "card reader" from the POS rule: those two reports fall to the next matching rule.
    const candidate = SHIPPED_PROFILES.retail_ops!.replace(
      'keywords: [POS, till, tills, register, "card reader", "payment terminal", checkout]',
      'keywords: [POS, register, "payment terminal", checkout]',
    ).replace("name: retail_ops", "name: retail_ops_candidate");
    expect(candidate).not.toBe(SHIPPED_PROFILES.retail_ops);
    const r = await api("POST", `/v1/orgs/${slug}/profile/dry-run?window=P1D`, { token, ...yaml(candidate) });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.signals).toBe(4);
    expect(r.body.changed).toBe(2);
    const moved = r.body.changes.map((c: { title: string }) => c.title).sort();
    expect(moved).toEqual(["Card reader not working", "Till is broken"]);
    for (const change of r.body.changes) {
      expect(change.before.label).toBe("1001.11.IT.PointOfSale");
      expect(change.after.label).not.toBe("1001.11.IT.PointOfSale");
      expect(change.fields).toContain("label");
    }
    expect(r.body.before.by_label["1001.11.IT.PointOfSale"]).toBe(2);
    expect(r.body.after.by_label["1001.11.IT.PointOfSale"]).toBeUndefined();

    expect(await counts(org.org_id)).toEqual(before);
    const profileAfter = await api("GET", `/v1/orgs/${slug}/profile`, { token, headers: { accept: "application/yaml" } });
    expect(profileAfter.body).toBe(profileBefore.body);
  });

  it("the same profile changes nothing; an invalid candidate is 422; staff may not run it", async () => {
    const { slug, token } = await createOrg({ profile: "retail_ops" });
    await api("POST", `/v1/orgs/${slug}/signals`, { token, body: { title: "Water leak", body: "leak", metadata: { incident_type: "water" } } });
    const same = await api("POST", `/v1/orgs/${slug}/profile/dry-run`, { token, body: { profile_yaml: SHIPPED_PROFILES.retail_ops, window: "P1D" } });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ signals: 1, changed: 0 });
    const bad = await api("POST", `/v1/orgs/${slug}/profile/dry-run`, { token, ...yaml("name: x\nprivacy: nope\n") });
    expect(bad.status).toBe(422);
    const staff = await api("POST", `/v1/orgs/${slug}/tokens`, { token, body: { name: "staff", positions: [{ level: 1001, role: "Operations" }] } });
    const denied = await api("POST", `/v1/orgs/${slug}/profile/dry-run`, { token: staff.body.token, ...yaml(SHIPPED_PROFILES.retail_ops!) });
    expect(denied.status).toBe(403);
  });
});
