/**
 * Raw 8-bit header bytes that are not UTF-8 are carried through postal-mime as lone surrogates
 * (U+DC80..U+DCFF, as Python's surrogateescape does): no decoded text can contain one, so they are
 * restored exactly once the part's charset is known, instead of being lost to "\uFFFD" on the way in.
 */
import { decodeBytes, decodeSniffed, isUtf8 } from "./charsets";

export function needsEscape(line: Uint8Array): boolean {
  for (const b of line) if (b > 0x7f) return !isUtf8(line);
  return false;
}

export function escapeRawLine(line: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < line.length; i += 4096) {
    const chunk = Array.from(line.subarray(i, i + 4096), (b) => (b > 0x7f ? 0xdc00 + b : b));
    parts.push(String.fromCharCode(...chunk));
  }
  return parts.join("");
}

// Lone ones only: the same code units are the second half of real pairs (💧 is \ud83d\udca7).
const ESCAPED = /(?<![\ud800-\udbff])[\udc80-\udcff]/;
// A run takes the ASCII after its last escaped byte too: in Shift_JIS or GBK a trail byte can be ASCII.
const ESCAPED_RUN = /(?<![\ud800-\udbff])[\udc80-\udcff](?:[\udc80-\udcff\x20-\x7e]*[\udc80-\udcff])?[\x21-\x7e]*/g;

/** Decodes the escaped runs of a header value: in the part's own charset when it has one, else sniffed. */
export function restoreRawBytes(value: string, charset?: string | null): string {
  if (!ESCAPED.test(value)) return value;
  return value.replace(ESCAPED_RUN, (run) => {
    const bytes = Uint8Array.from(run, (c) => {
      const code = c.charCodeAt(0);
      return code >= 0xdc80 ? code - 0xdc00 : code;
    });
    return charset ? decodeBytes(bytes, charset) : decodeSniffed(bytes);
  });
}
