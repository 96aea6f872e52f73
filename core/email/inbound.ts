/**
 * A received message as the gateway hands it to the organization: parsed,
 * cleaned and bounded by the Worker (the CPU-heavy part), with the raw
 * message and its attachments already in object storage. Ids are without
 * angle brackets.
 */
import type { LoopReason } from "./loop-guard";

export interface InboundAttachment {
  attachment_id: string;
  filename: string | null;
  content_type: string;
  size: number;
  content_id: string | null;
  disposition: "attachment" | "inline";
  r2_key: string;
}

export interface InboundEmail {
  message_id: string;
  in_reply_to: string[];
  references: string[];
  subject: string;
  from: { address: string; name: string | null };
  to: string[];
  cc: string[];
  /** The Date header, when it says something readable. */
  sent_at: string | null;
  /** The author's new text only. */
  text: string;
  /** The whole body as text. */
  full_text: string;
  mailbox_hint: string | null;
  loop_reason: LoopReason | null;
  raw_key: string;
  attachments: InboundAttachment[];
}

/** Bounds of what one message may put in the records (the raw message keeps everything). */
export const INBOUND_BOUNDS = {
  ids: 100,
  idLength: 998,
  recipients: 100,
  subject: 2_000,
  text: 100_000,
  fullText: 1_000_000,
  attachments: 1_000,
} as const;
