/**
 * Open standards through the real Worker: Open311 GeoReport v2 requests
 * round-trip as signals and cases, a crisis case answers as a CAP 1.2 alert,
 * and a case reads as JSON-LD on Accept. The CAP body is compared with the
 * builder's output for the same case, which test/core/interop-cap.test.ts
 * validates against the OASIS schema (xmllint-wasm runs in worker threads,
 * which workerd does not have).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { buildCapAlert } from "../../core/interop/cap";
import { api, createOrg, errorPaths, expectProblem, rawFetch } from "./helpers";

const PROFILE = (name: string, privacy: "open" | "need_to_know") => `
name: ${name}
extends: base
privacy: ${privacy}
roles: [Operations, Operations.Safety, Operations.Streets, Facilities]
flow_rules: []
default_label: 1001.14.Operations
modules:
  open311:
    services:
      - service_code: pothole
        service_name: Pothole
        description: A hole in the road
        group: Streets
        keywords: [road, hole]
        label: 1001.11.Operations.Streets
        severity: medium
      - service_code: gas
        service_name: Gas smell
        label: 1001.91.Operations.Safety
        severity: critical
linked_data:
  categories: { "9": Q2472587 }
  sites: { "Town Hall": Q1234567 }
  roles: { Operations.Safety: Q1056396 }
`;

type Org = Awaited<ReturnType<typeof createOrg>>;

function postForm(slug: string, token: string, form: string, headers: Record<string, string> = {}) {
  return rawFetch(`/v1/orgs/${slug}/open311/requests.json`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded", ...headers },
    body: form,
  });
}

const path = (o: Org, rest: string) => `/v1/orgs/${o.slug}${rest}`;

describe("Open311 GeoReport v2", () => {
  let o: Org;
  beforeAll(async () => {
    o = await createOrg({ profile_yaml: PROFILE("civic_open", "open") });
  });

  it("lists the profile's services", async () => {
    const r = await api("GET", path(o, "/open311/services.json"), { token: o.token });
    expect(r.status).toBe(200);
    expect(r.body).toEqual([
      {
        service_code: "pothole",
        service_name: "Pothole",
        description: "A hole in the road",
        metadata: false,
        type: "realtime",
        keywords: "road,hole",
        group: "Streets",
      },
      { service_code: "gas", service_name: "Gas smell", description: null, metadata: false, type: "realtime", keywords: "", group: null },
    ]);
  });

  it("a form-encoded request becomes a signal and its case, reads back open, then closed once the case is resolved", async () => {
    const created = await postForm(
      o.slug,
      o.token,
      "service_code=pothole&lat=47.3769&long=8.5417&description=Deep+hole+by+the+bus+stop&email=ann%40example.com&first_name=Ann&attribute[SIZE]=large",
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toEqual([{ service_request_id: expect.any(String), service_notice: null, account_id: null }]);
    const id: string = created.body[0].service_request_id;

    const one = await api("GET", path(o, `/open311/requests/${id}.json`), { token: o.token });
    expect(one.status, JSON.stringify(one.body)).toBe(200);
    expect(one.body).toHaveLength(1);
    const request = one.body[0];
    expect(request).toMatchObject({
      service_request_id: id,
      status: "open",
      service_code: "pothole",
      service_name: "Pothole",
      description: "Deep hole by the bus stop",
      lat: 47.3769,
      long: 8.5417,
      address: null,
      agency_responsible: "Operations.Streets",
    });
    expect(request.expected_datetime).toEqual(expect.any(String));
    expect(JSON.stringify(request)).not.toContain("ann@example.com");

    // The case: the service's label and severity, the reporter only under metadata.reporter.
    const timeline = await api("GET", path(o, "/cases?label=1001.11.Operations.Streets"), { token: o.token });
    const kase = timeline.body.items.find((c: { title: string }) => c.title === "Pothole: Deep hole by the bus stop");
    expect(kase).toMatchObject({ severity: "medium", location: { site: "47.3769,8.5417", area: null } });
    expect(kase.metadata.reporter).toEqual({ email: "ann@example.com", first_name: "Ann" });
    expect(kase.metadata.open311).toMatchObject({ service_code: "pothole", attributes: { SIZE: "large" } });

    const resolved = await api("PATCH", path(o, `/cases/${kase.case_id}`), { token: o.token, body: { status: "resolved" } });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    const after = await api("GET", path(o, `/open311/requests/${id}.json`), { token: o.token });
    expect(after.body[0]).toMatchObject({ status: "closed", expected_datetime: null });
  });

  it("a JSON request is accepted too; an Idempotency-Key makes a retry answer the first id", async () => {
    const body = { service_code: "gas", address_string: "Town Hall", description: "Smell of gas in the hall", phone: "+41 79 000 00 00" };
    const first = await api("POST", path(o, "/open311/requests.json"), { token: o.token, body, headers: { "idempotency-key": '"o311-1"' } });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const again = await api("POST", path(o, "/open311/requests.json"), { token: o.token, body, headers: { "idempotency-key": '"o311-1"' } });
    expect(again.status).toBe(200);
    expect(again.body[0].service_request_id).toBe(first.body[0].service_request_id);
    const one = await api("GET", path(o, `/open311/requests/${first.body[0].service_request_id}.json`), { token: o.token });
    expect(one.body[0]).toMatchObject({ status: "open", address: "Town Hall", service_code: "gas", lat: null, long: null });
  });

  it("lists requests with the standard's filters", async () => {
    const all = await api("GET", path(o, "/open311/requests.json"), { token: o.token });
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body.map((r: { service_code: string }) => r.service_code)).toEqual(["gas", "pothole"]);

    const closed = await api("GET", path(o, "/open311/requests.json?status=closed"), { token: o.token });
    expect(closed.body.map((r: { service_code: string }) => r.service_code)).toEqual(["pothole"]);
    const gas = await api("GET", path(o, "/open311/requests.json?service_code=gas&status=open,closed"), { token: o.token });
    expect(gas.body.map((r: { service_code: string }) => r.service_code)).toEqual(["gas"]);
    const byId = await api("GET", path(o, `/open311/requests.json?service_request_id=${all.body[1].service_request_id}&status=open`), { token: o.token });
    expect(byId.body.map((r: { service_request_id: string }) => r.service_request_id)).toEqual([all.body[1].service_request_id]);
    const past = await api("GET", path(o, "/open311/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z"), { token: o.token });
    expect(past.body).toEqual([]);

    expectProblem(await api("GET", path(o, "/open311/requests.json?start_date=2020-01-01T00:00:00Z"), { token: o.token }), 422);
    expectProblem(await api("GET", path(o, "/open311/requests.json?status=pending"), { token: o.token }), 422);
    expectProblem(await api("GET", path(o, "/open311/requests.json?colour=red"), { token: o.token }), 422);
  });

  it("refuses an unknown service, a request without a location, and a body in another format", async () => {
    const unknown = await postForm(o.slug, o.token, "service_code=unicorn&address_string=Main+St");
    expectProblem(unknown, 422);
    expect(errorPaths(unknown)).toEqual(["service_code"]);
    const nowhere = await postForm(o.slug, o.token, "service_code=pothole&description=somewhere");
    expectProblem(nowhere, 422);
    expect(errorPaths(nowhere)).toEqual(["location"]);
    const badLat = await postForm(o.slug, o.token, "service_code=pothole&lat=123&long=8");
    expectProblem(badLat, 422);
    expect(errorPaths(badLat)).toEqual(["lat"]);
    const text = await rawFetch(path(o, "/open311/requests.json"), {
      method: "POST",
      headers: { authorization: `Bearer ${o.token}`, "content-type": "text/plain" },
      body: "service_code=pothole",
    });
    expectProblem(text, 400);
    // Forms are for this route only.
    const formElsewhere = await rawFetch(path(o, "/signals"), {
      method: "POST",
      headers: { authorization: `Bearer ${o.token}`, "content-type": "application/x-www-form-urlencoded" },
      body: "title=x",
    });
    expectProblem(formElsewhere, 400);
  });

  it("an unknown request is 404, and so is every Open311 route of an organization without the module", async () => {
    expectProblem(await api("GET", path(o, `/open311/requests/${crypto.randomUUID()}.json`), { token: o.token }), 404);
    const plain = await createOrg();
    expectProblem(await api("GET", `/v1/orgs/${plain.slug}/open311/services.json`, { token: plain.token }), 404);
    expectProblem(await postForm(plain.slug, plain.token, "service_code=pothole&address_string=x"), 404);
    expectProblem(await api("GET", `/v1/orgs/${plain.slug}/open311/requests.json`, { token: plain.token }), 404);
  });

  it("shows a request only to those who may see its case", async () => {
    const ntk = await createOrg({ profile_yaml: PROFILE("civic_ntk", "need_to_know") });
    const gas = await postForm(ntk.slug, ntk.token, "service_code=gas&address_string=Town+Hall");
    expect(gas.status, JSON.stringify(gas.body)).toBe(201);
    const id: string = gas.body[0].service_request_id;
    const facilities = await api("POST", `/v1/orgs/${ntk.slug}/tokens`, {
      token: ntk.token,
      body: { name: "facilities", positions: [{ level: 1001, role: "Facilities" }] },
    });
    const safety = await api("POST", `/v1/orgs/${ntk.slug}/tokens`, {
      token: ntk.token,
      body: { name: "safety", positions: [{ level: 1001, role: "Operations.Safety" }] },
    });
    expect(facilities.status).toBe(201);
    expectProblem(await api("GET", `/v1/orgs/${ntk.slug}/open311/requests/${id}.json`, { token: facilities.body.token }), 404);
    expect((await api("GET", `/v1/orgs/${ntk.slug}/open311/requests.json`, { token: facilities.body.token })).body).toEqual([]);
    expect((await api("GET", `/v1/orgs/${ntk.slug}/open311/requests/${id}.json`, { token: safety.body.token })).status).toBe(200);
    expect((await api("GET", `/v1/orgs/${ntk.slug}/open311/requests.json`, { token: safety.body.token })).body).toHaveLength(1);
    // Another organization's token reads nothing of it.
    expectProblem(await api("GET", `/v1/orgs/${ntk.slug}/open311/requests/${id}.json`, { token: o.token }), 404);
  });
});

describe("CAP 1.2 and JSON-LD forms of a case", () => {
  let o: Org;
  let crisis: any;
  let routine: any;
  beforeAll(async () => {
    o = await createOrg({ profile_yaml: PROFILE("civic_interop", "open") });
    const c = await api("POST", path(o, "/cases"), {
      token: o.token,
      body: {
        title: 'Gas leak <Hall B> & "smoke" — Zürich',
        description: "Smell reported by the caretaker",
        label: "1001.91.Operations.Safety",
        severity: "critical",
        location: { site: "Town Hall", area: "Basement" },
      },
    });
    expect(c.status, JSON.stringify(c.body)).toBe(201);
    crisis = c.body;
    const t = await api("POST", path(o, `/cases/${crisis.case_id}/tasks`), {
      token: o.token,
      body: { title: "Evacuate the hall", owner_role: "Operations.Safety" },
    });
    expect(t.status).toBe(201);
    routine = (await api("POST", path(o, "/cases"), { token: o.token, body: { title: "Pothole", label: "1001.11.Operations.Streets", severity: "low" } })).body;
  });

  it("a crisis case answers as application/cap+xml, the same document the schema-checked builder makes", async () => {
    const r = await api("GET", path(o, `/cases/${crisis.case_id}/cap`), { token: o.token });
    expect(r.status, String(r.body)).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/cap+xml; charset=utf-8");
    const xml = r.body as string;
    expect(xml).toContain('<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">');
    expect(xml).toContain("<msgType>Alert</msgType>");
    expect(xml).toContain("<severity>Extreme</severity>");
    expect(xml).toContain("<event>Gas leak &lt;Hall B&gt; &amp; &quot;smoke&quot; — Zürich</event>");
    expect(xml).toContain("<instruction>Evacuate the hall</instruction>");
    expect(xml).toContain("<value>Q1234567</value>");
    expect(xml).toContain(`<sender>${o.slug}@orgo.test</sender>`);

    const withTasks = (await api("GET", path(o, `/cases/${crisis.case_id}`), { token: o.token })).body;
    const { tasks, ...kase } = withTasks;
    const expected = buildCapAlert(kase, tasks, {
      org: { slug: o.slug, name: o.org.name, privacy: "open" },
      emailDomain: "orgo.test",
      caseUrl: `https://orgo.test/v1/orgs/${o.slug}/cases/${crisis.case_id}`,
      linkedData: { categories: { "9": "Q2472587" }, sites: { "Town Hall": "Q1234567" }, roles: { "Operations.Safety": "Q1056396" } },
    });
    expect(xml).toBe(expected);
  });

  it("a change makes the next alert an Update of the first; closing the case cancels it", async () => {
    const c = (await api("POST", path(o, "/cases"), { token: o.token, body: { title: "Flood", label: "1001.92.Operations.Safety", severity: "high" } })).body;
    expect((await api("PATCH", path(o, `/cases/${c.case_id}`), { token: o.token, body: { severity: "critical" } })).status).toBe(200);
    const update = (await api("GET", path(o, `/cases/${c.case_id}/cap`), { token: o.token })).body as string;
    expect(update).toContain("<msgType>Update</msgType>");
    expect(update).toMatch(new RegExp(`<references>${o.slug}@orgo.test,orgo-${o.slug}-${c.ref}-v1,[^<]+\\+00:00</references>`));
    expect((await api("PATCH", path(o, `/cases/${c.case_id}`), { token: o.token, body: { status: "closed" } })).status).toBe(200);
    const cancel = (await api("GET", path(o, `/cases/${c.case_id}/cap`), { token: o.token })).body as string;
    expect(cancel).toContain("<msgType>Cancel</msgType>");
    expect(cancel).toContain("<responseType>AllClear</responseType>");
  });

  it("a case outside category 9, an unknown case and another organization's case answer 404", async () => {
    expectProblem(await api("GET", path(o, `/cases/${routine.case_id}/cap`), { token: o.token }), 404);
    expectProblem(await api("GET", path(o, `/cases/${crypto.randomUUID()}/cap`), { token: o.token }), 404);
    const other = await createOrg();
    expectProblem(await api("GET", path(o, `/cases/${crisis.case_id}/cap`), { token: other.token }), 404);
    expectProblem(await api("GET", `/v1/orgs/${other.slug}/cases/${crisis.case_id}/cap`, { token: other.token }), 404);
  });

  it("Accept: application/ld+json reads the case as JSON-LD with schema.org types and Wikidata ties; JSON stays the default", async () => {
    const ld = await api("GET", path(o, `/cases/${crisis.case_id}`), { token: o.token, headers: { accept: "application/ld+json" } });
    expect(ld.status).toBe(200);
    expect(ld.headers.get("content-type")).toBe("application/ld+json; charset=utf-8");
    expect(ld.headers.get("vary")).toMatch(/accept/i);
    expect(ld.body).toMatchObject({
      "@type": "CreativeWork",
      "@id": `https://orgo.test/v1/orgs/${o.slug}/cases/${crisis.case_id}`,
      identifier: crisis.case_id,
      additionalType: "https://www.wikidata.org/wiki/Q2472587",
      contentLocation: { "@type": "Place", name: "Town Hall / Basement" },
      maintainer: { "@type": "Organization", name: "Operations.Safety", sameAs: "https://www.wikidata.org/wiki/Q1056396" },
    });
    expect(ld.body["@context"][0]).toBe("https://schema.org");
    expect(ld.body.potentialAction).toEqual([
      expect.objectContaining({
        "@type": "Action",
        name: "Evacuate the hall",
        actionStatus: "PotentialActionStatus",
        agent: expect.objectContaining({ wikidata: "Q1056396" }),
      }),
    ]);

    const plain = await api("GET", path(o, `/cases/${crisis.case_id}`), { token: o.token });
    expect(plain.headers.get("content-type")).toMatch(/^application\/json/);
    expect(plain.headers.get("vary")).toMatch(/accept/i);
    expect(plain.body.case_id).toBe(crisis.case_id);
    expect(plain.body["@context"]).toBeUndefined();
  });
});
