/**
 * Inbound mail and answers by mail as pure plans: what a message opens,
 * joins or only records, which recorded mail a case takes in, and what a
 * reply carries so the answer threads back.
 */
import { describe, expect, it } from "vitest";
import { type EmailSnapshot, planInboundEmail, planReply, type ReplySnapshot } from "../../core/engine";
import type { InboundEmail } from "../../core/email/inbound";
import { ADMIN, MAINTENANCE_STAFF, actor, env, errorCode, memoryLookup, storedCase } from "../support/plan-fixtures";

function email(fields: Partial<InboundEmail> = {}): InboundEmail {
  return {
    message_id: "m1@example.com",
    in_reply_to: [],
    references: [],
    subject: "Re: Water leak in aisle 4",
    from: { address: "alice@example.com", name: "Alice" },
    to: ["acme@orgo.test"],
    cc: [],
    sent_at: "2026-03-02T08:55:00.000Z",
    text: "leak under the freezer",
    full_text: "leak under the freezer\n\n> older",
    mailbox_hint: null,
    loop_reason: null,
    raw_key: "orgs/o/mail/raw/abc.eml",
    attachments: [],
    ...fields,
  };
}

function snapshot(fields: Partial<EmailSnapshot> = {}): EmailSnapshot {
  const signal: EmailSnapshot["signal"] = () => ({ dedupe_case: null, person_links: [], lookup: memoryLookup() });
  return { seen: null, thread_case: null, orphans: [], lookup: memoryLookup(), signal, ...fields };
}

const EMAIL_ACTOR = actor([], { admin: true, user_id: "email" });

describe("planInboundEmail", () => {
  it("opens a case from a new message: a signal of source email, titled by the subject, with the new text as body", () => {
    const p = planInboundEmail(snapshot(), email({ mailbox_hint: "safety" }), env(EMAIL_ACTOR));
    expect(p.answer.outcome).toBe("opened");
    const c = p.cases[0]?.record;
    expect(c?.title).toBe("Water leak in aisle 4");
    expect(c?.ref).toMatch(/^[0-9A-Z-]+$/);
    expect(p.answer).toMatchObject({ case_id: c?.case_id, case_ref: c?.ref });
    expect(p.signals[0]?.signal).toMatchObject({
      source: "email",
      body: "leak under the freezer",
      metadata: { email_from: "alice@example.com", email_message_id: "m1@example.com", mailbox_hint: "safety" },
      occurred_at: "2026-03-02T08:55:00.000Z",
    });
    expect(p.emails).toEqual([
      expect.objectContaining({ status: "opened", direction: "inbound", case_id: c?.case_id, thread_ids: ["m1@example.com"], text: "leak under the freezer" }),
    ]);
  });

  it("joins the case it answers without opening another, and takes in recorded mail of the thread", () => {
    const kase = storedCase({ case_id: "case-1", ref: "CASE1" });
    const p = planInboundEmail(snapshot({ thread_case: kase, orphans: ["e-robot"] }), email({ in_reply_to: ["root@x"] }), env(EMAIL_ACTOR));
    expect(p.answer).toEqual({ outcome: "joined", email_id: p.emails[0]?.email_id, case_id: "case-1", case_ref: "CASE1" });
    expect(p.cases).toEqual([]);
    expect(p.signals).toEqual([]);
    expect(p.emails[0]?.thread_ids).toEqual(["m1@example.com", "root@x"]);
    expect(p.email_adoptions).toEqual([{ email_id: "e-robot", case_id: "case-1" }]);
    expect(p.audit.map((a) => a.event.action)).toEqual(["case.email_received"]);
  });

  it("records loop-safe mail that threads nowhere, and opens nothing", () => {
    const p = planInboundEmail(snapshot(), email({ loop_reason: "auto_submitted" }), env(EMAIL_ACTOR));
    expect(p.answer).toMatchObject({ outcome: "recorded", case_id: null });
    expect(p.cases).toEqual([]);
    expect(p.emails[0]).toMatchObject({ status: "recorded", case_id: null, loop_reason: "auto_submitted" });
    expect(p.notices).toEqual([]);
  });

  it("answers a redelivery with the first message and writes nothing", () => {
    const p = planInboundEmail(snapshot({ seen: { email_id: "e1", case_id: "case-1" } }), email(), env(EMAIL_ACTOR));
    expect(p.answer).toEqual({ outcome: "duplicate", email_id: "e1", case_id: "case-1", case_ref: null });
    expect([p.cases, p.emails, p.audit, p.signals]).toEqual([[], [], [], []]);
  });
});

describe("planReply", () => {
  const kase = storedCase({ case_id: "case-1", ref: "3F9A2C71B0", title: "Water leak" });
  const tip = { message_id: "m3@x", from_address: "alice@example.com", subject: "RE: Water leak in aisle 4", references: ["m1@x", "m2@x"] };
  const snap = (fields: Partial<ReplySnapshot> = {}): ReplySnapshot => ({
    case: kase,
    tip,
    mailbox: "acme@orgo.test",
    domain: "orgo.test",
    lookup: memoryLookup(),
    ...fields,
  });

  it("answers the last correspondent, naming the thread and carrying the tag, and queues the send", () => {
    const p = planReply(snap(), { body: "A plumber comes at 3pm." }, env(MAINTENANCE_STAFF));
    expect(p.answer).toMatchObject({
      direction: "outbound",
      status: "queued",
      to: ["alice@example.com"],
      from_address: "acme@orgo.test",
      subject: "Re: Water leak in aisle 4 [Orgo #3F9A2C71B0]",
      in_reply_to: ["m3@x"],
      references: ["m1@x", "m2@x", "m3@x"],
    });
    expect(p.answer.message_id).toBe(`${p.answer.email_id}@orgo.test`);
    expect(p.answer.thread_ids).toEqual([p.answer.message_id]);
    expect(p.notices).toEqual([expect.objectContaining({ channel: "email", recipient: "alice@example.com", event: "case.reply" })]);
    expect(p.timers.arm).toEqual([expect.objectContaining({ kind: "delivery", entity_id: p.notices[0]?.notification_id })]);
  });

  it("keeps the root and the newest references when the thread is long", () => {
    const long = { ...tip, references: Array.from({ length: 40 }, (_, i) => `r${i}@x`) };
    const refs = planReply(snap({ tip: long }), { body: "ok" }, env(ADMIN)).answer.references;
    expect(refs).toHaveLength(20);
    expect(refs[0]).toBe("r0@x");
    expect(refs.at(-1)).toBe("m3@x");
  });

  it("needs an address when the case received no mail, and the right to act on the case", () => {
    expect(errorCode(() => planReply(snap({ tip: null }), { body: "hi" }, env(ADMIN)))).toBe("validation");
    const p = planReply(snap({ tip: null }), { body: "hi", to: "bob@example.com" }, env(ADMIN));
    expect(p.answer.subject).toBe("Water leak [Orgo #3F9A2C71B0]");
    const outsider = actor([{ level: 1001, role: "Facilities" }], { user_id: "u-out" });
    expect(errorCode(() => planReply(snap(), { body: "hi" }, env(outsider)))).toMatch(/not_found|forbidden/);
    expect(errorCode(() => planReply(snap({ case: null }), { body: "hi" }, env(ADMIN)))).toBe("not_found");
  });
});
