import { describe, expect, it } from "vitest";
import { problemsFromZod } from "../../core/errors";
import { CaseCreate, FREE_JSON_BOUNDS, FreeJson, jsonBoundsProblem, PersonPatch, SIGNAL_ITEM_BOUNDS, SignalInput } from "../../core/model";

/** `{ a: { a: … { leaf } } }` with `levels` objects in all. */
function nested(levels: number, leaf: unknown = 1): Record<string, unknown> {
  let v: unknown = leaf;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v as Record<string, unknown>;
}

const paths = (r: { success: boolean; error?: Parameters<typeof problemsFromZod>[0] }) => (r.success ? [] : problemsFromZod(r.error!).map((p) => p.path));

describe("bounded free-form JSON", () => {
  it("accepts ordinary metadata up to the depth limit", () => {
    expect(FreeJson.safeParse({ incident_type: "water", tags: ["a", 1, true, null], device: { kind: "freezer" } }).success).toBe(true);
    expect(FreeJson.safeParse(nested(FREE_JSON_BOUNDS.depth)).success).toBe(true);
  });

  it("rejects one level too deep at the path of the offending value", () => {
    const r = FreeJson.safeParse(nested(FREE_JSON_BOUNDS.depth + 1));
    expect(paths(r)).toEqual([Array(FREE_JSON_BOUNDS.depth).fill("a").join(".")]);
  });

  it("rejects thousands of levels without walking them (no stack overflow)", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const r = SignalInput.safeParse({ title: "x", metadata: { deep } });
    expect(r.success).toBe(false);
    expect(paths(r)).toEqual([["metadata", "deep", ...Array(FREE_JSON_BOUNDS.depth - 1).fill("0")].join(".")]);
  });

  it("names the field in each schema that takes free-form JSON", () => {
    expect(paths(CaseCreate.safeParse({ title: "t", metadata: nested(20) }))[0]).toMatch(/^metadata\.a\./);
    expect(paths(PersonPatch.safeParse({ attributes: nested(20) }))[0]).toMatch(/^attributes\.a\./);
  });

  it("limits keys and items in all, string and key length, and the serialized size", () => {
    const many = Object.fromEntries(Array.from({ length: FREE_JSON_BOUNDS.entries + 1 }, (_, i) => [`k${i}`, i]));
    expect(jsonBoundsProblem(many, FREE_JSON_BOUNDS)?.message).toMatch(/keys and items/);
    const spread = { a: Array(600).fill(0), b: Array(600).fill(0) };
    expect(jsonBoundsProblem(spread, FREE_JSON_BOUNDS)).toMatchObject({ path: ["b"] });
    expect(jsonBoundsProblem({ note: { text: "x".repeat(FREE_JSON_BOUNDS.string + 1) } }, FREE_JSON_BOUNDS)).toMatchObject({ path: ["note", "text"] });
    expect(jsonBoundsProblem({ ["k".repeat(FREE_JSON_BOUNDS.string + 1)]: 1 }, FREE_JSON_BOUNDS)?.message).toMatch(/key is longer/);
    // Each string within bounds, the whole too large: multi-byte characters count as their UTF-8 bytes.
    const big = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`s${i}`, "é".repeat(9_000)]));
    expect(JSON.stringify(big).length).toBeLessThan(FREE_JSON_BOUNDS.bytes);
    expect(jsonBoundsProblem(big, FREE_JSON_BOUNDS)).toMatchObject({ path: [], message: expect.stringMatching(/bytes/) });
  });

  it("rejects values JSON cannot carry", () => {
    expect(jsonBoundsProblem({ n: Number.NaN }, FREE_JSON_BOUNDS)).toMatchObject({ path: ["n"] });
    expect(jsonBoundsProblem({ d: new Date(0) }, FREE_JSON_BOUNDS)).toMatchObject({ path: ["d"], message: "not a JSON value" });
    expect(jsonBoundsProblem({ u: undefined }, FREE_JSON_BOUNDS)).toMatchObject({ path: ["u"] });
  });

  it("a raw signal item is within the transport bounds whenever the signal is valid", () => {
    const widest = {
      idempotency_key: "k".repeat(200),
      title: "t".repeat(300),
      body: "\u0001".repeat(100_000),
      location: { site: "s", area: "a" },
      metadata: Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`m${i}`, { deep: nested(FREE_JSON_BOUNDS.depth - 2, "é".repeat(1_500)) }])),
    };
    expect(SignalInput.safeParse(widest).success).toBe(true);
    expect(jsonBoundsProblem(widest, SIGNAL_ITEM_BOUNDS, 0)).toBeNull();
    // One level deeper is caught before the item travels, at the same path the schema would name.
    const deeper = { title: "t", metadata: nested(FREE_JSON_BOUNDS.depth + 1) };
    const schemaPath = paths(SignalInput.safeParse(deeper));
    expect(jsonBoundsProblem(deeper, SIGNAL_ITEM_BOUNDS, 0)?.path.join(".")).toBe(schemaPath[0]);
  });
});
