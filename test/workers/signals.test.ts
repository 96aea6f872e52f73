import { describe, expect, it } from "vitest";
import { api, createOrg } from "./helpers";

const leak = (site: string, key?: string) => ({
  source: "api",
  ...(key ? { idempotency_key: key } : {}),
  title: "Water leak in the stockroom",
  body: "There is a leak under the sink",
  location: { site, area: "Stockroom" },
  metadata: { incident_type: "water" },
});

describe("signals", () => {
  it("routes a signal through the profile's flow rules into a case with tasks", async () => {
    const { slug, token } = await createOrg({ profile: "retail_ops" });
    const r = await api("POST", `/v1/orgs/${slug}/signals`, { token, body: leak("Store 1") });
    expect(r.status).toBe(201);
    // water-leak decides the case; slip-hazard (continue: true) adds its wet-floor task.
    expect(r.body.matched_rules).toEqual(["water-leak", "slip-hazard"]);
    expect(r.body.case.label).toBe("1001.91.Operations.Maintenance");
    expect(r.body.case.severity).toBe("high");
    expect(r.body.tasks).toHaveLength(2);
    expect(r.body.tasks[0]).toMatchObject({ subtype: "leak", title: "Fix leak at Store 1", owner_role: "Operations.Maintenance", severity: "high" });
    expect(r.body.tasks[1]).toMatchObject({ subtype: "slip_hazard", owner_role: "Operations.Safety", severity: "high", reactivity_time: "PT10M" });
    const deadline = Date.parse(r.body.tasks[1].reactivity_deadline) - Date.parse(r.body.tasks[1].created_at);
    expect(deadline).toBe(10 * 60_000);
    expect(r.body.duplicate).toBe(false);
  });

  it("answers a replayed idempotency key with the first result and creates nothing", async () => {
    const { slug, token } = await createOrg();
    const first = await api("POST", `/v1/orgs/${slug}/signals`, { token, body: leak("Store 2", "k-1") });
    const again = await api("POST", `/v1/orgs/${slug}/signals`, { token, body: { idempotency_key: "k-1", title: 42 } });
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);
    expect(again.body.signal_id).toBe(first.body.signal_id);
    const cases = await api("GET", `/v1/orgs/${slug}/cases`, { token });
    expect(cases.body.items).toHaveLength(1);
  });

  it("a rejected signal does not use its key up", async () => {
    const { slug, token } = await createOrg();
    const bad = await api("POST", `/v1/orgs/${slug}/signals`, { token, body: { idempotency_key: "k-2", title: "x", label: "1001.91.Nope" } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toBe("label");
    const good = await api("POST", `/v1/orgs/${slug}/signals`, { token, body: { idempotency_key: "k-2", title: "A real one" } });
    expect(good.status).toBe(201);
  });

  it("joins a burst of reports with the same dedupe key into one case", async () => {
    const { slug, token } = await createOrg();
    const a = await api("POST", `/v1/orgs/${slug}/signals`, { token, body: leak("Store 3") });
    const b = await api("POST", `/v1/orgs/${slug}/signals`, { token, body: leak("Store 3") });
    expect(b.status).toBe(201);
    expect(b.body.case.case_id).toBe(a.body.case.case_id);
    expect(b.body.tasks).toHaveLength(0);
    const timeline = await api("GET", `/v1/orgs/${slug}/cases/${a.body.case.case_id}/timeline`, { token });
    expect(timeline.body.items.filter((i: { kind: string }) => i.kind === "signal")).toHaveLength(2);
  });

  it("applies a batch item by item: bad items are rejected alone, a replay creates nothing", async () => {
    const { slug, token } = await createOrg();
    const signals = Array.from({ length: 100 }, (_, i) =>
      i % 40 === 7 ? { idempotency_key: `b-${i}`, title: "" } : { idempotency_key: `b-${i}`, title: `Report ${i}`, occurred_at: new Date(Date.UTC(2026, 10, 1, 0, 100 - i)).toISOString() },
    );
    const r = await api("POST", `/v1/orgs/${slug}/signals/batch`, { token, body: { signals } });
    expect(r.status).toBe(200);
    const rejected = r.body.results.filter((x: { status: string }) => x.status === "rejected");
    expect(rejected.map((x: { index: number }) => x.index)).toEqual([7, 47, 87]);
    expect(r.body.results.filter((x: { status: string }) => x.status === "created")).toHaveLength(97);
    const replay = await api("POST", `/v1/orgs/${slug}/signals/batch`, { token, body: { signals } });
    expect(replay.body.results.filter((x: { status: string }) => x.status === "duplicate")).toHaveLength(97);
    const count = await api("GET", `/v1/orgs/${slug}/cases?limit=200`, { token });
    expect(count.body.items).toHaveLength(97);
  });

  it("accepts NDJSON where a line that is not JSON is rejected alone", async () => {
    const { slug, token } = await createOrg();
    const raw = [JSON.stringify({ idempotency_key: "n1", title: "One" }), "{not json", JSON.stringify({ idempotency_key: "n2", title: "Two" })].join("\n");
    const r = await api("POST", `/v1/orgs/${slug}/signals/batch`, { token, raw, type: "application/x-ndjson" });
    expect(r.status).toBe(200);
    expect(r.body.results.map((x: { status: string }) => x.status)).toEqual(["created", "rejected", "created"]);
  });

  it("opens the pattern case when five leak tasks hit one site within the window", async () => {
    const { slug, token } = await createOrg();
    for (let i = 0; i < 5; i++) {
      const s = await api("POST", `/v1/orgs/${slug}/signals`, { token, body: leak("Building A") });
      // Resolve the case so the next report opens a new one (and a new leak task), not a dedupe join.
      expect(s.body.tasks).toHaveLength(2);
      for (const task of s.body.tasks) {
        await api("POST", `/v1/orgs/${slug}/tasks/${task.task_id}/transition`, { token, body: { to: "in_progress" } });
        await api("POST", `/v1/orgs/${slug}/tasks/${task.task_id}/transition`, { token, body: { to: "completed" } });
      }
      const audits = await api("GET", `/v1/orgs/${slug}/cases?label=11.14.Facilities`, { token });
      expect(audits.body.items).toHaveLength(i < 4 ? 0 : 1);
    }
    const audits = await api("GET", `/v1/orgs/${slug}/cases?label=11.14.Facilities`, { token });
    expect(audits.body.items).toHaveLength(1);
    expect(audits.body.items[0].title).toBe("Infrastructure Audit: Building A");
  });
});
