/**
 * Mail that machines send in answer to mail: auto-replies, bounces, list
 * traffic. Such a message must never open a case or trigger a reply, or two
 * robots answer each other forever (RFC 3834); it is recorded instead. The
 * signs are those RFC 3834, RFC 2919, RFC 3464 and the common mailers use.
 */
export interface LoopSigns {
  headers: ReadonlyArray<{ key: string; value: string }>;
  /** The SMTP envelope sender ("" for a null sender, as bounces use). */
  envelopeFrom: string;
  /** The From: address. */
  from: string;
  /** The top-level Content-Type, lower-cased, without parameters. */
  contentType: string;
  /** Our own mail domain: a message from it coming back is a loop. */
  ownDomain: string;
}

export type LoopReason = "auto_submitted" | "auto_reply" | "precedence" | "list" | "bounce" | "delivery_report" | "own_mail";

const ROBOT_SENDERS = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon|noreply-dmarc-support|bounces?)(?:[+@]|$)/i;
const BULK_PRECEDENCE = new Set(["bulk", "junk", "list", "auto_reply", "auto-reply"]);
const AUTO_REPLY_HEADERS = ["x-autoreply", "x-autorespond", "x-autoresponder", "x-autoresponse", "x-auto-reply"];

export function loopReason(m: LoopSigns): LoopReason | null {
  const header = (name: string) => m.headers.find((h) => h.key.toLowerCase() === name)?.value.trim() ?? null;
  const autoSubmitted = header("auto-submitted")?.toLowerCase();
  if (autoSubmitted && !autoSubmitted.startsWith("no")) return "auto_submitted";
  if (AUTO_REPLY_HEADERS.some((h) => header(h) !== null)) return "auto_reply";
  const precedence = header("precedence")?.toLowerCase();
  if (precedence && BULK_PRECEDENCE.has(precedence)) return "precedence";
  if (header("list-id") !== null) return "list";
  if (m.contentType === "multipart/report") return "delivery_report";
  const returnPath = header("return-path");
  if (m.envelopeFrom.trim() === "" || m.envelopeFrom.trim() === "<>" || returnPath === "<>") return "bounce";
  if (ROBOT_SENDERS.test(m.from) || ROBOT_SENDERS.test(m.envelopeFrom)) return "bounce";
  if (m.ownDomain && m.from.toLowerCase().endsWith(`@${m.ownDomain.toLowerCase()}`)) return "own_mail";
  return null;
}
