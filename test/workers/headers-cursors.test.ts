/**
 * Response headers (nosniff everywhere, no-store on the API, a deny-all
 * policy for JSON) and sealed list cursors that reveal nothing of the
 * organization's sequence.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, api, createOrg, expectProblem, newCase } from "./helpers";

type Org = Awaited<ReturnType<typeof createOrg>>;

describe("security headers", () => {
  let o: Org;
  beforeAll(async () => {
    o = await createOrg({ profile: "retail_ops" });
  });

  it("every API answer carries nosniff, no-store and a deny-all policy, errors included", async () => {
    const replies = [
      await api("GET", "/health", { token: null }),
      await api("GET", "/v1/openapi.json", { token: null }),
      await api("GET", `/v1/orgs/${o.slug}`, { token: o.token }),
      await api("GET", `/v1/orgs/${o.slug}/cases`, { token: null }),
      await api("GET", `/v1/orgs/no-such-org/cases`, { token: o.token }),
      await api("POST", "/v1/auth/login", { token: null, body: { org: o.slug, email: "x@example.com", password: "nope" } }),
      await api("GET", "/v1/nothing-here", { token: ADMIN }),
    ];
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 401, 404, 401, 404]);
    for (const r of replies) {
      expect(r.headers.get("x-content-type-options")).toBe("nosniff");
      expect(r.headers.get("cache-control")).toBe("no-store");
      expect(r.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(r.headers.get("content-security-policy")).toContain("default-src 'none'");
      expect(r.headers.get("x-frame-options")).toBe("DENY");
    }
  });

  it("answers carrying a token are never stored by a cache", async () => {
    const issued = await api("POST", `/v1/orgs/${o.slug}/tokens`, { token: o.token, body: { name: "cache check" } });
    expect(issued.status).toBe(201);
    expect(issued.headers.get("cache-control")).toBe("no-store");
  });
});

describe("sealed cursors", () => {
  let o: Org;
  beforeAll(async () => {
    o = await createOrg({ profile: "retail_ops" });
    for (let i = 0; i < 5; i++) await newCase(o.slug, o.token, { title: `Case ${i}`, label: "1001.14.Operations" });
  });

  const casesPage = (cursor?: string) =>
    api("GET", `/v1/orgs/${o.slug}/cases?limit=2${cursor === undefined ? "" : `&cursor=${encodeURIComponent(cursor)}`}`, { token: o.token });

  it("a cursor does not show the position it stands for, and differs each time it is issued", async () => {
    const first = await casesPage();
    const again = await casesPage();
    const cursor = first.body.next_cursor as string;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]{20,100}$/);
    expect(again.body.next_cursor).not.toBe(cursor);
    // The position is the sequence number of the page's last case: neither its text nor its bytes appear.
    const last = first.body.items[1].case_id as string;
    const { seq } = (await env.DB.prepare("SELECT seq FROM cases WHERE case_id = ?").bind(last).first<{ seq: number }>())!;
    const bytes = Uint8Array.from(atob(cursor.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0));
    const text = String.fromCharCode(...bytes);
    expect(text).not.toContain(`s:${seq}`);
    expect(text).not.toContain(String(seq).padStart(4, "0"));
    const big = new Uint8Array(8);
    new DataView(big.buffer).setBigUint64(0, BigInt(seq));
    expect(text).not.toContain(String.fromCharCode(...big));
    // Both cursors lead to the same next page.
    const [a, b] = [await casesPage(cursor), await casesPage(again.body.next_cursor)];
    expect(a.body.items.map((c: { case_id: string }) => c.case_id)).toEqual(b.body.items.map((c: { case_id: string }) => c.case_id));
    expect(a.body.items).toHaveLength(2);
  });

  it("an altered, forged or old-style cursor is a 422 naming the cursor", async () => {
    const cursor = (await casesPage()).body.next_cursor as string;
    const flip = cursor.slice(0, 20) + (cursor[20] === "A" ? "B" : "A") + cursor.slice(21);
    for (const bad of [flip, btoa("s:3").replace(/=+$/, ""), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "not a cursor"]) {
      const r = await casesPage(bad);
      expectProblem(r, 422);
      expect(r.body.errors).toEqual([{ path: "cursor", message: "not a cursor returned by this API" }]);
    }
  });
});
