/**
 * A person's sensitive attributes open only through a trusted link: a case
 * naming the person, linked by someone who already saw them (an org admin,
 * or a member close to the person through another trusted link), seen by
 * those who may act on that case. Naming a person on one's own case or
 * signal opens nothing.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createOrg, expectProblem, newCase, orgStub } from "./helpers";

type Org = Awaited<ReturnType<typeof createOrg>>;

const PROFILE = `name: ntk_person_links
extends: base
privacy: need_to_know
roles: [Operations, Operations.Safety, Operations.Maintenance, Facilities]
sensitive_person_fields: [diagnosis, mrn]
`;
const SAFETY = "1001.91.Operations.Safety";
const MAINTENANCE = "1001.91.Operations.Maintenance";
const DIAGNOSIS = "diagnosis-copd-4417";
const MRN = "MRN-99004417";
const FULL = { diagnosis: DIAGNOSIS, mrn: MRN, ward: "4C" };
const RESTRICTED = { diagnosis: "[restricted]", mrn: "[restricted]", ward: "4C" };

async function member(o: Org, name: string, positions: { level: number; role: string }[]): Promise<string> {
  const email = `${name}@${o.slug}.example`;
  const password = `pw-${name}-0123`;
  const u = await api("POST", `/v1/orgs/${o.slug}/users`, { token: o.token, body: { email, display_name: name, password, positions } });
  expect(u.status, JSON.stringify(u.body)).toBe(201);
  const l = await api("POST", "/v1/auth/login", { token: null, body: { org: o.slug, email, password } });
  expect(l.status, JSON.stringify(l.body)).toBe(200);
  return l.body.token as string;
}

describe("sensitive person fields open only through a trusted link", () => {
  let o: Org;
  let safety: string;
  let maintenance: string;
  let person: { person_id: string };

  beforeAll(async () => {
    o = await createOrg({ profile_yaml: PROFILE });
    safety = await member(o, "safety", [{ level: 1001, role: "Operations.Safety" }]);
    maintenance = await member(o, "maintenance", [{ level: 1001, role: "Operations.Maintenance" }]);
    const p = await api("POST", `/v1/orgs/${o.slug}/persons`, { token: o.token, body: { display_name: "Robin Patient", kind: "patient", attributes: FULL } });
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    person = p.body;
  }, 120_000);

  afterAll(async () => {
    if (o) await runInDurableObject(orgStub(o.org.org_id), (_instance, state) => state.storage.deleteAlarm());
  });

  const attributesAs = async (token: string) => {
    const r = await api("GET", `/v1/orgs/${o.slug}/persons/${person.person_id}`, { token });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.attributes;
  };
  const patchPerson = (token: string, attributes: Record<string, unknown>) =>
    api("PATCH", `/v1/orgs/${o.slug}/persons/${person.person_id}`, { token, body: { attributes } });
  const trustedInD1 = async (caseId: string) =>
    (await env.DB.prepare("SELECT person_link_trusted AS t FROM cases WHERE case_id = ?").bind(caseId).first<{ t: number }>())!.t;

  it("a member who names the person on a case of their own team still sees [restricted] and may not change them", async () => {
    const c = await newCase(o.slug, safety, { title: "Fall on the stairs", label: SAFETY, person_id: person.person_id });
    expect(c.person_link_trusted).toBe(false);
    expect(await trustedInD1(c.case_id)).toBe(0);
    expect(await attributesAs(safety)).toEqual(RESTRICTED);
    expectProblem(await patchPerson(safety, { diagnosis: "overwritten" }), 403, "forbidden");
    // Re-linking by patch is no different.
    const other = await newCase(o.slug, safety, { title: "Second report", label: SAFETY });
    const patched = await api("PATCH", `/v1/orgs/${o.slug}/cases/${other.case_id}`, { token: safety, body: { person_id: person.person_id } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.person_link_trusted).toBe(false);
    expect(await attributesAs(safety)).toEqual(RESTRICTED);
  });

  it("a member who names the person in a signal still sees [restricted] and may not change them", async () => {
    const s = await api("POST", `/v1/orgs/${o.slug}/signals`, {
      token: safety,
      body: { title: "Patient wandered off", label: SAFETY, person_id: person.person_id },
    });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    expect(s.body.case).toMatchObject({ person_id: person.person_id, person_link_trusted: false });
    expect(await attributesAs(safety)).toEqual(RESTRICTED);
    expectProblem(await patchPerson(safety, { diagnosis: "overwritten" }), 403, "forbidden");
    expect(await attributesAs(o.token)).toEqual(FULL);
  });

  it("after an admin links the person to a case of the member's team, the member sees and may change them", async () => {
    const c = await newCase(o.slug, o.token, { title: "Care plan", label: SAFETY, person_id: person.person_id });
    expect(c.person_link_trusted).toBe(true);
    expect(await trustedInD1(c.case_id)).toBe(1);
    expect(await attributesAs(safety)).toEqual(FULL);
    const changed = await patchPerson(safety, { ...FULL, ward: "4D" });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.attributes).toEqual({ ...FULL, ward: "4D" });
    // Another team gains nothing from it.
    expect(await attributesAs(maintenance)).toEqual({ ...RESTRICTED, ward: "4D" });
    expectProblem(await patchPerson(maintenance, FULL), 403, "forbidden");
  });

  it("a member close to the person passes sight on; being the creator of a linked case alone is not sight", async () => {
    // The safety member is close (the admin's case): their link on a maintenance case is trusted.
    const handover = await newCase(o.slug, safety, { title: "Fix the bed rail", label: MAINTENANCE, person_id: person.person_id });
    expect(handover.person_link_trusted).toBe(true);
    expect((await attributesAs(maintenance)).diagnosis).toBe(DIAGNOSIS);
    // The admin unlinks the person from every safety case: the safety member keeps only the maintenance case they created.
    const safetyCases = (await api("GET", `/v1/orgs/${o.slug}/cases?label=${SAFETY}&limit=200`, { token: o.token })).body.items;
    for (const c of safetyCases.filter((x: { person_id: string | null }) => x.person_id === person.person_id)) {
      const r = await api("PATCH", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token, body: { person_id: null } });
      expect(r.body).toMatchObject({ person_id: null, person_link_trusted: false });
    }
    expect(await attributesAs(safety)).toEqual({ ...RESTRICTED, ward: "4D" });
    expectProblem(await patchPerson(safety, FULL), 403, "forbidden");
    expect((await attributesAs(maintenance)).diagnosis).toBe(DIAGNOSIS);
  });

  it("an admin re-stating an untrusted link confirms it; a member re-stating a trusted one does not weaken it", async () => {
    const c = await newCase(o.slug, safety, { title: "Reported by staff", label: SAFETY, person_id: person.person_id });
    expect(c.person_link_trusted).toBe(false);
    expect(await attributesAs(safety)).toEqual({ ...RESTRICTED, ward: "4D" });
    const confirmed = await api("PATCH", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token, body: { person_id: person.person_id } });
    expect(confirmed.body.person_link_trusted).toBe(true);
    expect((await attributesAs(safety)).diagnosis).toBe(DIAGNOSIS);
    const restated = await api("PATCH", `/v1/orgs/${o.slug}/cases/${c.case_id}`, {
      token: safety,
      body: { person_id: person.person_id, title: "Reported by staff (checked)" },
    });
    expect(restated.body.person_link_trusted).toBe(true);
  });
});
