/**
 * The demo organization (`npm start`) must run offline: its profile loads
 * against the shipped profiles and no event of any kind plans a webhook.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Severity } from "../../core/model/enums";
import { planNotifications } from "../../core/notifications/plan";
import { NOTIFICATION_EVENTS, loadProfile } from "../../core/profiles";
import { SHIPPED_PROFILES } from "../../profiles/bundle.generated";

const yaml = readFileSync(path.join(import.meta.dirname, "../../scripts/demo-profile.yaml"), "utf8");

describe("the demo profile", () => {
  it("loads, extending retail_ops", () => {
    const loaded = loadProfile(yaml, (n) => SHIPPED_PROFILES[n]);
    expect(loaded.ok, JSON.stringify(loaded.ok ? null : loaded.errors)).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.profile.extends).toBe("retail_ops");
    expect(loaded.profile.flow_rules.length).toBeGreaterThan(0);
  });

  it("never plans a webhook, for any event, severity or label", () => {
    const loaded = loadProfile(yaml, (n) => SHIPPED_PROFILES[n]);
    if (!loaded.ok) throw new Error("the demo profile does not load");
    const profile = loaded.profile;
    expect(profile.escalation.notify.channels).not.toContain("webhook");
    for (const rule of profile.notifications.rules) expect(rule.channels, rule.on).not.toContain("webhook");
    const labels = ["1001.91.Operations.Safety", "101.14.Facilities", "11.14.Operations", "1.91.Operations", "1000.15.Operations"];
    for (const on of NOTIFICATION_EVENTS) {
      for (const severity of Severity.options) {
        for (const label of labels) {
          const planned = planNotifications(
            { on, severity, label, owner_role: "Facilities", previous_labels: ["1001.91.Operations.Safety"], stale_step: 0 },
            profile,
          );
          expect(
            planned.filter((n) => n.channel === "webhook"),
            `${on} ${severity} ${label}`,
          ).toEqual([]);
        }
      }
    }
    // The same events under retail_ops itself do plan webhooks: the check above can fail.
    const retail = loadProfile(SHIPPED_PROFILES.retail_ops as string, (n) => SHIPPED_PROFILES[n]);
    if (!retail.ok) throw new Error("retail_ops does not load");
    const retailPlan = planNotifications({ on: "new_case", severity: "critical", label: "1001.91.Operations.Safety", owner_role: null }, retail.profile);
    expect(retailPlan.some((n) => n.channel === "webhook")).toBe(true);
  });
});
