/**
 * Reviews as tracked work: when a week the profile tracks has ended, the
 * organization's daily round opens the week's review case for the team
 * leads, with a decision task per critical or unresolved item and a task to
 * sign it off; the next round opens no second one.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { OrgObject } from "../../durable-objects/org-object";
import { api, createOrg, newCase, orgStub, runAlarmAt } from "./helpers";

const DAY = 86_400_000;
const PROFILE = "name: reviewed\nextends: retail_ops\nreviews: { cycles: [weekly], role: Operations }\n";

describe("review cases", () => {
  it("opens the ended week's review for the team leads once, with its decisions", async () => {
    const o = await createOrg({ profile_yaml: PROFILE });
    const critical = await newCase(o.slug, o.token, { title: "Fire door jammed", label: "1001.91.Operations.Safety", severity: "critical" });
    const stuck = await newCase(o.slug, o.token, { title: "Broken shelf", label: "1001.14.Operations", severity: "low" });
    const stub = orgStub(o.org.org_id);
    // The organization tracks reviews from before this week (as if it had run for a while).
    await runInDurableObject(stub, (_i: OrgObject, state: DurableObjectState) => {
      state.storage.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('reviews_since', '0')");
    });

    await runAlarmAt(stub, Date.now() + 7 * DAY);
    const reviews = (await api("GET", `/v1/orgs/${o.slug}/cases?label=101.16.Operations`, { token: o.token })).body.items;
    expect(reviews).toHaveLength(1);
    const review = reviews[0];
    expect(review.title).toMatch(/^Weekly review \d{4}-W\d{2}$/);
    expect(review.metadata.review).toMatchObject({ cycle: "weekly" });
    const tasks = (await api("GET", `/v1/orgs/${o.slug}/tasks?case_id=${review.case_id}`, { token: o.token })).body.items as any[];
    const titles = tasks.map((t) => t.title);
    expect(titles.some((t) => t.startsWith(`Decide: Fire door jammed [Orgo #${critical.ref}]`))).toBe(true);
    expect(titles.some((t) => t.startsWith(`Decide: Broken shelf [Orgo #${stuck.ref}]`))).toBe(true);
    expect(titles.filter((t) => t.startsWith("Sign off the weekly review"))).toHaveLength(1);
    expect(tasks).toHaveLength(3);

    // A day later the review may have climbed (it is work with a deadline like any other): count it by what it is, not by its label.
    await runAlarmAt(stub, Date.now() + 8 * DAY + 1);
    const all = (await api("GET", `/v1/orgs/${o.slug}/cases?limit=200`, { token: o.token })).body.items as { metadata: { review?: { cycle: string } } }[];
    expect(all.filter((c) => c.metadata.review?.cycle === "weekly")).toHaveLength(1);
  });

  it("refuses a review role the profile does not have", async () => {
    const r = await api("POST", "/v1/orgs", {
      body: {
        slug: `rv-${crypto.randomUUID().slice(0, 6)}`,
        name: "Bad",
        profile_yaml: "name: bad\nextends: retail_ops\nreviews: { cycles: [weekly], role: Nowhere }\n",
      },
    });
    expect(r.status).toBe(422);
    expect(r.body.errors.map((e: { path: string }) => e.path)).toContain("reviews.role");
  });
});
