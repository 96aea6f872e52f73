import { describe, expect, it } from "vitest";
import { api, createOrg } from "./helpers";

describe("smoke", () => {
  it("health answers", async () => {
    const r = await api("GET", "/health", { token: null });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true });
  });

  it("creates an org, a case and a task, and reads them back from D1", async () => {
    const { slug, token } = await createOrg();
    const c = await api("POST", `/v1/orgs/${slug}/cases`, { token, body: { title: "Leak", label: "1001.91.Operations.Maintenance", severity: "high" } });
    expect(c.status).toBe(201);
    const t = await api("POST", `/v1/orgs/${slug}/cases/${c.body.case_id}/tasks`, { token, body: { title: "Fix it" } });
    expect(t.status).toBe(201);
    const got = await api("GET", `/v1/orgs/${slug}/cases/${c.body.case_id}`, { token });
    expect(got.status).toBe(200);
    expect(got.body.tasks).toHaveLength(1);
  });
});
