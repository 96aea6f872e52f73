/**
 * The gateway's MIME parser: each rule it adds to postal-mime has a small hand-written message here,
 * and hostile input (huge, deep, random, mutated) neither throws nor takes long.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAddressList } from "../../core/email/mime/addresses";
import { parseDate } from "../../core/email/mime/dates";
import { decodeEncodedWords } from "../../core/email/mime/encoded-words";
import { MAX_PART_DEPTH, parseMessage } from "../../core/email/mime/parse";

/** A message from text: "\n" becomes CRLF, and each char below U+0100 is one raw byte ("\xe9" is byte E9). */
function raw(text: string): Uint8Array {
  const crlf = text.replace(/\r?\n/g, "\r\n");
  return Uint8Array.from(crlf, (c) => c.charCodeAt(0) & 0xff);
}

/** As raw(), but the text is UTF-8 encoded. */
function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text.replace(/\r?\n/g, "\r\n"));
}

const isWellFormed = (s: string) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

describe("raw 8-bit header bytes", () => {
  it("reads Latin-1 bytes as Windows-1252 instead of replacement characters", async () => {
    const m = await parseMessage(raw('From: "J\xfcrgen" <j@example.com>\nSubject: Caf\xe9 \x93ok\x94\n\nbody\n'));
    expect(m.subject).toBe("Café “ok”");
    expect(m.from).toEqual([{ name: "Jürgen", address: "j@example.com" }]);
    expect(m.headers.find((h) => h.key === "subject")?.value).toBe("Café “ok”");
  });

  it("keeps raw UTF-8 headers as they are", async () => {
    const m = await parseMessage(utf8("Subject: Fuite d'eau — café 💧\nTo: Zoë <z@example.com>\n\nx\n"));
    expect(m.subject).toBe("Fuite d'eau — café 💧");
    expect(m.to).toEqual([{ name: "Zoë", address: "z@example.com" }]);
  });

  it("reads raw bytes in the message's own charset when it declares one", async () => {
    // "Привет" in KOI8-R
    const m = await parseMessage(raw("Subject: \xf0\xd2\xc9\xd7\xc5\xd4\nContent-Type: text/plain; charset=koi8-r\n\n\xf0\xd2\xc9\xd7\xc5\xd4\n"));
    expect(m.subject).toBe("Привет");
    expect(m.text.trim()).toBe("Привет");
  });

  it("restores raw bytes in attachment filenames", async () => {
    const m = await parseMessage(
      raw(
        'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nhi\n--b\nContent-Type: application/pdf\nContent-Disposition: attachment; filename="r\xe9sum\xe9.pdf"\n\n%PDF\n--b--\n',
      ),
    );
    expect(m.attachments.map((a) => a.filename)).toEqual(["résumé.pdf"]);
  });
});

describe("RFC 2047 encoded words", () => {
  it("drops the whitespace between adjacent words and joins a character split across them", () => {
    expect(decodeEncodedWords("=?utf-8?Q?caf?= =?utf-8?Q?=C3?=\n =?utf-8?Q?=A9?= ok")).toBe("café ok");
    expect(decodeEncodedWords("=?UTF-8?B?w6k=?= =?UTF-8?B?w6k=?=")).toBe("éé");
  });

  it("decodes adjacent ISO-2022-JP words each on its own when joining them breaks the escapes", () => {
    expect(decodeEncodedWords("=?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?= =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=")).toBe("テストテスト");
  });

  it("keeps text and spacing around words, and reads underscores as spaces", () => {
    expect(decodeEncodedWords("Re: =?iso-8859-1?Q?Fr=F6sche_und?= Hasen")).toBe("Re: Frösche und Hasen");
  });

  it("decodes UTF-7, a language suffix, and unknown labels", () => {
    expect(decodeEncodedWords("=?utf-7?Q?Fr+APY-sche?=")).toBe("Frösche");
    expect(decodeEncodedWords("=?utf-8*de?Q?Gr=C3=BC=C3=9Fe?=")).toBe("Grüße");
    expect(decodeEncodedWords("=?x-no-such-charset?Q?caf=E9?=")).toBe("café");
    expect(decodeEncodedWords("=?latin1?Q?caf=E9?=")).toBe("café");
  });

  it("leaves malformed words as text", () => {
    expect(decodeEncodedWords("=?utf-8?X?abc?= and =?broken")).toBe("=?utf-8?X?abc?= and =?broken");
  });
});

describe("body charsets", () => {
  it("falls back to Windows-1252 when a body declared UTF-8 is not UTF-8", async () => {
    const m = await parseMessage(raw("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nFr=F6sche =FCber\n"));
    expect(m.text.trim()).toBe("Frösche über");
  });

  it("reads a UTF-8 body labelled us-ascii as UTF-8", async () => {
    const m = await parseMessage(utf8("Content-Type: text/plain; charset=us-ascii\n\nZoë 💧\n"));
    expect(m.text.trim()).toBe("Zoë 💧");
  });

  it("decodes UTF-7 bodies", async () => {
    const m = await parseMessage(raw("Content-Type: text/plain; charset=utf-7\n\nDie Fr+APY-sche 1+-1\n"));
    expect(m.text.trim()).toBe("Die Frösche 1+1");
  });

  it("maps charset aliases (cp1252, x-sjis, iso8859_2)", async () => {
    const a = await parseMessage(raw("Content-Type: text/plain; charset=cp1252\n\n\x80 5\n"));
    expect(a.text.trim()).toBe("€ 5");
    const b = await parseMessage(raw("Content-Type: text/plain; charset=x-sjis\n\n\x83\x65\x83\x58\x83\x67\n"));
    expect(b.text.trim()).toBe("テスト");
    const c = await parseMessage(raw("Content-Type: text/plain; charset=iso8859_2\n\n\xa3\xf3d\xbc\n"));
    expect(c.text.trim()).toBe("Łódź");
  });

  it("shows the delivery status of a bounce in the body and keeps it as a part", async () => {
    const m = await parseMessage(
      raw(
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\n\n--r\nContent-Type: text/plain\n\nNot delivered.\n--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\nFinal-Recipient: rfc822; x@example.com\nStatus: 5.1.1\n--r--\n',
      ),
    );
    expect(m.text).toContain("Status: 5.1.1");
    expect(m.attachments.map((a) => a.mimeType)).toEqual(["message/delivery-status"]);
  });
});

describe("addresses", () => {
  it("reads groups, comments and an empty group", () => {
    const list = parseAddressList("A Group(Some people):Chris <c@(host)public.example>, joe@example.org;, Undisclosed:;");
    expect(list).toEqual([
      {
        name: "A Group",
        group: [
          { name: "Chris", address: "c@public.example" },
          { name: "", address: "joe@example.org" },
        ],
      },
      { name: "Undisclosed", group: [] },
    ]);
  });

  it("uses a comment as the name when there is no other", () => {
    expect(parseAddressList("ann@example.com (Ann Lee)")).toEqual([{ name: "Ann Lee", address: "ann@example.com" }]);
    expect(parseAddressList("Pete(a chap) <pete(his account)@silly.test(his host)>")).toEqual([{ name: "Pete", address: "pete@silly.test" }]);
  });

  it("reads quoted and encoded display names, with escapes and commas", () => {
    expect(parseAddressList('"Lee, Ann \\"AL\\"" <ann@example.com>, =?utf-8?Q?Zo=C3=AB?= <z@example.com>')).toEqual([
      { name: 'Lee, Ann "AL"', address: "ann@example.com" },
      { name: "Zoë", address: "z@example.com" },
    ]);
    expect(parseAddressList('"=?iso-8859-1?Q?J=FCrgen?=" <j@example.com>')).toEqual([{ name: "Jürgen", address: "j@example.com" }]);
  });

  it("finds addresses without angle brackets or separating commas", () => {
    expect(parseAddressList("Ann Lee ann@example.com")).toEqual([{ name: "Ann Lee", address: "ann@example.com" }]);
    expect(parseAddressList("<a@example.com> <b@example.com>")).toEqual([
      { name: "", address: "a@example.com" },
      { name: "", address: "b@example.com" },
    ]);
    expect(parseAddressList("mailto:x@example.com")).toEqual([{ name: "", address: "x@example.com" }]);
  });

  it("returns nothing for empty or comment-only lists", () => {
    expect(parseAddressList("")).toEqual([]);
    expect(parseAddressList(" (nobody) ; , ")).toEqual([]);
  });
});

describe("dates", () => {
  it("reads folded dates with comments and a half-hour zone", () => {
    expect(parseDate("Thu,\r\n      13\r\n        Feb\r\n          1969\r\n      23:32\r\n   -0330 (Newfoundland Time)")?.toISOString()).toBe(
      "1969-02-14T03:02:00.000Z",
    );
  });

  it("reads two-digit years, named zones, missing weekday and seconds", () => {
    expect(parseDate("1 Jan 99 10:00 EST")?.toISOString()).toBe("1999-01-01T15:00:00.000Z");
    expect(parseDate("Mon, 3 Feb 2020 08:09:10 GMT")?.toISOString()).toBe("2020-02-03T08:09:10.000Z");
    expect(parseDate("Tue, 04 February 2020 8.09 +0100 (CET)")?.toISOString()).toBe("2020-02-04T07:09:00.000Z");
    expect(parseDate("Wed Feb 5 10:00:00 2020")?.toISOString()).toBe("2020-02-05T10:00:00.000Z");
    expect(parseDate("2020-02-06T10:00:00Z")?.toISOString()).toBe("2020-02-06T10:00:00.000Z");
  });

  it("gives null for what is not a date", () => {
    expect(parseDate("soon")).toBeNull();
    expect(parseDate("")).toBeNull();
    expect(parseDate("32 Foo 2020 99:99")).toBeNull();
  });
});

describe("message ids", () => {
  it("strips brackets, tolerates missing ones, and lists references in order", async () => {
    const m = await parseMessage(
      raw(
        "Message-ID: abc@example.com\nIn-Reply-To: <p@example.com> (Ann's message of Monday)\nReferences: <r1@example.com>\n <r2@example.com> <p@example.com>\n\nx\n",
      ),
    );
    expect(m.messageId).toBe("abc@example.com");
    expect(m.inReplyTo).toEqual(["p@example.com"]);
    expect(m.references).toEqual(["r1@example.com", "r2@example.com", "p@example.com"]);
  });
});

describe("parts", () => {
  it("takes uuencoded files out of a plain-text body", async () => {
    // "hi\n" uuencoded
    const m = await parseMessage(raw("Subject: uu\n\nSee attached.\n\nbegin 644 hi.txt\n#:&D*\n`\nend\n\nBye.\n"));
    expect(m.text).toContain("See attached.");
    expect(m.text).toContain("Bye.");
    expect(m.text).not.toContain("begin 644");
    expect(m.attachments).toHaveLength(1);
    expect(m.attachments[0]?.filename).toBe("hi.txt");
    expect(new TextDecoder().decode(m.attachments[0]?.content)).toBe("hi\n");
  });

  it("drops the unnamed signature of multipart/signed but keeps a named one", async () => {
    const signed = (sigHeaders: string) =>
      raw(
        `Content-Type: multipart/signed; protocol="application/pgp-signature"; boundary="s"\n\n--s\nContent-Type: text/plain\n\nSigned text\n--s\n${sigHeaders}\n\n-----BEGIN PGP SIGNATURE-----\nxyz\n-----END PGP SIGNATURE-----\n--s--\n`,
      );
    expect((await parseMessage(signed("Content-Type: application/pgp-signature"))).attachments).toEqual([]);
    const named = await parseMessage(signed("Content-Type: application/pgp-signature; name=signature.asc"));
    expect(named.attachments.map((a) => a.filename)).toEqual(["signature.asc"]);
    expect(named.text.trim()).toBe("Signed text");
  });

  it("keeps a named forwarded message as a file and still shows and unpacks it", async () => {
    const m = await parseMessage(
      raw(
        'Subject: fwd\nContent-Type: multipart/mixed; boundary="o"\n\n--o\nContent-Type: text/plain\n\nSee below.\n--o\nContent-Type: message/rfc822; name="fwd.eml"\n\nSubject: inner\nContent-Type: multipart/mixed; boundary="i"\n\n--i\nContent-Type: text/plain\n\nInner text\n--i\nContent-Type: application/pdf; name="a.pdf"\nContent-Transfer-Encoding: base64\n\nJVBERg==\n--i--\n--o--\n',
      ),
    );
    expect(m.attachments.map((a) => [a.filename, a.mimeType])).toEqual([
      ["fwd.eml", "message/rfc822"],
      ["a.pdf", "application/pdf"],
    ]);
    expect(m.text).toContain("Inner text");
  });

  it("keeps a message that is nothing but a forwarded message as a file", async () => {
    const m = await parseMessage(raw("Subject: wrapper\nContent-Type: message/rfc822\n\nSubject: inner\n\nHello\n"));
    expect(m.attachments.map((a) => a.mimeType)).toEqual(["message/rfc822"]);
    expect(new TextDecoder().decode(m.attachments[0]?.content)).toBe("Subject: inner\n\nHello\n");
  });

  it("leaves the line break before a boundary out of a 7bit attachment", async () => {
    const m = await parseMessage(raw('Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/csv; name=a.csv\n\na,b\n1,2\n--b--\n'));
    expect(new TextDecoder().decode(m.attachments[0]?.content)).toBe("a,b\n1,2");
  });

  it("joins RFC 2231 filename continuations in their charset", async () => {
    const m = await parseMessage(
      raw(
        "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/octet-stream\nContent-Disposition: attachment;\n filename*0*=iso-8859-1''r%E9sum;\n filename*1*=%E9%20final.pdf\n\nx\n--b--\n",
      ),
    );
    expect(m.attachments[0]?.filename).toBe("résumé final.pdf");
  });

  it("keeps a report's machine-readable parts out of the author's text, but in the text", async () => {
    const m = await parseMessage(
      raw(
        'Subject: bounce\nContent-Type: multipart/report; report-type=delivery-status; boundary="r"\n\n--r\nContent-Type: text/plain\n\nYour mail to pat@example.net could not be delivered.\n--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; pat@example.net\nAction: failed\nStatus: 5.1.1\n--r--\n',
      ),
    );
    expect(m.text).toContain("Status: 5.1.1");
    expect(m.authorText.trim()).toBe("Your mail to pat@example.net could not be delivered.");
    expect(m.authorHtml).toBe("");
  });

  it("keeps an HTML-only notice of a report as HTML, not turned into the author's plain text", async () => {
    const m = await parseMessage(
      raw(
        'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\n\n--r\nContent-Type: text/html\n\n<p>Not delivered.</p>\n--r\nContent-Type: message/delivery-status\n\nAction: failed\n--r--\n',
      ),
    );
    expect(m.authorText).toBe("");
    expect(m.authorHtml).toContain("<p>Not delivered.</p>");
    expect(m.authorHtml).not.toContain("Action: failed");
  });

  it("gives the same author text as text for an ordinary message", async () => {
    const m = await parseMessage(
      raw('Content-Type: multipart/alternative; boundary="a"\n\n--a\nContent-Type: text/plain\n\nHello\n--a\nContent-Type: text/html\n\n<b>Hello</b>\n--a--\n'),
    );
    expect(m.authorText).toBe(m.text);
    expect(m.authorHtml).toBe(m.html);
  });

  it("keeps ids without brackets and address lists as arrays when headers are missing", async () => {
    const m = await parseMessage(raw("\nJust a body\n"));
    expect(m).toMatchObject({ subject: null, from: [], to: [], cc: [], replyTo: [], date: null, messageId: null, inReplyTo: [], references: [] });
    expect(m.text.trim()).toBe("Just a body");
  });
});

describe("bounds", () => {
  const timed = async (bytes: Uint8Array) => {
    const start = performance.now();
    const m = await parseMessage(bytes);
    return { m, ms: performance.now() - start };
  };

  it("reads a 100 KB subject and 10,000 headers quickly", async () => {
    const { m, ms } = await timed(raw(`Subject: ${"=?utf-8?Q?a?= (b) ".repeat(6000)}\n${"X-H: v\n".repeat(10_000)}\nbody\n`));
    expect(m.subject?.length).toBeGreaterThan(10_000);
    expect(m.headers.length).toBe(10_001);
    expect(ms).toBeLessThan(2000);
  });

  it("reads hostile address, date and raw-byte headers in linear time", async () => {
    const head = `To: ${"a".repeat(50_000)} ${'"x" '.repeat(20_000)}${"(".repeat(20_000)}\nDate: ${"1 ".repeat(50_000)}\nSubject: ${"\xe9 ".repeat(50_000)}\n`;
    const { m, ms } = await timed(raw(`${head}\nbody\n`));
    expect(m.subject?.startsWith("é é")).toBe(true);
    expect(ms).toBeLessThan(2000);
  });

  it("keeps multiparts nested past the depth cap as one opaque attachment", async () => {
    let body = "Content-Type: text/plain\n\ndeepest\n";
    for (let i = 120; i > 0; i--) body = `Content-Type: multipart/mixed; boundary="b${i}"\n\n--b${i}\n${body}--b${i}--\n`;
    const { m, ms } = await timed(raw(`Subject: deep\n${body}`));
    expect(m.subject).toBe("deep");
    expect(m.text).not.toContain("deepest");
    expect(m.attachments).toHaveLength(1);
    expect(m.attachments[0]?.mimeType).toBe("multipart/mixed");
    expect(ms).toBeLessThan(2000);
    expect(MAX_PART_DEPTH).toBe(50);
  });

  it("reads 1,000 attachments quickly", async () => {
    const parts = Array.from(
      { length: 1000 },
      (_, i) => `--b\nContent-Type: application/octet-stream; name=f${i}.bin\nContent-Transfer-Encoding: base64\n\nAAEC\n`,
    ).join("");
    const { m, ms } = await timed(raw(`Content-Type: multipart/mixed; boundary=b\n\n${parts}--b--\n`));
    expect(m.attachments).toHaveLength(1000);
    expect(m.attachments[999]?.size).toBe(3);
    expect(ms).toBeLessThan(3000);
  });

  it("reads 400,000 short body lines, plain and base64, in linear time", async () => {
    const plain = await timed(raw(`Subject: x\n\n${"a\n".repeat(400_000)}`));
    expect(plain.m.text.length).toBeGreaterThanOrEqual(800_000);
    expect(plain.ms).toBeLessThan(8000);
    const padded = await timed(raw(`Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n${"QQ==\n".repeat(200_000)}`));
    expect(padded.m.attachments[0]?.size).toBe(200_000);
    expect(padded.ms).toBeLessThan(8000);
  });

  it("returns an empty message for an oversized header section instead of throwing", async () => {
    const m = await parseMessage(raw(`${"X-Big: yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\n".repeat(60_000)}\nbody\n`));
    expect(m.text).toBe("");
    expect(m.attachments).toEqual([]);
  });
});

describe("any bytes", () => {
  const sample = raw(
    'From: "Ann" <ann@example.com>\nTo: a@x.example, Team: b@y.example;\nSubject: =?utf-8?B?w6k=?= \xe9\nDate: 1 Jan 2020 10:00 +0100\nMessage-ID: <m@x>\nContent-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain; charset=utf-7\n\nHi +APY-\n--b\nContent-Type: message/rfc822; name=x.eml\n\nSubject: in\n\nbegin 644 a\n#:&D*\nend\n--b\nContent-Type: application/pdf; name*0*=utf-8\'\'%C3%A9; name*1=.pdf\nContent-Transfer-Encoding: base64\n\nJVBERg==\n--b--\n',
  );

  const check = async (bytes: Uint8Array) => {
    const start = performance.now();
    const m = await parseMessage(bytes);
    expect(performance.now() - start).toBeLessThan(1000);
    expect(Array.isArray(m.from) && Array.isArray(m.to) && Array.isArray(m.attachments)).toBe(true);
    const strings = [
      m.subject ?? "",
      m.text,
      m.html,
      ...m.headers.map((h) => h.value),
      ...m.attachments.map((a) => `${a.filename}${a.mimeType}${a.contentId}`),
    ];
    for (const s of strings) expect(isWellFormed(s)).toBe(true);
  };

  it("never throws and stays fast on random bytes", async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 4000 }), check), { numRuns: 200 });
  });

  it("never throws and stays fast on mutated messages", async () => {
    const mutation = fc.array(fc.tuple(fc.nat(sample.length - 1), fc.integer({ min: 0, max: 255 }), fc.constantFrom("set", "cut", "dup")), { maxLength: 30 });
    await fc.assert(
      fc.asyncProperty(mutation, async (edits) => {
        let bytes = Array.from(sample);
        for (const [at, value, kind] of edits) {
          const i = at % Math.max(1, bytes.length);
          if (kind === "set") bytes[i] = value;
          else if (kind === "cut") bytes = [...bytes.slice(0, i), ...bytes.slice(i + 1 + (value % 40))];
          else bytes = [...bytes.slice(0, i), ...bytes.slice(i, i + value), ...bytes.slice(i)];
        }
        await check(Uint8Array.from(bytes));
      }),
      { numRuns: 300 },
    );
  });
});
