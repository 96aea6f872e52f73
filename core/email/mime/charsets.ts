/**
 * Bytes to text under a declared charset, forgiving the labels and lies found in real mail:
 * a label outside the WHATWG list, UTF-7, and "utf-8" (or no label) on bytes that are really Latin-1.
 */
import { decodeUtf7 } from "./utf7";

// Labels the WHATWG Encoding Standard does not list, mapped onto one it does.
const ALIASES: Record<string, string> = {
  shiftjis: "shift_jis",
  sjis: "shift_jis",
  windows31j: "shift_jis",
  mskanji: "shift_jis",
  cp932: "shift_jis",
  ms932: "shift_jis",
  eucjp: "euc-jp",
  iso2022jp: "iso-2022-jp",
  iso2022jp1: "iso-2022-jp",
  iso2022jp2: "iso-2022-jp",
  iso2022jp3: "iso-2022-jp",
  junet: "iso-2022-jp",
  cp50220: "iso-2022-jp",
  cp50221: "iso-2022-jp",
  cp50222: "iso-2022-jp",
  euckr: "euc-kr",
  uhc: "euc-kr",
  cp949: "euc-kr",
  ks_c_56011987: "euc-kr",
  ksc56011987: "euc-kr",
  gb2312: "gbk",
  gb231280: "gbk",
  euccn: "gbk",
  cp936: "gbk",
  ms936: "gbk",
  big5hkscs: "big5",
  cp950: "big5",
  big5tw: "big5",
  tis620: "windows-874",
  cp874: "windows-874",
  iso88598i: "iso-8859-8",
  iso88598e: "iso-8859-8",
  latin1: "windows-1252",
  latin2: "iso-8859-2",
  latin9: "iso-8859-15",
  koi8: "koi8-r",
  koi8r: "koi8-r",
  koi8u: "koi8-u",
  cp866: "ibm866",
  ucs2: "utf-16le",
  utf16: "utf-16le",
  utf16le: "utf-16le",
  utf16be: "utf-16be",
};

// Labels that say nothing beyond "some ASCII-compatible bytes": sniff them like an absent label.
const UNKNOWN = new Set([
  "",
  "utf8",
  "usascii",
  "ascii",
  "unknown",
  "unknown8bit",
  "8bit",
  "7bit",
  "default",
  "charset",
  "us",
  "ansi",
  "iso646us",
  "ansix341968",
]);
const UTF7 = new Set(["utf7", "unicode11utf7", "csunicode11utf7"]);

const utf8Strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const utf8Loose = new TextDecoder("utf-8");
const decoders = new Map<string, TextDecoder | null>();

function tryDecoder(label: string): TextDecoder | null {
  let decoder = decoders.get(label);
  if (decoder !== undefined) return decoder;
  try {
    decoder = new TextDecoder(label);
  } catch {
    decoder = null;
  }
  // A message chooses its labels, so the cache of misses must not grow without bound.
  if (decoders.size > 512) decoders.clear();
  decoders.set(label, decoder);
  return decoder;
}

function squash(label: string): string {
  return label.replace(/^(?:x-|cs)/, "").replace(/[\s._:-]+/g, "");
}

function cleanLabel(charset: string | null | undefined): string {
  return (charset ?? "")
    .replace(/\*.*$/, "")
    .replace(/^["'\s]+|["'\s]+$/g, "")
    .toLowerCase()
    .slice(0, 64);
}

/** The decoder for a label, or null when it names nothing a TextDecoder knows (or says nothing). */
export function decoderFor(charset: string | null | undefined): TextDecoder | null {
  const label = cleanLabel(charset);
  const key = squash(label);
  if (UNKNOWN.has(key) || UTF7.has(key)) return null;
  const codePage = key.match(/^(?:cp|windows|win|ms|ibm)(\d{3,5})$/);
  const alias = ALIASES[key] ?? (codePage ? (ALIASES[`cp${codePage[1]}`] ?? `windows-${codePage[1]}`) : undefined);
  const iso = key.match(/^iso8859(\d{1,2})$/);
  return (
    (alias && tryDecoder(alias)) ||
    tryDecoder(label) ||
    (iso ? tryDecoder(`iso-8859-${iso[1]}`) : null) ||
    tryDecoder(label.replace(/^(?:x-|cs)/, "")) ||
    tryDecoder(key)
  );
}

export function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8Strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function hasHighBytes(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b > 0x7f) return true;
  return false;
}

/**
 * Text with no trustworthy label: UTF-8 when it is UTF-8, else Windows-1252 (the superset of Latin-1
 * that mailers actually send). Mostly-UTF-8 text with a few broken bytes stays UTF-8.
 */
export function decodeSniffed(bytes: Uint8Array): string {
  if (!hasHighBytes(bytes) || isUtf8(bytes)) return utf8Loose.decode(bytes);
  const loose = utf8Loose.decode(bytes);
  let broken = 0;
  let good = 0;
  for (let i = 0; i < loose.length; i++) {
    const c = loose.charCodeAt(i);
    if (c === 0xfffd) broken++;
    else if (c > 0x7f) good++;
  }
  if (good > broken * 4) return loose;
  return fixC1((tryDecoder("windows-1252") ?? utf8Loose).decode(bytes));
}

export function decodeBytes(bytes: Uint8Array, charset: string | null | undefined): string {
  const key = squash(cleanLabel(charset));
  if (UTF7.has(key)) return decodeUtf7(bytes);
  const decoder = decoderFor(charset);
  if (!decoder || decoder.encoding === "utf-8") return decodeSniffed(bytes);
  // "us-ascii" and "iso-8859-1" resolve to windows-1252, which is never wrong for Latin-1 mail,
  // but a UTF-8 body mislabelled as one of them is far more common than real C1 controls.
  if (decoder.encoding === "windows-1252" && hasHighBytes(bytes) && isUtf8(bytes) && looksLikeUtf8Text(bytes)) return utf8Loose.decode(bytes);
  const text = decoder.decode(bytes);
  return decoder.encoding === "windows-1252" ? fixC1(text) : text;
}

// Some Node builds decode "windows-1252" as ISO-8859-1, leaving C1 controls where the
// Windows code page has punctuation; both runtimes must give the same text.
const CP1252_C1 = "€\x81‚ƒ„…†‡ˆ‰Š‹Œ\x8dŽ\x8f\x90‘’“”•–—˜™š›œ\x9džŸ";

function fixC1(text: string): string {
  return /[\x80-\x9f]/.test(text) ? text.replace(/[\x80-\x9f]/g, (c) => CP1252_C1.charAt(c.charCodeAt(0) - 0x80)) : text;
}

// Valid UTF-8 with at least one multi-byte sequence is almost never accidental Latin-1.
function looksLikeUtf8Text(bytes: Uint8Array): boolean {
  for (const b of bytes) if (b >= 0xc2 && b <= 0xf4) return true;
  return false;
}
