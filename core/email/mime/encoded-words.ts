/**
 * RFC 2047 encoded words: adjacent words are joined at the byte level (a multi-byte character is often
 * split across two), whitespace between words is dropped, and every charset goes through decodeBytes
 * so UTF-7, unknown labels and mislabelled Latin-1 still come out readable.
 */
import { decodeBytes } from "./charsets";

const WORD = /=\?([^?\s]{1,80})\?([QqBb])\?([^?]*)\?=/g;

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < B64.length; i++) B64_VALUE[B64.charCodeAt(i)] = i;
B64_VALUE["-".charCodeAt(0)] = 62;
B64_VALUE["_".charCodeAt(0)] = 63;

function base64Bytes(text: string): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 3) / 4) + 3);
  let n = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x3d) break;
    const v = (code < 256 ? B64_VALUE[code] : -1) ?? -1;
    if (v < 0) continue;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, n);
}

function hex(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

const utf8 = new TextEncoder();

function qBytes(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const high = code === 0x3d ? hex(text.charCodeAt(i + 1)) : -1;
    const low = high >= 0 ? hex(text.charCodeAt(i + 2)) : -1;
    if (low >= 0) {
      out.push((high << 4) | low);
      i += 2;
    } else if (code === 0x5f) out.push(0x20);
    else if (code < 0x80) out.push(code);
    else {
      // Raw 8-bit text inside a Q word (against the RFC, but sent): keep the character itself.
      const char = String.fromCodePoint(text.codePointAt(i) ?? 0xfffd);
      for (const b of utf8.encode(char)) out.push(b);
      i += char.length - 1;
    }
  }
  return out;
}

interface Word {
  charset: string;
  parts: number[][];
}

const broken = (text: string) => text.split("\ufffd").length - 1;

// Joined bytes mend a character split across words; but stateful charsets (ISO-2022-JP) break when
// one word's closing escape meets the next one's opening, so the words alone win when they read better.
function decodeRun(word: Word): string {
  const joined = decodeBytes(Uint8Array.from(word.parts.flat()), word.charset);
  if (word.parts.length === 1 || !joined.includes("\ufffd")) return joined;
  const separate = word.parts.map((part) => decodeBytes(Uint8Array.from(part), word.charset)).join("");
  return broken(separate) < broken(joined) ? separate : joined;
}

function wordBytes(encoding: string, text: string): number[] {
  return encoding === "b" || encoding === "B" ? Array.from(base64Bytes(text)) : qBytes(text);
}

export function decodeEncodedWords(value: string): string {
  if (!value.includes("=?")) return value;
  const out: string[] = [];
  let pending: Word | null = null;
  let pos = 0;
  const flush = () => {
    if (pending) out.push(decodeRun(pending));
    pending = null;
  };
  WORD.lastIndex = 0;
  for (let m = WORD.exec(value); m; m = WORD.exec(value)) {
    const between = value.slice(pos, m.index);
    const [, label = "", encoding = "q", text = ""] = m;
    const charset = label.replace(/\*.*$/, "").toLowerCase();
    const bytes = wordBytes(encoding, text);
    if (pending && /^[ \t\r\n]*$/.test(between)) {
      const current: Word = pending;
      if (current.charset === charset) {
        current.parts.push(bytes);
      } else {
        flush();
        pending = { charset, parts: [bytes] };
      }
    } else {
      flush();
      out.push(between);
      pending = { charset, parts: [bytes] };
    }
    pos = m.index + m[0].length;
  }
  flush();
  out.push(value.slice(pos));
  return out.join("");
}
