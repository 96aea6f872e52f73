/**
 * Signal ingestion as a pure plan: routing, tasks, dedupe joins, pattern
 * windows, timers and notices, decided without storage or workerd, with a
 * fixed clock and counter ids. What the object does with a plan is tested in
 * test/workers/signals.test.ts; here every value is the core's decision.
 */
import { describe, expect, it } from "vitest";
import { planSignal, routeSignal, type Plan, type SignalOutcome, type SignalSnapshot } from "../../core/engine";
import { DomainError } from "../../core/errors";
import { makeTimer } from "../../core/scheduling/timers";
import { ADMIN, MAINTENANCE_STAFF, NOW, PROFILE, actor, at, env, memoryLookup, roleId, storedCase, type MemoryLookup } from "../support/plan-fixtures";

const LEAK = {
  title: "Water leak in aisle 4",
  body: "leak under the freezer",
  location: { site: "Store 12", area: "Aisle 4" },
  metadata: { incident_type: "water" },
};

function snapshot(fields: Partial<SignalSnapshot> & { lookup?: MemoryLookup } = {}): SignalSnapshot & { lookup: MemoryLookup } {
  return { dedupe_case: null, person_links: [], lookup: memoryLookup(), ...fields };
}

function plan(raw: unknown, snap = snapshot(), who = MAINTENANCE_STAFF): Plan<SignalOutcome> {
  return planSignal(snap, routeSignal(raw, "api", PROFILE, NOW), env(who));
}

describe("routing a new signal", () => {
  const snap = snapshot();
  const p = plan(LEAK, snap);
  const created = p.cases[0]!.record;
  const [fix, signs, photo] = p.tasks.map((t) => t.record);

  it("opens one case where the first matching rule sends it, timed from now by its severity", () => {
    expect(p.cases).toHaveLength(1);
    expect(p.cases[0]!.insert).toBe(true);
    expect(created).toMatchObject({
      title: "Water leak in aisle 4",
      description: "leak under the freezer",
      label: "1001.91.Operations.Maintenance",
      origin_label: "1001.91.Operations.Maintenance",
      severity: "high",
      status: "open",
      reactivity_time: "PT1H",
      // high is PT1H in the profile: 09:00 + 1 h.
      reactivity_deadline: "2026-03-02T10:00:00.000Z",
      location: { site: "Store 12", area: "Aisle 4" },
      tags: ["water"],
      metadata: { incident_type: "water" },
      escalation_level: 0,
      version: 1,
      created_at: NOW.toISOString(),
    });
    // Routed work has no creator: the sender is the audit's actor, not the owner.
    expect(created.created_by).toBeNull();
    expect(p.answer.matched_rules).toEqual(["water-leak", "photo"]);
    expect(p.dedupe.set).toEqual([{ key: "leak:Store 12", case_id: created.case_id }]);
  });

  it("adds the rules' tasks with their owners, severities and deadlines", () => {
    expect(p.tasks.map((t) => t.record.title)).toEqual(["Fix leak at Store 12", "Wet floor signs at Store 12", "Photograph the damage"]);
    expect(p.tasks.every((t) => t.insert && t.record.case_id === created.case_id)).toBe(true);
    // Each task's queryable copy carries its case's location.
    expect(p.tasks.every((t) => t.location.site === "Store 12" && t.location.area === "Aisle 4")).toBe(true);
    expect(fix).toMatchObject({
      owner_role: "Operations.Maintenance",
      owner_role_id: roleId("Operations.Maintenance"),
      label: "1001.91.Operations.Maintenance",
      severity: "high",
      subtype: "leak",
      reactivity_deadline: "2026-03-02T10:00:00.000Z",
      created_by: null,
    });
    // The rule's own severity wins over the case's: critical is PT15M.
    expect(signs).toMatchObject({ owner_role: "Operations.Safety", severity: "critical", reactivity_deadline: "2026-03-02T09:15:00.000Z" });
    // A rule's window overrides the profile's for the task's (inherited) severity.
    expect(photo).toMatchObject({
      owner_role: null,
      owner_role_id: null,
      severity: "high",
      reactivity_time: "PT10M",
      reactivity_deadline: "2026-03-02T09:10:00.000Z",
    });
  });

  it("arms one escalation timer per item at its deadline, level 0, and drops none", () => {
    expect(p.timers.drop).toEqual([]);
    expect(p.timers.arm).toEqual([
      makeTimer("escalation", "case", created.case_id, at("2026-03-02T10:00:00Z"), 0),
      makeTimer("escalation", "task", fix!.task_id, at("2026-03-02T10:00:00Z"), 0),
      makeTimer("escalation", "task", signs!.task_id, at("2026-03-02T09:15:00Z"), 0),
      makeTimer("escalation", "task", photo!.task_id, at("2026-03-02T09:10:00Z"), 0),
    ]);
  });

  it("plans the new_case notice for the label's holders and one assignment per owned task, in-app only", () => {
    expect(p.notices.map((n) => [n.event, n.channel, n.recipient, n.entity_id])).toEqual([
      ["new_case", "in_app", "level:1001:Operations.Maintenance", created.case_id],
      ["assignment", "in_app", "role:Operations.Maintenance", fix!.task_id],
      ["assignment", "in_app", "role:Operations.Safety", signs!.task_id],
    ]);
    expect(p.notices.every((n) => n.status === "delivered" && n.at === NOW.toISOString())).toBe(true);
    // In-app notices are delivered at once: no delivery timers, and no mail means no user list read.
    expect(p.timers.arm.some((t) => t.kind === "delivery")).toBe(false);
    expect(snap.lookup.recipientReads).toBe(0);
  });

  it("audits the case, each task and the signal, in that order, the sender as actor", () => {
    expect(p.audit.map((a) => a.event.action)).toEqual(["case.created", "task.created", "task.created", "task.created", "signal.received"]);
    expect(p.audit.every((a) => a.event.actor === "user:u-staff" && a.case_id === created.case_id)).toBe(true);
    expect(p.audit.at(-1)!.event.changes).toMatchObject({
      case_id: created.case_id,
      joined_existing_case: false,
      matched_rules: ["water-leak", "photo"],
      triage: false,
    });
  });

  it("records the signal with its routing, and answers with the case and tasks the sender may see", () => {
    expect(p.signals).toHaveLength(1);
    const record = p.signals[0]!;
    expect(record).toMatchObject({
      signal_id: p.answer.signal_id,
      idempotency_key: null,
      case_id: created.case_id,
      routing: { label: "1001.91.Operations.Maintenance", severity: "high", reactivity_time: "PT1H", matched_rules: ["water-leak", "photo"], tasks: 3 },
    });
    expect(record.signal).toMatchObject({ source: "api", received_at: NOW.toISOString(), occurred_at: NOW.toISOString() });
    expect(p.answer).toEqual({
      signal_id: record.signal_id,
      case: created,
      tasks: [fix, signs, photo],
      matched_rules: ["water-leak", "photo"],
      duplicate: false,
    });
  });

  it("counts the leak task in its pattern window without firing below the threshold", () => {
    expect(p.pattern_windows).toEqual([{ rule_id: "leak-audit", group: "Store 12", state: { events: { "Store 12": [NOW.getTime()] }, lastFired: {} } }]);
  });

  it("draws every id from the injected source, so the same input plans the same way", () => {
    expect(plan(LEAK)).toEqual(p);
    expect(p.answer.signal_id).toBe("id-1");
  });
});

describe("a signal without a matching rule", () => {
  it("goes to the default label with the triage task, at the default severity", () => {
    const p = plan({ title: "Odd noise", idempotency_key: "k-1", occurred_at: "2026-03-01T22:00:00Z" });
    const c = p.cases[0]!.record;
    expect(c).toMatchObject({ label: "1001.14.Operations", severity: "medium", reactivity_deadline: "2026-03-02T13:00:00.000Z" });
    // The base profile's triage task belongs to Operations.
    expect(p.tasks.map((t) => [t.record.title, t.record.type, t.record.owner_role])).toEqual([["Triage: Odd noise", "triage", "Operations"]]);
    expect(p.dedupe.set).toEqual([]);
    // medium is below the new_case rule's min_severity: only the triage owner is told.
    expect(p.notices.map((n) => [n.event, n.recipient])).toEqual([["assignment", "role:Operations"]]);
    expect(p.signals[0]).toMatchObject({ idempotency_key: "k-1", routing: { matched_rules: [], tasks: 1 } });
    // The clock starts at receipt; the occurrence time is kept on the signal.
    expect(p.signals[0]!.signal.occurred_at).toBe("2026-03-01T22:00:00Z");
  });

  it("refuses an invalid signal before planning anything", () => {
    expect(() => routeSignal({ title: "" }, "api", PROFILE, NOW)).toThrow(DomainError);
    expect(() => routeSignal({ title: "x", label: "1001.14.Nobody" }, "api", PROFILE, NOW)).toThrowError(/Nobody/);
  });
});

describe("a signal that joins an open case by its dedupe key", () => {
  const open = storedCase({ case_id: "case-open", title: "Earlier leak", version: 3 });
  const p = plan({ ...LEAK, title: "Leak getting worse" }, snapshot({ dedupe_case: open }));

  it("creates no case, no task, no timer and no notice", () => {
    expect(p.cases).toEqual([]);
    expect(p.tasks).toEqual([]);
    expect(p.timers).toEqual({ drop: [], arm: [] });
    expect(p.notices).toEqual([]);
    expect(p.dedupe).toEqual({ clear: [], set: [] });
  });

  it("puts the signal on the case's timeline and answers with the case as stored", () => {
    expect(p.audit.map((a) => [a.event.action, a.event.entity_id, a.case_id])).toEqual([
      ["case.signal_attached", "case-open", "case-open"],
      ["signal.received", p.answer.signal_id, "case-open"],
    ]);
    expect(p.audit[0]!.event.changes).toEqual({ signal_id: p.answer.signal_id, title: "Leak getting worse" });
    expect(p.audit[1]!.event.changes).toMatchObject({ joined_existing_case: true });
    expect(p.signals[0]!.case_id).toBe("case-open");
    expect(p.answer).toMatchObject({ case: open, tasks: [], duplicate: false });
    // Only the signal is observed, and no rule counts signals.
    expect(p.pattern_windows).toEqual([]);
  });

  it("answers a sender who may not see the case exactly as if it were new and hidden", () => {
    const outsider = actor([{ level: 1001, role: "Facilities" }], { user_id: "u-out" });
    const joined = plan(LEAK, snapshot({ dedupe_case: open }), outsider);
    const fresh = plan(LEAK, snapshot(), outsider);
    expect(joined.answer).toMatchObject({ case: null, tasks: [] });
    expect(fresh.answer).toMatchObject({ case: null, tasks: [] });
    // The plan still records the work; only the answer is filtered.
    expect(fresh.signals[0]!.outcome.case).not.toBeNull();
  });
});

describe("a signal that tips a pattern rule over its threshold", () => {
  const dayBefore = NOW.getTime() - 86_400_000;
  const lookup = memoryLookup({
    windows: { "leak-audit|Store 12": { events: { "Store 12": [dayBefore] }, lastFired: {} } },
    users: [
      { email: "fay@plan.example", positions: [{ level: 101, role: "Facilities" }] },
      { email: "otto@plan.example", positions: [{ level: 1001, role: "Operations" }] },
    ],
  });
  const p = plan(LEAK, snapshot({ lookup }));
  const audit = p.cases[1]!.record;
  const auditTask = p.tasks[3]!.record;

  it("opens the rule's case after the signal's own work, acting as the pattern", () => {
    expect(p.cases.map((c) => c.record.title)).toEqual(["Water leak in aisle 4", "Infrastructure Audit: Store 12"]);
    expect(audit).toMatchObject({
      label: "11.14.Facilities",
      severity: "high",
      reactivity_deadline: "2026-03-02T10:00:00.000Z",
      tags: ["pattern", "pattern:leak-audit"],
      metadata: { pattern_rule: "leak-audit", group: "Store 12", count: 2 },
      location: { site: null, area: null },
      // The rule acts on behalf of whoever brought the item that tipped it over.
      created_by: "u-staff",
    });
    expect(auditTask).toMatchObject({ case_id: audit.case_id, title: "Audit the pipes at Store 12", owner_role: "Facilities", label: "11.14.Facilities" });
    expect(p.audit.slice(-3).map((a) => [a.event.action, a.event.actor])).toEqual([
      ["case.created", "pattern"],
      ["task.created", "pattern"],
      ["pattern.fired", "pattern"],
    ]);
  });

  it("moves the window forward, starts the group's cooldown and remembers the case it opened", () => {
    const opened = p.cases.find((c) => c.record.metadata.pattern_rule === "leak-audit")!.record;
    expect(p.pattern_windows).toEqual([
      {
        rule_id: "leak-audit",
        group: "Store 12",
        state: { events: { "Store 12": [dayBefore, NOW.getTime()] }, lastFired: { "Store 12": NOW.getTime() }, open: { "Store 12": opened.case_id } },
      },
    ]);
  });

  it("arms the timer that notices when the pattern has gone quiet", () => {
    const opened = p.cases.find((c) => c.record.metadata.pattern_rule === "leak-audit")!.record;
    // Threshold 2 of a 30-day window: under it once the older item slides out (day −1 + 30), quiet a window later.
    expect(p.timers.arm).toContainEqual(expect.objectContaining({ kind: "pattern_quiet", entity_id: opened.case_id, due_at: dayBefore + 60 * 86_400_000 }));
  });

  it("alerts the rule's roles in-app and by mail, and queues each mail for the alarm", () => {
    const alerts = p.notices.filter((n) => n.event === "pattern_alert");
    expect(alerts.map((n) => [n.channel, n.recipient, n.status])).toEqual([
      ["in_app", "role:Facilities", "delivered"],
      ["email", "fay@plan.example", "queued"],
      ["email", "ops@plan.example", "queued"],
    ]);
    expect(lookup.recipientReads).toBe(1);
    const mails = alerts.filter((n) => n.channel === "email");
    for (const m of mails) expect(p.timers.arm).toContainEqual(makeTimer("delivery", "notification", m.notification_id, NOW, 0));
    expect(p.timers.arm.filter((t) => t.kind === "escalation").map((t) => t.entity_id)).toEqual([
      p.cases[0]!.record.case_id,
      ...p.tasks.slice(0, 3).map((t) => t.record.task_id),
      audit.case_id,
      auditTask.task_id,
    ]);
  });

  it("does not open another while the group cools down", () => {
    const cooling = memoryLookup({ windows: { "leak-audit|Store 12": { events: { "Store 12": [dayBefore] }, lastFired: { "Store 12": dayBefore } } } });
    const again = plan(LEAK, snapshot({ lookup: cooling }));
    expect(again.cases).toHaveLength(1);
    expect(again.pattern_windows[0]!.state.lastFired).toEqual({ "Store 12": dayBefore });
  });
});

describe("trust of a person link", () => {
  const withPerson = { ...LEAK, person_id: "person-1" };
  const trustedLink = { ...storedCase({ case_id: "case-linked", person_id: "person-1", person_link_trusted: true }) };

  it("is given by an admin, or by a member close to the person through a trusted link; not by anyone else", () => {
    expect(plan(withPerson, snapshot(), ADMIN).cases[0]!.record.person_link_trusted).toBe(true);
    expect(plan(withPerson, snapshot({ person_links: [trustedLink] })).cases[0]!.record.person_link_trusted).toBe(true);
    expect(plan(withPerson, snapshot()).cases[0]!.record.person_link_trusted).toBe(false);
  });
});
