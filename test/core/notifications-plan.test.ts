/**
 * Who hears about what: the pure planner turns an event
 * and the profile into channels and audiences. Which events notify whom comes
 * from `notifications.rules` and `escalation.notify`; the durable object then
 * turns audiences into in-app rows, mail and one webhook per event.
 */
import { describe, expect, it } from "vitest";
import {
  audienceKey,
  inAudience,
  naturalAudience,
  parseAudienceKey,
  planNotifications,
  type Audience,
  type NoticeEvent,
  type PlannedNotice,
} from "../../core/notifications/plan";
import type { Level } from "../../core/labels";
import type { Position } from "../../core/model";
import { NOTIFICATION_EVENTS, loadProfile, type Profile } from "../../core/profiles";
import { SHIPPED_PROFILES } from "../../profiles/bundle.generated";

function load(text: string): Profile {
  const r = loadProfile(text, (n) => SHIPPED_PROFILES[n]);
  if (!r.ok) throw new Error(JSON.stringify(r.errors, null, 2));
  return r.profile;
}
const shipped = (name: string): Profile => load(SHIPPED_PROFILES[name] as string);

const PROFILE = load(`
name: notify_plan
extends: base
roles: [Operations, Operations.Safety, Operations.Maintenance, Facilities, LossPrevention]
escalation:
  notify: { levels: [new_level, previous_levels, owner_role], channels: [in_app, webhook] }
notifications:
  channels:
    in_app: {}
    email: { to: [ops@notify.example] }
    webhook: { url: "https://hooks.notify.example/orgo", secret_name: NOTIFY_SECRET, max_attempts: 3, initial_backoff: PT10S }
  rules:
    - { on: new_case, min_severity: high, channels: [in_app] }
    - { on: new_case, min_severity: critical, channels: [email], to_levels: [101, 11] }
    - { on: escalation, min_severity: high, channels: [email], to_levels: [11, 1] }
    - { on: assignment, channels: [in_app] }
    - { on: pattern_alert, channels: [webhook, in_app], to_roles: [Facilities] }
    - { on: stale, channels: [in_app] }
`);

const SAFETY = "1001.91.Operations.Safety";

const ev = (e: Partial<NoticeEvent> & Pick<NoticeEvent, "on">): NoticeEvent => ({ severity: "medium", label: SAFETY, owner_role: null, ...e });
const lvl = (level: Level, role = "Operations.Safety"): Audience => ({ kind: "level", level, role });
const role = (r: string): Audience => ({ kind: "role", role: r });
const n = (channel: PlannedNotice["channel"], audience: Audience): PlannedNotice => ({ channel, audience });

/** Order-insensitive comparison of plans. */
const sorted = (plan: PlannedNotice[]) => [...plan].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
const expectPlan = (got: PlannedNotice[], want: PlannedNotice[]) => expect(sorted(got)).toEqual(sorted(want));

describe("new_case", () => {
  it("notifies at or above min_severity, not below", () => {
    expect(planNotifications(ev({ on: "new_case", severity: "low" }), PROFILE)).toEqual([]);
    expect(planNotifications(ev({ on: "new_case", severity: "medium" }), PROFILE)).toEqual([]);
    // high: the label's holders, in the app.
    expectPlan(planNotifications(ev({ on: "new_case", severity: "high" }), PROFILE), [n("in_app", lvl(1001))]);
    // critical: also mail to the levels the rule names, in the label's role.
    expectPlan(planNotifications(ev({ on: "new_case", severity: "critical" }), PROFILE), [n("in_app", lvl(1001)), n("email", lvl(101)), n("email", lvl(11))]);
  });

  it("the label's base decides the holders (broadcast bases map to their level)", () => {
    expectPlan(planNotifications(ev({ on: "new_case", severity: "high", label: "101.91.Facilities" }), PROFILE), [n("in_app", lvl(101, "Facilities"))]);
    expectPlan(planNotifications(ev({ on: "new_case", severity: "high", label: "1000.95.Operations" }), PROFILE), [n("in_app", lvl(1001, "Operations"))]);
    expectPlan(planNotifications(ev({ on: "new_case", severity: "high", label: "10.95.Operations" }), PROFILE), [n("in_app", lvl(11, "Operations"))]);
  });

  it("a profile without a new_case rule notifies nobody of new cases", () => {
    const quiet: Profile = { ...PROFILE, notifications: { ...PROFILE.notifications, rules: PROFILE.notifications.rules.filter((r) => r.on !== "new_case") } };
    expect(planNotifications(ev({ on: "new_case", severity: "critical" }), quiet)).toEqual([]);
  });
});

describe("escalation", () => {
  const step = ev({
    on: "escalation",
    severity: "medium",
    label: "101.91.Operations.Safety",
    owner_role: "Operations.Maintenance",
    previous_labels: [SAFETY],
  });

  it("notifies escalation.notify's levels (new level, previous levels, owner role) on its channels", () => {
    expectPlan(planNotifications(step, PROFILE), [
      n("in_app", lvl(101)),
      n("in_app", lvl(1001)),
      n("in_app", role("Operations.Maintenance")),
      n("webhook", lvl(101)),
      n("webhook", lvl(1001)),
      n("webhook", role("Operations.Maintenance")),
    ]);
  });

  it("rules with on: escalation add their audiences at or above their min_severity", () => {
    const high = planNotifications({ ...step, severity: "high" }, PROFILE);
    expect(high.filter((p) => p.channel === "email").map((p) => p.audience)).toEqual([lvl(11), lvl(1)]);
    expect(high.filter((p) => p.channel !== "email")).toHaveLength(6);
    expect(planNotifications(step, PROFILE).filter((p) => p.channel === "email")).toEqual([]);
  });

  it("only the configured escalation audiences are told", () => {
    const newLevelOnly: Profile = { ...PROFILE, escalation: { ...PROFILE.escalation, notify: { levels: ["new_level"], channels: ["in_app"] } } };
    expectPlan(planNotifications(step, newLevelOnly), [n("in_app", lvl(101))]);
    const ownerOnly: Profile = { ...PROFILE, escalation: { ...PROFILE.escalation, notify: { levels: ["owner_role"], channels: ["in_app"] } } };
    expectPlan(planNotifications(step, ownerOnly), [n("in_app", role("Operations.Maintenance"))]);
    // Without an owner (a case climbing), owner_role addresses nobody.
    expect(planNotifications({ ...step, owner_role: null }, ownerOnly)).toEqual([]);
  });

  it("previous_levels covers every label the event lists", () => {
    const second = { ...step, label: "11.91.Operations.Safety", previous_labels: [SAFETY, "101.91.Operations.Safety"] };
    const inApp = planNotifications(second, PROFILE)
      .filter((p) => p.channel === "in_app")
      .map((p) => p.audience);
    expect(inApp).toEqual(expect.arrayContaining([lvl(11), lvl(101), lvl(1001), role("Operations.Maintenance")]));
    expect(inApp).toHaveLength(4);
  });

  it("the same channel and audience from a rule and escalation.notify is planned once", () => {
    const overlapping: Profile = {
      ...PROFILE,
      notifications: { ...PROFILE.notifications, rules: [{ on: "escalation", channels: ["in_app"], to_levels: [101] }] },
    };
    const plan = planNotifications(step, overlapping);
    expect(plan.filter((p) => p.channel === "in_app" && JSON.stringify(p.audience) === JSON.stringify(lvl(101)))).toHaveLength(1);
  });
});

describe("assignment, pattern alerts, stale reminders", () => {
  it("assignment notifies the owner role (or the label's holders when the task has no owner)", () => {
    expectPlan(planNotifications(ev({ on: "assignment", owner_role: "Operations.Maintenance" }), PROFILE), [n("in_app", role("Operations.Maintenance"))]);
    expectPlan(planNotifications(ev({ on: "assignment", owner_role: null }), PROFILE), [n("in_app", lvl(1001))]);
  });

  it("pattern_alert notifies the roles its rule names, on its channels", () => {
    expectPlan(planNotifications(ev({ on: "pattern_alert", severity: "high", label: "11.14.Facilities" }), PROFILE), [
      n("webhook", role("Facilities")),
      n("in_app", role("Facilities")),
    ]);
  });

  it("stale step 0 reminds the owner, step 1 the level above the label's holders", () => {
    const stale = ev({ on: "stale", owner_role: "Operations.Maintenance" });
    expectPlan(planNotifications({ ...stale, stale_step: 0 }, PROFILE), [n("in_app", role("Operations.Maintenance"))]);
    expectPlan(planNotifications(stale, PROFILE), [n("in_app", role("Operations.Maintenance"))]);
    expectPlan(planNotifications({ ...stale, stale_step: 1 }, PROFILE), [n("in_app", lvl(101))]);
    expectPlan(planNotifications({ ...stale, stale_step: 1, label: "101.91.Operations.Safety" }, PROFILE), [n("in_app", lvl(11))]);
    expectPlan(planNotifications({ ...stale, stale_step: 1, label: "11.91.Operations.Safety" }, PROFILE), [n("in_app", lvl(1))]);
    // Without an owner, step 0 reminds the label's holders.
    expectPlan(planNotifications({ ...stale, owner_role: null, stale_step: 0 }, PROFILE), [n("in_app", lvl(1001))]);
  });

  it("naturalAudience is what a rule without to_levels/to_roles addresses", () => {
    expect(naturalAudience(ev({ on: "new_case" }))).toEqual([lvl(1001)]);
    expect(naturalAudience(ev({ on: "assignment", owner_role: "Facilities" }))).toEqual([role("Facilities")]);
    expect(naturalAudience(ev({ on: "stale", owner_role: "Facilities", stale_step: 1 }))).toEqual([lvl(101)]);
    // The second reminder climbs the label ladder one rung (a broadcast's holders are the level at its rank); the top reminds itself.
    const above = (label: string) => naturalAudience(ev({ on: "stale", label, stale_step: 1 }));
    expect(["101.91.Operations.Safety", "11.91.Operations.Safety", "1.91.Operations.Safety", "1000.95.Operations.Safety"].map(above)).toEqual([
      [lvl(11)],
      [lvl(1)],
      [lvl(1)],
      [lvl(101)],
    ]);
    expect(naturalAudience(ev({ on: "new_case", label: "not a label" }))).toEqual([]);
  });

  it("a channel that is not configured is never planned", () => {
    const { webhook: _w, ...channels } = PROFILE.notifications.channels;
    const noWebhook: Profile = { ...PROFILE, notifications: { ...PROFILE.notifications, channels } };
    expectPlan(planNotifications(ev({ on: "pattern_alert", label: "11.14.Facilities" }), noWebhook), [n("in_app", role("Facilities"))]);
  });
});

describe("inAudience", () => {
  it("a level audience holds the exact level in the role or a parent role; a role audience any level", () => {
    const safetyStaff: Position[] = [{ level: 1001, role: "Operations.Safety" }];
    expect(inAudience(lvl(1001), safetyStaff)).toBe(true);
    expect(inAudience(lvl(101), safetyStaff)).toBe(false);
    expect(inAudience(lvl(1001, "Facilities"), safetyStaff)).toBe(false);
    // A parent role's holder at that level is addressed; a sibling's is not.
    expect(inAudience(lvl(101), [{ level: 101, role: "Operations" }])).toBe(true);
    expect(inAudience(lvl(101), [{ level: 101, role: "Operations.Maintenance" }])).toBe(false);
    // A prefix that is not a role boundary does not count.
    expect(inAudience(lvl(1001), [{ level: 1001, role: "Operations.Safe" }])).toBe(false);
    expect(inAudience(role("Operations.Safety"), [{ level: 1, role: "Operations.Safety" }])).toBe(true);
    expect(inAudience(role("Operations.Safety"), [{ level: 11, role: "Operations" }])).toBe(true);
    expect(inAudience(role("Operations"), [{ level: 11, role: "Operations.Safety" }])).toBe(false);
    expect(inAudience(role("Facilities"), [])).toBe(false);
    // Any one position suffices.
    expect(
      inAudience(lvl(11), [
        { level: 1001, role: "Facilities" },
        { level: 11, role: "Operations.Safety" },
      ]),
    ).toBe(true);
  });

  it("audience keys round-trip", () => {
    for (const a of [lvl(101), lvl(1, "Operations"), role("Operations.Safety.Night"), role("Facilities")]) {
      expect(parseAudienceKey(audienceKey(a))).toEqual(a);
    }
    expect(audienceKey(lvl(101))).toBe("level:101:Operations.Safety");
    expect(audienceKey(role("Facilities"))).toBe("role:Facilities");
    expect(parseAudienceKey("ops@example.com")).toBeNull();
    expect(parseAudienceKey("https://hooks.example/x")).toBeNull();
    // A level off the ladder addresses nobody.
    expect(parseAudienceKey("level:5:Operations")).toBeNull();
  });
});

describe("shipped profiles", () => {
  it("retail_ops: critical cases reach holders in-app and by webhook, team leads and department heads by mail", () => {
    const p = shipped("retail_ops");
    const label = "1001.91.Operations.Safety";
    expectPlan(planNotifications({ on: "new_case", severity: "critical", label, owner_role: null }, p), [
      n("in_app", lvl(1001)),
      n("webhook", lvl(1001)),
      n("email", lvl(101)),
      n("email", lvl(11)),
    ]);
    expect(planNotifications({ on: "new_case", severity: "medium", label, owner_role: null }, p)).toEqual([]);
    // Escalation: new level and owner in-app and by mail (escalation.notify), plus mail to 11 and 1 for high items.
    const climbed = {
      on: "escalation" as const,
      severity: "high" as const,
      label: "101.91.Operations.Safety",
      owner_role: "Operations.Safety",
      previous_labels: [label],
    };
    expectPlan(planNotifications(climbed, p), [
      n("in_app", lvl(101)),
      n("email", lvl(101)),
      n("in_app", role("Operations.Safety")),
      n("email", role("Operations.Safety")),
      n("email", lvl(11)),
      n("email", lvl(1)),
    ]);
    expectPlan(planNotifications({ on: "pattern_alert", severity: "high", label: "11.14.Facilities", owner_role: null }, p), [
      n("email", role("Facilities")),
      n("email", role("LossPrevention")),
      n("webhook", role("Facilities")),
      n("webhook", role("LossPrevention")),
    ]);
  });

  it("every shipped profile plans only configured channels, and escalations always reach someone", () => {
    for (const name of Object.keys(SHIPPED_PROFILES)) {
      const p = shipped(name);
      const role0 = p.roles[0] as string;
      const label = `1001.91.${role0}`;
      for (const on of NOTIFICATION_EVENTS) {
        for (const severity of ["low", "medium", "high", "critical"] as const) {
          const plan = planNotifications({ on, severity, label, owner_role: role0, previous_labels: [label], stale_step: 0 }, p);
          for (const planned of plan) expect(p.notifications.channels[planned.channel], `${name} ${on} ${severity} ${planned.channel}`).toBeDefined();
          if (on === "escalation") expect(plan.length, `${name}: escalation notifies someone`).toBeGreaterThan(0);
        }
      }
    }
  });
});
