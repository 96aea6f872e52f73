/**
 * Outgoing mail as RFC 5322 text for the send_email binding, built with
 * mimetext. Bodies go base64 so any text survives any relay. Notifications
 * say `Auto-Submitted: auto-generated` (RFC 3834) so that vacation robots do
 * not answer them; a person's reply on a case does not, and carries the
 * threading headers that bring the answer back to the case.
 */
import { createMimeMessage } from "mimetext";

export interface OutgoingMail {
  from: string;
  fromName: string;
  to: string;
  subject: string;
  text: string;
  messageId: string;
  inReplyTo: string[];
  references: string[];
  automatic: boolean;
}

const angle = (id: string) => `<${id}>`;

function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function composeMail(m: OutgoingMail): string {
  const msg = createMimeMessage();
  msg.setSender({ name: m.fromName, addr: m.from });
  msg.setRecipient(m.to);
  msg.setSubject(m.subject);
  msg.setHeader("Message-ID", angle(m.messageId));
  if (m.inReplyTo.length > 0) msg.setHeader("In-Reply-To", m.inReplyTo.map(angle).join(" "));
  if (m.references.length > 0) msg.setHeader("References", m.references.map(angle).join(" "));
  if (m.automatic) msg.setHeader("Auto-Submitted", "auto-generated");
  msg.addMessage({ contentType: "text/plain", data: base64Utf8(m.text), encoding: "base64" });
  return msg.asRaw();
}
