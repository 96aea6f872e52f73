/**
 * What `keywords` means in a profile, for flow rules and pattern rules alike:
 * any of the listed words or phrases occurs in the title or the body as whole
 * words (`leak` does not match `leakage`), ignoring case and accents (`cafe`
 * matches `Café`, `fuite d'eau` matches `Fuité d'eau`), the words of a phrase
 * separated by any whitespace. The two rule kinds once read keywords
 * differently (whole words in one, substrings in the other), so the same
 * profile counted "leakage" as a leak in one place and not in the other; one
 * schema and one matcher keep them from drifting apart again.
 *
 * Bounded: at most MAX_KEYWORDS keywords of MAX_KEYWORD_LENGTH characters, read
 * against the first MAX_SCANNED_CHARS characters of title and body together.
 */
import { z } from "zod";
import { MAX_SCANNED_CHARS, scannedText } from "./scanned-text";

export const MAX_KEYWORDS = 100;
export const MAX_KEYWORD_LENGTH = 100;

/**
 * Text as keywords compare it: lower case, compatibility forms unfolded
 * (ﬁ → fi, full-width letters → ASCII), accents and other combining marks
 * dropped. Lower-casing first lets the marks it introduces (İ → i̇) go too.
 */
export function foldText(s: string): string {
  return s
    .toLowerCase()
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "");
}

/** The one description of `keywords`, for both rule kinds' schema (and so for the profile documentation). */
export const KEYWORDS_MEANING = `Any of these words or phrases occurs in the title or body: whole words only (\`leak\` does not match \`leakage\`), ignoring case and accents (\`cafe\` matches \`Café\`); the words of a phrase may be separated by any whitespace. At most ${MAX_KEYWORDS} keywords of at most ${MAX_KEYWORD_LENGTH} characters each. Reads the first ${MAX_SCANNED_CHARS.toLocaleString("en-US")} characters of title and body together.`;

const Keyword = z
  .string()
  .trim()
  .min(1)
  .max(MAX_KEYWORD_LENGTH)
  // Made only of marks, a keyword would fold to nothing and match everywhere.
  .refine((k) => foldText(k).trim() !== "", { message: "must contain a letter, digit or symbol besides accents" });

export const Keywords = z.array(Keyword).min(1).max(MAX_KEYWORDS).describe(KEYWORDS_MEANING);
export type Keywords = z.infer<typeof Keywords>;

/** Title and body folded and cut, once per item, whatever the number of rules that read them. */
export interface KeywordText {
  title: string;
  body: string;
}

export function keywordText(title: string, body: string | null): KeywordText {
  // Cut before folding too, so a huge body is not folded only to be cut.
  const fold = (s: string) => foldText(s.slice(0, MAX_SCANNED_CHARS));
  return scannedText(fold(title), fold(body ?? ""));
}

// Compiled keywords are cached by their text only; the cache affects speed, never results.
const MAX_CACHE = 2_000;
const cache = new Map<string, RegExp | null>();

/**
 * Whole words: the keyword must not be glued to a letter, digit or underscore
 * on either side. This runs on the backtracking engine, which is safe here:
 * the words are escaped literals and the only quantifier is `\s+` between
 * them, followed by a word that cannot start with a space, so a failed
 * attempt gives each run of spaces back in one pass and the text is read at
 * most about once per word of the keyword (at most MAX_KEYWORD_LENGTH
 * characters, in a list of at most MAX_KEYWORDS).
 */
function keywordRegex(keyword: string): RegExp | null {
  const hit = cache.get(keyword);
  if (hit !== undefined) return hit;
  if (cache.size >= MAX_CACHE) cache.clear();
  const folded = foldText(keyword).trim();
  const words = folded === "" ? [] : folded.split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  // The schema refuses a keyword with nothing left to match; one that slipped through matches nothing.
  const re = words.length === 0 ? null : new RegExp(`(?<![\\p{L}\\p{N}_])${words.join("\\s+")}(?![\\p{L}\\p{N}_])`, "iu");
  cache.set(keyword, re);
  return re;
}

/** The first keyword found, in list order, and where (title before body); null when none is. */
export function firstKeyword(keywords: readonly string[], text: KeywordText): { keyword: string; where: "title" | "body" } | null {
  for (const keyword of keywords.slice(0, MAX_KEYWORDS)) {
    const re = keywordRegex(keyword);
    if (re === null) continue;
    if (re.test(text.title)) return { keyword, where: "title" };
    if (re.test(text.body)) return { keyword, where: "body" };
  }
  return null;
}
