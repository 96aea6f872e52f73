import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createOrg, errorPaths, expectProblem, orgStub } from "./helpers";

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
      i % 40 === 7
        ? { idempotency_key: `b-${i}`, title: "" }
        : { idempotency_key: `b-${i}`, title: `Report ${i}`, occurred_at: new Date(Date.UTC(2026, 10, 1, 0, 100 - i)).toISOString() },
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

  it("replays a batch of 1,000 signals without creating anything twice", async () => {
    const { slug, token, org } = await createOrg();
    const signals = Array.from({ length: 1_000 }, (_, i) => ({ idempotency_key: `k-${i}`, title: `Shelf report ${i}`, location: { site: `S${i % 7}` } }));
    const first = await api("POST", `/v1/orgs/${slug}/signals/batch`, { token, body: { signals } });
    expect(first.body.results.filter((r: { status: string }) => r.status === "created")).toHaveLength(1_000);
    const replay = await api("POST", `/v1/orgs/${slug}/signals/batch`, { token, body: { signals } });
    expect(replay.body.results.filter((r: { status: string }) => r.status === "duplicate")).toHaveLength(1_000);
    expect(replay.body.results.map((r: { signal_id: string }) => r.signal_id)).toEqual(first.body.results.map((r: { signal_id: string }) => r.signal_id));
    const { env } = await import("cloudflare:workers");
    const n = await env.DB.prepare("SELECT count(*) AS n FROM signals WHERE org_id = ?").bind(org.org_id).first<{ n: number }>();
    expect(n!.n).toBe(1_000);
  });

  it("starts the reactivity clock at receipt, not at occurrence, and keeps both times", async () => {
    const { slug, token, org } = await createOrg({
      profile_yaml: "name: wall\nextends: retail_ops\nreactivity_mode: { critical: wall, high: wall, medium: wall, low: wall }\n",
    });
    const occurred = new Date(Date.now() - 2 * 86_400_000).toISOString();
    const r = await api("POST", `/v1/orgs/${slug}/signals/batch`, {
      token,
      body: {
        signals: [
          {
            idempotency_key: "offline-1",
            source: "api",
            title: "Water leak in the back",
            body: "leak",
            metadata: { incident_type: "water" },
            occurred_at: occurred,
          },
        ],
      },
    });
    const caseId = r.body.results[0].case_id;
    expect(r.body.results[0].status).toBe("created");
    const c = await api("GET", `/v1/orgs/${slug}/cases/${caseId}`, { token });
    // water-leak routes at high: retail_ops gives high items PT30M, counted from receipt.
    expect(c.body.severity).toBe("high");
    expect(c.body.reactivity_time).toBe("PT30M");
    expect(Date.parse(c.body.reactivity_deadline) - Date.parse(c.body.created_at)).toBe(30 * 60_000);
    expect(Date.parse(c.body.reactivity_deadline)).toBeGreaterThan(Date.now());
    const { env } = await import("cloudflare:workers");
    const row = await env.DB.prepare("SELECT occurred_at, received_at FROM signals WHERE org_id = ?")
      .bind(org.org_id)
      .first<{ occurred_at: string; received_at: string }>();
    expect(row!.occurred_at).toBe(occurred);
    expect(Date.parse(row!.received_at) - Date.parse(occurred)).toBeGreaterThanOrEqual(2 * 86_400_000);
  });

  it("applies a batch in occurred_at order", async () => {
    const { slug, token } = await createOrg();
    const t = (h: number) => new Date(Date.UTC(2026, 10, 20, h)).toISOString();
    const signals = [
      { idempotency_key: "late", title: "Third", occurred_at: t(3) },
      { idempotency_key: "early", title: "First", occurred_at: t(1) },
      { idempotency_key: "mid", title: "Second", occurred_at: t(2) },
    ];
    await api("POST", `/v1/orgs/${slug}/signals/batch`, { token, body: { signals } });
    const cases = await api("GET", `/v1/orgs/${slug}/cases`, { token });
    // Newest first: the one that occurred last was applied last.
    expect(cases.body.items.map((c: { title: string }) => c.title)).toEqual(["Third", "Second", "First"]);
  });
});

describe("the Idempotency-Key header", () => {
  const post = (slug: string, token: string, body: unknown, key?: string) =>
    api("POST", `/v1/orgs/${slug}/signals`, { token, body, ...(key === undefined ? {} : { headers: { "idempotency-key": key } }) });

  it("keys a signal like the body field: quoted (structured-field string) or bare, replays answer 200 duplicate", async () => {
    const { slug, token } = await createOrg();
    const first = await post(slug, token, { title: "Shelf collapsed" }, '"hdr-\\"1\\""');
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    // The same key in the body, in the header unquoted, or in both: one signal.
    const inBody = await post(slug, token, { title: "Shelf collapsed", idempotency_key: 'hdr-"1"' });
    expect(inBody.status).toBe(200);
    expect(inBody.body).toMatchObject({ duplicate: true, signal_id: first.body.signal_id });
    const both = await post(slug, token, { title: 42, idempotency_key: 'hdr-"1"' }, 'hdr-"1"');
    expect(both.status).toBe(200);
    expect(both.body.signal_id).toBe(first.body.signal_id);
    const cases = await api("GET", `/v1/orgs/${slug}/cases`, { token });
    expect(cases.body.items).toHaveLength(1);
  });

  it("answers 422 naming idempotency_key when header and body differ, and 422 for a header out of bounds", async () => {
    const { slug, token } = await createOrg();
    const differ = await post(slug, token, { title: "Spill", idempotency_key: "body-key" }, '"header-key"');
    expectProblem(differ, 422, "validation");
    expect(errorPaths(differ)).toEqual(["idempotency_key"]);
    for (const bad of [`"${"k".repeat(201)}"`, '""', '"unterminated']) {
      const r = await post(slug, token, { title: "Spill" }, bad);
      expectProblem(r, 422, "validation");
      expect(errorPaths(r), bad).toEqual(["Idempotency-Key"]);
    }
    // Nothing was created by the rejected requests, and the keys are not used up.
    expect((await api("GET", `/v1/orgs/${slug}/cases`, { token })).body.items).toHaveLength(0);
    expect((await post(slug, token, { title: "Spill" }, '"header-key"')).status).toBe(201);
  });

  it("is documented as a header parameter of POST …/signals", async () => {
    const doc = await api("GET", "/v1/openapi.json", { token: null });
    const params = doc.body.paths["/v1/orgs/{org}/signals"].post.parameters as { name: string; in: string; schema: { maxLength?: number } }[];
    expect(params.find((p) => p.in === "header" && p.name.toLowerCase() === "idempotency-key")).toMatchObject({ schema: { maxLength: 200 } });
  });
});

describe("a signal reaching a case the reporter may not see", () => {
  // A maintenance member reports smoke: the fire rule routes it to a safety case, deduplicated per site.
  const PROFILE = "name: ntk_dedupe\nextends: base\nprivacy: need_to_know\n";
  const smoke = (site: string) => ({ title: "Smoke near the loading dock", location: { site } });

  it("answers the same whether the signal opened a new case or joined a hidden one", async () => {
    const o = await createOrg({ profile_yaml: PROFILE });
    // Members who log in: a user is the creator of the case their signal opens.
    const member = async (role: string) => {
      const email = `${role.toLowerCase()}@${o.slug}.example`;
      const password = "member-password-1";
      const u = await api("POST", `/v1/orgs/${o.slug}/users`, {
        token: o.token,
        body: { email, display_name: role, password, positions: [{ level: 1001, role }] },
      });
      expect(u.status, JSON.stringify(u.body)).toBe(201);
      return (await api("POST", "/v1/auth/login", { token: null, body: { org: o.slug, email, password } })).body.token as string;
    };
    const maintenance = await member("Operations.Maintenance");
    const safety = await member("Operations.Safety");

    const hidden = await api("POST", `/v1/orgs/${o.slug}/signals`, { token: o.token, body: smoke("Depot B") });
    expect(hidden.body.case.label).toBe("1001.91.Operations.Safety");
    const opened = await api("POST", `/v1/orgs/${o.slug}/signals`, { token: maintenance, body: smoke("Depot A") });
    const joined = await api("POST", `/v1/orgs/${o.slug}/signals`, { token: maintenance, body: smoke("Depot B") });
    expect([opened.status, joined.status]).toEqual([201, 201]);
    expect(opened.body).toEqual({ signal_id: expect.any(String), case: null, tasks: [], matched_rules: ["fire-or-evacuation"], duplicate: false });
    expect({ ...joined.body, signal_id: "x" }).toEqual({ ...opened.body, signal_id: "x" });
    // The join did happen: one case at Depot B, holding both signals.
    const timeline = await api("GET", `/v1/orgs/${o.slug}/cases/${hidden.body.case.case_id}/timeline`, { token: o.token });
    expect(timeline.body.items.filter((i: { kind: string }) => i.kind === "signal")).toHaveLength(2);

    // Batches answer alike too: no case_id either way.
    const batch = await api("POST", `/v1/orgs/${o.slug}/signals/batch`, { token: maintenance, body: { signals: [smoke("Depot C"), smoke("Depot B")] } });
    expect(batch.body.results.map((r: object) => Object.keys(r).sort())).toEqual([
      ["index", "signal_id", "status"],
      ["index", "signal_id", "status"],
    ]);

    // A reporter who may see the case still gets it, new or joined.
    const seen = await api("POST", `/v1/orgs/${o.slug}/signals`, { token: safety, body: smoke("Depot B") });
    expect(seen.body.case.case_id).toBe(hidden.body.case.case_id);
    await runInDurableObject(orgStub(o.org.org_id), (_instance, state) => state.storage.deleteAlarm());
  });
});
