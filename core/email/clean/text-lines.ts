/**
 * Small line predicates shared by the quote and signature rules. Every rule
 * reads a bounded prefix of a line, so one enormous line costs no more than a
 * short one.
 */

/** Lines longer than this are prose or data, never a reply header, separator or signature line. */
export const MAX_MARKER_LINE = 300;

/** Stands for a quote the HTML renderer removed; a line holding it is always quoted text. */
export const QUOTE_SENTINEL = "\uE000";

export function splitLines(text: string): string[] {
  return text.replace(/\r\n?/g, "\n").split("\n");
}

export function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 0xa0 && c !== 0x3000 && c !== 0x200b && c !== 0xfeff && c !== 0x200e && c !== 0x200f) return false;
  }
  return true;
}

/** A line of a `>` quote, or the placeholder of a quote removed from HTML. */
export function isQuoteLine(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === " " || c === "\t" || c === "\u00a0") continue;
    return c === ">" || c === QUOTE_SENTINEL;
  }
  return false;
}

export function hasSentinel(line: string): boolean {
  return line.length < MAX_MARKER_LINE ? line.includes(QUOTE_SENTINEL) : line.slice(0, MAX_MARKER_LINE).includes(QUOTE_SENTINEL);
}

/** "-----", "_____", "=====" and the like: a rule drawn in text. */
export function isSeparatorLine(line: string): boolean {
  if (line.length > MAX_MARKER_LINE) return false;
  const t = line.trim();
  return t.length >= 3 && /^[-_=*~─━═]+$/.test(t);
}

// Only runs that are not already one plain space are rewritten: a match per word costs too much on long input.
const SPACE_RUN = / [\s\u200e\u200f]+|[\t\n\v\f\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\u200e\u200f][\s\u200e\u200f]*/g;

export function collapseSpaces(s: string): string {
  return s.replace(SPACE_RUN, " ").trim();
}

export function hasContent(lines: readonly string[], end = lines.length): boolean {
  for (let i = 0; i < end; i++) if (!isBlank(lines[i] ?? "")) return true;
  return false;
}
