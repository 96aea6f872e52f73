/**
 * `keywords` has one meaning in a profile, whichever rule holds it: whole
 * words or phrases, ignoring case and accents. Every case below runs through
 * a flow rule and a pattern rule, so the two kinds cannot drift apart.
 */
import { describe, expect, it } from "vitest";
import { evaluateSignal, type NormalizedSignal } from "../../core/flow-rules";
import { PatternRule } from "../../core/patterns/pattern-rule";
import { matchesPattern } from "../../core/patterns/window";
import { FlowWhen, loadProfile, type Profile } from "../../core/profiles";
import { KEYWORDS_MEANING, MAX_KEYWORDS, MAX_KEYWORD_LENGTH, foldText } from "../../core/text/keywords";

function flowProfile(keywords: string[]): Profile {
  const yaml = `name: kw\nroles: [Ops]\ndefault_label: 1001.14.Ops\nflow_rules:\n  - id: k\n    when: { keywords: ${JSON.stringify(keywords)} }\n    then: {}\n`;
  const r = loadProfile(yaml, () => undefined);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.profile;
}

function signal(title: string, body: string | null): NormalizedSignal {
  return {
    source: "api",
    title,
    body,
    severity: null,
    label: null,
    location: { site: null, area: null },
    metadata: {},
    person_id: null,
    occurred_at: "2026-11-25T14:00:00Z",
    received_at: "2026-11-25T14:00:05Z",
  };
}

const patternRule = (keywords: string[]) =>
  PatternRule.parse({
    id: "kw",
    match: { entity: "signal", keywords },
    group_by: "location.site",
    window: "P1D",
    threshold: 2,
    cooldown: "P1D",
    action: { case: { title: "x" } },
  });

/** Whether the keywords match, asked of a flow rule and of a pattern rule; both answers are returned. */
function bothKinds(keywords: string[], title: string, body: string | null = null): { flow: boolean; pattern: boolean } {
  return {
    flow: evaluateSignal(signal(title, body), flowProfile(keywords)).matched_rules.includes("k"),
    pattern: matchesPattern(patternRule(keywords), { entity: "signal", title, body }),
  };
}

const same = (expected: boolean) => ({ flow: expected, pattern: expected });

describe("keywords mean the same in flow rules and pattern rules", () => {
  it.each([
    // Whole words only.
    [["leak"], "Water leak in aisle 4", null, true],
    [["leak"], "Leakage under the sink", null, false],
    [["leak"], "a pipe-leak", null, true],
    [["leak"], "(leak)", null, true],
    [["leak"], "leak_2", null, false],
    [["leak"], "title", "it's a LEAK.", true],
    // Case and accents are ignored, in the keyword and in the text.
    [["cafe"], "Le Café du coin", null, true],
    [["café"], "CAFE closed", null, true],
    [["fuite d'eau"], "Fuité d'eau au 2e", null, true],
    [["naïve"], "a naive guess", null, true],
    // Phrases: the words in order, across any whitespace, still whole.
    [["gas leak"], "smell of GAS\n  leak here", null, true],
    [["gas leak"], "gas leakage", null, false],
    [["gas leak"], "leak of gas", null, false],
    // Any of the keywords.
    [["fire", "flood"], "flooding", "the flood came", true],
    [["fire", "flood"], "flooding", "fireworks", false],
  ] as Array<[string[], string, string | null, boolean]>)("%j in %j / %j → %s", (keywords, title, body, expected) => {
    expect(bothKinds(keywords, title, body)).toEqual(same(expected));
  });

  it("a pattern rule with keywords [leak] no longer counts 'leakage'", () => {
    const rule = patternRule(["leak"]);
    expect(matchesPattern(rule, { entity: "signal", title: "Leakage in the basement", body: null })).toBe(false);
    expect(matchesPattern(rule, { entity: "signal", title: "Leak in the basement", body: null })).toBe(true);
  });

  it("compatibility forms fold like their plain letters", () => {
    expect(bothKinds(["file"], "ﬁle the report")).toEqual(same(true));
    expect(bothKinds(["leak"], "ＬＥＡＫ")).toEqual(same(true));
    expect(foldText("İstanbul Café ÉTÉ")).toBe("istanbul cafe ete");
  });

  it("both rule kinds read only the first 65,536 characters of title and body together", () => {
    const title = "t".repeat(100);
    const within = `${"x ".repeat((65_536 - 100 - 8) / 2)}needle`;
    const beyond = `${"x ".repeat(40_000)}needle`;
    expect(bothKinds(["needle"], title, within)).toEqual(same(true));
    expect(bothKinds(["needle"], title, beyond)).toEqual(same(false));
  });

  it("the profile schema documents both keys with the same sentence and the same bounds", () => {
    const flowKeywords = FlowWhen.shape.keywords;
    const patternKeywords = PatternRule.shape.match.shape.keywords;
    expect(flowKeywords.description).toBe(KEYWORDS_MEANING);
    expect(patternKeywords.description).toBe(KEYWORDS_MEANING);
    for (const schema of [flowKeywords, patternKeywords]) {
      expect(schema.safeParse(["leak", "gas leak"]).success).toBe(true);
      expect(schema.safeParse([]).success).toBe(false);
      expect(schema.safeParse(Array.from({ length: MAX_KEYWORDS + 1 }, (_, i) => `w${i}`)).success).toBe(false);
      expect(schema.safeParse(["x".repeat(MAX_KEYWORD_LENGTH + 1)]).success).toBe(false);
      expect(schema.safeParse(["   "]).success).toBe(false);
      // Nothing left once accents are ignored: it would match everywhere.
      expect(schema.safeParse(["\u0301\u0300"]).success).toBe(false);
      expect(schema.parse([" leak "])).toEqual(["leak"]);
    }
  });
});
