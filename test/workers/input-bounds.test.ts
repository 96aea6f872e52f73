/**
 * Inputs one organization controls must not stall the runtime for the others:
 * durations are bounded (PT1S to P10Y) wherever they enter, and a hostile
 * profile document gets a small, bounded answer.
 */
import { runInDurableObject } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createOrg, expectProblem, orgStub } from "./helpers";

const yaml = (text: string) => ({ raw: text, type: "application/yaml" });

let org: Awaited<ReturnType<typeof createOrg>>;
beforeAll(async () => {
  org = await createOrg({ profile: "retail_ops" });
});
afterAll(async () => {
  // Cases created below arm the organization's alarm; none may outlive the test.
  await runInDurableObject(orgStub(org.org.org_id), (_instance, state) => state.storage.deleteAlarm());
});

describe("durations are bounded wherever they enter", () => {
  it.each([
    ["P300000D", /too long.*PT1S.*P10Y/],
    ["P300000Y", /too long/],
    ["PT0S", /too short/],
    [`P${"9".repeat(400)}D`, /ISO 8601 duration from PT1S/],
  ])("a case with reactivity_time %s is 422 naming the field", async (reactivity_time, reason) => {
    const r = await api("POST", `/v1/orgs/${org.slug}/cases`, {
      token: org.token,
      body: { title: "Leak", label: "1001.14.Operations", severity: "low", reactivity_time },
    });
    const problem = expectProblem(r, 422);
    const hit = problem.errors?.find((e) => e.path === "reactivity_time");
    expect(hit?.message, JSON.stringify(problem)).toMatch(reason);
  });

  it("ten years is accepted, also counted in business time", async () => {
    const {
      slug,
      token,
      org: created,
    } = await createOrg({
      profile_yaml:
        "name: office\nextends: base\nreactivity_mode: { low: business }\n" +
        "calendar:\n  time_zone: Europe/Berlin\n  working_hours: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']], thu: [['09:00', '17:00']], fri: [['09:00', '17:00']] }\n",
    });
    try {
      for (const reactivity_time of ["P3650D", "PT87600H", "P10Y"]) {
        const r = await api("POST", `/v1/orgs/${slug}/cases`, { token, body: { title: "Slow", severity: "low", reactivity_time } });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        expect(Date.parse(r.body.reactivity_deadline)).toBeGreaterThan(Date.now() + 9 * 365 * 86_400_000);
      }
    } finally {
      await runInDurableObject(orgStub(created.org_id), (_instance, state) => state.storage.deleteAlarm());
    }
  });

  it("a profile with a reactivity window beyond ten years is 422 with its path and line", async () => {
    const r = await api("PUT", `/v1/orgs/${org.slug}/profile`, { token: org.token, ...yaml("name: x\nreactivity:\n  low: P300000D\n") });
    const problem = expectProblem(r, 422, "invalid-profile");
    expect(problem.errors).toEqual([{ path: "reactivity.low", message: expect.stringMatching(/too long.*P10Y/), line: 3, column: 8 }]);
  });

  it("a bad dry-run window is 422 naming `window`, in the query and in a JSON body", async () => {
    const inQuery = await api("POST", `/v1/orgs/${org.slug}/profile/dry-run?window=P300000Y`, { token: org.token, ...yaml("name: x\n") });
    expect(expectProblem(inQuery, 422).errors).toEqual([{ path: "window", message: expect.stringMatching(/too long.*PT1S.*P10Y/) }]);
    const inBody = await api("POST", `/v1/orgs/${org.slug}/profile/dry-run`, { token: org.token, body: { profile_yaml: "name: x\n", window: "PT0.1S" } });
    expect(expectProblem(inBody, 422).errors).toEqual([{ path: "window", message: expect.stringMatching(/too short/) }]);
  });
});

describe("a hostile profile document", () => {
  it("15,000 unknown keys: a small 422 listing 50 problems and counting the rest", async () => {
    let text = "name: x\n";
    for (let i = 0; i < 15_000; i++) text += `k${i}: 1\n`;
    const r = await api("PUT", `/v1/orgs/${org.slug}/profile`, { token: org.token, ...yaml(text) });
    const problem = expectProblem(r, 422, "invalid-profile");
    expect(problem.errors).toHaveLength(51);
    expect(problem.errors?.[50]?.message).toMatch(/^14,950 more problems not listed/);
    expect(JSON.stringify(r.body).length).toBeLessThan(10_000);
  });

  it("a regex RE2 cannot run is refused with its path", async () => {
    const r = await api("PUT", `/v1/orgs/${org.slug}/profile`, {
      token: org.token,
      ...yaml("name: x\nflow_rules:\n  - id: a\n    when: { regex: ['(?<!un)armed'] }\n    then: {}\n"),
    });
    const problem = expectProblem(r, 422, "invalid-profile");
    expect(problem.errors?.[0]).toMatchObject({ path: "flow_rules.0.when.regex.0", line: 4, message: expect.stringMatching(/RE2/) });
  });
});

describe("a dry run's regex work is bounded", () => {
  it("replays only as many long signals as its regex budget affords, and says it was truncated", async () => {
    const o = await createOrg({ profile: "retail_ops" });
    const body = "x ".repeat(4_096);
    const signals = Array.from({ length: 200 }, (_, i) => ({ title: `Report ${i}`, body, idempotency_key: `long-${i}` }));
    const batch = await api("POST", `/v1/orgs/${o.slug}/signals/batch`, { token: o.token, body: { signals } });
    expect(batch.status).toBe(200);
    const regexes = (from: number) => Array.from({ length: 16 }, (_, i) => `'needle${from + i}'`).join(", ");
    const candidate = `name: x\nextends: retail_ops\nflow_rules:\n  - { id: a, when: { regex: [${regexes(0)}] }, then: {} }\n  - { id: b, when: { regex: [${regexes(16)}] }, then: {} }\n`;
    const few = await api("POST", `/v1/orgs/${o.slug}/profile/dry-run`, { token: o.token, ...yaml("name: x\nextends: retail_ops\n") });
    expect(few.status, JSON.stringify(few.body)).toBe(200);
    expect(few.body).toMatchObject({ signals: 200, truncated: false });
    const many = await api("POST", `/v1/orgs/${o.slug}/profile/dry-run`, { token: o.token, ...yaml(candidate) });
    expect(many.status, JSON.stringify(many.body)).toBe(200);
    // 32 patterns × 8,192 characters a signal: the 50,000,000 budget affords 190 of the 200.
    expect(many.body).toMatchObject({ signals: 190, truncated: true });
    await runInDurableObject(orgStub(o.org.org_id), (_instance, state) => state.storage.deleteAlarm());
  });
});
