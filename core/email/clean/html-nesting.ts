/**
 * htmlparser2 keeps its open elements in an array it grows at the front, so
 * parsing costs the square of the nesting depth: 100,000 nested `div`s take
 * seconds. Hostile mail can nest that deep; no real mail does. Before parsing,
 * one linear pass over the markup drops the start tags (the tags only, not
 * their text) that would open elements deeper than MAX_NESTING, and their
 * matching end tags. This is a guard for the parser, not a parser: it only
 * needs to find where tags begin and end, and it errs towards counting
 * elements as open, which only makes it drop tags sooner.
 */

export const MAX_NESTING = 5000;

const VOID_ELEMENTS = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr", "keygen"]);

export function capNesting(html: string, maxDepth = MAX_NESTING): string {
  // Fewer start tags than the cap cannot nest deeper than it.
  if (countStartTags(html, maxDepth) <= maxDepth) return html;
  const kept: string[] = [];
  let depth = 0;
  let dropped = 0;
  let copiedTo = 0;
  let i = html.indexOf("<");
  while (i >= 0 && i < html.length - 1) {
    const next = html.charCodeAt(i + 1);
    if (html.startsWith("<!--", i)) {
      const end = html.indexOf("-->", i + 4);
      if (end < 0) break;
      i = html.indexOf("<", end + 3);
      continue;
    }
    const close = html.indexOf(">", i + 1);
    if (close < 0) break;
    if (next === 47 /* / */) {
      if (dropped > 0) {
        dropped--;
        kept.push(html.slice(copiedTo, i));
        copiedTo = close + 1;
      } else if (depth > 0) depth--;
    } else if (isLetter(next)) {
      const name = tagName(html, i + 1);
      const selfClosing = html.charCodeAt(close - 1) === 47;
      if (!selfClosing && !VOID_ELEMENTS.has(name)) {
        if (depth >= maxDepth) {
          dropped++;
          kept.push(html.slice(copiedTo, i));
          copiedTo = close + 1;
        } else depth++;
      }
    }
    i = html.indexOf("<", close + 1);
  }
  if (copiedTo === 0) return html;
  kept.push(html.slice(copiedTo));
  return kept.join("");
}

function countStartTags(html: string, limit: number): number {
  let count = 0;
  for (let i = html.indexOf("<"); i >= 0 && count <= limit; i = html.indexOf("<", i + 1)) if (isLetter(html.charCodeAt(i + 1))) count++;
  return count;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function tagName(html: string, from: number): string {
  let end = from;
  while (end < html.length && end - from < 20) {
    const c = html.charCodeAt(end);
    if (!(isLetter(c) || (c >= 48 && c <= 57) || c === 45 || c === 58)) break;
    end++;
  }
  return html.slice(from, end).toLowerCase();
}
