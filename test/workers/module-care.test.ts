/**
 * The care/HR module through the real Worker: an intake opens a screened
 * case in the intake team's scope; completing the screening resolves it; the
 * person's sensitive attributes show to the intake team and stay
 * `[restricted]` for a member of another team, in the person read and
 * nowhere copied into the case; personnel and consent records round-trip;
 * a disabled module and another organization answer 404.
 */
import { runInDurableObject } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createOrg, expectProblem, orgStub, transition } from "./helpers";

type Org = Awaited<ReturnType<typeof createOrg>>;

const PROFILE = `name: care_intake
extends: base
privacy: need_to_know
roles: [Operations, Operations.Safety, Operations.Maintenance, Care, Care.Intake, Care.Nursing, Facilities]
sensitive_person_fields: [diagnosis, nhs_number]
modules:
  care:
    intake_role: Care.Intake
    screening:
      - title: Safeguarding screen
      - title: Clinical screen
        owner_role: Care.Nursing
    consent_purposes: [data_processing, contact_by_phone]
`;
const PLAIN = `name: no_care
extends: base
roles: [Operations, Operations.Safety, Operations.Maintenance, Care, Facilities]
`;
const DIAGNOSIS = "diag-hypertension-5521";
const NHS = "NHS-943-476-5919";

async function member(o: Org, name: string, positions: { level: number; role: string }[]): Promise<string> {
  const email = `${name}@${o.slug}.example`;
  const password = `pw-${name}-0123`;
  const u = await api("POST", `/v1/orgs/${o.slug}/users`, { token: o.token, body: { email, display_name: name, password, positions } });
  expect(u.status, JSON.stringify(u.body)).toBe(201);
  const l = await api("POST", "/v1/auth/login", { token: null, body: { org: o.slug, email, password } });
  expect(l.status, JSON.stringify(l.body)).toBe(200);
  return l.body.token as string;
}

describe("care module", () => {
  let o: Org;
  let other: Org;
  let plain: Org;
  let intakeWorker: string;
  let nurse: string;
  let facilities: string;

  beforeAll(async () => {
    o = await createOrg({ profile_yaml: PROFILE });
    other = await createOrg({ profile_yaml: PROFILE });
    plain = await createOrg({ profile_yaml: PLAIN });
    intakeWorker = await member(o, "intake", [{ level: 1001, role: "Care.Intake" }]);
    nurse = await member(o, "nurse", [{ level: 1001, role: "Care.Nursing" }]);
    facilities = await member(o, "facilities", [{ level: 1001, role: "Facilities" }]);
  }, 120_000);

  afterAll(async () => {
    for (const org of [o, other, plain]) if (org) await runInDurableObject(orgStub(org.org.org_id), (_i, state) => state.storage.deleteAlarm());
  });

  it("an intake opens a screened case; completing the screening resolves it; sensitive fields show to the intake team only", async () => {
    const r = await api("POST", `/v1/orgs/${o.slug}/intakes`, {
      token: intakeWorker,
      body: {
        person: { display_name: "Morgan Client", kind: "client", attributes: { diagnosis: DIAGNOSIS, nhs_number: NHS, ward: "2B" } },
        title: `Referral for support (${DIAGNOSIS})`,
        body: "Referred by the GP.",
        severity: "high",
        consents: [{ purpose: "data_processing", granted: true }],
      },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const { case: c, tasks, person_id } = r.body;
    expect(c.label).toBe("1001.11.Care.Intake");
    expect(c.person_id).toBe(person_id);
    expect(c.person_link_trusted).toBe(true);
    expect(c.severity).toBe("high");
    // The intake's words do not carry a sensitive value into the case.
    expect(c.title).toBe("Referral for support ([restricted])");
    expect(JSON.stringify(c)).not.toContain(DIAGNOSIS);
    expect(tasks.map((t: { title: string; owner_role: string; label: string }) => [t.title, t.owner_role, t.label])).toEqual([
      ["Safeguarding screen", "Care.Intake", "1001.11.Care.Intake"],
      ["Clinical screen", "Care.Nursing", "1001.11.Care.Nursing"],
    ]);

    // The intake team sees the person whole; a member of another team sees [restricted].
    const asIntake = await api("GET", `/v1/orgs/${o.slug}/persons/${person_id}`, { token: intakeWorker });
    expect(asIntake.status).toBe(200);
    expect(asIntake.body.attributes).toEqual({ diagnosis: DIAGNOSIS, nhs_number: NHS, ward: "2B" });
    const asFacilities = await api("GET", `/v1/orgs/${o.slug}/persons/${person_id}`, { token: facilities });
    expect(asFacilities.status).toBe(200);
    expect(asFacilities.body.attributes).toEqual({ diagnosis: "[restricted]", nhs_number: "[restricted]", ward: "2B" });

    // Case reads carry the person's id only, never their attributes.
    const detail = await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: intakeWorker });
    expect(detail.status).toBe(200);
    expect(detail.body.person_id).toBe(person_id);
    const list = await api("GET", `/v1/orgs/${o.slug}/cases`, { token: o.token });
    for (const text of [JSON.stringify(detail.body), JSON.stringify(list.body)]) {
      expect(text).not.toContain(DIAGNOSIS);
      expect(text).not.toContain(NHS);
    }
    // Under need_to_know, a member of another team does not even see the case.
    expect((await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: facilities })).status).toBe(404);

    // The consent stated at intake is on record.
    const consents = await api("GET", `/v1/orgs/${o.slug}/persons/${person_id}/consents`, { token: intakeWorker });
    expect(consents.status, JSON.stringify(consents.body)).toBe(200);
    expect(consents.body.items.map((x: { purpose: string; granted: boolean }) => [x.purpose, x.granted])).toEqual([["data_processing", true]]);

    // Each team completes its screen; the case resolves.
    for (const [task, token] of [
      [tasks[0], intakeWorker],
      [tasks[1], nurse],
    ] as const) {
      expect((await transition(o.slug, token, task.task_id, { to: "in_progress" })).status).toBe(200);
      expect((await transition(o.slug, token, task.task_id, { to: "completed" })).status).toBe(200);
    }
    const after = await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token });
    expect(after.body.status).toBe("resolved");
  });

  it("an intake for a person already recorded links them; an unknown person is refused", async () => {
    const p = await api("POST", `/v1/orgs/${o.slug}/persons`, { token: o.token, body: { display_name: "Sam Known", attributes: { diagnosis: "x-1" } } });
    const r = await api("POST", `/v1/orgs/${o.slug}/intakes`, { token: o.token, body: { person_id: p.body.person_id, title: "Follow-up" } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.case.person_id).toBe(p.body.person_id);
    expect(r.body.tasks).toHaveLength(2);
    const bad = await api("POST", `/v1/orgs/${o.slug}/intakes`, { token: o.token, body: { person_id: "00000000-0000-4000-8000-000000000000", title: "x" } });
    expectProblem(bad, 422);
    const both = await api("POST", `/v1/orgs/${o.slug}/intakes`, { token: o.token, body: { title: "x" } });
    expectProblem(both, 422);
  });

  it("personnel records round-trip, are listed by role, and are audited by field name only", async () => {
    const p = await api("POST", `/v1/orgs/${o.slug}/persons`, { token: o.token, body: { display_name: "Dana Staff" } });
    const path = `/v1/orgs/${o.slug}/persons/${p.body.person_id}/personnel`;
    const put = await api("PUT", path, {
      token: o.token,
      body: { role: "Care.Nursing", position: "Senior nurse", employment_status: "active", started_on: "2025-03-01" },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ person_id: p.body.person_id, role: "Care.Nursing", position: "Senior nurse", employment_status: "active", version: 1 });
    const again = await api("PUT", path, { token: o.token, body: { role: "Care.Nursing", position: "Senior nurse", employment_status: "leave" } });
    expect(again.body.version).toBe(2);
    expect(again.body.started_on).toBeNull();
    const read = await api("GET", path, { token: o.token });
    expect(read.body).toEqual(again.body);
    const byRole = await api("GET", `/v1/orgs/${o.slug}/personnel?role=Care.Nursing`, { token: o.token });
    expect(byRole.body.items.map((x: { person_id: string }) => x.person_id)).toContain(p.body.person_id);
    const none = await api("GET", `/v1/orgs/${o.slug}/personnel?role=Facilities`, { token: o.token });
    expect(none.body.items).toEqual([]);

    expectProblem(await api("PUT", path, { token: o.token, body: { role: "Nope", employment_status: "active" } }), 422);
    expectProblem(await api("PUT", path, { token: o.token, body: { user_id: "no-such-user", employment_status: "active" } }), 422);
    expectProblem(await api("PUT", path, { token: o.token, body: { employment_status: "retired" } }), 422);
    expectProblem(await api("PUT", path, { token: nurse, body: { employment_status: "active" } }), 403);

    const audit = await api("GET", `/v1/orgs/${o.slug}/audit?entity_id=${p.body.person_id}`, { token: o.token });
    const updates = audit.body.items.filter((e: { action: string }) => e.action === "personnel.updated");
    expect(updates).toHaveLength(2);
    expect(updates[0].changes).toEqual({ fields: ["employment_status", "started_on"] });
    expect(JSON.stringify(updates)).not.toContain("Senior nurse");
  });

  it("consents: the latest statement counts, purposes are checked, and each is audited", async () => {
    const p = await api("POST", `/v1/orgs/${o.slug}/persons`, { token: o.token, body: { display_name: "Lee Consenting" } });
    const path = `/v1/orgs/${o.slug}/persons/${p.body.person_id}/consents`;
    const granted = await api("PUT", `${path}/contact_by_phone`, { token: o.token, body: { granted: true } });
    expect(granted.status, JSON.stringify(granted.body)).toBe(200);
    expect(granted.body).toMatchObject({ purpose: "contact_by_phone", granted: true, version: 1 });
    const withdrawn = await api("PUT", `${path}/contact_by_phone`, { token: o.token, body: { granted: false } });
    expect(withdrawn.body).toMatchObject({ consent_id: granted.body.consent_id, granted: false, version: 2 });
    const list = await api("GET", path, { token: o.token });
    expect(list.body.items).toEqual([withdrawn.body]);
    expectProblem(await api("PUT", `${path}/marketing`, { token: o.token, body: { granted: true } }), 422);
    // A member without sight of the person may neither record nor read their consents.
    expectProblem(await api("PUT", `${path}/data_processing`, { token: facilities, body: { granted: true } }), 403);
    expectProblem(await api("GET", path, { token: facilities }), 403);
    const actions = (await api("GET", `/v1/orgs/${o.slug}/audit?entity_id=${granted.body.consent_id}`, { token: o.token })).body.items.map(
      (e: { action: string }) => e.action,
    );
    expect(actions).toEqual(["consent.withdrawn", "consent.granted"]);
  });

  it("the module's routes answer 404 when the profile does not enable it, and for another organization's person", async () => {
    const p = await api("POST", `/v1/orgs/${plain.slug}/persons`, { token: plain.token, body: { display_name: "Pat Plain" } });
    expectProblem(await api("POST", `/v1/orgs/${plain.slug}/intakes`, { token: plain.token, body: { person: { display_name: "X" }, title: "x" } }), 404);
    expectProblem(
      await api("PUT", `/v1/orgs/${plain.slug}/persons/${p.body.person_id}/personnel`, { token: plain.token, body: { employment_status: "active" } }),
      404,
    );
    expectProblem(await api("GET", `/v1/orgs/${plain.slug}/personnel`, { token: plain.token }), 404);
    expectProblem(await api("GET", `/v1/orgs/${plain.slug}/persons/${p.body.person_id}/consents`, { token: plain.token }), 404);

    const mine = await api("POST", `/v1/orgs/${o.slug}/persons`, { token: o.token, body: { display_name: "Only Mine" } });
    const path = `/v1/orgs/${other.slug}/persons/${mine.body.person_id}`;
    expectProblem(await api("PUT", `${path}/personnel`, { token: other.token, body: { employment_status: "active" } }), 404);
    expectProblem(await api("GET", `${path}/personnel`, { token: other.token }), 404);
    expectProblem(await api("PUT", `${path}/consents/data_processing`, { token: other.token, body: { granted: true } }), 404);
    expectProblem(await api("GET", `${path}/consents`, { token: other.token }), 404);
    expectProblem(await api("POST", `/v1/orgs/${other.slug}/intakes`, { token: other.token, body: { person_id: mine.body.person_id, title: "x" } }), 422);
    expectProblem(await api("DELETE", path, { token: other.token }), 404);
    // Another organization's token does not reach this one at all.
    expectProblem(await api("GET", `/v1/orgs/${o.slug}/personnel`, { token: other.token }), 404);
  });
});
