/**
 * The MIME parser inside workerd, whose TextDecoder is not Node's: every legacy charset the gateway
 * meets decodes the same here, in bodies and in RFC 2047 headers, and raw 8-bit headers stay readable.
 */
import { describe, expect, it } from "vitest";
import { parseMessage } from "../../core/email/mime/parse";

/** Header text (ASCII, "\n" line ends) and raw body bytes, as one CRLF message. */
function message(head: string, body: number[]): Uint8Array {
  const top = Array.from(`${head.trim().replace(/\n/g, "\r\n")}\r\n\r\n`, (c) => c.charCodeAt(0) & 0xff);
  return Uint8Array.from([...top, ...body, 0x0d, 0x0a]);
}

const base64 = (bytes: number[]) => btoa(String.fromCharCode(...bytes));
const hexQ = (bytes: number[]) =>
  bytes
    .map((b) => (b < 0x80 && b > 0x20 && b !== 0x3d && b !== 0x3f && b !== 0x5f ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, "0")}`))
    .join("");

// Each sample: the charset label, the text, and that text's bytes in the charset (written out by hand).
const SAMPLES: Array<[string, string, number[]]> = [
  ["iso-8859-1", "Café crème", [0x43, 0x61, 0x66, 0xe9, 0x20, 0x63, 0x72, 0xe8, 0x6d, 0x65]],
  ["iso-8859-2", "Łódź", [0xa3, 0xf3, 0x64, 0xbc]],
  ["iso-8859-15", "5 € œuvre", [0x35, 0x20, 0xa4, 0x20, 0xbd, 0x75, 0x76, 0x72, 0x65]],
  ["windows-1252", "“Quote” – 5€", [0x93, 0x51, 0x75, 0x6f, 0x74, 0x65, 0x94, 0x20, 0x96, 0x20, 0x35, 0x80]],
  ["windows-1251", "Привет", [0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]],
  ["koi8-r", "Привет", [0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4]],
  ["shift_jis", "日本語テスト", [0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea, 0x83, 0x65, 0x83, 0x58, 0x83, 0x67]],
  ["iso-2022-jp", "テスト", [0x1b, 0x24, 0x42, 0x25, 0x46, 0x25, 0x39, 0x25, 0x48, 0x1b, 0x28, 0x42]],
  ["euc-kr", "한국어", [0xc7, 0xd1, 0xb1, 0xb9, 0xbe, 0xee]],
  ["gbk", "中文", [0xd6, 0xd0, 0xce, 0xc4]],
  ["gb2312", "中文", [0xd6, 0xd0, 0xce, 0xc4]],
  ["big5", "中文", [0xa4, 0xa4, 0xa4, 0xe5]],
];

describe("legacy charsets in workerd", () => {
  for (const [charset, text, bytes] of SAMPLES) {
    it(`decodes a ${charset} body and its B and Q encoded headers`, async () => {
      const m = await parseMessage(
        message(
          `From: =?${charset}?B?${base64(bytes)}?= <a@example.com>\nSubject: =?${charset}?Q?${hexQ(bytes)}?=\nContent-Type: text/plain; charset="${charset}"\nContent-Transfer-Encoding: 8bit`,
          bytes,
        ),
      );
      expect(m.text.trim()).toBe(text);
      expect(m.subject).toBe(text);
      expect(m.from).toEqual([{ name: text, address: "a@example.com" }]);
    });
  }

  it("decodes a quoted-printable body in a legacy charset", async () => {
    const m = await parseMessage(
      message(
        "Content-Type: text/plain; charset=koi8-r\nContent-Transfer-Encoding: quoted-printable",
        Array.from("=F0=D2=C9=D7=C5=D4", (c) => c.charCodeAt(0)),
      ),
    );
    expect(m.text.trim()).toBe("Привет");
  });
});

describe("raw 8-bit headers in workerd", () => {
  it("reads raw Latin-1 header bytes as Windows-1252", async () => {
    const head = Array.from('Subject: Caf\xe9 \x93ok\x94\r\nFrom: "J\xfcrgen" <j@example.com>\r\n\r\n', (c) => c.charCodeAt(0));
    const m = await parseMessage(Uint8Array.from([...head, 0x78, 0x0d, 0x0a]));
    expect(m.subject).toBe("Café “ok”");
    expect(m.from).toEqual([{ name: "Jürgen", address: "j@example.com" }]);
  });

  it("reads a raw UTF-8 header as UTF-8", async () => {
    const m = await parseMessage(new TextEncoder().encode("Subject: Fuite d'eau — café 💧\r\nTo: Zoë <z@example.com>\r\n\r\nx\r\n"));
    expect(m.subject).toBe("Fuite d'eau — café 💧");
    expect(m.to).toEqual([{ name: "Zoë", address: "z@example.com" }]);
  });

  it("reads raw header bytes in the charset the message declares", async () => {
    const m = await parseMessage(message("Content-Type: text/plain; charset=shift_jis", [0x83, 0x65, 0x83, 0x58, 0x83, 0x67]));
    expect(m.text.trim()).toBe("テスト");
    const head = [...Array.from("Subject: ", (c) => c.charCodeAt(0)), 0x83, 0x65, 0x83, 0x58, 0x83, 0x67, 0x0d, 0x0a];
    const typed = Array.from("Content-Type: text/plain; charset=shift_jis\r\n\r\nx\r\n", (c) => c.charCodeAt(0));
    expect((await parseMessage(Uint8Array.from([...head, ...typed]))).subject).toBe("テスト");
  });
});
