/**
 * Free-form JSON that is too deep or too large is a 422 naming the field,
 * never a 500, and a batch answers item by item whatever happens to one item.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OrgObject } from "../../durable-objects/org-object";
import { api, createOrg, errorPaths, expectProblem, newCase, orgStub, type Reply } from "./helpers";

type Org = Awaited<ReturnType<typeof createOrg>>;

/** `{ a: { a: … 1 } }`, `levels` objects deep: far past what an RPC copy survives. */
function nested(levels: number): Record<string, unknown> {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v as Record<string, unknown>;
}
const DEEP = nested(2_300);
/** Where the bound is reported: the first object nested more than 8 levels below the field. */
const AT = (field: string) => [field, ...Array(8).fill("a")].join(".");

let o: Org;
beforeAll(async () => {
  o = await createOrg();
});
afterAll(async () => {
  if (o) await runInDurableObject(orgStub(o.org.org_id), (_instance, state) => state.storage.deleteAlarm());
});

const casesTitled = async (title: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM cases WHERE org_id = ? AND title = ?").bind(o.org.org_id, title).first<{ n: number }>())!.n;

describe("deep or huge free-form JSON", () => {
  it("is 422 with the field's path on cases (create and patch), persons and signals", async () => {
    const c = await api("POST", `/v1/orgs/${o.slug}/cases`, { token: o.token, body: { title: "Deep case", metadata: DEEP } });
    expectProblem(c, 422, "validation");
    expect(errorPaths(c)).toEqual([AT("metadata")]);

    const existing = await newCase(o.slug, o.token);
    const p = await api("PATCH", `/v1/orgs/${o.slug}/cases/${existing.case_id}`, { token: o.token, body: { metadata: DEEP } });
    expectProblem(p, 422, "validation");
    expect(errorPaths(p)).toEqual([AT("metadata")]);

    const person = await api("POST", `/v1/orgs/${o.slug}/persons`, { token: o.token, body: { display_name: "Deep", attributes: DEEP } });
    expectProblem(person, 422, "validation");
    expect(errorPaths(person)).toEqual([AT("attributes")]);

    const s = await api("POST", `/v1/orgs/${o.slug}/signals`, { token: o.token, body: { title: "Deep signal", metadata: DEEP } });
    expectProblem(s, 422, "validation");
    expect(errorPaths(s)).toEqual([AT("metadata")]);
    // An unknown field is no way around it either.
    const junk = await api("POST", `/v1/orgs/${o.slug}/signals`, { token: o.token, body: { title: "Deep junk", junk: DEEP } });
    expectProblem(junk, 422, "validation");
    expect(errorPaths(junk)).toEqual([AT("junk")]);
    expect(await casesTitled("Deep signal")).toBe(0);
  });

  it("bounds size, key count and string length as well", async () => {
    const huge = { blob: Array.from({ length: 8 }, () => "x".repeat(9_000)) };
    const s = await api("POST", `/v1/orgs/${o.slug}/signals`, { token: o.token, body: { title: "Huge", metadata: huge } });
    expectProblem(s, 422, "validation");
    expect(errorPaths(s)).toEqual(["metadata"]);
    const wide = Object.fromEntries(Array.from({ length: 1_001 }, (_, i) => [`k${i}`, i]));
    expect(errorPaths(await api("POST", `/v1/orgs/${o.slug}/cases`, { token: o.token, body: { title: "Wide", metadata: wide } }))).toEqual(["metadata"]);
    const long = await api("POST", `/v1/orgs/${o.slug}/persons`, { token: o.token, body: { display_name: "Long", attributes: { notes: "x".repeat(10_001) } } });
    expectProblem(long, 422, "validation");
    expect(errorPaths(long)).toEqual(["attributes.notes"]);
  });

  it("rejects a deep item in the middle of a JSON batch alone", async () => {
    const signals = [
      { idempotency_key: "deep-json-0", title: "Before the deep one" },
      { idempotency_key: "deep-json-1", title: "Deep in a batch", metadata: DEEP },
      { idempotency_key: "deep-json-2", title: "After the deep one" },
    ];
    const r = await api("POST", `/v1/orgs/${o.slug}/signals/batch`, { token: o.token, body: { signals } });
    expect(r.status, JSON.stringify(r.body).slice(0, 500)).toBe(200);
    expect(r.body.results.map((x: { status: string }) => x.status)).toEqual(["created", "rejected", "created"]);
    expect(r.body.results[1]).toMatchObject({ index: 1, error: { code: "validation", errors: [{ path: AT("metadata") }] } });
    expect(await casesTitled("Deep in a batch")).toBe(0);
  });

  it("rejects a deep line in the middle of an NDJSON batch alone", async () => {
    const raw = [
      { idempotency_key: "deep-nd-0", title: "First line" },
      { idempotency_key: "deep-nd-1", title: "Deep line", metadata: DEEP },
      { idempotency_key: "deep-nd-2", title: "Last line" },
    ]
      .map((x) => JSON.stringify(x))
      .join("\n");
    const r = await api("POST", `/v1/orgs/${o.slug}/signals/batch`, { token: o.token, raw, type: "application/x-ndjson" });
    expect(r.status, JSON.stringify(r.body).slice(0, 500)).toBe(200);
    expect(r.body.results.map((x: { status: string }) => x.status)).toEqual(["created", "rejected", "created"]);
    expect(r.body.results[1].error.errors).toEqual([{ path: AT("metadata"), message: expect.stringMatching(/8 levels/) }]);
  });
});

describe("a batch item that fails unexpectedly", () => {
  it("is rejected alone as internal, rolled back, logged once, and its key is not used up", async () => {
    const stub = orgStub(o.org.org_id);
    await runInDurableObject(stub, (instance: OrgObject) => {
      instance.failIngestAtIndex = 1;
    });
    const signals = ["Crate dropped", "Crate dropped twice", "Crate dropped thrice"].map((title, i) => ({ idempotency_key: `fail-${i}`, title }));
    // The object logs through the isolate's console; capture it there for the length of the request.
    const lines: string[] = [];
    const consoleError = console.error;
    console.error = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
    let r: Reply;
    try {
      r = await api("POST", `/v1/orgs/${o.slug}/signals/batch`, { token: o.token, body: { signals } });
    } finally {
      console.error = consoleError;
    }
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.results.map((x: { status: string }) => x.status)).toEqual(["created", "rejected", "created"]);
    expect(r.body.results[1]).toEqual({ index: 1, status: "rejected", error: { code: "internal", detail: expect.any(String) } });
    const logged = lines.filter((line) => line.includes("signal item failed"));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0]!)).toMatchObject({ msg: "signal item failed", index: 1 });
    expect(logged[0]).not.toContain("Crate dropped");

    // Nothing of the failed item was kept: no case, no signal, and its key still works.
    expect(await casesTitled("Crate dropped twice")).toBe(0);
    const key = await env.DB.prepare("SELECT count(*) AS n FROM signals WHERE org_id = ? AND idempotency_key = 'fail-1'")
      .bind(o.org.org_id)
      .first<{ n: number }>();
    expect(key!.n).toBe(0);
    const again = await api("POST", `/v1/orgs/${o.slug}/signals/batch`, { token: o.token, body: { signals } });
    expect(again.body.results.map((x: { status: string }) => x.status)).toEqual(["duplicate", "created", "duplicate"]);
    expect(await casesTitled("Crate dropped twice")).toBe(1);
  });
});
