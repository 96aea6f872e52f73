/**
 * The Email Worker: a message to `<slug>[+hint]@<ORGO_EMAIL_DOMAIN>` enters
 * that organization. Refusals that are permanent by nature (no such
 * organization, too large) are SMTP rejects with a reason. Everything else is
 * stored before it is decided: the raw message and its attachments go to R2
 * first (content-addressed), then the organization's object records the
 * message in one transaction, idempotently by Message-ID. A transient fault
 * throws, so the sender's server retries; it never rejects (`setReject` is
 * permanent) and a retry lands once.
 */
import type { InboundAttachment } from "../../core/email/inbound";
import { parseMessage } from "../../core/email/mime/parse";
import { mailboxOf } from "../../core/email/recipient";
import type { Bindings } from "../env";
import { orgObject } from "../http/org-client";
import { inboundEmail } from "./inbound-message";
import { orgForMailbox } from "./org-directory";
import { readRaw, TooLarge } from "./read-raw";
import { attachmentKey, rawMessageKey, sha256Hex } from "./storage-keys";

/** Email Routing's own ceiling; `ORGO_EMAIL_MAX_BYTES` may set a lower one. */
export const DEFAULT_MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

export interface EmailResult {
  outcome: "opened" | "joined" | "recorded" | "duplicate" | "rejected";
  reason?: string;
  case_id?: string | null;
  email_id?: string;
}

export async function handleEmail(message: ForwardableEmailMessage, env: Bindings): Promise<EmailResult> {
  const reject = (reason: string): EmailResult => {
    message.setReject(reason);
    log("email rejected", { to: message.to, reason });
    return { outcome: "rejected", reason };
  };
  const domain = env.ORGO_EMAIL_DOMAIN || "orgo.test";
  const limit = maxMessageBytes(env);
  if (message.rawSize > limit) return reject(`message too large: ${message.rawSize} bytes, the limit is ${limit}`);
  const mailbox = mailboxOf(message.to, domain);
  if (!mailbox) return reject(`unknown mailbox ${message.to}: no organization receives mail there`);
  const org = await orgForMailbox(env.DB, mailbox.slug);
  if (!org) return reject(`unknown organization "${mailbox.slug}"`);

  let raw: Uint8Array;
  try {
    raw = await readRaw(message.raw, limit);
  } catch (e) {
    if (e instanceof TooLarge) return reject(`message too large: the limit is ${limit} bytes`);
    throw e;
  }
  const rawSha = await sha256Hex(raw);
  const rawKey = rawMessageKey(org.org_id, rawSha);
  await env.FILES.put(rawKey, raw, { httpMetadata: { contentType: "message/rfc822" } });

  const parsed = await parseMessage(raw);
  const attachments: InboundAttachment[] = [];
  for (const a of parsed.attachments) {
    const sha = await sha256Hex(a.content);
    const key = attachmentKey(org.org_id, sha);
    await env.FILES.put(key, a.content, { httpMetadata: { contentType: a.mimeType } });
    attachments.push({
      attachment_id: crypto.randomUUID(),
      filename: a.filename ? a.filename.slice(0, 255) : null,
      content_type: a.mimeType.slice(0, 255).toLowerCase(),
      size: a.content.byteLength,
      content_id: a.contentId ? a.contentId.slice(0, 998) : null,
      disposition: a.disposition,
      r2_key: key,
    });
  }
  const email = inboundEmail(parsed, { envelopeFrom: message.from, mailbox, ownDomain: domain, rawKey, rawSha }, attachments);
  const result = await orgObject(env, org.org_id).ingestEmail(email);
  if (!result.ok) {
    // A message the organization cannot take as it stands (it was stored; nothing else was written).
    log("email not recorded", { org_id: org.org_id, code: result.error.code, message: result.error.message });
    if (result.error.code === "unavailable" || result.error.code === "internal") throw new Error(result.error.message);
    return reject(`the message could not be recorded: ${result.error.message}`);
  }
  log("email received", { org_id: org.org_id, outcome: result.value.outcome, case_id: result.value.case_id, email_id: result.value.email_id });
  return { outcome: result.value.outcome, case_id: result.value.case_id, email_id: result.value.email_id };
}

function maxMessageBytes(env: Bindings): number {
  const configured = Number((env as Bindings & { ORGO_EMAIL_MAX_BYTES?: string }).ORGO_EMAIL_MAX_BYTES);
  return Number.isFinite(configured) && configured > 0 ? Math.min(configured, DEFAULT_MAX_MESSAGE_BYTES) : DEFAULT_MAX_MESSAGE_BYTES;
}

function log(msg: string, fields: Record<string, unknown>): void {
  console.log(JSON.stringify({ msg, ...fields }));
}
