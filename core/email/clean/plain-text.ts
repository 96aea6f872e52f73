/**
 * The plain-text pipeline: quotes out, then the signature, never leaving an
 * empty message when the author did write something.
 */
import { stripQuotes } from "./quotes";
import { type SignatureRules, stripSignature } from "./signatures";
import { MAX_MARKER_LINE, QUOTE_SENTINEL, hasContent, isBlank, splitLines } from "./text-lines";

export type CleanedText = { text: string; quoteFound: boolean; forwarded: boolean };

export function cleanText(text: string, rules: SignatureRules): CleanedText {
  const lines = withoutImagePlaceholders(splitLines(text));
  const quotes = stripQuotes(lines);
  if (quotes.forwarded) return { text: joinLines(lines), quoteFound: false, forwarded: true };
  if (!hasContent(quotes.lines)) return { text: joinLines(lines), quoteFound: quotes.found, forwarded: false };
  return { text: joinLines(stripSignature(quotes.lines, rules)), quoteFound: quotes.found, forwarded: false };
}

/** Joined with "\n", without line-end spaces or the blank lines around the whole. */
export function joinLines(lines: readonly string[]): string {
  const out: string[] = [];
  for (const line of lines) out.push(line.includes(QUOTE_SENTINEL) ? line.replaceAll(QUOTE_SENTINEL, "").trimEnd() : line.trimEnd());
  let start = 0;
  let end = out.length;
  while (start < end && out[start] === "") start++;
  while (end > start && out[end - 1] === "") end--;
  return out.slice(start, end).join("\n");
}

/** Gmail's "[image: logo.png]": the plain alternative's stand-in for an inline image, not the author's words. */
export function isImagePlaceholder(line: string): boolean {
  return line.length <= MAX_MARKER_LINE && /^\s*\[image:[^\]]*\]\s*$/i.test(line);
}

/** The lines without image placeholders; one that stood alone between blank lines takes one of them along. */
function withoutImagePlaceholders(lines: string[]): string[] {
  const out: string[] = [];
  let dropped = false;
  for (const line of lines) {
    if (line.length <= MAX_MARKER_LINE && line.includes("[") && isImagePlaceholder(line)) {
      dropped = true;
      continue;
    }
    if (dropped && isBlank(line) && out.length > 0 && isBlank(out[out.length - 1] ?? "")) continue;
    dropped = false;
    out.push(line);
  }
  return out;
}
