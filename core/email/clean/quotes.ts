/**
 * Removes quoted messages from a plain-text body, line by line in one pass.
 *
 * A reply marker (attribution, header block, "Original Message" rule) that is
 * followed by `>` lines quotes only those lines: what the author wrote after
 * them is an inline or bottom-posted reply and stays. A marker followed by
 * plain text quotes everything after it, since nothing tells the quote's end.
 * A `>` block with no marker above is a quote only when it is more than one
 * line, because a lone `>` line is as often an arrow or a bit of ASCII art.
 * An elision line ("[...]", "[snip]", "<snip>") next to `>` lines marks where
 * the replier cut the quote, so it belongs to the quote.
 */
import { type ReplyMarker, replyMarkerAt } from "./reply-headers";
import { hasSentinel, isBlank, isQuoteLine, isSeparatorLine } from "./text-lines";

export type QuoteStripResult = {
  lines: string[];
  /** A quote or reply marker was found and removed. */
  found: boolean;
  /** The first marker starts a forwarded message, whose content the author means to send. */
  forwarded: boolean;
};

export function stripQuotes(lines: readonly string[]): QuoteStripResult {
  const out: string[] = [];
  let found = false;
  let anchored = false;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? "";
    if (startsQuote(lines, i)) {
      const run = quoteRun(lines, i);
      if (anchored || run.strong || run.markers >= 2) {
        found = true;
        anchored = true;
        i = skipBlank(lines, run.end);
      } else {
        for (let j = i; j < run.end; j++) out.push(lines[j] ?? "");
        i = run.end;
      }
      continue;
    }
    const marker: ReplyMarker | null = replyMarkerAt(lines, i);
    if (!marker) {
      out.push(line);
      i++;
      continue;
    }
    if (marker.kind === "forward" && !found) return { lines: [...lines], found: false, forwarded: true };
    found = true;
    if (marker.prefix) out.push(marker.prefix);
    dropTrailingSeparator(out);
    const next = skipBlank(lines, marker.end + 1);
    if (next < lines.length && startsQuote(lines, next)) {
      anchored = true;
      i = next;
      continue;
    }
    break;
  }
  return { lines: out, found, forwarded: false };
}

type QuoteRun = { end: number; markers: number; strong: boolean };

/**
 * The `>` lines from `start`, with the blank lines between them and single
 * unquoted lines that only continue a wrapped quoted line (a link or a word
 * the sender's client pushed onto its own line).
 */
function quoteRun(lines: readonly string[], start: number): QuoteRun {
  let markers = 0;
  let strong = false;
  let last = start;
  for (let j = start; j < lines.length; j++) {
    const line = lines[j] ?? "";
    if (isQuoteLine(line)) {
      markers++;
      if (!strong && hasSentinel(line)) strong = true;
      last = j;
    } else if (!isBlank(line)) {
      // Blank lines may separate quoted paragraphs; other text ends the run unless it only continues a wrapped line.
      if (last === j - 1 && isQuoteLine(lines[j + 1] ?? "") && continuesQuotedLine(line)) last = j;
      else if (isElisionLine(line) && (last === j - 1 || j === start || quoteFollows(lines, j))) {
        // A cut mark is as sure a sign of a quote as a `>` line.
        markers++;
        last = j;
      } else break;
    }
  }
  return { end: last + 1, markers, strong };
}

/** A `>` line at `i`, or an elision line directly above one. */
function startsQuote(lines: readonly string[], i: number): boolean {
  const line = lines[i] ?? "";
  return isQuoteLine(line) || (isElisionLine(line) && isQuoteLine(lines[i + 1] ?? ""));
}

/** The next non-blank line after `j`, within a blank line or two, is a `>` line. */
function quoteFollows(lines: readonly string[], j: number): boolean {
  for (let k = j + 1; k < lines.length && k <= j + 3; k++) {
    const line = lines[k] ?? "";
    if (!isBlank(line)) return isQuoteLine(line);
  }
  return false;
}

/** "[...]", "[…]", "[snip]", "<snip>", "[ snipped ]": the mark a replier leaves where they cut the quote. */
export function isElisionLine(line: string): boolean {
  if (line.length > 40) return false;
  return /^\s*(?:\[\s*(?:\.{2,}|…|snip(?:ped)?|cut|schnipp?)\s*\]|<\s*(?:\.{2,}|…|snip(?:ped)?|schnipp?)\s*\/?>|\(\s*(?:\.{2,}|…|snip(?:ped)?)\s*\))\s*$/i.test(
    line,
  );
}

function continuesQuotedLine(line: string): boolean {
  if (line.length > 300) return false;
  return /^[\s(_\-.,;:)\]/=&?%\p{Ll}]/u.test(line) || line.includes("://");
}

function skipBlank(lines: readonly string[], from: number): number {
  let i = from;
  while (i < lines.length && isBlank(lines[i] ?? "")) i++;
  return i;
}

/** Drops a "-----" or "_____" rule (and the blank lines around it) that introduced the quote. */
function dropTrailingSeparator(out: string[]): void {
  let k = out.length - 1;
  while (k >= 0 && isBlank(out[k] ?? "")) k--;
  if (k < 0 || !isSeparatorLine(out[k] ?? "")) return;
  while (k >= 0 && (isBlank(out[k] ?? "") || isSeparatorLine(out[k] ?? ""))) k--;
  out.length = k + 1;
}
