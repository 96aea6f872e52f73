/**
 * Recognizes the lines a mail client writes above the message it quotes: the
 * attribution ("On … wrote:", possibly wrapped over a few lines), the header
 * block of Outlook-style replies ("From:/Sent:/To:/Subject:" in many
 * languages), and the "-----Original Message-----" and forward separators.
 *
 * Each check looks at a bounded number of bounded lines from where it starts,
 * so scanning a whole body stays linear.
 */
import { MAX_MARKER_LINE, collapseSpaces, isBlank } from "./text-lines";
import { ATTRIBUTION_LEADS, DATE_KEYS, FORWARD_LABELS, FROM_KEYS, ORIGINAL_MESSAGE_LABELS, OTHER_HEADER_KEYS, WROTE_WORDS } from "./vocabulary";

export type ReplyMarker = {
  kind: "attribution" | "headers" | "original" | "forward";
  /** Index of the marker's last line. */
  end: number;
  /** Text the author wrote on the marker's first line before it ("reply On … wrote:"). */
  prefix: string;
};

const MAX_JOINED_LINES = 5;
const MAX_JOINED_LINE = 200;
const MAX_HEADER_BLOCK = 14;

const fromKeys = new Set(FROM_KEYS);
const dateKeys = new Set(DATE_KEYS);
const otherKeys = new Set(OTHER_HEADER_KEYS);
const originalLabels = new Set(ORIGINAL_MESSAGE_LABELS);
const forwardLabels = new Set(FORWARD_LABELS);
// Longest first, so "het volgende geschreven" is preferred to "geschreven".
const wroteWords = [...new Set(WROTE_WORDS)].sort((a, b) => b.length - a.length);
const weakWroteWords = new Set(["sent", "writes", "pisze", "пишет"]);
const leadPattern = new RegExp(`^(?:${ATTRIBUTION_LEADS.map(escapeRegExp).join("|")})(?:\\s|$)`, "u");
const midLeadPattern = new RegExp(`[\\s\\-_=*](?=(?:${ATTRIBUTION_LEADS.map(escapeRegExp).join("|")})\\s)`, "gu");

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The reply marker that starts at line `i`, if any. */
export function replyMarkerAt(lines: readonly string[], i: number): ReplyMarker | null {
  const line = lines[i] ?? "";
  if (line.length > MAX_MARKER_LINE || isBlank(line)) return null;
  const labelled = separatorLabel(line);
  if (labelled) return { kind: labelled, end: i, prefix: "" };
  const headersEnd = headerBlockEnd(lines, i);
  if (headersEnd >= 0) return { kind: "headers", end: headersEnd, prefix: "" };
  return attributionAt(lines, i);
}

/** "original" or "forward" when the line is a labelled separator such as "-----Original Message-----" or "Begin forwarded message:". */
export function separatorLabel(line: string): "original" | "forward" | null {
  if (line.length > MAX_MARKER_LINE) return null;
  const t = line.trim();
  const ruled = /^[-_=*~]{2,}/.test(t) || /[-_=*~]{2,}$/.test(t);
  const colon = /[:：]$/.test(t);
  if (!ruled && !colon) return null;
  const label = collapseSpaces(t.replace(/^[-_=*~\s]+/, "").replace(/[-_=*~\s:：]+$/, "")).toLowerCase();
  if (forwardLabels.has(label)) return "forward";
  if (ruled && originalLabels.has(label)) return "original";
  return null;
}

export function startsWithForwardLabel(text: string): boolean {
  const firstLine = text.trimStart().slice(0, MAX_MARKER_LINE).split("\n", 1)[0] ?? "";
  return separatorLabel(firstLine) === "forward";
}

type HeaderRole = "from" | "date" | "other";

/** The role of a "Key: value" header line, or null when the line is not one. */
export function headerRole(line: string): HeaderRole | null {
  const m = /^[\s>]*[*_]{0,2}([^:：*_]{1,30}?)[*_]{0,2}\s*[:：]/u.exec(line.length > 80 ? line.slice(0, 80) : line);
  if (!m?.[1]) return null;
  const key = collapseSpaces(m[1]).toLowerCase();
  if (fromKeys.has(key)) return "from";
  if (dateKeys.has(key)) return "date";
  if (otherKeys.has(key)) return "other";
  return null;
}

/** Index of the last line of a quoted message's header block starting at `i`, or -1. */
function headerBlockEnd(lines: readonly string[], i: number): number {
  const first = lines[i] ?? "";
  const firstRole = headerRole(first);
  if (!firstRole) return -1;
  // Some clients put the whole block on one line: "From: bob Date: Thu, 24 Mar 2016".
  if (firstRole === "from" && /\s(?:Date|Sent|To|Subject|Cc)\s?:\s/.test(first)) return i;
  let keys = 1;
  let anchors = firstRole === "other" ? 0 : 1;
  let end = i;
  let continuation = 0;
  for (let j = i + 1; j < lines.length && j < i + MAX_HEADER_BLOCK; j++) {
    const line = lines[j] ?? "";
    if (line.length > MAX_MARKER_LINE || isBlank(line)) break;
    const role = headerRole(line);
    if (role) {
      keys++;
      if (role !== "other") anchors++;
      end = j;
      continuation = 0;
    } else if (++continuation > 2) break;
  }
  return keys >= 2 && anchors >= 1 ? end : -1;
}

/** An attribution line ("On … wrote:", "2014-10-17 11:28 GMT+03:00 Bob <bob@x.org>:"), possibly wrapped, starting at line `i`. */
function attributionAt(lines: readonly string[], i: number): ReplyMarker | null {
  const line = lines[i] ?? "";
  const startsLikeOne = mayStartAttribution(line);
  if (startsLikeOne) {
    const whole = joinedAttribution(lines, i, line, false);
    if (whole >= 0) return { kind: "attribution", end: whole, prefix: "" };
  }
  // The attribution may follow the author's words on the same line: "reply On … wrote:".
  midLeadPattern.lastIndex = 0;
  let tries = 0;
  for (let m = midLeadPattern.exec(line); m && tries < 4; m = midLeadPattern.exec(line), tries++) {
    const at = m.index + m[0].length;
    const end = joinedAttribution(lines, i, line.slice(at), true);
    if (end >= 0) return { kind: "attribution", end, prefix: line.slice(0, at).replace(/[\s\-_=*]+$/, "") };
  }
  // Not starting like one, an attribution needs its colon, address or ruled dashes on this very line.
  if (startsLikeOne || !/[:：@]|[-_=*]{2}/.test(line)) return null;
  const whole = joinedAttribution(lines, i, line, false);
  return whole >= 0 ? { kind: "attribution", end: whole, prefix: "" } : null;
}

function mayStartAttribution(line: string): boolean {
  const t = line.trim();
  return leadPattern.test(t.replace(/^[-_=*~>\s]+/, "")) || /^[-_=*~]{2,}/.test(t) || /^\d/.test(t);
}

/** The last line index of an attribution whose first line is `first` (line `i`), or -1. */
function joinedAttribution(lines: readonly string[], i: number, first: string, midLine: boolean): number {
  let joined = first;
  if (isAttribution(joined, midLine)) return i;
  if (first.length > MAX_JOINED_LINE || !mayBeWrapped(first)) return -1;
  let blanks = 0;
  let parts = 1;
  for (let j = i + 1; j < lines.length && parts < MAX_JOINED_LINES; j++) {
    const next = lines[j] ?? "";
    if (isBlank(next)) {
      if (++blanks > 1) return -1;
      continue;
    }
    if (next.length > MAX_JOINED_LINE) return -1;
    joined += ` ${next}`;
    parts++;
    if (isAttribution(joined, midLine)) return j;
    if (/[.!?:;]\s*$/.test(next)) return -1;
  }
  return -1;
}

/** A first line that a client may have wrapped: it starts like an attribution and does not end a sentence. */
function mayBeWrapped(first: string): boolean {
  const t = first.trim().replace(/^[-_=*~\s]+/, "");
  if (/[.!?:;]$/.test(t)) return false;
  return leadPattern.test(t) || /^\d/.test(t) || /^[-_=*]{2,}/.test(first.trim());
}

function isAttribution(text: string, midLine: boolean): boolean {
  if (!mayEndAttribution(text)) return false;
  const s = collapseSpaces(text);
  if (s.length > 600) return false;
  const ruled = /^[-_=*]{2,}/.test(s) || /[-_=*]{2,}$/.test(s);
  const core = s
    .replace(/^[-_=*>\s]+/, "")
    .replace(/[-_=*\s]+$/, "")
    .replace(/<\s+/g, "<")
    .replace(/\s+>/g, ">");
  const lead = leadPattern.test(core);
  const digit = /\d/.test(core);
  const at = core.includes("@");
  if (midLine && !(lead && (digit || at))) return false;
  const word = endingWroteWord(core);
  if (word) return ruled || at || lead || (digit && !weakWroteWords.has(word));
  // "2014-10-17 11:28 GMT+03:00 Bob <bob@x.org>:", "Am 25.11.2014 um 14:59 schrieb Bob <bob@x.org>:".
  const endsWithAddress = /<[^<>\s]+@[^<>\s]+>\s*$/.test(core.replace(/\s*[:：]$/, ""));
  if (!endsWithAddress) return false;
  if (/[:：]$/.test(core)) return /\d{1,2}:\d{2}/.test(core) || /\b(?:19|20)\d{2}\b/.test(core);
  return /^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})/.test(core);
}

/** A cheap first look at the end: a colon, an address's ">", ruled dashes, or a word (which may be "wrote"). */
function mayEndAttribution(text: string): boolean {
  let k = text.length - 1;
  while (k >= 0 && (text[k] === " " || text[k] === "\t")) k--;
  const last = text[k];
  if (last === undefined) return false;
  return ":：>-_=*".includes(last) || /\p{L}/u.test(last);
}

/** The wrote-word a line ends with ("… wrote:", "… a écrit :", "… 写道："), if any. */
function endingWroteWord(core: string): string | null {
  const tail = core.replace(/\s*[:：]$/, "").toLowerCase();
  if (tail.length === core.length && !/wrote|writes|skrev|schreef|geschreven|schrieb/.test(tail.slice(-12))) return null;
  for (const w of wroteWords) {
    if (!tail.endsWith(w)) continue;
    const before = tail[tail.length - w.length - 1];
    if (before === undefined || !/\p{L}/u.test(before) || /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/u.test(w)) return w;
  }
  return null;
}
