import { describe, expect, it } from "vitest";
import { DomainError } from "../../core/errors";
import {
  BROADCAST_LEVELS,
  LEVELS,
  checkRoleSyntax,
  escalateBase,
  escalateLabel,
  formatLabel,
  isBroadcastBase,
  isKnownRole,
  isValidBase,
  levelOf,
  levelRank,
  parseLabel,
  requireLabel,
  roleCovers,
  roleParent,
  type Label,
} from "../../core/labels";

const ROLES = ["Operations", "Operations.Safety", "Operations.Maintenance", "Facilities"] as const;

function reasonOf(text: string, roles?: readonly string[]): string {
  const r = parseLabel(text, roles === undefined ? undefined : { roles });
  if (r.ok) throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
  return r.reason;
}

function labelOf(text: string, roles?: readonly string[]): Label {
  const r = parseLabel(text, roles === undefined ? undefined : { roles });
  if (!r.ok) throw new Error(`expected ${JSON.stringify(text)} to parse: ${r.reason}`);
  return r.label;
}

describe("parseLabel: valid labels", () => {
  it("parses the contract's example into its parts", () => {
    expect(parseLabel("1001.91.Operations.Safety")).toEqual({
      ok: true,
      label: { base: 1001, category: 9, subcategory: 1, role: "Operations.Safety", broadcast: false },
    });
  });

  it.each(LEVELS.map((b) => [b]))("accepts vertical base %i as a non-broadcast label", (base) => {
    expect(labelOf(`${base}.14.Operations`)).toEqual({
      base,
      category: 1,
      subcategory: 4,
      role: "Operations",
      broadcast: false,
    });
  });

  it.each(BROADCAST_LEVELS.map((b) => [b]))("accepts broadcast base %i and flags it", (base) => {
    expect(labelOf(`${base}.15.Facilities`)).toMatchObject({ base, broadcast: true });
  });

  it("accepts every category and subcategory digit from 1 to 9", () => {
    for (let c = 1; c <= 9; c++) {
      for (let s = 1; s <= 9; s++) {
        expect(labelOf(`11.${c}${s}.Ops`)).toMatchObject({ category: c, subcategory: s });
      }
    }
  });

  it("accepts roles with digits, underscores, hyphens and mixed case after the first letter", () => {
    expect(labelOf("101.21.a.B2.c_d.e-f.G9_-x").role).toBe("a.B2.c_d.e-f.G9_-x");
  });

  it("accepts the maximum role shape: 8 segments of 64 characters", () => {
    const seg = `A${"b".repeat(63)}`;
    const role = Array.from({ length: 8 }, () => seg).join(".");
    expect(labelOf(`1.11.${role}`).role).toBe(role);
  });

  it("accepts digits the contract does not name", () => {
    expect(labelOf("1001.77.Ops")).toMatchObject({ category: 7, subcategory: 7 });
  });
});

describe("parseLabel: BASE", () => {
  it("rejects a base outside the set and names the allowed values and what it got", () => {
    expect(reasonOf("1002.91.Operations")).toBe("BASE must be one of 1, 11, 101, 1001 (or broadcast 10, 100, 1000); got 1002");
  });

  it.each(["0", "2", "12", "110", "1010", "10001", "111"])("rejects base %s", (base) => {
    expect(reasonOf(`${base}.91.Operations`)).toBe(`BASE must be one of 1, 11, 101, 1001 (or broadcast 10, 100, 1000); got ${base}`);
  });

  it.each(["01001", "01", "0010", "00"])("rejects leading zeros in %s", (base) => {
    expect(reasonOf(`${base}.91.Operations`)).toBe(`BASE must not have leading zeros; got ${base}`);
  });

  it.each(["abc", "1e3", "-1", "+1", "1_001", "０1"])("rejects a non-numeric base %s", (base) => {
    expect(reasonOf(`${base}.91.Operations`)).toBe(`BASE must be a number, one of 1, 11, 101, 1001 (or broadcast 10, 100, 1000); got ${JSON.stringify(base)}`);
  });

  it("rejects a missing base", () => {
    expect(reasonOf(".91.Operations")).toMatch(/^BASE is missing before the first dot/);
  });
});

describe("parseLabel: CATEGORY and SUBCATEGORY", () => {
  it("rejects category 0", () => {
    expect(reasonOf("1001.01.Operations")).toBe("CATEGORY must be a digit from 1 to 9; got 0 (in 01)");
  });

  it("rejects subcategory 0", () => {
    expect(reasonOf("1001.90.Operations")).toBe("SUBCATEGORY must be a digit from 1 to 9; got 0 (in 90)");
  });

  it("rejects 00 by naming the category first", () => {
    expect(reasonOf("1001.00.Operations")).toMatch(/^CATEGORY must be a digit from 1 to 9; got 0/);
  });

  it("points out a missing two-digit part when the role follows the base directly", () => {
    const reason = reasonOf("1001.Operations.Safety");
    expect(reason).toContain("CATEGORY and SUBCATEGORY must be exactly two digits");
    expect(reason).toContain('got "Operations"');
    expect(reason).toContain("seems to be missing");
  });

  it.each([
    ["one digit", "1001.9.Operations", '"9"'],
    ["three digits", "1001.911.Operations", '"911"'],
    ["letters", "1001.ab.Operations", '"ab"'],
    ["a letter and a digit", "1001.9a.Operations", '"9a"'],
    ["a sign", "1001.-1.Operations", '"-1"'],
  ])("rejects %s", (_what, text, got) => {
    const reason = reasonOf(text);
    expect(reason).toMatch(/^CATEGORY and SUBCATEGORY must be exactly two digits, one each/);
    expect(reason).toContain(`got ${got}`);
  });

  it("rejects an empty category part", () => {
    expect(reasonOf("1001..Operations")).toBe(
      "CATEGORY and SUBCATEGORY are missing after BASE 1001; expected two digits such as 91 (<BASE>.<CATEGORY><SUBCATEGORY>.<HORIZONTAL_ROLE>)",
    );
  });
});

describe("parseLabel: HORIZONTAL_ROLE", () => {
  it("rejects a label with no role part", () => {
    expect(reasonOf("1001.91")).toBe("HORIZONTAL_ROLE is missing; expected it after 1001.91., e.g. 1001.91.Operations");
  });

  it("rejects an empty role after the last dot", () => {
    expect(reasonOf("1001.91.")).toBe("HORIZONTAL_ROLE is missing; expected it after 1001.91., e.g. 1001.91.Operations");
  });

  it("rejects a segment that starts with a digit", () => {
    expect(reasonOf("1001.91.Operations.9Safety")).toBe('HORIZONTAL_ROLE segment "9Safety" must start with a letter (A-Z or a-z); it starts with "9"');
  });

  it.each(["_Ops", "-Ops"])("rejects a segment starting with %s", (seg) => {
    expect(reasonOf(`1001.91.${seg}`)).toContain("must start with a letter");
  });

  it("rejects a trailing dot", () => {
    expect(reasonOf("1001.91.Operations.")).toBe('HORIZONTAL_ROLE "Operations." must not end with a dot');
  });

  it("rejects a double dot inside the role", () => {
    expect(reasonOf("1001.91.Operations..Safety")).toBe('HORIZONTAL_ROLE "Operations..Safety" must not contain two dots in a row');
  });

  it("rejects a double dot between the code and the role", () => {
    expect(reasonOf("1001.91..Operations")).toBe('HORIZONTAL_ROLE ".Operations" must not start with a dot');
  });

  it.each([
    ["Ops!", "!"],
    ["Ops/Safety", "/"],
    ["Opé", "é"],
    ["Ops+1", "+"],
  ])("rejects the character in %s", (seg, ch) => {
    expect(reasonOf(`1001.91.${seg}`)).toBe(
      `HORIZONTAL_ROLE segment ${JSON.stringify(seg)} contains ${JSON.stringify(ch)}; only letters, digits, "_" and "-" are allowed`,
    );
  });

  it("rejects a segment longer than 64 characters", () => {
    const seg = "A".repeat(65);
    expect(reasonOf(`1001.91.Ops.${seg}`)).toMatch(/segment "A{20}…" is 65 characters long; at most 64/);
  });

  it("rejects more than 8 segments", () => {
    const role = "A.B.C.D.E.F.G.H.I";
    expect(reasonOf(`1001.91.${role}`)).toBe(`HORIZONTAL_ROLE "${role}" has 9 segments; at most 8 are allowed`);
  });
});

describe("parseLabel: overall shape and whitespace", () => {
  it("rejects the empty string", () => {
    expect(reasonOf("")).toMatch(/^label is empty; expected <BASE>\.<CATEGORY><SUBCATEGORY>\.<HORIZONTAL_ROLE>/);
  });

  it.each(["1001", "Operations", "100191Operations"])("rejects %s, which has no dots at all", (text) => {
    expect(reasonOf(text)).toContain("does not have the form <BASE>.<CATEGORY><SUBCATEGORY>.<HORIZONTAL_ROLE>");
  });

  it.each([" 1001.91.Ops", "1001.91.Ops ", "1001.91.Ops\n", "\t1001.91.Ops"])("rejects surrounding whitespace in %j", (text) => {
    expect(reasonOf(text)).toBe(`label ${JSON.stringify(text)} must not start or end with whitespace`);
  });

  it.each(["1001. 91.Ops", "1001.91.Operations Safety", "1001 .91.Ops", "1001.91.Ops\u00a0X"])("rejects whitespace inside %j", (text) => {
    expect(reasonOf(text)).toBe(`label ${JSON.stringify(text)} must not contain whitespace`);
  });

  it("rejects a non-string at runtime instead of throwing", () => {
    expect(parseLabel(1001 as unknown as string)).toMatchObject({ ok: false });
  });
});

describe("parseLabel: organization roles", () => {
  it.each(ROLES.map((r) => [r]))("accepts the declared role %s", (role) => {
    expect(labelOf(`1001.91.${role}`, ROLES).role).toBe(role);
  });

  it("accepts a sub-role below a declared role, at any depth", () => {
    expect(labelOf("1001.91.Operations.Safety.Night", ROLES).role).toBe("Operations.Safety.Night");
    expect(labelOf("1001.91.Facilities.North.Roof", ROLES).role).toBe("Facilities.North.Roof");
    expect(labelOf("1001.91.Operations.Safety.Night", ["Operations"]).role).toBe("Operations.Safety.Night");
  });

  it("rejects a role that only shares a text prefix with a declared role", () => {
    const reason = reasonOf("1001.91.Ops", ["Operations"]);
    expect(reason).toBe('HORIZONTAL_ROLE "Ops" is not a role of this organization nor below one; known roles: Operations');
    expect(reasonOf("1001.91.Operations", ["Ops"])).toContain('HORIZONTAL_ROLE "Operations" is not a role');
    expect(reasonOf("1001.91.OperationsX", ROLES)).toContain('"OperationsX" is not a role');
  });

  it("rejects a parent of a declared role when only the child is declared", () => {
    expect(reasonOf("1001.91.Operations", ["Operations.Safety"])).toContain('"Operations" is not a role');
  });

  it("rejects an unknown role and lists the known ones", () => {
    expect(reasonOf("1001.91.Security", ROLES)).toBe(
      'HORIZONTAL_ROLE "Security" is not a role of this organization nor below one; known roles: Operations, Operations.Safety, Operations.Maintenance, Facilities',
    );
  });

  it("treats roles as case-sensitive and suggests the intended spelling", () => {
    expect(reasonOf("1001.91.operations.safety", ROLES)).toContain('roles are case-sensitive; did you mean "Operations"?');
    expect(reasonOf("1001.91.FACILITIES", ROLES)).toContain('did you mean "Facilities"?');
  });

  it("shortens a long list of known roles", () => {
    const many = Array.from({ length: 13 }, (_, i) => `R${i}`);
    const reason = reasonOf("1001.91.Nope", many);
    expect(reason).toContain("R9, … (3 more)");
    expect(reason).not.toContain("R10");
  });

  it("rejects every role when the organization defines none", () => {
    expect(reasonOf("1001.91.Operations", [])).toBe('HORIZONTAL_ROLE "Operations" is not a role of this organization; the organization defines no roles');
  });

  it("reports syntax problems before role membership", () => {
    expect(reasonOf("1001.91.Operations.", ROLES)).toContain("must not end with a dot");
  });

  it("skips the role check when no roles are given", () => {
    expect(parseLabel("1001.91.Anything.Goes").ok).toBe(true);
    expect(parseLabel("1001.91.Anything.Goes", {}).ok).toBe(true);
  });
});

describe("requireLabel", () => {
  it("returns the parsed label", () => {
    expect(requireLabel("11.14.Operations", ROLES)).toEqual({
      base: 11,
      category: 1,
      subcategory: 4,
      role: "Operations",
      broadcast: false,
    });
    expect(requireLabel("11.14.Whatever", undefined).role).toBe("Whatever");
  });

  it("throws invalid_label with the reason under the default path", () => {
    let caught: unknown;
    try {
      requireLabel("1002.91.Operations", ROLES);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DomainError);
    const err = caught as DomainError;
    const reason = "BASE must be one of 1, 11, 101, 1001 (or broadcast 10, 100, 1000); got 1002";
    expect(err.code).toBe("invalid_label");
    expect(err.message).toBe(reason);
    expect(err.errors).toEqual([{ path: "label", message: reason }]);
  });

  it("uses the given path and checks roles", () => {
    try {
      requireLabel("1001.91.Ops", ["Operations"], "then.case.label");
      expect.unreachable();
    } catch (e) {
      expect((e as DomainError).errors[0]?.path).toBe("then.case.label");
      expect((e as DomainError).errors[0]?.message).toContain('"Ops" is not a role');
    }
  });
});

describe("formatLabel", () => {
  it("round-trips every valid base", () => {
    for (const base of [...LEVELS, ...BROADCAST_LEVELS]) {
      const text = `${base}.37.Operations.Safety.Night`;
      expect(formatLabel(labelOf(text))).toBe(text);
    }
  });

  it("derives broadcast from BASE rather than trusting the flag", () => {
    expect(formatLabel({ base: 1000, category: 1, subcategory: 5, role: "Ops", broadcast: false })).toBe("1000.15.Ops");
  });

  it.each([
    [{ base: 1002, category: 1, subcategory: 1, role: "Ops", broadcast: false }, /BASE must be one of/],
    [{ base: 1, category: 0, subcategory: 1, role: "Ops", broadcast: false }, /CATEGORY must be a digit/],
    [{ base: 1, category: 10, subcategory: 1, role: "Ops", broadcast: false }, /exactly two digits/],
    [{ base: 1, category: 1, subcategory: 1, role: "", broadcast: false }, /HORIZONTAL_ROLE is missing/],
    [{ base: 1, category: 1, subcategory: 1, role: "9x", broadcast: false }, /must start with a letter/],
  ])("refuses to format an invalid label %#", (label, reason) => {
    expect(() => formatLabel(label)).toThrowError(reason);
    try {
      formatLabel(label);
    } catch (e) {
      expect((e as DomainError).code).toBe("invalid_label");
    }
  });
});

describe("levels and escalation", () => {
  it("exposes the level lists in hierarchy order", () => {
    expect(LEVELS).toEqual([1, 11, 101, 1001]);
    expect(BROADCAST_LEVELS).toEqual([10, 100, 1000]);
  });

  it("ranks bases with lower rank meaning higher in the hierarchy", () => {
    expect(levelRank(1)).toBe(0);
    expect(levelRank(10)).toBe(1);
    expect(levelRank(11)).toBe(1);
    expect(levelRank(100)).toBe(2);
    expect(levelRank(101)).toBe(2);
    expect(levelRank(1000)).toBe(3);
    expect(levelRank(1001)).toBe(3);
  });

  it("tells broadcast bases apart", () => {
    for (const b of BROADCAST_LEVELS) expect(isBroadcastBase(b)).toBe(true);
    for (const b of LEVELS) expect(isBroadcastBase(b)).toBe(false);
    expect(isBroadcastBase(1002)).toBe(false);
  });

  it("knows which numbers are bases", () => {
    for (const b of [...LEVELS, ...BROADCAST_LEVELS]) expect(isValidBase(b)).toBe(true);
    for (const b of [0, 2, 1002, 1010, -1, 1.5, Number.NaN]) expect(isValidBase(b)).toBe(false);
  });

  it("climbs the vertical chain 1001→101→11→1 and stops at the top", () => {
    expect(escalateBase(1001)).toBe(101);
    expect(escalateBase(101)).toBe(11);
    expect(escalateBase(11)).toBe(1);
    expect(escalateBase(1)).toBeNull();
  });

  it("climbs the broadcast chain 1000→100→10→1", () => {
    expect(escalateBase(1000)).toBe(100);
    expect(escalateBase(100)).toBe(10);
    expect(escalateBase(10)).toBe(1);
  });

  it("every escalation step moves to a rank no lower than before, reaching 1 in at most 3 steps", () => {
    for (const start of [...LEVELS, ...BROADCAST_LEVELS]) {
      let base: number | null = start;
      let steps = 0;
      while (base !== null && base !== 1) {
        const up: number | null = escalateBase(base);
        expect(up).not.toBeNull();
        expect(levelRank(up as number)).toBeLessThanOrEqual(levelRank(base));
        base = up;
        steps++;
      }
      expect(base).toBe(1);
      expect(steps).toBeLessThanOrEqual(3);
    }
  });

  it("stops at the profile's top_level: that level and its broadcast stay, lower rungs still climb", () => {
    expect(escalateBase(1001, 11)).toBe(101);
    expect(escalateBase(101, 11)).toBe(11);
    expect(escalateBase(11, 11)).toBeNull();
    expect(escalateBase(100, 11)).toBe(10);
    expect(escalateBase(10, 11)).toBeNull();
    expect(escalateBase(1, 11)).toBeNull();
    expect(escalateBase(1000, 1001)).toBeNull();
    expect(escalateLabel("101.91.Operations", 11)).toBe("11.91.Operations");
    expect(escalateLabel("11.91.Operations", 11)).toBeNull();
    expect(escalateLabel("10.95.Operations", 11)).toBeNull();
    expect(escalateLabel("11.91.Operations", 1)).toBe("1.91.Operations");
    expect(() => escalateBase(1001, 12)).toThrow(RangeError);
  });

  it("says which level a label's holders hold: a broadcast base the level at its own rank", () => {
    expect([1, 10, 11, 100, 101, 1000, 1001].map(levelOf)).toEqual([1, 11, 11, 101, 101, 1001, 1001]);
  });

  it("treats a non-base number as a programming error", () => {
    expect(() => escalateBase(1002)).toThrow(RangeError);
    expect(() => levelRank(5)).toThrow(RangeError);
  });

  it("escalates a label's text and keeps everything but BASE", () => {
    expect(escalateLabel("1001.91.Operations.Safety")).toBe("101.91.Operations.Safety");
    expect(escalateLabel("101.91.Operations.Safety")).toBe("11.91.Operations.Safety");
    expect(escalateLabel("11.91.Operations.Safety")).toBe("1.91.Operations.Safety");
    expect(escalateLabel("1.91.Operations.Safety")).toBeNull();
    expect(escalateLabel("1000.25.Facilities")).toBe("100.25.Facilities");
    expect(escalateLabel("100.25.Facilities")).toBe("10.25.Facilities");
    expect(escalateLabel("10.25.Facilities")).toBe("1.25.Facilities");
  });

  it("refuses to escalate an invalid label", () => {
    expect(() => escalateLabel("1002.91.Ops")).toThrow(DomainError);
  });
});

describe("roles", () => {
  it("roleCovers matches the role itself and anything below it, segment by segment", () => {
    expect(roleCovers("Operations", "Operations")).toBe(true);
    expect(roleCovers("Operations", "Operations.Safety")).toBe(true);
    expect(roleCovers("Operations", "Operations.Safety.Night")).toBe(true);
    expect(roleCovers("Operations.Safety", "Operations.Safety.Night")).toBe(true);
  });

  it("roleCovers rejects text prefixes, parents, siblings and case differences", () => {
    expect(roleCovers("Ops", "Operations")).toBe(false);
    expect(roleCovers("Operations", "OperationsX.Safety")).toBe(false);
    expect(roleCovers("Operations.Safety", "Operations")).toBe(false);
    expect(roleCovers("Operations.Safety", "Operations.Maintenance")).toBe(false);
    expect(roleCovers("operations", "Operations")).toBe(false);
    expect(roleCovers("", "Operations")).toBe(false);
    expect(roleCovers("", ".Operations")).toBe(false);
  });

  it("isKnownRole accepts declared roles and their sub-roles only", () => {
    expect(isKnownRole("Facilities", ROLES)).toBe(true);
    expect(isKnownRole("Operations.Safety.Night", ROLES)).toBe(true);
    expect(isKnownRole("Ops", ROLES)).toBe(false);
    expect(isKnownRole("Security", ROLES)).toBe(false);
    expect(isKnownRole("Operations", [])).toBe(false);
  });

  it("roleParent strips the last segment", () => {
    expect(roleParent("Operations.Safety.Night")).toBe("Operations.Safety");
    expect(roleParent("Operations.Safety")).toBe("Operations");
    expect(roleParent("Operations")).toBeNull();
  });

  it("checkRoleSyntax can name the thing it checks", () => {
    expect(checkRoleSyntax("Operations.Safety")).toBeNull();
    expect(checkRoleSyntax("", "role")).toMatch(/^role is empty/);
    expect(checkRoleSyntax("Ops..X", "roles[2]")).toBe('roles[2] "Ops..X" must not contain two dots in a row');
  });
});
