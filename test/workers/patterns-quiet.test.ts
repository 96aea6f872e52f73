/**
 * Patterns, further, on the seed's leak example: five leak tasks in Building
 * A within 30 days open "Infrastructure Audit: Building A"; while that case
 * is open an inhibiting rule mutes the alerts of the leaks it groups (a burst
 * is one alert, not fifty); once the site has stayed under the threshold for
 * a whole window, the case says so and, with `when_quiet: resolve`, resolves
 * itself. Time moves on the object's clock, never by sleeping.
 */
import { describe, expect, it } from "vitest";
import { api, createOrg, orgStub, runAlarmAt } from "./helpers";

const PROFILE = (whenQuiet: "resolve" | "note") => `name: leaks_${whenQuiet}
extends: retail_ops
pattern_rules:
  - id: leak-audit
    match: { entity: task, subtype: leak }
    group_by: location.site
    window: P30D
    threshold: 5
    cooldown: P30D
    inhibit: true
    when_quiet: ${whenQuiet}
    action:
      case: { title: "Infrastructure Audit: {{group}}", label: 11.14.Facilities, severity: high }
`;

const DAY = 86_400_000;

const leak = (site: string) => ({
  title: "Water leak in the stockroom",
  body: "There is a leak under the sink",
  location: { site, area: "Stockroom" },
  metadata: { incident_type: "water" },
});

/** One leak report whose case is then resolved, so the next report opens a new case (not a dedupe join). */
async function report(slug: string, token: string, site: string) {
  const s = await api("POST", `/v1/orgs/${slug}/signals`, { token, body: leak(site) });
  expect(s.status).toBe(201);
  for (const task of s.body.tasks) {
    await api("POST", `/v1/orgs/${slug}/tasks/${task.task_id}/transition`, { token, body: { to: "in_progress" } });
    await api("POST", `/v1/orgs/${slug}/tasks/${task.task_id}/transition`, { token, body: { to: "completed" } });
  }
  return s.body.case;
}

/** In-app notices and (retail_ops sends pattern alerts by mail) the mail log. */
async function notices(slug: string, token: string) {
  const inApp = (await api("GET", `/v1/orgs/${slug}/notifications?limit=200`, { token })).body.items;
  const mail = (await api("GET", `/v1/orgs/${slug}/notifications?channel=email&limit=200`, { token })).body.items;
  return [...inApp, ...mail] as { entity_id: string; event: string }[];
}

async function audit(slug: string, token: string) {
  return (await api("GET", `/v1/orgs/${slug}/cases?label=11.14.Facilities`, { token })).body.items as any[];
}

describe("pattern cases that speak for their items and close themselves", () => {
  it("mutes the grouped leaks' alerts while the audit is open, then resolves it after a quiet window", async () => {
    const o = await createOrg({ profile_yaml: PROFILE("resolve") });
    const before: any[] = [];
    for (let i = 0; i < 4; i++) before.push(await report(o.slug, o.token, "Building A"));
    expect(await audit(o.slug, o.token)).toHaveLength(0);
    const alerted = new Set((await notices(o.slug, o.token)).map((n) => n.entity_id));
    for (const c of before) expect(alerted.has(c.case_id)).toBe(true);

    const tipping = await report(o.slug, o.token, "Building A");
    const [auditCase] = await audit(o.slug, o.token);
    expect(auditCase.title).toBe("Infrastructure Audit: Building A");
    const later = await report(o.slug, o.token, "Building A");
    const elsewhere = await report(o.slug, o.token, "Building B");

    const after = await notices(o.slug, o.token);
    const ids = new Set(after.map((n) => n.entity_id));
    expect(ids.has(auditCase.case_id)).toBe(true);
    // The leak that tipped it and the one after it raise nothing of their own; Building B is not grouped.
    expect(ids.has(tipping.case_id)).toBe(false);
    expect(ids.has(later.case_id)).toBe(false);
    expect(ids.has(elsewhere.case_id)).toBe(true);
    const muted = (await api("GET", `/v1/orgs/${o.slug}/cases/${later.case_id}/timeline`, { token: o.token })).body.items;
    expect(muted.some((i: any) => i.action === "notifications.inhibited" && i.details.pattern_case_id === auditCase.case_id)).toBe(true);

    const stub = orgStub(o.org.org_id);
    // Not quiet yet after one window: the site was at the threshold within it.
    await runAlarmAt(stub, Date.now() + 31 * DAY);
    expect((await api("GET", `/v1/orgs/${o.slug}/cases/${auditCase.case_id}`, { token: o.token })).body.status).toBe("open");
    // Under the threshold for a whole window after that: the audit resolves itself and says why.
    await runAlarmAt(stub, Date.now() + 61 * DAY);
    const resolved = (await api("GET", `/v1/orgs/${o.slug}/cases/${auditCase.case_id}`, { token: o.token })).body;
    expect(resolved.status).toBe("resolved");
    const story = (await api("GET", `/v1/orgs/${o.slug}/cases/${auditCase.case_id}/timeline`, { token: o.token })).body.items;
    expect(story.find((i: any) => i.action === "pattern.quiet")).toMatchObject({ details: { rule_id: "leak-audit", group: "Building A", window: "P30D" } });
    // Quiet again: the group's items alert on their own once more.
    await api("PATCH", `/v1/orgs/${o.slug}/cases/${auditCase.case_id}`, { token: o.token, body: { status: "closed" } });
  });

  it("with when_quiet: note, the case only says so on its timeline", async () => {
    const o = await createOrg({ profile_yaml: PROFILE("note") });
    for (let i = 0; i < 5; i++) await report(o.slug, o.token, "Building A");
    const [auditCase] = await audit(o.slug, o.token);
    await runAlarmAt(orgStub(o.org.org_id), Date.now() + 61 * DAY);
    const still = (await api("GET", `/v1/orgs/${o.slug}/cases/${auditCase.case_id}`, { token: o.token })).body;
    expect(still.status).not.toBe("resolved");
    const story = (await api("GET", `/v1/orgs/${o.slug}/cases/${auditCase.case_id}/timeline`, { token: o.token })).body.items;
    expect(story.filter((i: any) => i.action === "pattern.quiet")).toHaveLength(1);
  });
});
