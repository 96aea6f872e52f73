/**
 * How much of a signal's text the rules read. Title and body are untrusted
 * and may be huge (a forwarded mail thread); every text condition of every
 * rule reads them, so they are cut once, title first, and a long body cannot
 * multiply the work of each rule.
 */

/** Text conditions (keywords and regexes) read at most this many characters of title and body together. */
export const MAX_SCANNED_CHARS = 65_536;

/** Title and body cut to `limit` characters together, title first: what text conditions read. */
export function scannedText(title: string, body: string, limit = MAX_SCANNED_CHARS): { title: string; body: string } {
  const t = title.slice(0, limit);
  return { title: t, body: body.slice(0, limit - t.length) };
}
