import { describe, expect, it } from "vitest";
import { z } from "zod";
import { problemsFromZod } from "../../core/errors";
import { FreeJson } from "../../core/model/inputs";
import { illFormedTextPath, isWellFormedText } from "../../core/model/well-formed";

describe("well-formed text", () => {
  it("accepts any text whose surrogates come in pairs, refuses a lone one", () => {
    expect(isWellFormedText("Fuite d'eau 💧 — café")).toBe(true);
    expect(isWellFormedText("\ud83d\udca7")).toBe(true);
    expect(isWellFormedText("\ud800")).toBe(false);
    expect(isWellFormedText("ok \udc00 then")).toBe(false);
    expect(isWellFormedText("\udca7\ud83d")).toBe(false);
  });

  it("finds the first ill-formed string or key, at its path", () => {
    expect(illFormedTextPath({ a: "fine", b: [1, "x", { c: "\ud800" }] })).toEqual(["b", 2, "c"]);
    expect(illFormedTextPath({ "k\udfff": 1 })).toEqual(["k\udfff"]);
    expect(illFormedTextPath({ a: ["💧", { b: null }] })).toBeNull();
  });

  it("free-form JSON refuses a lone surrogate at the field that holds it", () => {
    const r = FreeJson.safeParse({ site: { note: "x\ud800" } });
    expect(r.success).toBe(false);
    expect(problemsFromZod(r.error!)).toEqual([{ path: "site.note", message: expect.stringMatching(/well-formed/) }]);
  });
});

describe("problems from zod", () => {
  it("reports each unknown key at its own path", () => {
    const Body = z.object({ title: z.string(), location: z.object({ site: z.string() }).strict() }).strict();
    const r = Body.safeParse({ title: "x", extra: 1, other: 2, location: { site: "A", floor: 3 } });
    expect(r.success).toBe(false);
    expect(
      problemsFromZod(r.error!)
        .map((p) => p.path)
        .sort(),
    ).toEqual(["extra", "location.floor", "other"]);
    expect(problemsFromZod(r.error!, ["signals", "0"]).map((p) => p.path)).toContain("signals.0.extra");
  });
});
