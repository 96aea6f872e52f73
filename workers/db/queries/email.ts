/** A case's mail: one attachment, one message (for its raw form), and mail that opened no case. */
import { and, desc, eq, isNull, lt } from "drizzle-orm";
import type { Database } from "../../../d1/database";
import { email_attachments, email_messages } from "../../../d1/schema";
import { page } from "../pagination";

export async function caseAttachment(db: Database, orgId: string, caseId: string, attachmentId: string) {
  const row = await db
    .select()
    .from(email_attachments)
    .where(and(eq(email_attachments.attachment_id, attachmentId), eq(email_attachments.org_id, orgId), eq(email_attachments.case_id, caseId)))
    .get();
  return row ?? null;
}

/** A message of the case by its Message-ID (with or without the angle brackets). */
export async function caseMessage(db: Database, orgId: string, caseId: string, messageId: string) {
  const id = messageId.replace(/^<|>$/g, "");
  const row = await db
    .select({ email_id: email_messages.email_id, raw_key: email_messages.raw_key, case_id: email_messages.case_id })
    .from(email_messages)
    .where(and(eq(email_messages.org_id, orgId), eq(email_messages.message_id, id), eq(email_messages.case_id, caseId)))
    .get();
  return row ?? null;
}

/** Mail recorded without a case (auto-replies, bounces, lists), newest first. */
export async function listRecordedMail(db: Database, orgId: string, opts: { limit: number; before: number | null }) {
  const rows = await db
    .select()
    .from(email_messages)
    .where(and(eq(email_messages.org_id, orgId), isNull(email_messages.case_id), opts.before === null ? undefined : lt(email_messages.seq, opts.before)))
    .orderBy(desc(email_messages.seq))
    .limit(opts.limit + 1)
    .all();
  return page(rows, opts.limit, ({ org_id: _o, seq: _s, ...rest }) => rest);
}
