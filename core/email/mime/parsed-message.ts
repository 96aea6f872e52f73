/** A parsed RFC 5322 message: what the gateway reads from raw mail. */

export interface Mailbox {
  name: string;
  address: string;
}

/** An RFC 5322 group ("Team: a@x, b@y;"). */
export interface MailboxGroup {
  name: string;
  group: Mailbox[];
}

export type Address = Mailbox | MailboxGroup;

export interface ParsedAttachment {
  filename: string | null;
  mimeType: string;
  /** "inline" parts referenced by a Content-ID in the HTML, else "attachment". */
  disposition: "attachment" | "inline";
  contentId: string | null;
  content: Uint8Array;
  size: number;
}

export interface ParsedMessage {
  subject: string | null;
  from: Address[];
  to: Address[];
  cc: Address[];
  replyTo: Address[];
  /** null when the header is missing or unreadable */
  date: Date | null;
  /** without the angle brackets */
  messageId: string | null;
  /** ids without angle brackets, in header order */
  inReplyTo: string[];
  references: string[];
  /** The plain-text body; a report's machine-readable parts (delivery status, feedback report) are in it too. */
  text: string;
  html: string;
  /**
   * The bodies as written for a person: `text` and `html` without the machine-readable parts of a
   * multipart/report. Equal to them for any other message.
   */
  authorText: string;
  authorHtml: string;
  headers: Array<{ key: string; value: string }>;
  attachments: ParsedAttachment[];
}
