/**
 * Properties of the pure core, checked over generated inputs rather than
 * hand-picked examples: labels round-trip and refuse everything else with a
 * typed 422, the escalation ladder only climbs and stops at the top,
 * durations are accepted only inside PT1S…P10Y and their arithmetic stays
 * sane, and profile documents are either loaded or refused with located,
 * deterministic problems, never with an exception.
 *
 * Replay a failure with the seed fast-check prints: ORGO_FC_SEED=<seed>
 * (see test/support/property-runs.ts).
 */
import fc from "fast-check";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DomainError } from "../../core/errors";
import {
  BROADCAST_LEVELS,
  LEVELS,
  MAX_ROLE_SEGMENTS,
  escalateBase,
  escalateLabel,
  formatLabel,
  isKnownRole,
  levelRank,
  parseLabel,
  requireLabel,
} from "../../core/labels";
import { Profile, ProfileDocument, loadProfile } from "../../core/profiles";
import {
  IsoDuration,
  MAX_DURATION_MS,
  MIN_DURATION_MS,
  addDuration,
  checkDuration,
  durationMs,
  parseDuration,
  type DurationParts,
} from "../../core/scheduling/duration";
import { SHIPPED_PROFILES } from "../../profiles/bundle.generated";
import { profileFromYaml } from "../../workers/profile-source";
import { valueFor, type Hint } from "../support/json-schema-arbitrary";
import { runs } from "../support/property-runs";

// ---------------------------------------------------------------------------
// Labels

const ALL_BASES = [...LEVELS, ...BROADCAST_LEVELS] as const;

const resolveShipped = (name: string) => SHIPPED_PROFILES[name];

/** The resolved roles of every shipped profile: labels are drawn from real role sets. */
const PROFILE_ROLES: Record<string, string[]> = Object.fromEntries(
  Object.keys(SHIPPED_PROFILES).map((name) => {
    const r = loadProfile(SHIPPED_PROFILES[name]!, resolveShipped);
    if (!r.ok) throw new Error(`shipped profile ${name} does not load`);
    return [name, r.profile.roles];
  }),
);
const PROFILE_NAMES = Object.keys(PROFILE_ROLES);

const segmentArb = fc
  .tuple(
    fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
    fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"), maxLength: 20 }),
  )
  .map(([first, rest]) => first + rest);

/** A profile's role set and a role from it, possibly with sub-role segments below it. */
const knownRoleArb = fc.constantFrom(...PROFILE_NAMES).chain((name) => {
  const roles = PROFILE_ROLES[name]!;
  return fc
    .tuple(fc.constantFrom(...roles), fc.array(segmentArb, { maxLength: 3 }))
    .map(([role, below]) => ({ roles, role: [...role.split("."), ...below].slice(0, MAX_ROLE_SEGMENTS).join(".") }));
});

const validLabelArb = fc
  .record({
    base: fc.constantFrom(...ALL_BASES),
    category: fc.integer({ min: 1, max: 9 }),
    subcategory: fc.integer({ min: 1, max: 9 }),
    known: knownRoleArb,
  })
  .map(({ base, category, subcategory, known }) => ({ text: `${base}.${category}${subcategory}.${known.role}`, base, category, subcategory, ...known }));

/** Asserts the label is refused as a typed 422 (code invalid_label, path "label"), and never otherwise. */
function expectRefused(text: string, roles: readonly string[] | undefined) {
  const parsed = parseLabel(text, roles === undefined ? {} : { roles });
  expect(parsed.ok, `${JSON.stringify(text)} was accepted`).toBe(false);
  if (parsed.ok) return;
  expect(parsed.reason.length).toBeGreaterThan(0);
  let thrown: unknown;
  try {
    requireLabel(text, roles);
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(DomainError);
  const e = thrown as DomainError;
  expect(e.code).toBe("invalid_label");
  expect(e.message).toBe(parsed.reason);
  expect(e.errors).toEqual([{ path: "label", message: parsed.reason }]);
}

/** What the grammar admits, written independently of the parser. */
const GRAMMAR = /^(1|11|101|1001|10|100|1000)\.[1-9][1-9]\.[A-Za-z][A-Za-z0-9_-]{0,63}(\.[A-Za-z][A-Za-z0-9_-]{0,63}){0,7}$/;

describe("labels", () => {
  it("format(parse(x)) is x for every valid label of a profile's roles, and parse(format(l)) is l", () => {
    fc.assert(
      fc.property(validLabelArb, ({ text, base, category, subcategory, roles, role }) => {
        const parsed = parseLabel(text, { roles });
        expect(parsed, text).toEqual({
          ok: true,
          label: { base, category, subcategory, role, broadcast: (BROADCAST_LEVELS as readonly number[]).includes(base) },
        });
        if (!parsed.ok) return;
        expect(formatLabel(parsed.label)).toBe(text);
        expect(parseLabel(formatLabel(parsed.label), { roles })).toEqual(parsed);
        expect(requireLabel(text, roles)).toEqual(parsed.label);
        // Without a role list only the syntax is judged: still accepted.
        expect(parseLabel(text).ok).toBe(true);
      }),
      runs(300),
    );
  });

  it("any text at all is either a label the grammar admits or refused as invalid_label; never a crash", () => {
    const noise = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ maxLength: 40, unit: "binary" }),
      fc.stringMatching(/^[0-9]{1,5}\.[0-9]{0,3}\.?[A-Za-z0-9._ -]{0,30}$/),
      fc.tuple(fc.constantFrom(...ALL_BASES.map(String), "0", "01", ""), fc.string({ maxLength: 4 }), fc.string({ maxLength: 12 })).map((p) => p.join(".")),
    );
    fc.assert(
      fc.property(noise, fc.constantFrom(...PROFILE_NAMES), (text, profile) => {
        const roles = PROFILE_ROLES[profile]!;
        const parsed = parseLabel(text, { roles });
        if (parsed.ok) {
          expect(text).toMatch(GRAMMAR);
          expect(isKnownRole(parsed.label.role, roles)).toBe(true);
          expect(formatLabel(parsed.label)).toBe(text);
        } else {
          expectRefused(text, roles);
        }
      }),
      runs(300),
    );
  });

  it("refuses a BASE outside {1, 11, 101, 1001, 10, 100, 1000}, written any way", () => {
    const badBase = fc.oneof(
      fc
        .integer({ min: 0, max: 1_000_000 })
        .filter((n) => !(ALL_BASES as readonly number[]).includes(n))
        .map(String),
      fc.constantFrom(...ALL_BASES).map((b) => `0${b}`),
      fc.constantFrom(...ALL_BASES).map((b) => `-${b}`),
      fc.constantFrom(...ALL_BASES).map((b) => `${b}.0`),
      fc.constantFrom("1e3", "0x3e9", "+11", " 11", "11 ", "١١", "Ⅰ", "", "1_001", "10001", "1001e0"),
    );
    fc.assert(
      fc.property(badBase, validLabelArb, (base, valid) => {
        const text = `${base}.${valid.category}${valid.subcategory}.${valid.role}`;
        expectRefused(text, valid.roles);
      }),
      runs(200),
    );
  });

  it("refuses CATEGORY/SUBCATEGORY that are not exactly two digits from 1 to 9", () => {
    const badDigits = fc.oneof(
      fc.stringMatching(/^[0-9]{2}$/).filter((d) => d.includes("0")),
      fc.stringMatching(/^[0-9]{0,1}$|^[0-9]{3,6}$/),
      fc.string({ minLength: 1, maxLength: 4 }).filter((d) => !/^[1-9]{2}$/.test(d) && !d.includes(".")),
    );
    fc.assert(
      fc.property(badDigits, validLabelArb, (digits, valid) => {
        expectRefused(`${valid.base}.${digits}.${valid.role}`, valid.roles);
      }),
      runs(200),
    );
  });

  it("refuses a HORIZONTAL_ROLE that is not a profile role (nor below one), or not a role at all", () => {
    const unknownRole = fc.constantFrom(...PROFILE_NAMES).chain((name) => {
      const roles = PROFILE_ROLES[name]!;
      const role = fc.oneof(
        {
          weight: 4,
          arbitrary: fc
            .array(segmentArb, { minLength: 1, maxLength: 3 })
            .map((s) => s.join("."))
            .filter((r) => !isKnownRole(r, roles)),
        },
        // Case slips of real roles.
        {
          weight: 2,
          arbitrary: fc
            .constantFrom(...roles)
            .map((r) => r.toUpperCase())
            .filter((r) => !isKnownRole(r, roles)),
        },
        {
          weight: 2,
          arbitrary: fc
            .constantFrom(...roles)
            .map((r) => r.toLowerCase())
            .filter((r) => !isKnownRole(r, roles)),
        },
        // Syntax the grammar forbids, around real roles.
        {
          weight: 3,
          arbitrary: fc
            .tuple(fc.constantFrom(...roles), fc.constantFrom(".", "..", " ", "/", "*", ".1x", "-", "é", "\u0000", ".".repeat(2)))
            .chain(([r, junk]) =>
              fc.constantFrom(`${junk}${r}`, `${r}${junk}`, `${r}.${junk}`, r.replace(".", junk)).filter((x) => x !== r && !GRAMMAR.test(`1.11.${x}`)),
            ),
        },
        { weight: 1, arbitrary: fc.constant(Array.from({ length: MAX_ROLE_SEGMENTS + 1 }, () => roles[0]!).join(".")) },
        { weight: 1, arbitrary: fc.constant(`${roles[0]!}.${"S".repeat(65)}`) },
        { weight: 1, arbitrary: fc.constant("") },
      );
      return fc.tuple(fc.constant(roles), role);
    });
    fc.assert(
      fc.property(unknownRole, fc.constantFrom(...ALL_BASES), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), ([roles, role], base, c, s) => {
        expectRefused(`${base}.${c}${s}.${role}`, roles);
      }),
      runs(300),
    );
  });

  it("the escalation ladder only climbs, keeps everything but BASE, and stops at the top (BASE 1)", () => {
    fc.assert(
      fc.property(validLabelArb, ({ text, category, subcategory, role }) => {
        const seen: string[] = [text];
        let current = text;
        for (let step = 0; step < 10; step++) {
          const next = escalateLabel(current);
          const base = Number(current.split(".")[0]);
          if (next === null) {
            expect(base, `${current} stopped below the top`).toBe(1);
            expect(escalateBase(base)).toBeNull();
            break;
          }
          const up = parseLabel(next);
          expect(up.ok, next).toBe(true);
          if (!up.ok) return;
          expect(levelRank(up.label.base)).toBe(levelRank(base) - 1);
          expect(up.label).toMatchObject({ category, subcategory, role });
          // Broadcasts stay broadcasts until the single top level.
          expect(up.label.broadcast).toBe((BROADCAST_LEVELS as readonly number[]).includes(up.label.base));
          if ((BROADCAST_LEVELS as readonly number[]).includes(base) && up.label.base !== 1) expect(up.label.broadcast).toBe(true);
          seen.push(next);
          current = next;
        }
        expect(escalateLabel(current)).toBeNull();
        expect(Number(current.split(".")[0])).toBe(1);
        expect(seen.length).toBe(levelRank(Number(text.split(".")[0])) + 1);
        expect(new Set(seen).size).toBe(seen.length);
      }),
      runs(200),
    );
  });
});

// ---------------------------------------------------------------------------
// Durations

/** A number as someone might write it: plain, zero-padded, very long, fractional, empty, signed, exponent. */
const numberText = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 400 }).map(String) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 2_000_000_000 }).map(String) },
  { weight: 1, arbitrary: fc.stringMatching(/^[0-9]{11,40}$/) },
  { weight: 1, arbitrary: fc.stringMatching(/^0{1,8}[0-9]{1,3}$/) },
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 0, max: 99 }), fc.stringMatching(/^[0-9]{1,12}$/)).map(([i, f]) => `${i}.${f}`) },
  { weight: 1, arbitrary: fc.constantFrom("", ".", "1.", ".5", "-1", "+1", "1e3", "1,5", "Infinity", "NaN", " 1", "١") },
);

/** Text shaped like an ISO 8601 duration, right or wrong. */
const durationTextArb = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({
        date: fc.array(fc.tuple(numberText, fc.constantFrom("Y", "M", "W", "D")), { maxLength: 4 }),
        time: fc.option(fc.array(fc.tuple(numberText, fc.constantFrom("H", "M", "S")), { maxLength: 3 })),
        prefix: fc.constantFrom("P", "P", "P", "p", "", "-P", "PP"),
      })
      .map(({ date, time, prefix }) => prefix + date.map(([n, d]) => n + d).join("") + (time === null ? "" : `T${time.map(([n, d]) => n + d).join("")}`)),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "",
      "P",
      "PT",
      "P1DT",
      "PT1H1",
      "P1Y2M3W4DT5H6M7.5S",
      `P${"9".repeat(400)}D`,
      `PT${"1".repeat(10)}S`,
      "P10Y",
      "PT1S",
      "PT0.999S",
    ),
  },
);

/** Well-formed durations inside the accepted range, as parts and as text. */
const acceptedPartsArb = fc
  .record({
    years: fc.integer({ min: 0, max: 3 }),
    months: fc.integer({ min: 0, max: 24 }),
    weeks: fc.integer({ min: 0, max: 30 }),
    days: fc.integer({ min: 0, max: 400 }),
    hours: fc.integer({ min: 0, max: 100 }),
    minutes: fc.integer({ min: 0, max: 600 }),
    seconds: fc.integer({ min: 0, max: 100_000 }),
  })
  .filter((d) => checkDuration(partsText(d)).ok);

function partsText(d: DurationParts): string {
  const date = `${d.years ? `${d.years}Y` : ""}${d.months ? `${d.months}M` : ""}${d.weeks ? `${d.weeks}W` : ""}${d.days ? `${d.days}D` : ""}`;
  const time = `${d.hours ? `${d.hours}H` : ""}${d.minutes ? `${d.minutes}M` : ""}${d.seconds ? `${d.seconds}S` : ""}`;
  return `P${date}${time ? `T${time}` : ""}`;
}

const instantArb = fc.date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2200-01-01T00:00:00Z"), noInvalidDate: true });

describe("durations", () => {
  it("any duration-like text is either accepted inside PT1S…P10Y or refused by IsoDuration with a message; nothing throws", () => {
    fc.assert(
      fc.property(durationTextArb, instantArb, (text, from) => {
        const schema = IsoDuration.safeParse(text);
        const check = checkDuration(text);
        expect(schema.success).toBe(check.ok);
        if (check.ok) {
          expect(check.ms).toBeGreaterThanOrEqual(MIN_DURATION_MS);
          expect(check.ms).toBeLessThanOrEqual(MAX_DURATION_MS);
          expect(parseDuration(text)).toEqual(check.parts);
          for (const v of Object.values(check.parts)) expect(Number.isFinite(v) && v >= 0).toBe(true);
          expect(durationMs(text)).toBe(check.ms);
          const to = addDuration(from, text);
          expect(Number.isNaN(to.getTime())).toBe(false);
          expect(to.getTime()).toBeGreaterThan(from.getTime());
        } else {
          expect(parseDuration(text)).toBeNull();
          const issues = schema.error?.issues ?? [];
          expect(issues.length).toBeGreaterThan(0);
          for (const issue of issues) expect(issue.message.length).toBeGreaterThan(0);
          expect(issues[0]!.message).toBe(check.problem);
        }
      }),
      runs(300),
    );
  });

  it("durationMs and addDuration never leave the range, even for text outside it (clamped), and only malformed text throws", () => {
    fc.assert(
      fc.property(durationTextArb, instantArb, (text, from) => {
        let ms: number | undefined;
        let thrown: unknown;
        try {
          ms = durationMs(text);
        } catch (e) {
          thrown = e;
        }
        if (thrown !== undefined) {
          // Only text the grammar does not read at all; the schema refuses it too.
          expect(thrown).toBeInstanceOf(RangeError);
          expect(IsoDuration.safeParse(text).success).toBe(false);
          expect(() => addDuration(from, text)).toThrow(RangeError);
          return;
        }
        expect(ms).toBeGreaterThanOrEqual(MIN_DURATION_MS);
        expect(ms).toBeLessThanOrEqual(MAX_DURATION_MS);
        const to = addDuration(from, text);
        expect(Number.isNaN(to.getTime())).toBe(false);
        expect(to.getTime()).toBeGreaterThan(from.getTime());
        // Calendar months may be shorter than 30 nominal days, and longer by one day: never more than that.
        expect(to.getTime() - from.getTime()).toBeLessThanOrEqual(MAX_DURATION_MS + 120 * 86_400_000);
      }),
      runs(300),
    );
  });

  it("addDuration is monotone in the duration: adding more of any component never lands earlier", () => {
    fc.assert(
      fc.property(acceptedPartsArb, acceptedPartsArb, instantArb, (a, extra, from) => {
        const b: DurationParts = {
          years: a.years + extra.years,
          months: a.months + extra.months,
          weeks: a.weeks + extra.weeks,
          days: a.days + extra.days,
          hours: a.hours + extra.hours,
          minutes: a.minutes + extra.minutes,
          seconds: a.seconds + extra.seconds,
        };
        fc.pre(checkDuration(partsText(b)).ok);
        const ta = addDuration(from, partsText(a)).getTime();
        const tb = addDuration(from, partsText(b)).getTime();
        expect(tb).toBeGreaterThanOrEqual(ta);
        expect(durationMs(partsText(b))).toBeGreaterThanOrEqual(durationMs(partsText(a)));
        // Text and parts are the same duration.
        expect(addDuration(from, a).getTime()).toBe(ta);
      }),
      runs(300),
    );
  });

  it("for fixed-length durations (weeks and below), addDuration adds exactly durationMs", () => {
    const fixed = acceptedPartsArb.map((d) => ({ ...d, years: 0, months: 0 })).filter((d) => checkDuration(partsText(d)).ok);
    fc.assert(
      fc.property(fixed, fixed, instantArb, (a, b, from) => {
        const [ma, mb] = [durationMs(partsText(a)), durationMs(partsText(b))];
        const [ta, tb] = [addDuration(from, partsText(a)).getTime(), addDuration(from, partsText(b)).getTime()];
        expect(ta - from.getTime()).toBe(ma);
        expect(tb - from.getTime()).toBe(mb);
        expect(Math.sign(tb - ta)).toBe(Math.sign(mb - ma));
      }),
      runs(200),
    );
  });
});

// ---------------------------------------------------------------------------
// Profile documents

const PROFILE_SCHEMA = z.toJSONSchema(ProfileDocument, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
const SOME_ROLES = [...new Set(Object.values(PROFILE_ROLES).flat())];
const DURATIONS = ["PT1S", "PT15M", "PT1H", "P1D", "P30D", "P10Y", "PT0S", "P11Y", "soon", "P1H", ""];

/** Values that make documents interesting: real roles, labels, durations, shipped parents. */
function profileHint({ key }: Hint): fc.Arbitrary<unknown> | undefined {
  switch (key) {
    case "extends":
      return fc.constantFrom(...PROFILE_NAMES, "no_such_parent", "base");
    case "name":
      return fc.constantFrom("fuzz", "base", "retail_ops", "Fuzz Profile");
    case "roles":
      return fc.array(fc.constantFrom(...SOME_ROLES, "Operations", "bad..role", "9lives"), { minLength: 0, maxLength: 6 });
    case "owner_role":
    case "to_roles":
      return fc.constantFrom(...SOME_ROLES);
    case "label":
    case "default_label":
      return fc
        .tuple(fc.constantFrom(...ALL_BASES, 7), fc.integer({ min: 0, max: 99 }), fc.constantFrom(...SOME_ROLES, "Nowhere"))
        .map(([b, d, r]) => `${b}.${d}.${r}`);
    case "step":
    case "repeat_at_top":
    case "stale_after":
    case "window":
    case "cooldown":
    case "reactivity_time":
    case "initial_backoff":
    case "critical":
    case "high":
    case "medium":
    case "low":
      return fc.constantFrom(...DURATIONS, "wall", "business");
    case "regex":
      return fc.array(fc.constantFrom("leak", "(a+)+$", "fl(o|oo)d", "(?=x)", "\\1", "[", "x{1000}"), { minLength: 1, maxLength: 3 });
    case "url":
      return fc.constantFrom("https://hooks.example.com/orgo", "http://127.0.0.1/", "ftp://x", "not a url");
    default:
      return undefined;
  }
}

const documentArb = valueFor(PROFILE_SCHEMA, { hint: profileHint, maxItems: 2, maxStringLength: 24 }) as fc.Arbitrary<Record<string, unknown>>;

/** Junk keys at any depth: the schema is strict, so these must be refused with their path. */
function withJunk(doc: Record<string, unknown>, junk: [string[], string, unknown][]): Record<string, unknown> {
  const copy = structuredClone(doc);
  for (const [path, key, value] of junk) {
    let cur: unknown = copy;
    for (const seg of path) {
      const next = (cur as Record<string, unknown>)?.[seg];
      if (typeof next !== "object" || next === null || Array.isArray(next)) break;
      cur = next;
    }
    if (typeof cur === "object" && cur !== null && !Array.isArray(cur))
      Object.defineProperty(cur, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

const junkArb = fc.array(
  fc.tuple(
    fc.constantFrom<string[]>(
      [],
      ["escalation"],
      ["reactivity"],
      ["notifications"],
      ["notifications", "channels"],
      ["retention"],
      ["triage_task"],
      ["calendar"],
    ),
    fc.oneof(fc.constantFrom("speed", "privcy", "rolez", "<<", "__proto__", "constructor", "1", "~", "name "), fc.string({ minLength: 1, maxLength: 8 })),
    fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constant(null)),
  ),
  { maxLength: 2 },
);

const okDuration = fc.constantFrom("PT1S", "PT15M", "PT1H", "P1D", "P2W", "P1M", "P10Y");
const overrides = fc.record(
  {
    privacy: fc.constantFrom("open", "need_to_know"),
    reactivity: fc.record({ critical: okDuration, high: okDuration, medium: okDuration, low: okDuration }, { requiredKeys: [] }),
    escalation: fc.record(
      { step: okDuration, repeat_at_top: okDuration, stale_after: okDuration, top_level: fc.constantFrom(1, 11, 101) },
      { requiredKeys: [] },
    ),
    retention: fc.record({ audit: fc.integer({ min: 1, max: 36_500 }), signal_bodies: fc.integer({ min: 1, max: 36_500 }) }, { requiredKeys: [] }),
    sensitive_person_fields: fc.array(fc.stringMatching(/^[a-z_]{1,12}$/), { maxLength: 3 }),
    description: fc.string({ maxLength: 40 }),
  },
  { requiredKeys: [] },
);
/** Documents that are mostly valid: a shipped parent and a few well-formed overrides. */
const plausibleYamlArb = fc.tuple(fc.constantFrom(...PROFILE_NAMES), overrides).map(([parent, o]) => stringify({ name: "fuzz", extends: parent, ...o }));

/** YAML text: a generated document, broken text, or YAML features (anchors, tags, merges, duplicates). */
const yamlTextArb = fc.oneof(
  { weight: 4, arbitrary: plausibleYamlArb },
  {
    weight: 2,
    arbitrary: fc.tuple(plausibleYamlArb, documentArb).map(([text, doc]) => {
      // One schema-generated key on top of a plausible document.
      const key = Object.keys(doc).find((k) => k !== "name");
      return key === undefined ? text : `${text}${stringify({ [key]: doc[key] })}`;
    }),
  },
  { weight: 8, arbitrary: fc.tuple(documentArb, junkArb).map(([doc, junk]) => stringify(junk.length > 0 ? withJunk(doc, junk) : doc)) },
  { weight: 2, arbitrary: documentArb.map((doc) => stringify({ ...doc, name: "fuzz", extends: "base" })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "",
      "---\n",
      "name: x\nname: y\n",
      "name: x\n\tprivacy: open\n",
      "- name: x\n",
      "name: [unclosed\n",
      "name: x\nroles: &r [A]\nsensitive_person_fields: *r\n",
      "a: &a [*a]\n",
      "name: x\n<<: {privacy: open}\n",
      "name: !!binary aGVsbG8=\n",
      "name: x\nretention: {audit: 1e400}\n",
      "name: x\nroles: [Operations]\nflow_rules: [{id: a, when: {}, then: {}}, {id: a, when: {}, then: {}}]\n",
      "name: x\nextends: x\n",
      `name: x\nroles:\n${Array.from({ length: 600 }, (_, i) => `  - R${i}`).join("\n")}\n`,
      `${"a: &a [".repeat(1)}${"[".repeat(300)}${"]".repeat(300)}]\nname: x\n`,
      "lol: &a [x,x,x,x,x,x,x,x,x]\nlol2: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nlol3: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nlol4: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\nname: x\n",
    ),
  },
);

describe("profile documents", () => {
  it("are loaded into a valid Profile or refused with problems that each carry a path and a line; never an exception", () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(yamlTextArb, (text) => {
        let result: ReturnType<typeof loadProfile> | undefined;
        expect(() => {
          result = loadProfile(text, resolveShipped);
        }).not.toThrow();
        const r = result!;
        if (r.ok) {
          accepted += 1;
          expect(Profile.safeParse(r.profile).success).toBe(true);
          expect(ProfileDocument.safeParse(r.document).success).toBe(true);
        } else {
          refused += 1;
          expect(r.errors.length).toBeGreaterThan(0);
          for (const p of r.errors) {
            expect(typeof p.path).toBe("string");
            expect(typeof p.message).toBe("string");
            expect(p.message.length).toBeGreaterThan(0);
            if (p.line !== undefined) expect(Number.isInteger(p.line) && p.line >= 1).toBe(true);
            if (p.column !== undefined) expect(Number.isInteger(p.column) && p.column >= 1).toBe(true);
          }
        }
      }),
      runs(250),
    );
    // Both outcomes were exercised, or the generator is not doing its job.
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });

  it("the API's loader turns every refusal into invalid_profile with a non-empty path for each problem", () => {
    fc.assert(
      fc.property(yamlTextArb, (text) => {
        try {
          const { profile } = profileFromYaml(text, "profile_yaml");
          expect(Profile.safeParse(profile).success).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(DomainError);
          const err = e as DomainError;
          expect(err.code).toBe("invalid_profile");
          expect(err.errors.length).toBeGreaterThan(0);
          for (const p of err.errors) expect(p.path.length, JSON.stringify(p)).toBeGreaterThan(0);
        }
      }),
      runs(150),
    );
  });

  it("refusal is deterministic: the same text gives the same problems, in the same order", () => {
    fc.assert(
      fc.property(yamlTextArb, (text) => {
        const first = loadProfile(text, resolveShipped);
        const second = loadProfile(text, resolveShipped);
        expect(second).toEqual(first);
      }),
      runs(150),
    );
  });

  it("an unknown key anywhere in a document is refused at its own path", () => {
    const minimal = fc.constantFrom("name: fuzz\n", "name: fuzz\nextends: base\n", "name: fuzz\nextends: retail_ops\n");
    const placed = fc.tuple(
      fc.constantFrom<[string, string]>(
        ["", ""],
        ["escalation", "escalation:\n  step: PT1H\n"],
        ["reactivity", "reactivity:\n  high: PT2H\n"],
        ["retention", "retention:\n  audit: 30\n"],
      ),
      fc.stringMatching(/^[a-z][a-z_]{2,12}$/),
    );
    fc.assert(
      fc.property(minimal, placed, (head, [[section, block], key]) => {
        const props = PROFILE_SCHEMA.properties as Record<string, { properties?: Record<string, unknown> }>;
        const allowed = section === "" ? props : (props[section]?.properties ?? {});
        fc.pre(!(key in allowed));
        const text = section === "" ? `${head}${key}: 1\n` : `${head}${block}  ${key}: 1\n`;
        const r = loadProfile(text, resolveShipped);
        expect(r.ok, text).toBe(false);
        if (r.ok) return;
        const path = section === "" ? key : `${section}.${key}`;
        const hit = r.errors.find((p) => p.path === path);
        expect(hit, `${text} → ${JSON.stringify(r.errors)}`).toBeDefined();
        expect(hit!.message).toContain(key);
        expect(hit!.line).toBe(text.split("\n").findIndex((l) => l.trim().startsWith(`${key}:`)) + 1);
      }),
      runs(150),
    );
  });
});
