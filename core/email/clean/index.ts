/**
 * The email gateway's cleaning: from a reply's body, the text its author
 * wrote now — quoted messages, reply headers and signatures removed, in the
 * forms the common clients and languages produce.
 *
 * Every rule is linear in the input: lines are read one by one, each check
 * reads a bounded prefix of a bounded number of lines, and HTML is walked
 * without recursion.
 */
import { parseHtml, renderHtml } from "./html-render";
import { cleanText, joinLines } from "./plain-text";
import { collapseBlankLines, withoutTags } from "./safe-text";
import { QUOTE_SENTINEL, splitLines } from "./text-lines";

/** A plain-text body → the author's new text only. */
export function visibleText(text: string): string {
  return withoutTags(cleanText(String(text ?? "").replaceAll(QUOTE_SENTINEL, ""), "full").text);
}

/** An HTML body → the author's new text, as plain text. */
export function visibleHtml(html: string): string {
  const doc = parseHtml(String(html ?? ""));
  const rendered = renderHtml(doc, { removeQuotes: true });
  let cleaned = cleanText(rendered.text, "html");
  // Nothing marked a quote: the reply's quote is then its last top-level blockquote, if it has one.
  if (!cleaned.quoteFound && rendered.lastPlainBlockquote) {
    const retry = cleanText(renderHtml(doc, { removeQuotes: true, drop: rendered.lastPlainBlockquote }).text, "html");
    if (retry.text.trim()) cleaned = retry;
  }
  // A forward's content sits in the same markup as a quote (Apple Mail wraps it in a cite blockquote), and is kept.
  const text = cleaned.text.trim() && !cleaned.forwarded ? cleaned.text : fullText(doc);
  return withoutTags(collapseBlankLines(text));
}

/** The whole HTML body as clean text, quotes included (as "> " lines). */
export function htmlToText(html: string): string {
  return withoutTags(collapseBlankLines(fullText(parseHtml(String(html ?? "")))));
}

function fullText(doc: ReturnType<typeof parseHtml>): string {
  return joinLines(splitLines(renderHtml(doc, { removeQuotes: false }).text));
}
