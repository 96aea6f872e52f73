/** The case commands as pure plans: defaults, deadlines, timers, trust and the PATCH rules. */
import { describe, expect, it } from "vitest";
import { planCaseCreate, planCasePatch, type CasePatchSnapshot } from "../../core/engine";
import { DomainError } from "../../core/errors";
import { makeTimer } from "../../core/scheduling/timers";
import { ADMIN, errorCode, MAINTENANCE_STAFF, NOW, actor, at, env, memoryLookup, storedCase } from "../support/plan-fixtures";

describe("creating a case", () => {
  it("takes the profile's default label and the default severity, timed from now", () => {
    const p = planCaseCreate({ person_links: [], lookup: memoryLookup() }, { title: "Stocktake" }, env(ADMIN));
    const c = p.cases[0]!.record;
    expect(c).toMatchObject({
      label: "1001.14.Operations",
      severity: "medium",
      reactivity_time: "PT4H",
      reactivity_deadline: "2026-03-02T13:00:00.000Z",
      description: null,
      origin_role: null,
      location: { site: null, area: null },
      tags: [],
      metadata: {},
      person_id: null,
      person_link_trusted: false,
      created_by: "u-admin",
    });
    expect(p.answer).toEqual(c);
    expect(p.timers.arm).toEqual([makeTimer("escalation", "case", c.case_id, at("2026-03-02T13:00:00Z"), 0)]);
    expect(p.audit.map((a) => [a.event.action, a.event.actor])).toEqual([["case.created", "user:u-admin"]]);
    // medium is below the profile's new_case threshold.
    expect(p.notices).toEqual([]);
  });

  it("lets an explicit window override the profile's and tells the label's holders of a high case", () => {
    const p = planCaseCreate(
      { person_links: [], lookup: memoryLookup() },
      { title: "Flood", label: "1001.91.Operations.Maintenance", severity: "high", reactivity_time: "PT5M", location: { site: "Store 9" } },
      env(),
    );
    expect(p.answer).toMatchObject({ reactivity_time: "PT5M", reactivity_deadline: "2026-03-02T09:05:00.000Z", location: { site: "Store 9", area: null } });
    expect(p.notices.map((n) => [n.event, n.recipient])).toEqual([["new_case", "level:1001:Operations.Maintenance"]]);
  });

  it("refuses a label naming an unknown role before planning anything", () => {
    expect(() => planCaseCreate({ person_links: [], lookup: memoryLookup() }, { title: "x", label: "1001.14.Nobody" }, env())).toThrow(DomainError);
  });
});

describe("patching a case", () => {
  const snap = (fields: Partial<CasePatchSnapshot> = {}): CasePatchSnapshot => ({ case: storedCase(), person_links: [], lookup: memoryLookup(), ...fields });

  it("restarts the clock from creation on a severity change and re-arms the case's timer at its level", () => {
    const p = planCasePatch(snap({ case: storedCase({ escalation_level: 1, label: "101.91.Operations.Maintenance" }) }), { severity: "critical" }, null, env());
    // Created 07:30, critical is PT15M.
    expect(p.answer).toMatchObject({ severity: "critical", reactivity_time: "PT15M", reactivity_deadline: "2026-03-02T07:45:00.000Z", version: 2 });
    expect(p.timers).toEqual({
      drop: [{ entity_id: "case-stored", kind: "escalation" }],
      arm: [makeTimer("escalation", "case", "case-stored", at("2026-03-02T07:45:00Z"), 1)],
    });
    expect(p.audit[0]!.event.changes).toMatchObject({ severity: { from: "high", to: "critical" } });
  });

  it("keeps the deadline of a case that already reacted", () => {
    const reacted = storedCase({ status: "in_progress", reacted_at: "2026-03-02T08:00:00.000Z" });
    const p = planCasePatch(snap({ case: reacted }), { severity: "low" }, null, env());
    expect(p.answer.reactivity_deadline).toBe(reacted.reactivity_deadline);
    expect(p.timers).toEqual({ drop: [], arm: [] });
  });

  it("resolving in the same patch cancels the timer it would re-arm, clears the dedupe key, and counts as one version", () => {
    const p = planCasePatch(snap(), { severity: "critical", status: "resolved" }, 1, env());
    expect(p.answer).toMatchObject({ status: "resolved", version: 2, reacted_at: NOW.toISOString() });
    expect(p.timers.arm).toEqual([]);
    expect(p.timers.drop).toEqual([
      { entity_id: "case-stored", kind: "escalation" },
      { entity_id: "case-stored", kind: "escalation" },
    ]);
    expect(p.dedupe.clear).toEqual(["case-stored"]);
  });

  it("re-routing moves the origin too, so the new scope is judged from there", () => {
    const p = planCasePatch(snap(), { label: "1001.11.Facilities" }, null, env(ADMIN));
    expect(p.answer).toMatchObject({ label: "1001.11.Facilities", origin_label: "1001.11.Facilities" });
  });

  it("trusts a re-stated link, and a new one only from someone who sees the person", () => {
    const linked = storedCase({ person_id: "p-1", person_link_trusted: true });
    expect(planCasePatch(snap({ case: linked }), { person_id: "p-1" }, null, env()).answer.person_link_trusted).toBe(true);
    expect(planCasePatch(snap(), { person_id: "p-2" }, null, env()).answer.person_link_trusted).toBe(false);
    expect(planCasePatch(snap(), { person_id: "p-2" }, null, env(ADMIN)).answer.person_link_trusted).toBe(true);
  });

  it("refuses a stale If-Match (409), a closed case (422), and a case out of the actor's reach (404, 403)", () => {
    const code = errorCode;
    expect(code(() => planCasePatch(snap(), { title: "x" }, 7, env()))).toBe("version_conflict");
    expect(code(() => planCasePatch(snap({ case: storedCase({ status: "closed" }) }), { title: "x" }, null, env()))).toBe("invalid_transition");
    expect(code(() => planCasePatch(snap({ case: null }), { title: "x" }, null, env()))).toBe("not_found");
    const outsider = actor([{ level: 1001, role: "Facilities" }]);
    expect(code(() => planCasePatch(snap(), { title: "x" }, null, env(outsider)))).toBe("not_found");
    // Sees it as its creator, may not act on it.
    expect(
      code(() =>
        planCasePatch(
          snap({ case: storedCase({ created_by: "u-out" }) }),
          { title: "x" },
          null,
          env(actor([{ level: 1001, role: "Facilities" }], { user_id: "u-out" })),
        ),
      ),
    ).toBe("forbidden");
    expect(code(() => planCasePatch(snap(), { title: "x" }, null, env(MAINTENANCE_STAFF)))).toBe("none");
  });
});
