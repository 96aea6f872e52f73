/**
 * The email gateway through the Worker's `email()` handler: routing to the
 * organization, opening and threading cases, redelivery, loop safety,
 * refusals, and answers by mail that thread back.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createOrg, expectProblem, orgStub, runAlarmAt } from "./helpers";
import { deliverEmail, mail } from "./mail-helpers";

const PROFILE = `name: mailroom
extends: retail_ops
flow_rules:
  - id: safety-box
    when: { source: [email], metadata: { mailbox_hint: safety } }
    then:
      case: { label: 1001.91.Operations.Safety, severity: critical }
`;

async function timeline(slug: string, token: string, caseId: string) {
  const r = await api("GET", `/v1/orgs/${slug}/cases/${caseId}/timeline`, { token });
  expect(r.status).toBe(200);
  return r.body.items as any[];
}

const emailsOf = (items: any[]) => items.filter((i) => i.type === "email");

describe("inbound mail", () => {
  it("opens a case from a new message, keeps the raw message, and threads replies by header or tag", async () => {
    const o = await createOrg({ profile_yaml: PROFILE });
    const to = `${o.slug}@orgo.test`;
    const first = await deliverEmail(mail({ id: "root-1@example.com", subject: "Fwd: Water leak in B12", body: "Water on the floor.\n\n-- \nAlice" }), {
      from: "alice@example.com",
      to,
    });
    expect(first).toMatchObject({ outcome: "opened", rejected: null });
    const kase = (await api("GET", `/v1/orgs/${o.slug}/cases/${first.case_id}`, { token: o.token })).body;
    expect(kase.title).toBe("Water leak in B12");
    expect(kase.ref).toMatch(/^[0-9A-F]{10}$/);
    const [entry] = emailsOf(await timeline(o.slug, o.token, kase.case_id));
    expect(entry).toMatchObject({ type: "email", from: "alice@example.com", message_id: "root-1@example.com", text: "Water on the floor.", attachments: [] });

    const raw = await api("GET", `/v1/orgs/${o.slug}/cases/${kase.case_id}/messages/${encodeURIComponent("<root-1@example.com>")}/raw`, { token: o.token });
    expect(raw.status).toBe(200);
    expect(raw.headers.get("content-type")).toBe("message/rfc822");
    expect(String(raw.body)).toContain("Water on the floor.");

    const byHeader = await deliverEmail(
      mail({
        from: "Bob <bob@example.com>",
        subject: "Re: Fwd: Water leak in B12",
        body: "On it.\n\nOn Tue, 1 Dec 2026 at 10:00, Alice <alice@example.com> wrote:\n> Water on the floor.",
        headers: { "In-Reply-To": "<root-1@example.com>" },
      }),
      { from: "bob@example.com", to },
    );
    expect(byHeader).toMatchObject({ outcome: "joined", case_id: kase.case_id });
    const byReferences = await deliverEmail(mail({ subject: "Re: leak", body: "Fixed.", headers: { References: "<nothing@else> <root-1@example.com>" } }), {
      from: "carol@example.com",
      to,
    });
    expect(byReferences).toMatchObject({ outcome: "joined", case_id: kase.case_id });
    const byTag = await deliverEmail(mail({ subject: `AW: [Orgo #${kase.ref.toLowerCase()}] Leak`, body: "Photo follows." }), { from: "dan@example.com", to });
    expect(byTag).toMatchObject({ outcome: "joined", case_id: kase.case_id });

    const texts = emailsOf(await timeline(o.slug, o.token, kase.case_id)).map((e) => e.text);
    expect(texts).toEqual(["Water on the floor.", "On it.", "Fixed.", "Photo follows."]);
    // Only the first message opened a case.
    const cases = await api("GET", `/v1/orgs/${o.slug}/cases`, { token: o.token });
    expect(cases.body.items).toHaveLength(1);
  });

  it("takes a redelivered Message-ID once", async () => {
    const o = await createOrg();
    const to = `${o.slug}@orgo.test`;
    const m = mail({ id: "twice@example.com" });
    const a = await deliverEmail(m, { from: "alice@example.com", to });
    const b = await deliverEmail(m, { from: "alice@example.com", to });
    expect(a.outcome).toBe("opened");
    expect(b).toMatchObject({ outcome: "duplicate", case_id: a.case_id, email_id: a.email_id });
    expect(emailsOf(await timeline(o.slug, o.token, a.case_id as string))).toHaveLength(1);
  });

  it("routes on the mailbox hint through the flow rules", async () => {
    const o = await createOrg({ profile_yaml: PROFILE });
    const r = await deliverEmail(mail({ subject: "Smoke in the stairwell" }), { from: "alice@example.com", to: `${o.slug}+safety@orgo.test` });
    const kase = (await api("GET", `/v1/orgs/${o.slug}/cases/${r.case_id}`, { token: o.token })).body;
    expect(kase).toMatchObject({ label: "1001.91.Operations.Safety", severity: "critical", metadata: { mailbox_hint: "safety" } });
    const plain = await deliverEmail(mail({ subject: "Smoke again" }), { from: "alice@example.com", to: `${o.slug}@orgo.test` });
    const other = (await api("GET", `/v1/orgs/${o.slug}/cases/${plain.case_id}`, { token: o.token })).body;
    expect(other.label).not.toBe("1001.91.Operations.Safety");
  });

  it("refuses mail for no organization, for another domain and over the size limit, storing nothing", async () => {
    const o = await createOrg();
    const unknown = await deliverEmail(mail(), { from: "alice@example.com", to: "nobody-here@orgo.test" });
    expect(unknown.outcome).toBe("rejected");
    expect(unknown.rejected).toMatch(/unknown organization/);
    const foreign = await deliverEmail(mail(), { from: "alice@example.com", to: `${o.slug}@elsewhere.test` });
    expect(foreign.rejected).toMatch(/unknown mailbox/);
    const huge = await deliverEmail(mail(), { from: "alice@example.com", to: `${o.slug}@orgo.test`, rawSize: 26 * 1024 * 1024 });
    expect(huge.rejected).toMatch(/too large/);
    const stored = await env.FILES.list({ prefix: `orgs/${o.org.org_id}/` });
    expect(stored.objects).toHaveLength(0);
    expect((await api("GET", `/v1/orgs/${o.slug}/cases`, { token: o.token })).body.items).toHaveLength(0);
  });

  it("records auto-replies, bounces and list mail without opening a case, and files an auto-reply that threads on its case", async () => {
    const o = await createOrg();
    const to = `${o.slug}@orgo.test`;
    const robots = [
      deliverEmail(mail({ headers: { "Auto-Submitted": "auto-replied" } }), { from: "alice@example.com", to }),
      deliverEmail(mail({ headers: { Precedence: "bulk" } }), { from: "news@example.com", to }),
      deliverEmail(mail({ headers: { "List-Id": "<ops.lists.example.com>" } }), { from: "list@example.com", to }),
      deliverEmail(mail({ headers: { "X-Autoreply": "yes" } }), { from: "alice@example.com", to }),
      deliverEmail(mail({ from: "MAILER-DAEMON@mx.example.com" }), { from: "", to }),
    ];
    for (const r of await Promise.all(robots)) expect(r.outcome).toBe("recorded");
    expect((await api("GET", `/v1/orgs/${o.slug}/cases`, { token: o.token })).body.items).toHaveLength(0);
    const recorded = await api("GET", `/v1/orgs/${o.slug}/mail/recorded`, { token: o.token });
    expect(recorded.body.items).toHaveLength(5);

    const opened = await deliverEmail(mail({ id: "ask@example.com" }), { from: "alice@example.com", to });
    const away = await deliverEmail(mail({ subject: "Out of office", headers: { "Auto-Submitted": "auto-replied", "In-Reply-To": "<ask@example.com>" } }), {
      from: "alice@example.com",
      to,
    });
    expect(away).toMatchObject({ outcome: "joined", case_id: opened.case_id });
  });
});

describe("answers by mail", () => {
  it("sends a reply that names the thread and carries the tag, and an answer to it comes back to the case", async () => {
    const o = await createOrg();
    const to = `${o.slug}@orgo.test`;
    const opened = await deliverEmail(mail({ id: "q1@example.com", subject: "Broken heater" }), { from: "alice@example.com", to });
    const caseId = opened.case_id as string;
    const kase = (await api("GET", `/v1/orgs/${o.slug}/cases/${caseId}`, { token: o.token })).body;

    const r = await api("POST", `/v1/orgs/${o.slug}/cases/${caseId}/replies`, { token: o.token, body: { body: "A technician comes at 3pm." } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      to: ["alice@example.com"],
      from: to,
      in_reply_to: ["q1@example.com"],
      references: ["q1@example.com"],
      subject: `Re: Broken heater [Orgo #${kase.ref}]`,
      status: "queued",
    });
    const sent = emailsOf(await timeline(o.slug, o.token, caseId));
    expect(sent.map((e) => e.direction)).toEqual(["inbound", "outbound"]);

    // The alarm sends it (locally: kept in the outbox) and records the outcome.
    await runAlarmAt(orgStub(o.org.org_id), Date.now());
    const log = await api("GET", `/v1/orgs/${o.slug}/notifications?channel=email`, { token: o.token });
    expect(log.body.items.some((n: any) => n.event === "case.reply" && n.recipient === "alice@example.com")).toBe(true);

    const answer = await deliverEmail(mail({ subject: "Re: Broken heater", body: "Thanks!", headers: { "In-Reply-To": `<${r.body.message_id}>` } }), {
      from: "alice@example.com",
      to,
    });
    expect(answer).toMatchObject({ outcome: "joined", case_id: caseId });
  });

  it("asks for an address when the case has no mail, and hides cases of other organizations", async () => {
    const o = await createOrg();
    const other = await createOrg();
    const kase = (await api("POST", `/v1/orgs/${o.slug}/cases`, { token: o.token, body: { title: "No mail", label: "1001.91.Operations.Maintenance" } })).body;
    const r = await api("POST", `/v1/orgs/${o.slug}/cases/${kase.case_id}/replies`, { token: o.token, body: { body: "Hello" } });
    expect(expectProblem(r, 422).errors?.map((e) => e.path)).toEqual(["to"]);
    const foreign = await api("POST", `/v1/orgs/${other.slug}/cases/${kase.case_id}/replies`, {
      token: other.token,
      body: { body: "Hello", to: "x@example.com" },
    });
    expectProblem(foreign, 404);
    const ok = await api("POST", `/v1/orgs/${o.slug}/cases/${kase.case_id}/replies`, { token: o.token, body: { body: "Hello", to: "x@example.com" } });
    expect(ok.status).toBe(201);
    expect(ok.body.subject).toBe(`No mail [Orgo #${kase.ref}]`);
  });
});
