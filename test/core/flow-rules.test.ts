import { describe, expect, it } from "vitest";
import { evaluateSignal, type NormalizedSignal, type RoutingDecision } from "../../core/flow-rules";
import { loadProfile, type Profile } from "../../core/profiles";
import { SHIPPED_PROFILES } from "../../profiles/bundle.generated";

function load(text: string): Profile {
  const r = loadProfile(text, (n) => SHIPPED_PROFILES[n]);
  if (!r.ok) throw new Error(JSON.stringify(r.errors, null, 2));
  return r.profile;
}
const shipped = (name: string): Profile => load(SHIPPED_PROFILES[name] as string);

type SignalInput = Partial<Omit<NormalizedSignal, "location">> & { title: string; location?: Partial<NormalizedSignal["location"]> };

function signal(input: SignalInput): NormalizedSignal {
  return {
    source: "api",
    body: null,
    severity: null,
    label: null,
    metadata: {},
    person_id: null,
    occurred_at: "2026-11-25T14:00:00Z",
    received_at: "2026-11-25T14:00:05Z",
    ...input,
    location: { site: null, area: null, ...input.location },
  };
}

const titles = (d: RoutingDecision) => d.tasks.map((t) => t.title);

describe("retail_ops", () => {
  const p = shipped("retail_ops");

  it("routes a reported water leak to maintenance, adds wet-floor signs, and dedupes by site", () => {
    const d = evaluateSignal(
      signal({
        title: "Water leak in aisle 5",
        body: "Ceiling is dripping onto the floor",
        metadata: { incident_type: "water" },
        location: { site: "store-12", area: "aisle-5" },
      }),
      p,
    );
    expect(d.triage).toBe(false);
    expect(d.matched_rules).toEqual(["water-leak", "slip-hazard"]);
    expect(d.case).toMatchObject({ title: "Water leak in aisle 5", label: "1001.91.Operations.Maintenance", severity: "high" });
    expect(d.case.description).toBe("Ceiling is dripping onto the floor");
    // No rule override: the profile's high window (PT30M) applies.
    expect(d.case.reactivity_time).toBeNull();
    expect(p.reactivity[d.case.severity]).toBe("PT30M");
    expect(d.tasks).toEqual([
      {
        title: "Fix leak at store-12",
        type: "maintenance",
        subtype: "leak",
        owner_role: "Operations.Maintenance",
        label: null,
        severity: null,
        reactivity_time: null,
      },
      {
        title: "Put wet-floor signs at store-12 aisle-5",
        type: "safety",
        subtype: "slip_hazard",
        owner_role: "Operations.Safety",
        label: null,
        severity: "high",
        reactivity_time: "PT10M",
      },
    ]);
    expect(d.dedupe_key).toBe("water-leak:store-12");
    expect(d.explanations[0]).toEqual({
      rule_id: "water-leak",
      reasons: ["source is api", 'metadata.incident_type = "water"', 'keyword "leak" in title'],
    });
  });

  it("a leak without the incident metadata is not the contract's water-leak rule (keys AND)", () => {
    const d = evaluateSignal(signal({ title: "Leak under the sink", source: "email", location: { site: "store-3" } }), p);
    expect(d.matched_rules).toEqual(["slip-hazard"]);
    expect(d.case).toMatchObject({ label: "1001.91.Operations.Safety", severity: "medium" });
    const offline = evaluateSignal(signal({ title: "Flood in storage", source: "offline", metadata: { incident_type: "water" } }), p);
    expect(offline.matched_rules).toEqual(["slip-hazard"]);
  });

  it("fire is critical, opens two tasks and dedupes per site", () => {
    const d = evaluateSignal(signal({ title: "Smoke coming from the bakery oven", location: { site: "store-3" } }), p);
    expect(d.matched_rules).toEqual(["fire-or-evacuation"]);
    expect(d.case).toMatchObject({ label: "1001.91.Operations.Safety", severity: "critical", tags: ["safety"] });
    expect(titles(d)).toEqual(["Evacuate and secure store-3", "Call the fire department for store-3"]);
    expect(d.tasks[1]?.severity).toBe("critical");
    expect(d.dedupe_key).toBe("emergency:store-3");
  });

  it("matches robbery by regular expression and explains the match", () => {
    const d = evaluateSignal(signal({ title: "Armed man at register 2", location: { site: "store-9" } }), p);
    expect(d.matched_rules).toEqual(["armed-robbery"]); // before pos-outage, which also matches "register"
    expect(d.case).toMatchObject({ label: "1001.91.LossPrevention", severity: "critical" });
    expect(d.explanations[0]?.reasons).toEqual(['regex /\\barmed\\b/ matched "Armed" in title']);
  });

  it("turns a freezer temperature alarm into a cold-chain case with its own reactivity", () => {
    const d = evaluateSignal(
      signal({
        title: "Temperature alarm",
        metadata: { sensor: "temperature", asset_type: "freezer", state: "alarm", asset: "freezer-7" },
        location: { site: "store-12", area: "backroom" },
      }),
      p,
    );
    expect(d.matched_rules).toEqual(["cold-chain-alarm"]);
    expect(d.case).toEqual({
      title: "Cold chain alarm: freezer-7 at store-12",
      description: null,
      label: "1001.91.Operations.Maintenance",
      severity: "high",
      reactivity_time: "PT20M",
      tags: ["cold-chain"],
    });
    expect(titles(d)).toEqual(["Move perishables out of freezer-7", "Repair freezer-7 at store-12"]);
    expect(d.tasks[0]?.reactivity_time).toBe("PT15M");
    expect(d.dedupe_key).toBe("cold-chain:store-12:freezer-7");
    const oven = evaluateSignal(signal({ title: "Temperature alarm", metadata: { sensor: "temperature", asset_type: "oven", state: "alarm" } }), p);
    expect(oven.triage).toBe(true);
  });

  it("sends checkout problems to point-of-sale IT", () => {
    const d = evaluateSignal(signal({ title: "Card reader at till 3 not working", location: { site: "store-1" } }), p);
    expect(d.matched_rules).toEqual(["pos-outage"]);
    expect(d.case).toMatchObject({ label: "1001.11.IT.PointOfSale", severity: "high" });
    expect(d.dedupe_key).toBe("pos:store-1");
  });

  it("a complaint by email goes to customer service; the same text by API goes to triage", () => {
    const email = evaluateSignal(signal({ title: "Complaint about rude staff", source: "email" }), p);
    expect(email.matched_rules).toEqual(["customer-complaint"]);
    expect(email.case).toMatchObject({ label: "1001.14.CustomerService", severity: "low" });
    expect(titles(email)).toEqual(["Reply to customer: Complaint about rude staff"]);
    const api = evaluateSignal(signal({ title: "Complaint about rude staff" }), p);
    expect(api).toMatchObject({ triage: true, matched_rules: [], case: { label: "1001.14.Operations", severity: "medium" } });
    expect(api.tasks).toEqual([
      {
        title: "Triage: Complaint about rude staff",
        type: "triage",
        subtype: null,
        owner_role: "StoreOps.Managers",
        label: null,
        severity: null,
        reactivity_time: null,
      },
    ]);
  });

  it("an injury on a spill is a safety case with first aid, plus wet-floor signs", () => {
    const d = evaluateSignal(signal({ title: "Customer slipped on spilled milk and is injured", location: { site: "store-4" } }), p);
    expect(d.matched_rules).toEqual(["customer-injury", "slip-hazard"]);
    expect(d.case).toMatchObject({ label: "1001.91.Operations.Safety", severity: "high" });
    expect(d.tasks.map((t) => t.subtype)).toEqual(["first_aid", "slip_hazard"]);
  });
});

describe("friend_group", () => {
  const p = shipped("friend_group");

  it("a friend in hospital goes quietly to the organizers", () => {
    const d = evaluateSignal(signal({ title: "Sam is in the hospital after a bike accident", person_id: "sam" }), p);
    expect(d.matched_rules).toEqual(["friend-in-trouble"]);
    expect(d.case).toMatchObject({ label: "1001.91.Circle.Organizers", severity: "high", tags: ["care"] });
    expect(p.reactivity.high).toBe("P1D");
  });

  it("money matters go to the treasurer, deduped per person; a cabin also reaches the hosts", () => {
    const d = evaluateSignal(signal({ title: "Alex still owes me for the cabin deposit", person_id: "alex" }), p);
    expect(d.matched_rules).toEqual(["shared-expenses", "venue-booking"]);
    expect(d.case).toMatchObject({ label: "1001.14.Circle.Treasurer", severity: "low" });
    expect(d.tasks.map((t) => t.owner_role)).toEqual(["Circle.Treasurer", "Circle.Hosts"]);
    expect(d.dedupe_key).toBe("money:alex");
    const anonymous = evaluateSignal(signal({ title: "Who owes what for pizza?" }), p);
    expect(anonymous.dedupe_key).toBeNull();
  });

  it("plans an event and books the venue", () => {
    const d = evaluateSignal(signal({ title: "Birthday dinner for Jo", body: "Can someone make a reservation?" }), p);
    expect(d.matched_rules).toEqual(["event-planning", "venue-booking"]);
    expect(titles(d)).toEqual(["Plan: Birthday dinner for Jo", "Book a place for: Birthday dinner for Jo"]);
  });

  it("anything else lands with the organizers for a look (low automation)", () => {
    const d = evaluateSignal(signal({ title: "Anyone seen my jacket?" }), p);
    expect(d.triage).toBe(true);
    expect(d.case.label).toBe("1001.14.Circle.Organizers");
    expect(titles(d)).toEqual(["Have a look: Anyone seen my jacket?"]);
  });
});

describe("crisis_response", () => {
  const p = shipped("crisis_response");

  it("a collapse with casualties is a critical MCI for rescue at team-lead level, plus a public statement", () => {
    const d = evaluateSignal(signal({ title: "Building collapsed, people trapped, 3 casualties", location: { site: "north-school", area: "east" } }), p);
    expect(d.matched_rules).toEqual(["mass-casualty", "public-statement"]);
    expect(d.case).toMatchObject({
      title: "MCI: Building collapsed, people trapped, 3 casualties",
      label: "101.91.Command.Operations.Rescue",
      severity: "critical",
      reactivity_time: "PT1M",
    });
    expect(d.tasks.map((t) => t.owner_role)).toEqual(["Command.Operations.Rescue", "Command.Operations.Medical", "Command.Communications"]);
    expect(d.dedupe_key).toBe("mci:north-school");
  });

  it("broadcasts a river gauge alarm from an offline node to the whole area", () => {
    const d = evaluateSignal(
      signal({ title: "Gauge RG-4 above threshold", source: "offline", metadata: { sensor: "river_gauge", state: "alarm" }, location: { area: "riverside" } }),
      p,
    );
    expect(d.matched_rules).toEqual(["flood-gauge"]);
    expect(d.case).toMatchObject({ title: "Flood warning: riverside", label: "1000.95.Command", severity: "high" });
    expect(d.dedupe_key).toBe("flood:riverside");
    const normal = evaluateSignal(signal({ title: "Gauge RG-4 reading", source: "offline", metadata: { sensor: "river_gauge", state: "normal" } }), p);
    expect(normal.triage).toBe(true);
    expect(normal.case.label).toBe("101.14.Command.Planning");
    expect(normal.tasks[0]).toMatchObject({ title: "Assess and assign: Gauge RG-4 reading", reactivity_time: "PT5M" });
  });

  it("fire with fatalities: fire decides, the statement is added", () => {
    const d = evaluateSignal(signal({ title: "Wildfire reached the camp, 2 dead", location: { site: "camp-b" } }), p);
    expect(d.matched_rules).toEqual(["fire", "public-statement"]);
    expect(d.case).toMatchObject({ label: "1001.91.Command.Operations.Fire", severity: "critical" });
  });

  it("a supply request needs both a supply word and a request (keywords AND regex)", () => {
    const need = evaluateSignal(signal({ title: "We need drinking water and blankets at shelter 4", location: { site: "shelter-4" } }), p);
    expect(need.matched_rules).toEqual(["supply-request"]);
    expect(need.case).toMatchObject({ label: "1001.21.Command.Logistics.Supply", severity: "medium" });
    expect(titles(need)).toEqual(["Deliver supplies to shelter-4"]);
    const level = evaluateSignal(signal({ title: "Water level at the bridge" }), p);
    expect(level.triage).toBe(true);
  });

  it("shelter capacity reports render metadata into the title", () => {
    const d = evaluateSignal(
      signal({ title: "Capacity", metadata: { report: "shelter_capacity", occupancy: 180, capacity: 200 }, location: { site: "gym-2" } }),
      p,
    );
    expect(d.case.title).toBe("Shelter capacity at gym-2: 180/200");
    expect(d.dedupe_key).toBe("shelter:gym-2");
    expect(p.escalation.step).toBe("PT5M");
    expect(p.reactivity[d.case.severity]).toBe("PT15M");
  });
});

describe("hospital", () => {
  const p = shipped("hospital");

  it("a code blue is critical with a two-minute window, deduped per area", () => {
    const d = evaluateSignal(signal({ title: "Code blue bed 12", location: { site: "st-marys", area: "ward-4" } }), p);
    expect(d.matched_rules).toEqual(["code-blue"]);
    expect(d.case).toMatchObject({ title: "CODE BLUE st-marys ward-4", label: "1001.91.Clinical.Emergency", severity: "critical", reactivity_time: "PT2M" });
    expect(d.dedupe_key).toBe("code-blue:st-marys:ward-4");
    expect(p.reactivity_mode.critical).toBe("wall");
  });

  it("a ventilator fault from the device network is critical; the same by email is not a device alarm", () => {
    const input = {
      title: "Device alarm",
      metadata: { device_class: "ventilator", state: "fault", asset_id: "VENT-0042" },
      location: { site: "st-marys", area: "icu-2" },
    };
    const d = evaluateSignal(signal(input), p);
    expect(d.matched_rules).toEqual(["ventilator-or-pump-fault"]);
    expect(d.case).toMatchObject({ title: "ventilator fault: VENT-0042 in icu-2", label: "1001.91.Facilities.Biomed", severity: "critical" });
    expect(d.tasks.map((t) => [t.owner_role, t.severity, t.reactivity_time])).toEqual([
      ["Clinical.Nursing", null, "PT5M"],
      ["Facilities.Biomed", "high", null],
    ]);
    expect(d.dedupe_key).toBe("device:VENT-0042");
    expect(evaluateSignal(signal({ ...input, source: "email" }), p).triage).toBe(true);
  });

  it("a patient fall needs a named patient; it also files a safety report", () => {
    const d = evaluateSignal(signal({ title: "Patient fell in the bathroom", person_id: "p-123", location: { area: "ward-7" } }), p);
    expect(d.matched_rules).toEqual(["patient-fall", "patient-safety-report"]);
    expect(d.case).toMatchObject({ label: "1001.91.Clinical.Nursing.Ward", severity: "high" });
    expect(titles(d)).toEqual(["Post-fall assessment for patient p-123", "File patient-safety incident report for p-123"]);
    expect(d.tasks[0]?.reactivity_time).toBe("PT15M");
    const tile = evaluateSignal(signal({ title: "Ceiling tile fell in corridor" }), p);
    expect(tile).toMatchObject({ triage: true, case: { label: "1001.14.Administration" } });
  });

  it("a medication error goes to pharmacy and, with a patient, to the ward's safety report", () => {
    const d = evaluateSignal(signal({ title: "Wrong dose of heparin given", person_id: "p-9" }), p);
    expect(d.matched_rules).toEqual(["medication-error", "patient-safety-report"]);
    expect(d.case).toMatchObject({ label: "1001.94.Clinical.Pharmacy", severity: "high", tags: ["patient-safety"] });
  });

  it("suspected norovirus isolates the area and cleans it", () => {
    const d = evaluateSignal(signal({ title: "Norovirus suspected", location: { site: "st-marys", area: "ward-7" } }), p);
    expect(d.matched_rules).toEqual(["infection-alert"]);
    expect(d.tasks.map((t) => t.owner_role)).toEqual(["Clinical.InfectionControl", "Facilities.Housekeeping"]);
    expect(d.dedupe_key).toBe("infection:st-marys:ward-7");
  });

  it("a complaint by email is low priority and counts business time", () => {
    const d = evaluateSignal(signal({ title: "Complaint about waiting time in A&E", source: "email" }), p);
    expect(d.case).toMatchObject({ label: "1001.14.Administration.PatientRelations", severity: "low" });
    expect(p.reactivity_mode.low).toBe("business");
    expect(p.calendar?.time_zone).toBe("Europe/London");
  });

  it("an explicit severity from the sender wins over the rule's", () => {
    const d = evaluateSignal(signal({ title: "Patient fell, head wound", person_id: "p-1", severity: "critical" }), p);
    expect(d.matched_rules[0]).toBe("patient-fall");
    expect(d.case.severity).toBe("critical");
  });
});

describe("basketball_team", () => {
  const p = shipped("basketball_team");

  it("an injured player gets a medical assessment and an availability update", () => {
    const d = evaluateSignal(signal({ title: "Rolled ankle in practice", person_id: "player-23" }), p);
    expect(d.matched_rules).toEqual(["player-injury"]);
    expect(d.case).toMatchObject({ title: "Injury: player-23 – Rolled ankle in practice", label: "1001.91.Medical", severity: "high" });
    expect(d.tasks.map((t) => [t.title, t.owner_role])).toEqual([
      ["Assess player-23", "Medical"],
      ["Update game availability for player-23", "Coaching"],
    ]);
    expect(d.dedupe_key).toBe("injury:player-23");
  });

  it("a suspected concussion also starts the protocol", () => {
    const d = evaluateSignal(signal({ title: "Possible concussion after collision", person_id: "player-7" }), p);
    expect(d.matched_rules).toEqual(["player-injury", "concussion-protocol"]);
    expect(d.tasks[2]).toMatchObject({ title: "Start concussion protocol for player-7", severity: "critical", reactivity_time: "PT10M" });
  });

  it("wearable load alerts go to strength and conditioning", () => {
    const d = evaluateSignal(signal({ title: "Load alert", metadata: { sensor: "wearable", alert: "high_load" }, person_id: "player-11" }), p);
    expect(d.case).toMatchObject({ title: "Load alert (high_load) for player-11", label: "1001.91.Coaching.Strength", severity: "medium" });
    expect(d.dedupe_key).toBe("load:player-11:high_load");
  });

  it("travel trouble is high; media requests by email are low", () => {
    expect(evaluateSignal(signal({ title: "Flight to Denver delayed 3 hours" }), p).case).toMatchObject({
      label: "1001.11.Operations.Travel",
      severity: "high",
    });
    const media = evaluateSignal(signal({ title: "Interview request from ESPN", source: "email" }), p);
    expect(media.case).toMatchObject({ label: "1001.11.Media", severity: "low" });
    expect(evaluateSignal(signal({ title: "Interview request from ESPN" }), p).triage).toBe(true);
  });
});

describe("school", () => {
  const p = shipped("school");

  it("an intruder is broadcast to every adult at once", () => {
    const d = evaluateSignal(signal({ title: "Intruder reported near the gym", location: { site: "main-campus" } }), p);
    expect(d.matched_rules).toEqual(["lockdown"]);
    expect(d.case).toMatchObject({
      title: "SAFETY: Intruder reported near the gym",
      label: "1000.91.Administration",
      severity: "critical",
      reactivity_time: "PT2M",
    });
    expect(d.dedupe_key).toBe("lockdown:main-campus");
  });

  it("a hurt student sees the nurse and the guardians are called", () => {
    const d = evaluateSignal(signal({ title: "Student hurt on the playground", person_id: "s-42", location: { area: "playground" } }), p);
    expect(d.matched_rules).toEqual(["student-health", "guardian-contact"]);
    expect(d.case).toMatchObject({ label: "1001.91.Nursing", severity: "high" });
    expect(titles(d)).toEqual(["Nurse to see the student in playground", "Contact the guardians of s-42"]);
  });

  it("bullying goes to counseling", () => {
    const d = evaluateSignal(signal({ title: "Bullying in the locker room", person_id: "s-9" }), p);
    expect(d.matched_rules).toEqual(["bullying", "guardian-contact"]);
    expect(d.case).toMatchObject({ label: "1001.94.Counseling", severity: "high", tags: ["pastoral"] });
  });

  it("an absence is recorded once per student and day", () => {
    const d = evaluateSignal(signal({ title: "Absence", metadata: { kind: "absence", date: "2026-11-25" }, person_id: "s-1", source: "email" }), p);
    expect(d.matched_rules).toEqual(["absence"]);
    expect(d.case).toMatchObject({ title: "Absence: s-1", label: "1001.14.Administration.Office", severity: "low" });
    expect(d.dedupe_key).toBe("absence:s-1:2026-11-25");
    expect(evaluateSignal(signal({ title: "Absence", metadata: { kind: "absence" } }), p).triage).toBe(true);
  });

  it("classroom tech and building problems go to IT and custodial staff", () => {
    const tech = evaluateSignal(signal({ title: "Not turning on", metadata: { system: "projector" }, location: { area: "room-101" } }), p);
    expect(tech.case).toMatchObject({ title: "projector problem in room-101", label: "1001.11.IT", severity: "low" });
    const heating = evaluateSignal(signal({ title: "Heating broken in room 12" }), p);
    expect(heating.case).toMatchObject({ label: "1001.11.Facilities.Custodial", severity: "medium" });
    expect(p.reactivity_mode.medium).toBe("business");
  });
});

describe("volunteer_shelter", () => {
  const p = shipped("volunteer_shelter");

  it("a guest medical emergency is critical", () => {
    const d = evaluateSignal(signal({ title: "Guest unconscious in dorm B", location: { area: "dorm-b" } }), p);
    expect(d.matched_rules).toEqual(["guest-medical-emergency"]);
    expect(d.case).toMatchObject({ label: "1001.91.Health", severity: "critical" });
    expect(d.tasks[0]).toMatchObject({ title: "Call 112 and stay with the guest in dorm-b", reactivity_time: "PT2M" });
  });

  it("an uncovered shift is found cover for, once per shift", () => {
    const d = evaluateSignal(signal({ title: "Shift gap", metadata: { kind: "shift_gap", shift: "night", shift_date: "2026-11-27" } }), p);
    expect(d.case).toMatchObject({ title: "Uncovered shift night on 2026-11-27", label: "1001.11.Coordination.Shifts", severity: "high" });
    expect(d.dedupe_key).toBe("shift:2026-11-27:night");
  });

  it("running low on food restocks and tells the kitchen", () => {
    const d = evaluateSignal(signal({ title: "Running low on milk and bread" }), p);
    expect(d.matched_rules).toEqual(["supplies-low", "kitchen-supplies"]);
    expect(d.case).toMatchObject({ label: "1001.21.Supplies", severity: "medium" });
    expect(d.tasks.map((t) => t.owner_role)).toEqual(["Supplies", "Kitchen"]);
  });

  it("referrals by email go to intake; cancellations to shift coordination", () => {
    const ref = evaluateSignal(signal({ title: "Referral: family of four arriving tonight", source: "email" }), p);
    expect(ref.case).toMatchObject({ label: "1001.11.Intake", severity: "medium" });
    const cancel = evaluateSignal(signal({ title: "Sorry, can't make my Saturday shift" }), p);
    expect(cancel.matched_rules).toEqual(["volunteer-cancellation"]);
    expect(p.escalation).toMatchObject({ step: "PT2H", top_level: 11 });
  });
});

describe("base", () => {
  const p = shipped("base");
  it("routes emergencies and repairs, triages the rest", () => {
    expect(evaluateSignal(signal({ title: "Smoke in the basement" }), p).case).toMatchObject({
      label: "1001.91.Operations.Safety",
      severity: "critical",
    });
    expect(evaluateSignal(signal({ title: "Door handle broken" }), p).matched_rules).toEqual(["repair-request"]);
    const t = evaluateSignal(signal({ title: "Hello" }), p);
    expect(t).toMatchObject({ triage: true, case: { label: "1001.14.Operations" } });
    expect(t.tasks[0]).toMatchObject({ title: "Triage: Hello", type: "triage", owner_role: "Operations" });
  });
});

describe("rule semantics", () => {
  const p = load(`
name: semantics
roles: [Ops, Ops.Night, Sales, Safety]
default_label: 1001.14.Ops
flow_rules:
  - id: combo
    when:
      source: [email, manual]
      keywords: [alpha, "beta gamma"]
    then:
      case: { label: 1001.11.Sales, severity: high, title: "Combo at {{location.site}}", tags: ["site:{{location.site}}"] }
      tasks:
        - { title: "Handle {{signal.title}} for {{person_id}}", owner_role: Sales }
      dedupe_key: "combo:{{location.site}}:{{metadata.asset}}"
  - id: meta
    when:
      metadata: { kind: [a, b], "device.class": pump, count: 3 }
    then:
      case: { label: 1001.11.Ops }
  - id: where
    when:
      location: { site: [Store-1], area: [north, south] }
      severity: [high, critical]
      label_prefix: ["1001.9"]
      has_person: false
    then:
      case: { label: 1001.91.Safety, description: "At {{location.site}}/{{location.area}}" }
  - id: regex-body
    when:
      regex: ['order #\\d{4,}']
    then:
      case: { severity: low }
  - id: anything-after
    continue: true
    when: {}
    then:
      tasks: [{ title: "Log it" }]
  - id: not-continued
    when: { keywords: [alpha] }
    then:
      tasks: [{ title: "Never" }]
  - id: continued-no-match
    continue: true
    when: { keywords: [omega] }
    then:
      tasks: [{ title: "Never either" }]
`);

  it("different keys AND, values of one key OR", () => {
    const email = evaluateSignal(signal({ title: "Beta   Gamma report", source: "email", location: { site: "s1" } }), p);
    expect(email.matched_rules).toEqual(["combo", "anything-after"]);
    const manual = evaluateSignal(signal({ title: "x", body: "ALPHA!", source: "manual" }), p);
    expect(manual.matched_rules[0]).toBe("combo");
    expect(manual.explanations[0]?.reasons).toEqual(["source is manual", 'keyword "alpha" in body']);
    // Right keyword, wrong source; right source, no keyword.
    expect(evaluateSignal(signal({ title: "alpha", source: "api" }), p).matched_rules[0]).not.toBe("combo");
    expect(evaluateSignal(signal({ title: "delta", source: "email" }), p).matched_rules[0]).not.toBe("combo");
  });

  it("keywords match whole words, case-insensitively, phrases across any whitespace", () => {
    const rule = (title: string, body: string | null = null) => evaluateSignal(signal({ title, body, source: "email" }), p).matched_rules[0];
    expect(rule("ALPHA team")).toBe("combo");
    expect(rule("(alpha)")).toBe("combo");
    expect(rule("alphabet soup")).not.toBe("combo");
    expect(rule("alpha_1")).not.toBe("combo");
    expect(rule("subject", "beta\n gamma")).toBe("combo");
    expect(rule("betagamma")).not.toBe("combo");
  });

  it("metadata: every key must match, a key's list is alternatives, text comparison, dot paths and list values", () => {
    const m = (metadata: Record<string, unknown>) => evaluateSignal(signal({ title: "m", metadata }), p).matched_rules[0];
    expect(m({ kind: "b", device: { class: "pump" }, count: 3 })).toBe("meta");
    expect(m({ kind: "a", "device.class": "pump", count: "3" })).toBe("meta");
    expect(m({ kind: ["z", "a"], "device.class": "pump", count: 3 })).toBe("meta");
    expect(m({ kind: "c", "device.class": "pump", count: 3 })).not.toBe("meta");
    expect(m({ kind: "a", "device.class": "pump" })).not.toBe("meta");
    expect(m({ kind: "A", "device.class": "pump", count: 3 })).not.toBe("meta");
  });

  it("location (case-insensitive), given severity, label prefix and person", () => {
    const base = {
      title: "w",
      location: { site: "store-1", area: "North" },
      severity: "high" as const,
      label: "1001.91.Ops.Night",
      person_id: null,
    };
    const d = evaluateSignal(signal(base), p);
    expect(d.matched_rules[0]).toBe("where");
    expect(d.explanations[0]?.reasons).toEqual([
      "severity high given",
      "label 1001.91.Ops.Night starts with 1001.9",
      "names no person",
      "location.site is store-1",
      "location.area is North",
      'label "1001.91.Ops.Night" given with the signal wins over the rule\'s "1001.91.Safety"',
    ]);
    // The sender's label and severity win over the rule's; the rule still matched and says so.
    expect(d.case).toMatchObject({ label: "1001.91.Ops.Night", severity: "high", description: "At store-1/North" });
    for (const change of [
      { location: { site: "store-2", area: "north" } },
      { location: { site: "store-1", area: null } },
      { severity: "low" as const },
      { severity: null },
      { label: "1001.11.Ops" },
      { label: null },
      { person_id: "p-1" },
    ]) {
      expect(evaluateSignal(signal({ ...base, ...change }), p).matched_rules[0], JSON.stringify(change)).not.toBe("where");
    }
  });

  it("explicit label and severity in the signal win over the rule's and are explained", () => {
    const d = evaluateSignal(signal({ title: "alpha", source: "email", label: "101.91.Ops.Night", severity: "critical", location: { site: "s" } }), p);
    expect(d.matched_rules).toEqual(["combo", "anything-after"]);
    expect(d.case).toMatchObject({ label: "101.91.Ops.Night", severity: "critical" });
    expect(d.explanations[0]?.reasons).toEqual(
      expect.arrayContaining([
        'label "101.91.Ops.Night" given with the signal wins over the rule\'s "1001.11.Sales"',
        'severity "critical" given with the signal wins over the rule\'s "high"',
      ]),
    );
  });

  it("the first match decides; only later `continue` rules that match add tasks", () => {
    const d = evaluateSignal(signal({ title: "alpha", source: "email", location: { site: "s1" }, person_id: "p-7" }), p);
    expect(d.matched_rules).toEqual(["combo", "anything-after"]);
    expect(titles(d)).toEqual(["Handle alpha for p-7", "Log it"]);
    // A `continue` rule that matches first decides the case itself.
    const first = evaluateSignal(signal({ title: "nothing special" }), p);
    expect(first).toMatchObject({
      matched_rules: ["anything-after"],
      triage: false,
      case: { label: "1001.14.Ops", severity: "medium", title: "nothing special" },
    });
    expect(first.explanations).toEqual([{ rule_id: "anything-after", reasons: ["rule has no conditions: matches every signal"] }]);
  });

  it("regexes match title or body", () => {
    const d = evaluateSignal(signal({ title: "Question", body: "About ORDER #12345 please" }), p);
    expect(d.matched_rules).toEqual(["regex-body", "anything-after"]);
    expect(d.explanations[0]?.reasons).toEqual(['regex /order #\\d{4,}/ matched "ORDER #12345" in body']);
    expect(d.case).toMatchObject({ severity: "low", label: "1001.14.Ops", description: "About ORDER #12345 please" });
  });

  it("renders templates from the signal; missing values read `unknown`", () => {
    const d = evaluateSignal(signal({ title: "alpha", source: "email", location: { site: "s1" } }), p);
    expect(d.case).toMatchObject({ title: "Combo at s1", tags: ["site:s1"] });
    expect(d.tasks[0]?.title).toBe("Handle alpha for unknown");
  });

  it("renders the dedupe key, or gives none when one of its fields is missing", () => {
    const full = evaluateSignal(signal({ title: "alpha", source: "email", location: { site: "s1" }, metadata: { asset: "pump-3" } }), p);
    expect(full.dedupe_key).toBe("combo:s1:pump-3");
    const partial = evaluateSignal(signal({ title: "alpha", source: "email", location: { site: "s1" } }), p);
    expect(partial.dedupe_key).toBeNull();
    expect(evaluateSignal(signal({ title: "about order #1234" }), p).dedupe_key).toBeNull();
  });

  it("without any match the case goes to default_label with the built-in triage task", () => {
    const q = load("name: q\nflow_rules:\n  - { id: only, when: { keywords: [zzz] }, then: {} }\n");
    const d = evaluateSignal(signal({ title: "Printer on fire?", body: "body text", severity: "high" }), q);
    expect(d).toEqual({
      matched_rules: [],
      explanations: [],
      case: { title: "Printer on fire?", description: "body text", label: "1001.14.Operations", severity: "high", reactivity_time: null, tags: [] },
      dedupe_key: null,
      tasks: [{ title: "Triage: Printer on fire?", type: "triage", subtype: null, owner_role: null, label: null, severity: null, reactivity_time: null }],
      triage: true,
    });
    const labelled = evaluateSignal(signal({ title: "x", label: "1001.91.Operations" }), q);
    expect(labelled.case).toMatchObject({ label: "1001.91.Operations", severity: "medium" });
  });

  it("is deterministic: same input, same output, whatever the key order or how often it runs", () => {
    for (const name of Object.keys(SHIPPED_PROFILES)) {
      const profile = shipped(name);
      const s = signal({
        title: "Leak and smoke near the register, patient fell",
        body: "need water and blankets, concussion suspected",
        source: "email",
        person_id: "p-1",
        metadata: { incident_type: "water", sensor: "temperature", kind: "absence", date: "2026-11-25" },
        location: { site: "site-1", area: "area-1" },
      });
      const first = evaluateSignal(s, profile);
      const reordered = signal({ ...s, metadata: Object.fromEntries(Object.entries(s.metadata).reverse()) });
      expect(evaluateSignal(structuredClone(s), shipped(name))).toEqual(first);
      expect(evaluateSignal(reordered, profile)).toEqual(first);
      for (let i = 0; i < 3; i++) expect(evaluateSignal(s, profile)).toEqual(first);
    }
  });

  it("does not modify the signal or the profile", () => {
    const s = signal({ title: "alpha", source: "email", location: { site: "s1" } });
    const before = structuredClone({ s, p });
    evaluateSignal(s, p);
    expect({ s, p }).toEqual(before);
  });
});

describe("untrusted text against profile patterns", () => {
  const evil = load(`
name: evil
roles: [Ops]
default_label: 1001.14.Ops
flow_rules:
  - id: nested
    when: { regex: ['(a+)+$'] }
    then: { case: { severity: high } }
  - id: many-words
    when: { keywords: ['a a a a a a a a a a a a a a a a a a a a a a a a a b'] }
    then: { case: { severity: low } }
`);

  it("a nested quantifier runs in linear time and still answers correctly", () => {
    // On a backtracking engine this title alone takes longer than the test run.
    const adversarial = evaluateSignal(signal({ title: `${"a".repeat(50)}!`, body: `${"a".repeat(8_000)}!` }), evil);
    expect(adversarial.matched_rules).toEqual([]);
    expect(adversarial.triage).toBe(true);
    const hit = evaluateSignal(signal({ title: "x", body: `${"a".repeat(8_000)}` }), evil);
    expect(hit.matched_rules).toEqual(["nested"]);
    expect(hit.explanations[0]?.reasons).toEqual([`regex /(a+)+$/ matched "${"a".repeat(80)}" in body`]);
    // Case-insensitive, as before.
    expect(evaluateSignal(signal({ title: "shout AAA" }), evil).matched_rules).toEqual(["nested"]);
  });

  it("a many-word keyword against a long run of its first words completes without matching", () => {
    const d = evaluateSignal(signal({ title: "t!", body: "a ".repeat(32_000) }), evil);
    expect(d.matched_rules).toEqual([]);
    expect(evaluateSignal(signal({ title: "t!", body: `${"a ".repeat(30)}b` }), evil).matched_rules).toEqual(["many-words"]);
  });

  it("text conditions read the first 65,536 characters of title and body together", () => {
    const p = load(
      "name: cap\nroles: [Ops]\ndefault_label: 1001.14.Ops\nflow_rules:\n  - { id: k, when: { keywords: [needle] }, then: {} }\n  - { id: r, when: { regex: ['haystack!'] }, then: {} }\n",
    );
    const title = "t".repeat(100);
    const within = `${"x ".repeat((65_536 - 100 - 8) / 2)}needle`;
    expect(evaluateSignal(signal({ title, body: within }), p).matched_rules).toEqual(["k"]);
    expect(evaluateSignal(signal({ title, body: `${"x ".repeat(40_000)}needle` }), p).matched_rules).toEqual([]);
    expect(evaluateSignal(signal({ title, body: `${"x".repeat(70_000)} haystack!` }), p).matched_rules).toEqual([]);
  });

  it("regexes read only the first 8,192 characters of title and body together", () => {
    const p = load("name: cap\nroles: [Ops]\ndefault_label: 1001.14.Ops\nflow_rules:\n  - { id: r, when: { regex: ['haystack!'] }, then: {} }\n");
    const title = "t".repeat(100);
    expect(evaluateSignal(signal({ title, body: `${"x".repeat(8_192 - 100 - 10)} haystack!` }), p).matched_rules).toEqual(["r"]);
    expect(evaluateSignal(signal({ title, body: `${"x".repeat(8_192 - 100)} haystack!` }), p).matched_rules).toEqual([]);
  });
});
