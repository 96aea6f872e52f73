/**
 * The gateway's own fixtures (test/email/fixtures: clients, encodings,
 * languages, HTML-only mail, attachments, forwards, bounces, auto-replies),
 * delivered in the manifest's order through the `email()` handler into one
 * organization. Each one's outcome, thread, stored new text, subject and
 * attachments are as the manifest says.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createOrg } from "./helpers";
import { type Delivered, deliverEmail } from "./mail-helpers";

interface Expected {
  file: string;
  to: string;
  from: string;
  outcome: "case" | "reply" | "recorded" | "duplicate" | "rejected";
  thread?: string;
  text?: string;
  subject?: string;
  attachments?: { filename: string; content_type: string; size: number }[];
  reject_reason_contains?: string;
  note: string;
}

const files = env.TEST_EMAIL_FIXTURES;
const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const manifest: Expected[] = JSON.parse(new TextDecoder().decode(bytes(files["manifest.json"] as string)));

/** Substitutes `{{ref:<thread>}}` placeholders with the ref of that thread's case, byte for byte elsewhere. */
function withRefs(raw: Uint8Array, refs: Map<string, string>): Uint8Array {
  const latin1 = Array.from(raw, (b) => String.fromCharCode(b)).join("");
  const replaced = latin1.replace(/\{\{ref:([a-z0-9-]+)\}\}/g, (_, thread: string) => refs.get(thread) ?? "UNKNOWN");
  return Uint8Array.from(replaced, (c) => c.charCodeAt(0));
}

describe("the gateway's fixtures", () => {
  let token = "";
  const caseOfThread = new Map<string, string>();
  const refOfThread = new Map<string, string>();
  const delivered = new Map<string, Delivered>();

  beforeAll(async () => {
    const o = await createOrg({ slug: "acme" });
    token = o.token;
  });

  async function emailEntry(caseId: string, file: string, result: Delivered) {
    const items = (await api("GET", `/v1/orgs/acme/cases/${caseId}/timeline`, { token })).body.items as any[];
    const entry = items.find((i) => i.type === "email" && i.entity_id === result.email_id);
    expect(entry, `${file}: on the case's timeline`).toBeDefined();
    return entry;
  }

  it("has at least 40 fixtures", () => {
    expect(manifest.length).toBeGreaterThanOrEqual(40);
  });

  for (const fx of manifest) {
    it(`${fx.file}: ${fx.note}`, async () => {
      const raw = withRefs(bytes(files[fx.file] as string), refOfThread);
      const r = await deliverEmail(raw, { from: fx.from, to: fx.to });
      delivered.set(fx.file, r);

      if (fx.outcome === "rejected") {
        expect(r.outcome).toBe("rejected");
        expect(r.rejected).toContain(fx.reject_reason_contains ?? "");
        return;
      }
      expect(r.rejected).toBeNull();
      const threadCase = fx.thread ? caseOfThread.get(fx.thread) : undefined;
      switch (fx.outcome) {
        case "case":
          expect(r.outcome).toBe("opened");
          expect(r.case_id).toBeTruthy();
          caseOfThread.set(fx.thread as string, r.case_id as string);
          refOfThread.set(fx.thread as string, (await api("GET", `/v1/orgs/acme/cases/${r.case_id}`, { token })).body.ref);
          break;
        case "reply":
          expect(r.outcome).toBe("joined");
          expect(r.case_id).toBe(threadCase);
          break;
        case "recorded":
          // Loop-safe mail opens nothing; when it answers a case it is filed there.
          if (fx.thread) expect(r).toMatchObject({ outcome: "joined", case_id: threadCase });
          else expect(r).toMatchObject({ outcome: "recorded", case_id: null });
          break;
        case "duplicate":
          expect(r.outcome).toBe("duplicate");
          expect(r.case_id).toBe(threadCase);
          return;
      }
      if (!r.case_id) {
        const recorded = (await api("GET", "/v1/orgs/acme/mail/recorded?limit=200", { token })).body.items as any[];
        const entry = recorded.find((m) => m.email_id === r.email_id);
        expect(entry).toBeDefined();
        if (fx.text !== undefined) expect(entry.text).toBe(fx.text);
        return;
      }
      const entry = await emailEntry(r.case_id, fx.file, r);
      if (fx.text !== undefined) expect(entry.text).toBe(fx.text);
      if (fx.subject !== undefined) expect(entry.subject).toBe(fx.subject.replace(/\{\{ref:([a-z0-9-]+)\}\}/g, (_, t: string) => refOfThread.get(t) ?? ""));
      if (fx.attachments) {
        expect(entry.attachments.map((a: any) => ({ filename: a.filename, content_type: a.content_type, size: a.size }))).toEqual(fx.attachments);
        for (const a of entry.attachments) {
          const file = await api("GET", `/v1/orgs/acme/cases/${r.case_id}/attachments/${a.attachment_id}`, { token });
          expect(file.status).toBe(200);
          expect(file.headers.get("content-disposition")).toMatch(/^attachment;/);
        }
      }
    });
  }

  it("keeps the six-message thread from three people as one case, in order", async () => {
    const six = manifest.filter((f) => f.thread === "six");
    expect(six.length).toBe(6);
    expect(new Set(six.map((f) => f.from)).size).toBe(3);
    const caseId = caseOfThread.get("six") as string;
    const items = (await api("GET", `/v1/orgs/acme/cases/${caseId}/timeline`, { token })).body.items as any[];
    const ids = items.filter((i) => i.type === "email").map((i) => i.entity_id);
    expect(ids).toEqual(six.map((f) => delivered.get(f.file)?.email_id));
  });
});
