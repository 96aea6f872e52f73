/** Which organization mail is for, which mail is a robot's, and what a subject says. */
import { describe, expect, it } from "vitest";
import { loopReason, type LoopSigns } from "../../core/email/loop-guard";
import { mailboxOf } from "../../core/email/recipient";
import { normalizeSubject, titleOfSubject } from "../../core/email/subject";
import { caseRefInSubject, caseRefOf, caseTag } from "../../core/model/case-ref";

describe("mailboxOf", () => {
  it("reads the slug and the hint at our domain, case-insensitively", () => {
    expect(mailboxOf("acme@orgo.test", "orgo.test")).toEqual({ slug: "acme", hint: null });
    expect(mailboxOf("<Acme+Safety@ORGO.test>", "orgo.test")).toEqual({ slug: "acme", hint: "safety" });
    expect(mailboxOf("st-marys+night.shift@orgo.test", "orgo.test")).toEqual({ slug: "st-marys", hint: "night.shift" });
  });

  it("names no mailbox at another domain, with a malformed slug or hint, or for an absurd address", () => {
    expect(mailboxOf("acme@orgo.test.evil.example", "orgo.test")).toBeNull();
    expect(mailboxOf("acme@other.test", "orgo.test")).toBeNull();
    expect(mailboxOf("-acme@orgo.test", "orgo.test")).toBeNull();
    expect(mailboxOf("acme+@orgo.test", "orgo.test")).toBeNull();
    expect(mailboxOf("acme+a b@orgo.test", "orgo.test")).toBeNull();
    expect(mailboxOf(`${"a".repeat(400)}@orgo.test`, "orgo.test")).toBeNull();
    expect(mailboxOf("orgo.test", "orgo.test")).toBeNull();
  });
});

describe("loopReason", () => {
  const human: LoopSigns = { headers: [], envelopeFrom: "alice@example.com", from: "alice@example.com", contentType: "text/plain", ownDomain: "orgo.test" };
  const withHeader = (key: string, value: string): LoopSigns => ({ ...human, headers: [{ key, value }] });

  it("lets a person's mail through", () => {
    expect(loopReason(human)).toBeNull();
    expect(loopReason(withHeader("Auto-Submitted", "no"))).toBeNull();
    expect(loopReason(withHeader("Precedence", "first-class"))).toBeNull();
  });

  it("names what gives a robot away", () => {
    expect(loopReason(withHeader("Auto-Submitted", "auto-replied"))).toBe("auto_submitted");
    expect(loopReason(withHeader("auto-submitted", "Auto-Generated"))).toBe("auto_submitted");
    expect(loopReason(withHeader("X-Autoreply", "yes"))).toBe("auto_reply");
    expect(loopReason(withHeader("X-Autorespond", "vacation"))).toBe("auto_reply");
    expect(loopReason(withHeader("Precedence", "Bulk"))).toBe("precedence");
    expect(loopReason(withHeader("Precedence", "auto_reply"))).toBe("precedence");
    expect(loopReason(withHeader("List-Id", "<ops.lists.example.com>"))).toBe("list");
    expect(loopReason({ ...human, contentType: "multipart/report" })).toBe("delivery_report");
    expect(loopReason({ ...human, envelopeFrom: "" })).toBe("bounce");
    expect(loopReason(withHeader("Return-Path", "<>"))).toBe("bounce");
    expect(loopReason({ ...human, from: "MAILER-DAEMON@mx.example.com" })).toBe("bounce");
    expect(loopReason({ ...human, from: "postmaster@example.com" })).toBe("bounce");
    expect(loopReason({ ...human, from: "acme@orgo.test" })).toBe("own_mail");
  });
});

describe("subjects and case tags", () => {
  it("drops reply and forward prefixes of every language, repeated, and the case tag", () => {
    expect(normalizeSubject("Re: RE: AW: SV: Fwd: Boiler noise")).toBe("Boiler noise");
    expect(normalizeSubject("Re[2]: WG: TR: Antw: leak")).toBe("leak");
    expect(normalizeSubject("回复：漏水")).toBe("漏水");
    expect(normalizeSubject("Re: [Orgo #3F9A2C71B0] Boiler noise")).toBe("Boiler noise");
    expect(normalizeSubject("Rebuild of the roof")).toBe("Rebuild of the roof");
  });

  it("makes a bounded, never empty title", () => {
    expect(titleOfSubject(null)).toBe("(no subject)");
    expect(titleOfSubject("Re: ")).toBe("(no subject)");
    expect(titleOfSubject("x".repeat(1000))).toHaveLength(300);
  });

  it("derives a ten-character ref from the case id and finds it in a subject", () => {
    const ref = caseRefOf("3f9a2c71-b0de-4c1e-9a55-0123456789ab");
    expect(ref).toBe("3F9A2C71B0");
    expect(caseRefInSubject(`AW: ${caseTag(ref)} Leak`)).toBe(ref);
    expect(caseRefInSubject("re: [orgo #3f9a2c71b0] leak")).toBe(ref);
    expect(caseRefInSubject("[Orgo #] nothing")).toBeNull();
    expect(caseRefInSubject("no tag")).toBeNull();
  });
});
