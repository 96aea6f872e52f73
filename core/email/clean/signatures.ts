/**
 * Removes the signature at the end of the author's text. Only the last lines
 * are read, and a cut is made only when text remains above it, so a message
 * that is nothing but a name is never emptied.
 *
 * "structural" rules act on marks a client or a person puts there on purpose
 * (the "-- " delimiter, "Sent from my iPhone"); "full" adds the guesses that
 * plain text needs (a sign-off and the name under it, a block of name, title,
 * phone and address lines). HTML bodies mostly mark their signatures in
 * markup, so "html" guesses only where the evidence is strong: a sign-off or
 * name with a contact line (phone, e-mail, web address) under it is a
 * signature block, while a bare "Thanks,\nAlex" stays as the author's closing.
 */
import { MAX_MARKER_LINE, hasContent, isBlank, isSeparatorLine } from "./text-lines";
import { DEVICE_WORDS, SIGN_OFFS } from "./vocabulary";

export type SignatureRules = "full" | "html" | "structural";

/** Lines considered from the end; a signature is never longer. */
const WINDOW = 30;
/** A line longer than this is prose, not part of a signature. */
const MAX_SIGNATURE_LINE = 60;
const MAX_PASSES = 6;

const signOffs = new Set(SIGN_OFFS);
const longDeviceWords = DEVICE_WORDS.filter((w) => w.length >= 5);
const shortDeviceWords = new Set(DEVICE_WORDS.filter((w) => w.length < 5));

export function stripSignature(input: readonly string[], rules: SignatureRules): string[] {
  let lines = trimEnd(input);
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const cut = findCut(lines, rules);
    if (cut < 0) break;
    lines = trimEnd(lines.slice(0, cut));
  }
  return dropTrailingRules(lines);
}

/** A "-----" left at the very end (the rule above a removed quote or signature) is noise, unless it is all there is. */
function dropTrailingRules(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && (isBlank(lines[end - 1] ?? "") || isSeparatorLine(lines[end - 1] ?? ""))) end--;
  return end > 0 && hasContent(lines, end) ? lines.slice(0, end) : lines;
}

function findCut(lines: readonly string[], rules: SignatureRules): number {
  const tail = tailIndexes(lines);
  const cuts = [delimiterCut(lines, tail), deviceCut(lines, tail), separatorCut(lines, tail)];
  if (rules === "full") cuts.push(signOffCut(lines, tail, false), dashNameCut(lines, tail), nameBlockCut(lines, tail));
  else if (rules === "html") cuts.push(signOffCut(lines, tail, true), nameBlockCut(lines, tail));
  let best = -1;
  for (const c of cuts) if (c > 0 && hasContent(lines, c) && (best < 0 || c < best)) best = c;
  return best;
}

function trimEnd(lines: readonly string[]): string[] {
  let end = lines.length;
  while (end > 0 && isBlank(lines[end - 1] ?? "")) end--;
  return lines.slice(0, end);
}

/** Indexes of the last non-blank lines, bottom first. */
function tailIndexes(lines: readonly string[]): number[] {
  const out: number[] = [];
  for (let i = lines.length - 1; i >= 0 && out.length < WINDOW; i--) if (!isBlank(lines[i] ?? "")) out.push(i);
  return out;
}

function firstContentLine(lines: readonly string[]): number {
  for (let i = 0; i < lines.length; i++) if (!isBlank(lines[i] ?? "")) return i;
  return -1;
}

/** The "-- " delimiter (and "--", "---"), with at most 15 lines under it. */
function delimiterCut(lines: readonly string[], tail: readonly number[]): number {
  let cut = -1;
  for (let k = 0; k < tail.length && k <= 15; k++) {
    const i = tail[k] ?? 0;
    const t = (lines[i] ?? "").trim();
    if (t === "--" || t === "---" || t === "—" || t === "-- --") cut = i;
  }
  return cut;
}

/** "Sent from my iPhone", "Get Outlook for iOS", "Von meinem iPhone gesendet", and the name line just above it. */
function deviceCut(lines: readonly string[], tail: readonly number[]): number {
  let cut = -1;
  for (let k = 0; k < tail.length && k < 4; k++) {
    const i = tail[k] ?? 0;
    const line = lines[i] ?? "";
    if (line.length > 120) break;
    if (isDeviceLine(line)) cut = i;
  }
  if (cut > 0) {
    const above = lines[cut - 1] ?? "";
    if (!isBlank(above) && isNameLine(above) && cut - 1 > firstContentLine(lines)) return cut - 1;
  }
  return cut;
}

export function isDeviceLine(line: string): boolean {
  const t = line.trim().replace(/[!.]+$/, "");
  if (t.length > 100) return false;
  const lower = t.toLowerCase();
  if (/^(?:get|download) outlook for /.test(lower)) return true;
  const head = lower.split(/[,;]/, 1)[0] ?? "";
  // "Sent from my Verizon Wireless BlackBerry" but not "Sent from my desk, is much easier…".
  if (/^sent from my (?:[\p{L}\p{N}&®'-]+ ?){1,4}$/u.test(head) && head === lower) return true;
  const sentVerb =
    /^(?:sent|envoyé|envoye|enviado|gesendet|von meinem|inviato|verzonden|verstuurd|skickat|sendt|lähetetty|wysłane|odesláno|отправлено|надіслано|发自|從我的|从我的|via)(?!\p{L})/u.test(
      head,
    ) || /(?:gesendet|から送信|发送|傳送|送出)$/u.test(head);
  return sentVerb && mentionsDevice(head);
}

function mentionsDevice(lower: string): boolean {
  for (const w of longDeviceWords) if (lower.includes(w)) return true;
  for (const token of lower.split(/[^\p{L}\p{N}&-]+/u)) if (shortDeviceWords.has(token)) return true;
  return false;
}

/** A "-----" or "_____" rule over a short block of contact lines (a corporate signature, a mailing-list footer). */
function separatorCut(lines: readonly string[], tail: readonly number[]): number {
  for (let k = 1; k < tail.length && k <= 15; k++) {
    const i = tail[k] ?? 0;
    if (!isSeparatorLine(lines[i] ?? "")) continue;
    const below = tail.slice(0, k).map((j) => lines[j] ?? "");
    if (below.some((l) => l.length > 100)) continue;
    if (below.length <= 2 || below.some(isContactLine)) return i;
  }
  return -1;
}

/** "Thanks,\nJohn" and "Best regards,\n\nJohn Smith\nAcme Corp": a sign-off with a few short lines under it. */
function signOffCut(lines: readonly string[], tail: readonly number[], needsContact: boolean): number {
  const first = firstContentLine(lines);
  let cut = -1;
  for (let k = 1; k < tail.length && k <= 7; k++) {
    const i = tail[k] ?? 0;
    if (i === first) break;
    const line = lines[i] ?? "";
    if (line.length > MAX_SIGNATURE_LINE) break;
    if (!isSignOff(line)) continue;
    const below = tail.slice(0, k).map((j) => lines[j] ?? "");
    if (below.every(isSignatureLine) && (!needsContact || below.some(isContactLine))) cut = i;
  }
  return cut;
}

/** Short, and neither a question nor a postscript: those are still the message. */
function isSignatureLine(line: string): boolean {
  const t = line.trim();
  return t.length <= MAX_SIGNATURE_LINE && !t.endsWith("?") && !/^p\.?\s?s\b/i.test(t);
}

export function isSignOff(line: string): boolean {
  if (line.length > MAX_SIGNATURE_LINE) return false;
  const t = line
    .trim()
    .replace(/[\s,.!:;…]+$/u, "")
    .replace(/\s+/g, " ")
    .toLowerCase();
  return signOffs.has(t);
}

/** "-John", "- Roman", "~Lev." closing the message, with at most a few contact lines under it. */
function dashNameCut(lines: readonly string[], tail: readonly number[]): number {
  const first = firstContentLine(lines);
  for (let k = 0; k < tail.length && k <= 3; k++) {
    const i = tail[k] ?? 0;
    if (i === first) break;
    const line = lines[i] ?? "";
    if (!/^\s*[-–—~]\s?\p{L}[\p{L}.'’ -]{0,30}$/u.test(line) || line.trim().split(/\s+/).length > 4) continue;
    if (/^\s*[-–—~]\s*\p{Ll}+\s+\p{Ll}+\s+\p{Ll}+/u.test(line)) continue;
    const above = lines[i - 1] ?? "";
    if (/^\s*[-*•–]/.test(above)) continue;
    if (tail.slice(0, k).every((j) => isContactLine(lines[j] ?? "") || isDeviceLine(lines[j] ?? ""))) return i;
  }
  return -1;
}

/** A closing block of name, title, company, phone, e-mail and web lines. */
function nameBlockCut(lines: readonly string[], tail: readonly number[]): number {
  const last = tail[0];
  if (last === undefined) return -1;
  let start = last;
  while (start > 0 && !isBlank(lines[start - 1] ?? "") && last - start < 8) start--;
  const size = last - start + 1;
  if (size < 2 || size > 7 || start === 0 || (start > 0 && !isBlank(lines[start - 1] ?? ""))) return -1;
  const block = lines.slice(start, last + 1);
  if (block.some((l) => l.trim().length > MAX_SIGNATURE_LINE)) return -1;
  if (!isNameLine(block[0] ?? "") || !block.some(isContactLine)) return -1;
  // "Please call her back:\n\nJane Doe\n555-123-4567" is the message, not a signature.
  if (/[:：]\s*$/.test(lines[tail[size] ?? -1] ?? "")) return -1;
  return start;
}

/** "John Smith", "John E. Doe, Ph.D.", "Сергей Обухов": a few capitalized words and no sentence. */
export function isNameLine(line: string): boolean {
  const t = line.trim();
  if (t.length < 2 || t.length > 40 || /[\d@:;!?]/.test(t)) return false;
  const words = t.split(/[\s,]+/).filter(Boolean);
  if (words.length > 5) return false;
  if (!/^\p{Lu}/u.test(t)) return false;
  const capitalized = words.filter((w) => /^\p{Lu}/u.test(w)).length;
  return capitalized * 2 > words.length && /^[\p{L}.'’,\s-]+$/u.test(t);
}

/** A phone number, e-mail address or web address. */
export function isContactLine(line: string): boolean {
  if (line.length > MAX_MARKER_LINE) return false;
  if (/[^\s@<>()]+@[^\s@<>()]+\.\p{L}{2,}/u.test(line)) return true;
  if (/\b(?:https?:\/\/|www\.)\S/i.test(line)) return true;
  const digits = line.match(/\+?\(?\d[\d\s().\-/]{5,22}\d/g);
  return digits?.some((d) => d.replace(/\D/g, "").length >= 7) ?? false;
}
