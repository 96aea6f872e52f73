/** RFC 2152 UTF-7, which no TextDecoder implements but old Outlook and Netscape mail still declares. */

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) VALUE[B64.charCodeAt(i)] = i;

function shiftedRun(run: string): string {
  const units: number[] = [];
  let bits = 0;
  let acc = 0;
  for (let i = 0; i < run.length; i++) {
    acc = ((acc << 6) | (VALUE[run.charCodeAt(i)] ?? 0)) & 0xffffff;
    bits += 6;
    if (bits >= 16) {
      bits -= 16;
      units.push((acc >> bits) & 0xffff);
    }
  }
  let out = "";
  // Chunked so a long run cannot overflow the argument stack of fromCharCode.
  for (let i = 0; i < units.length; i += 4096) out += String.fromCharCode(...units.slice(i, i + 4096));
  return out;
}

export function decodeUtf7(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  const decoded = text.replace(/\+([A-Za-z0-9+/]*)-?/g, (whole: string, run: string) => {
    if (!run) return whole === "+-" ? "+" : whole;
    return shiftedRun(run);
  });
  // Broken UTF-7 can spell half a surrogate pair, which must not leave as a lone surrogate.
  return decoded.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}
