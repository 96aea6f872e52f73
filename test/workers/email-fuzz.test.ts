/**
 * Random and mutated MIME through the `email()` handler: never an unhandled
 * throw, never half a message stored (every message it accepts is one row,
 * on a case that exists or recorded alone), a reasoned reject where one is
 * due, and hostile sizes (a 100 KB subject, thousands of headers, deep
 * multipart nesting) handled.
 */
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runs } from "../support/property-runs";
import { api, createOrg } from "./helpers";
import { deliverEmail, mail } from "./mail-helpers";

const enc = new TextEncoder();

const base = [
  mail({ subject: "=?utf-8?B?w6lsZWN0cmljaXTDqQ==?= down", body: "No power on floor 2." }),
  [
    "From: Bob <bob@example.com>",
    "To: acme@orgo.test",
    "Subject: Re: boiler",
    "Message-ID: <mp-1@example.com>",
    "In-Reply-To: <nowhere@example.com>",
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="b1"',
    "",
    "--b1",
    'Content-Type: multipart/alternative; boundary="b2"',
    "",
    "--b2",
    "Content-Type: text/plain; charset=iso-8859-1",
    "Content-Transfer-Encoding: quoted-printable",
    "",
    "Caf=E9 machine broken.",
    "",
    "> old quote",
    "--b2",
    "Content-Type: text/html; charset=utf-8",
    "",
    "<p>Caf&eacute; machine <b>broken</b>.</p><script>alert(1)</script>",
    "--b2--",
    "--b1",
    'Content-Type: application/pdf; name="r.pdf"',
    "Content-Transfer-Encoding: base64",
    "Content-Disposition: attachment; filename=r.pdf",
    "",
    "JVBERi0xLjQK",
    "--b1--",
    "",
  ].join("\r\n"),
].map((s) => enc.encode(s));

/** A byte edit: replace, insert or delete at a position (taken modulo the length). */
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 40 }) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), n: fc.integer({ min: 1, max: 40 }) }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    bytes: fc
      .constantFrom("\r\n--b1\r\n", "\r\n\r\n", "=?", "?=", "Content-Type: multipart/mixed; boundary=x\r\n", ": ", "\r\n ", "=\r\n", "\x00", "<")
      .map((s) => enc.encode(s)),
  }),
);

type Edit = { kind: "set"; at: number; byte: number } | { kind: "insert"; at: number; bytes: Uint8Array } | { kind: "delete"; at: number; n: number };

function mutate(bytes: Uint8Array, edits: Edit[]): Uint8Array {
  const out = Array.from(bytes);
  for (const e of edits) {
    const at = out.length === 0 ? 0 : e.at % out.length;
    if (e.kind === "set") out[at] = e.byte;
    else if (e.kind === "insert") out.splice(at, 0, ...e.bytes);
    else out.splice(at, e.n);
  }
  return Uint8Array.from(out);
}

const message = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...base), fc.array(edit, { maxLength: 12 })).map(([b, edits]) => mutate(b, edits)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2000 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 500 }).map((s) => enc.encode(s)) },
);

async function emailRows(orgId: string): Promise<{ email_id: string; case_id: string | null }[]> {
  return (await env.DB.prepare("SELECT email_id, case_id FROM email_messages WHERE org_id = ?").bind(orgId).all<{ email_id: string; case_id: string | null }>())
    .results;
}

describe("hostile mail", () => {
  it("random and mutated messages never throw and are stored whole or not at all", async () => {
    const o = await createOrg();
    const accepted = new Set<string>();
    await fc.assert(
      fc.asyncProperty(message, fc.boolean(), async (raw, known) => {
        const to = known ? `${o.slug}@orgo.test` : "no-such-org@orgo.test";
        const r = await deliverEmail(raw, { from: "fuzz@example.com", to });
        if (!known) {
          expect(r.outcome).toBe("rejected");
          expect(r.rejected).toMatch(/unknown organization/);
          return;
        }
        expect(["opened", "joined", "recorded", "duplicate"]).toContain(r.outcome);
        expect(r.rejected).toBeNull();
        if (r.outcome !== "duplicate") accepted.add(r.email_id as string);
      }),
      runs(40),
    );
    const rows = await emailRows(o.org.org_id);
    expect(new Set(rows.map((r) => r.email_id))).toEqual(accepted);
    const cases = new Set(((await api("GET", `/v1/orgs/${o.slug}/cases?limit=200`, { token: o.token })).body.items as any[]).map((c) => c.case_id));
    for (const row of rows) if (row.case_id) expect(cases.has(row.case_id)).toBe(true);
  }, 120_000);

  it("takes a 100 KB subject, 5,000 headers and multipart nested 200 deep", async () => {
    const o = await createOrg();
    const to = `${o.slug}@orgo.test`;
    const longSubject = await deliverEmail(mail({ subject: "x ".repeat(50_000) }), { from: "a@example.com", to });
    expect(longSubject.outcome).toBe("opened");
    const kase = (await api("GET", `/v1/orgs/${o.slug}/cases/${longSubject.case_id}`, { token: o.token })).body;
    expect(kase.title.length).toBeLessThanOrEqual(300);

    const manyHeaders = Array.from({ length: 5_000 }, (_, i) => `X-Filler-${i}: ${"v".repeat(20)}`).join("\r\n");
    const headers = await deliverEmail(mail({ headers: { "X-Start": `1\r\n${manyHeaders}` } }), { from: "a@example.com", to });
    expect(headers.outcome).toBe("opened");

    let nested = "innermost text";
    for (let i = 0; i < 200; i++) nested = `Content-Type: multipart/mixed; boundary="n${i}"\r\n\r\n--n${i}\r\n${nested}\r\n--n${i}--`;
    const deep = await deliverEmail(
      `From: a@example.com\r\nTo: ${to}\r\nSubject: deep\r\nMessage-ID: <deep@example.com>\r\nMIME-Version: 1.0\r\n${nested}\r\n`,
      {
        from: "a@example.com",
        to,
      },
    );
    expect(deep.outcome).toBe("opened");
  }, 60_000);
});
