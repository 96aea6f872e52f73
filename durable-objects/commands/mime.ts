/** A minimal RFC 5322 text message for the send_email binding (UTF-8, encoded-word subject). */
const b64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));

export function plainTextMessage(from: string, to: string, subject: string, text: string, domain: string): string {
  const lines = [
    `From: Orgo <${from}>`,
    `To: <${to}>`,
    `Subject: =?UTF-8?B?${b64(subject)}?=`,
    `Message-ID: <${crypto.randomUUID()}@${domain}>`,
    `Date: ${new Date().toUTCString()}`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: base64",
    "",
    (b64(text).match(/.{1,76}/g) ?? []).join("\r\n"),
  ];
  return lines.join("\r\n");
}
