/**
 * A parsed message becomes what the organization records: the author's new
 * text, the whole text, the ids that thread it, who sent it, and its
 * attachments' places in R2, every field bounded (the raw message in R2
 * keeps everything).
 */
import { htmlToText, visibleHtml, visibleText } from "../../core/email/clean";
import { INBOUND_BOUNDS, type InboundAttachment, type InboundEmail } from "../../core/email/inbound";
import { loopReason } from "../../core/email/loop-guard";
import type { Address, Mailbox as ParsedMailbox, ParsedMessage } from "../../core/email/mime/parsed-message";
import type { Mailbox } from "../../core/email/recipient";

export interface Delivery {
  envelopeFrom: string;
  mailbox: Mailbox;
  ownDomain: string;
  rawKey: string;
  rawSha: string;
}

export function inboundEmail(m: ParsedMessage, d: Delivery, attachments: InboundAttachment[]): InboundEmail {
  const from = firstMailbox(m.from) ?? { name: "", address: d.envelopeFrom };
  const fullText = m.text.trim() ? m.text : htmlToText(m.html);
  // The author's words: for a delivery report, its human-readable part only.
  const newText = m.authorText.trim() ? visibleText(m.authorText) : m.authorHtml.trim() ? visibleHtml(m.authorHtml) : "";
  const contentType = (m.headers.find((h) => h.key.toLowerCase() === "content-type")?.value ?? "text/plain").split(";")[0]?.trim().toLowerCase() ?? "";
  return {
    // A message without a Message-ID gets one from its bytes, so its redelivery is still one message.
    message_id: bounded(m.messageId ?? "", INBOUND_BOUNDS.idLength) || `${d.rawSha}@${d.ownDomain}`,
    in_reply_to: ids(m.inReplyTo),
    references: ids(m.references),
    subject: bounded(m.subject ?? "", INBOUND_BOUNDS.subject),
    from: { address: bounded(from.address || d.envelopeFrom, 320).toLowerCase(), name: from.name ? bounded(from.name, 200) : null },
    to: addresses(m.to),
    cc: addresses(m.cc),
    sent_at: m.date && !Number.isNaN(m.date.getTime()) && m.date.getUTCFullYear() > 1970 && m.date.getUTCFullYear() < 10000 ? m.date.toISOString() : null,
    text: bounded(newText.trim(), INBOUND_BOUNDS.text),
    full_text: bounded(fullText.trim(), INBOUND_BOUNDS.fullText),
    mailbox_hint: d.mailbox.hint,
    loop_reason: loopReason({ headers: m.headers, envelopeFrom: d.envelopeFrom, from: from.address, contentType, ownDomain: d.ownDomain }),
    raw_key: d.rawKey,
    attachments: attachments.slice(0, INBOUND_BOUNDS.attachments),
  };
}

function bounded(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max);
}

function ids(list: string[]): string[] {
  const out = list.filter((id) => id.length > 0 && id.length <= INBOUND_BOUNDS.idLength);
  return [...new Set(out)].slice(-INBOUND_BOUNDS.ids);
}

function mailboxesOf(list: Address[]): ParsedMailbox[] {
  return list.flatMap((a) => ("group" in a ? a.group : [a]));
}

function firstMailbox(list: Address[]): ParsedMailbox | null {
  return mailboxesOf(list).find((m) => m.address) ?? null;
}

function addresses(list: Address[]): string[] {
  return mailboxesOf(list)
    .map((m) => bounded(m.address, 320).toLowerCase())
    .filter((a) => a.length > 0)
    .slice(0, INBOUND_BOUNDS.recipients);
}
