/** uuencoded files inside a plain-text body ("begin 644 name" ... "end"), as old mailers attached them. */

export interface UuFile {
  filename: string;
  content: Uint8Array;
}

const BEGIN = /^begin +[0-7]{3,4} +(.+?)\s*$/;

const sextet = (line: string, i: number) => ((line.charCodeAt(i) || 32) - 32) & 63;

function decodeLine(line: string, out: number[]): void {
  const length = sextet(line, 0);
  const stop = out.length + length;
  for (let i = 1; i < line.length && out.length < stop; i += 4) {
    const [a, b, c, d] = [sextet(line, i), sextet(line, i + 1), sextet(line, i + 2), sextet(line, i + 3)];
    out.push(((a << 2) | (b >> 4)) & 0xff);
    if (out.length < stop) out.push(((b << 4) | (c >> 2)) & 0xff);
    if (out.length < stop) out.push(((c << 6) | d) & 0xff);
  }
}

/** Splits the uuencoded blocks out of a text; the text keeps everything else. */
export function extractUuencoded(text: string): { text: string; files: UuFile[] } {
  if (!/^begin +[0-7]{3,4} /m.test(text)) return { text, files: [] };
  const lines = text.split(/\r?\n/);
  const kept: string[] = [];
  const files: UuFile[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const begin = line.match(BEGIN);
    let end = -1;
    // The search stops at the next "begin", so every line is scanned at most twice.
    for (let j = i + 1; begin && j < lines.length; j++) {
      const next = lines[j] ?? "";
      if (next.trim() === "end") {
        end = j;
        break;
      }
      if (BEGIN.test(next)) break;
    }
    if (!begin || end < 0) {
      kept.push(line);
      continue;
    }
    const bytes: number[] = [];
    for (let j = i + 1; j < end; j++) decodeLine(lines[j] ?? "", bytes);
    files.push({ filename: begin[1] ?? "file", content: Uint8Array.from(bytes) });
    i = end;
  }
  return { text: kept.join("\n"), files };
}

/** A whole part sent with Content-Transfer-Encoding: x-uuencode. */
export function decodeUuencodedPart(raw: Uint8Array): Uint8Array {
  const text = new TextDecoder("latin1").decode(raw);
  const found = extractUuencoded(text).files[0];
  if (found) return found.content;
  const bytes: number[] = [];
  for (const line of text.split(/\r?\n/)) if (line && line !== "end" && !BEGIN.test(line)) decodeLine(line, bytes);
  return Uint8Array.from(bytes);
}
