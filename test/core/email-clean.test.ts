/**
 * The gateway's cleaning keeps only what the author of a reply wrote now.
 * Every example below is written for this file (none comes from a scoring
 * corpus): one per client, language and signature form the rules claim to
 * know, the HTML markup of the common clients, the edge cases (inline
 * replies, forwards, a message that only looks quoted), and properties that
 * hold for any input: no throw, no tag or script in the output, linear time.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { htmlToText, visibleHtml, visibleText } from "../../core/email/clean";

const reply = "Sounds good, see you Tuesday.";

describe("visibleText: quoted replies", () => {
  const headers: Array<[string, string]> = [
    ["Gmail", "On Mon, Mar 3, 2025 at 9:14 AM Dana Reyes <dana@example.org> wrote:"],
    ["Gmail wrapped over two lines", "On Mon, Mar 3, 2025 at 9:14 AM, Dana Reyes from Support\n<dana@example.org> wrote:"],
    ["Apple Mail wrapped over three lines", "On Mar 3, 2025, at 09:14, Dana Reyes <\ndana@example.org>\nwrote:"],
    ["French", "Le lun. 3 mars 2025 à 09:14, Dana Reyes <dana@example.org> a écrit :"],
    ["German", "Am Mo., 3. März 2025 um 09:14 Uhr schrieb Dana Reyes <dana@example.org>:"],
    ["Spanish", "El lun, 3 mar 2025 a las 9:14, Dana Reyes (<dana@example.org>) escribió:"],
    ["Italian", "Il giorno lun 3 mar 2025 alle ore 09:14 Dana Reyes <dana@example.org> ha scritto:"],
    ["Dutch", "Op ma 3 mrt 2025 om 09:14 schreef Dana Reyes <dana@example.org>:"],
    ["Polish", "W dniu 3.03.2025 o 09:14, Dana Reyes pisze:"],
    ["Danish", "Den 3. mar. 2025 kl. 09.14 skrev Dana Reyes <dana@example.org>:"],
    ["Portuguese", "Em seg., 3 de mar. de 2025 às 09:14, Dana Reyes <dana@example.org> escreveu:"],
    ["Russian", "3 марта 2025 г., в 9:14, Дана Рейес <dana@example.org> написал(а):"],
    ["Japanese", "2025年3月3日(月) 9:14 Dana Reyes <dana@example.org>:"],
    ["Chinese", "在 2025年3月3日 上午9:14，Dana Reyes <dana@example.org> 写道："],
    ["Korean", "2025년 3월 3일 (월) 오전 9:14, Dana Reyes <dana@example.org>님이 작성:"],
    ["ISO date and address", "2025-03-03 9:14 GMT+01:00 Dana Reyes <dana@example.org>:"],
    ["Android", "---- Dana Reyes wrote ----"],
    ["Yahoo", "--- On Mon, 3/3/25, Dana Reyes <dana@example.org> wrote:"],
  ];
  for (const [client, header] of headers) {
    it(`removes a ${client} attribution and the quote under it`, () => {
      const text = `${reply}\n\n${header}\n\n> Can we meet on Tuesday?\n> Dana\n`;
      expect(visibleText(text)).toBe(reply);
    });
  }

  it("removes an attribution followed by unquoted text, and everything after it", () => {
    expect(visibleText(`${reply}\n\nOn Mon, Mar 3, 2025 at 9:14 AM Dana <dana@example.org> wrote:\n\nCan we meet on Tuesday?\nDana`)).toBe(reply);
  });

  it("cuts an attribution that shares the author's last line", () => {
    expect(visibleText("ok thanks On Mon, Mar 3, 2025 at 9:14 AM, dana@example.org wrote:\n> Can we meet?")).toBe("ok thanks");
  });

  const blocks: Array<[string, string]> = [
    ["Outlook", "From: Dana Reyes [mailto:dana@example.org]\nSent: Monday, March 3, 2025 9:14 AM\nTo: Sam Lee\nSubject: Tuesday"],
    ["Outlook in bold", "*From:* Dana Reyes <dana@example.org>\n*Sent:* Monday, March 3, 2025 9:14 AM\n*To:* Sam Lee\n*Subject:* Tuesday"],
    ["German Outlook", "Von: Dana Reyes <dana@example.org>\nGesendet: Montag, 3. März 2025 09:14\nAn: Sam Lee\nBetreff: Dienstag"],
    ["French Outlook", "De : Dana Reyes <dana@example.org>\nEnvoyé : lundi 3 mars 2025 09:14\nÀ : Sam Lee\nObjet : Mardi"],
    ["Spanish Outlook", "De: Dana Reyes <dana@example.org>\nEnviado: lunes, 3 de marzo de 2025 9:14\nPara: Sam Lee\nAsunto: Martes"],
    ["Swedish Outlook", "Från: Dana Reyes <dana@example.org>\nSkickat: den 3 mars 2025 09:14\nTill: Sam Lee\nÄmne: Tisdag"],
    ["Russian Outlook", "От: Дана Рейес <dana@example.org>\nОтправлено: 3 марта 2025 г. 9:14\nКому: Сэм Ли\nТема: Вторник"],
    ["Chinese Outlook", "发件人: Dana Reyes <dana@example.org>\n发送时间: 2025年3月3日 9:14\n收件人: Sam Lee\n主题: 星期二"],
    ["Japanese Outlook", "差出人: Dana Reyes <dana@example.org>\n送信日時: 2025年3月3日 9:14\n宛先: Sam Lee\n件名: 火曜日"],
    ["Outlook with a rule above", "________________________________\nFrom: Dana Reyes <dana@example.org>\nSent: Monday, March 3, 2025 9:14 AM\nTo: Sam Lee"],
    ["Original Message", "-----Original Message-----\nFrom: Dana Reyes\nSent: Monday, March 3, 2025 9:14 AM"],
    ["German Original Message", "-----Ursprüngliche Nachricht-----\nVon: Dana Reyes"],
    ["French Original Message", "-------- Message d'origine --------\nDe : Dana Reyes"],
  ];
  for (const [client, block] of blocks) {
    it(`removes a ${client} header block and the message under it`, () => {
      expect(visibleText(`${reply}\n\n${block}\n\nCan we meet on Tuesday?\n\nDana`)).toBe(reply);
    });
  }

  it("removes > quotes without any header when they span several lines", () => {
    expect(visibleText(`${reply}\n\n> Can we meet on Tuesday?\n> Dana`)).toBe(reply);
  });

  it("keeps a single > line that is not a quote", () => {
    const text = "Click here:\n>> https://example.org/start <<\nand follow the steps.";
    expect(visibleText(text)).toBe(text);
  });

  it("keeps the author's lines of an inline reply", () => {
    const text = [
      "On Mon, Mar 3, 2025 at 9:14 AM Dana <dana@example.org> wrote:",
      "> Can we meet on Tuesday?",
      "",
      "Yes, at ten.",
      "",
      "> And can you bring the report?",
      "> It is due Friday.",
      "",
      "I will.",
    ].join("\n");
    expect(visibleText(text)).toBe("Yes, at ten.\n\nI will.");
  });

  it("keeps the whole message when everything in it looks quoted", () => {
    expect(visibleText("> not really a quote\n> just my style\n")).toBe("> not really a quote\n> just my style");
    expect(visibleText("-----Original Message-----")).toBe("-----Original Message-----");
  });

  it("keeps a forwarded message's content", () => {
    const fwd = `FYI\n\n---------- Forwarded message ---------\nFrom: Dana Reyes <dana@example.org>\nDate: Mon, Mar 3, 2025 at 9:14 AM\nSubject: Tuesday\n\nCan we meet on Tuesday?`;
    expect(visibleText(fwd)).toBe(fwd);
    const apple = "Begin forwarded message:\n\nFrom: Dana Reyes <dana@example.org>\nSubject: Tuesday\n\nCan we meet?";
    expect(visibleText(apple)).toBe(apple);
    const german = "siehe unten\n\n-------- Weitergeleitete Nachricht --------\nBetreff: Dienstag\n\nKönnen wir uns treffen?";
    expect(visibleText(german)).toBe(german);
  });

  it("does not take ordinary lines for headers", () => {
    const text = "On second thought, let's meet later.\nDate: Tuesday\nTime: 10:00\nPlace: Room 4\n\nThis is what she wrote:\nbring the report.";
    expect(visibleText(text)).toBe(text);
  });
});

describe("visibleText: elisions and image placeholders", () => {
  for (const mark of ["[...]", "[…]", "[snip]", "<snip>", "[ snipped ]"]) {
    it(`treats a ${mark} line between quoted lines as part of the quote`, () => {
      const text = `On Mon, Mar 3, 2025 at 9:14 AM Dana Reyes <dana@example.org> wrote:\n> Can we move it to Tuesday?\n${mark}\n> The room is booked until noon.\n\n${reply}`;
      expect(visibleText(text)).toBe(reply);
    });
  }

  it("treats an elision mark just above or below a quote as part of it, but keeps one in running text", () => {
    expect(visibleText(`[...]\n> the room is booked\n> until noon\n\n${reply}`)).toBe(reply);
    expect(visibleText(`> the room is booked\n> until noon\n[snip]\n\n${reply}`)).toBe(reply);
    expect(visibleText(`The log says:\n[...]\nthen it stopped.`)).toBe("The log says:\n[...]\nthen it stopped.");
  });

  it("removes the placeholder Gmail writes for an inline image", () => {
    expect(visibleText(`Here is the meter.\n[image: meter reading.jpg]\n\n${reply}`)).toBe(`Here is the meter.\n\n${reply}`);
    expect(visibleText(`Here is the meter.\n\n[image: IMG_2041.JPG]\n\n${reply}`)).toBe(`Here is the meter.\n\n${reply}`);
    expect(visibleText("The label reads [image: x] in the manual.")).toBe("The label reads [image: x] in the manual.");
  });
});

describe("visibleText: signatures", () => {
  const signatures: Array<[string, string]> = [
    ["the -- delimiter", "-- \nSam Lee\nAcme Corp"],
    ["Sent from my iPhone", "Sent from my iPhone"],
    ["Sent from my Samsung Galaxy", "Sent from my Samsung Galaxy smartphone."],
    ["Get Outlook for iOS", "Get Outlook for iOS"],
    ["Outlook for Android", "Get Outlook for Android<https://aka.ms/ghei36>"],
    ["German iPhone", "Von meinem iPhone gesendet"],
    ["French iPhone", "Envoyé de mon iPhone"],
    ["Spanish mobile", "Enviado desde mi teléfono Android"],
    ["Russian iPhone", "Отправлено с iPhone"],
    ["Japanese iPhone", "iPhoneから送信"],
    ["a sign-off and name", "Thanks,\nSam"],
    ["a sign-off and a contact block", "Best regards,\n\nSam Lee\nHead of Operations | Acme Corp\n+1 555 123 4567\nhttps://acme.example"],
    ["a German sign-off", "Mit freundlichen Grüßen\nSam Lee"],
    ["a dash and name", "-Sam"],
    ["a name and contact block", "Sam Lee\nAcme Corp\nsam@acme.example\n(555) 123-4567"],
    ["a rule and a contact block", "__________\nAcme Corp\nhttps://acme.example"],
  ];
  for (const [name, sig] of signatures) {
    it(`removes ${name}`, () => {
      expect(visibleText(`${reply}\n\n${sig}`)).toBe(reply);
    });
  }

  it("removes the signature of a reply with a quote under it", () => {
    expect(visibleText(`${reply}\n\nSent from my iPad\n\nOn Mar 3, 2025, at 09:14, Dana <dana@example.org> wrote:\n\n> Tuesday?`)).toBe(reply);
  });

  it("keeps lines that only look like a signature", () => {
    for (const text of [
      "Sent from my desk, which is much easier than my phone.",
      "Here is a fix -- not a signature.",
      "Shopping list:\n- milk\n- eggs",
      "Thanks,\nthe report is attached and the figures are final as of this morning, so please review them.",
      "Regards, Sam",
      "Best,\nSam\n\nP.S. The door code is 4411.",
      "Thanks,\nSam\nCan you confirm?",
    ]) {
      expect(visibleText(`${reply}\n\n${text}`)).toBe(`${reply}\n\n${text}`);
    }
  });

  it("keeps contact details the message introduces", () => {
    const text = "Please call the customer back:\n\nJane Doe\n555-123-4567";
    expect(visibleText(text)).toBe(text);
  });

  it("never empties a message that is only a signature", () => {
    expect(visibleText("--\nSam")).toBe("--\nSam");
    expect(visibleText("Thanks!")).toBe("Thanks!");
  });
});

describe("visibleHtml", () => {
  it("removes Gmail's quote and signature", () => {
    const html = `<div dir="ltr">${reply}<br clear="all"><div><br></div>-- <br><div class="gmail_signature">Sam Lee<br>Acme</div></div><br><div class="gmail_quote"><div class="gmail_attr">On Mon, Mar 3, 2025 at 9:14 AM Dana &lt;<a href="mailto:dana@example.org">dana@example.org</a>&gt; wrote:<br></div><blockquote class="gmail_quote">Can we meet?</blockquote></div>`;
    expect(visibleHtml(html)).toBe(reply);
  });

  it("removes Apple Mail's cite blockquote but keeps inline answers", () => {
    const html = `<div>Yes.</div><div><br><blockquote type="cite"><div>On Mar 3, 2025, at 09:14, Dana wrote:</div><div>Tuesday?</div></blockquote></div><div>See you then.</div>`;
    expect(visibleHtml(html)).toBe("Yes.\n\nSee you then.");
  });

  it("removes Thunderbird's cite prefix and quote and its signature", () => {
    const html = `<p>${reply}</p><div class="moz-signature">-- <br>Sam</div><div class="moz-cite-prefix">On 03/03/2025 09:14, Dana wrote:<br></div><blockquote type="cite">Tuesday?</blockquote>`;
    expect(visibleHtml(html)).toBe(reply);
  });

  it("removes Outlook's reply header box and everything after it", () => {
    const html = `<div class="WordSection1"><p class="MsoNormal">${reply}</p><div id="Signature">Sam Lee</div><div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0in 0in 0in"><p class="MsoNormal"><b>From:</b> Dana<br><b>Sent:</b> Monday<br><b>To:</b> Sam</p></div><p class="MsoNormal">Tuesday?</p></div>`;
    expect(visibleHtml(html)).toBe(reply);
    const web = `<div>${reply}</div><div id="appendonsend"></div><hr><div id="divRplyFwdMsg"><b>From:</b> Dana</div><div>Tuesday?</div>`;
    expect(visibleHtml(web)).toBe(reply);
  });

  it("removes Yahoo's quote", () => {
    expect(visibleHtml(`<div>${reply}</div><div class="yahoo_quoted"><div>On Monday, Dana wrote:</div><div>Tuesday?</div></div>`)).toBe(reply);
  });

  it("removes a textual header block left in the HTML", () => {
    const html = `<div>${reply}<br><hr>From: Dana &lt;dana@example.org&gt;<br>Sent: Monday, March 3, 2025<br>To: Sam<br>Subject: Tuesday<br><br>Tuesday?</div>`;
    expect(visibleHtml(html)).toBe(reply);
  });

  it("keeps a Gmail forward", () => {
    const html = `<div>FYI</div><div class="gmail_quote">---------- Forwarded message ---------<br>From: Dana<br>Subject: Tuesday<br><br>Tuesday?</div>`;
    expect(visibleHtml(html)).toContain("Tuesday?");
  });

  it("keeps an Apple Mail forward, whose content is in a cite blockquote", () => {
    const html = `<div>FYI</div><div><br><div>Begin forwarded message:</div><br><blockquote type="cite"><div><b>From: </b>Dana</div><div>Tuesday?</div></blockquote></div>`;
    expect(visibleHtml(html)).toContain("Tuesday?");
  });

  it("keeps a message whose only content is a quote", () => {
    expect(visibleHtml("<blockquote>just <b>this</b><br>and that</blockquote>")).toBe("> just this\n> and that");
  });

  it("converts markup to clean text", () => {
    const html = `<html><head><title>T</title><style>p{color:red}</style></head><body><h1>Plan</h1><p>One&nbsp;&amp;&nbsp;two</p><ul><li>first</li><li>second</li></ul><script>alert(1)</script><p>a<br>b</p><table><tr><td>x</td><td>y</td></tr></table><p style="display:none">hidden</p></body></html>`;
    expect(htmlToText(html)).toBe("Plan\n\nOne & two\n\n- first\n- second\n\na\nb\n\nx | y");
  });

  it("writes each table row on one line, cells joined by a bar, and empty cells add nothing", () => {
    const html = `<table>\n<tr>\n  <th>Room</th>\n  <th>State</th>\n</tr>\n<tr><td><img src="x.png"></td><td>2.07</td><td> </td><td>leaking</td></tr></table>`;
    expect(htmlToText(html)).toBe("Room | State\n2.07 | leaking");
  });

  it("keeps the empty lines Outlook draws with &nbsp; paragraphs between single-spaced ones", () => {
    const html = `<p class="MsoNormal">First line<o:p></o:p></p><p class="MsoNormal">second line<o:p></o:p></p><p class="MsoNormal"><o:p>&nbsp;</o:p></p><p class="MsoNormal">New paragraph<o:p></o:p></p>`;
    expect(htmlToText(html)).toBe("First line\nsecond line\n\nNew paragraph");
    expect(htmlToText("<div>&nbsp;<b>Bold</b> start</div>")).toBe("Bold start");
  });

  it("removes a sign-off block with contact lines from HTML, but keeps a bare closing", () => {
    const signed = `<p>${reply}</p><p>Best regards,<br>Sam Lee<br>Facilities | +44 20 7946 0321 | www.acme.example</p>`;
    expect(visibleHtml(signed)).toBe(reply);
    const closing = `<p>${reply}</p><p>Cheers,<br>Sam</p>`;
    expect(visibleHtml(closing)).toBe(`${reply}\n\nCheers,\nSam`);
  });

  it("never lets a tag or script through, even spelled with entities", () => {
    const out = visibleHtml("<p>&lt;script&gt;alert(1)&lt;/script&gt; and &lt;b&gt;bold&lt;/b&gt; to &lt;dana@example.org&gt;</p>");
    expect(out).not.toMatch(/<script/i);
    expect(out).not.toMatch(TAG);
    expect(out).toContain("<dana@example.org>");
  });
});

const TAG = /<\/?[a-z][a-z0-9-]*(?:[\s/>]|$)/i;

describe("bounds", () => {
  const fast = (f: () => unknown) => {
    const t = performance.now();
    f();
    return performance.now() - t;
  };

  it("handles a 100,000-line quote, a 1 MB line and a long signature scan quickly", () => {
    expect(fast(() => visibleText(`hi\n${"> quoted line\n".repeat(100_000)}`))).toBeLessThan(3000);
    expect(fast(() => visibleText("x".repeat(1 << 20)))).toBeLessThan(3000);
    expect(fast(() => visibleText(`On ${"1 ".repeat(1 << 19)} wrote:`))).toBeLessThan(3000);
    expect(fast(() => visibleText("From: a\nTo: b\n".repeat(50_000)))).toBeLessThan(5000);
  });

  it("handles 10,000 nested blockquotes and 100,000 nested divs without overflowing the stack", () => {
    const deep = `${"<blockquote>x".repeat(10_000)}${"</blockquote>".repeat(10_000)}`;
    expect(fast(() => visibleHtml(deep))).toBeLessThan(5000);
    expect(fast(() => htmlToText(`${"<div>".repeat(100_000)}x`))).toBeLessThan(5000);
    expect(htmlToText(`${"<div>".repeat(100_000)}x`)).toBe("x");
  });

  it("handles a line of 100,000 spans and a table row of 100,000 cells quickly", () => {
    expect(fast(() => visibleHtml(`<div>${"<span>x</span> ".repeat(100_000)}</div>`))).toBeLessThan(5000);
    expect(fast(() => visibleHtml(`<table><tr>${"<td>cell</td><td> </td>".repeat(50_000)}</tr></table>`))).toBeLessThan(5000);
    expect(fast(() => visibleText("> quoted\n[...]\n".repeat(50_000) + "[image: a.png]\n".repeat(50_000)))).toBeLessThan(3000);
  });

  it("handles a 25 MiB body", () => {
    const body = "A line of ordinary text in a very large message.\n".repeat((25 << 20) / 50);
    expect(fast(() => visibleText(body))).toBeLessThan(15000);
  }, 30_000);
});

describe("properties", () => {
  const pieces = fc.constantFrom(
    "<blockquote>",
    "</blockquote>",
    '<blockquote type="cite">',
    '<div class="gmail_quote">',
    "</div>",
    "<div>",
    "<br>",
    "<p>",
    "<script>alert(1)</script>",
    "&lt;script&gt;",
    "&lt;b&gt;",
    "<style>x</style>",
    "<!-- c -->",
    "On Mon, Mar 3, 2025 at 9:14 AM Dana <dana@example.org> wrote:",
    "From: Dana\nSent: Monday\n",
    "> quoted\n",
    "-- \n",
    "Sent from my iPhone",
    "Thanks,\n",
    "\n",
    "text ",
    "<",
    ">",
  );
  const markup = fc.oneof(
    fc.string(),
    fc.array(fc.oneof(pieces, fc.string({ maxLength: 5 })), { maxLength: 40 }).map((a) => a.join("")),
  );

  it("visibleHtml and htmlToText never throw and never output a tag or script", () => {
    fc.assert(
      fc.property(markup, (html) => {
        for (const out of [visibleHtml(html), htmlToText(html)]) {
          expect(out).not.toMatch(/<script/i);
          expect(out).not.toMatch(TAG);
          expect(out).not.toContain("\uE000");
        }
      }),
      { numRuns: 400 },
    );
  });

  it("visibleText never throws, never outputs a tag, and keeps something of a non-blank message", () => {
    fc.assert(
      fc.property(markup, (text) => {
        const out = visibleText(text);
        expect(out).not.toMatch(/<script/i);
        expect(out).not.toMatch(TAG);
        if (text.trim()) expect(out.trim()).not.toBe("");
      }),
      { numRuns: 400 },
    );
  });
});
