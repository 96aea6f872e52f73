/** A case's story, oldest first: its signals, its mail and every audited change of it and its tasks. */
import { and, asc, eq } from "drizzle-orm";
import type { Database } from "../../../d1/database";
import { audit_events, email_attachments, email_messages, signals } from "../../../d1/schema";

export interface TimelineAttachment {
  attachment_id: string;
  filename: string | null;
  content_type: string;
  size: number;
}

export interface TimelineItem {
  at: string;
  type: "signal" | "event" | "email";
  /** Same as `type` (older clients read this). */
  kind: "signal" | "event" | "email";
  action: string;
  actor: string | null;
  entity_type: string;
  entity_id: string;
  details: Record<string, unknown>;
  // Email entries only:
  direction?: "inbound" | "outbound";
  from?: string;
  to?: string[];
  subject?: string;
  text?: string;
  message_id?: string;
  attachments?: TimelineAttachment[];
}

/** Each side of the story is bounded, so one busy case cannot make a read unbounded. */
const MAX_EACH = 5_000;

/** An email entry already tells what these audit events say. */
const SAID_BY_EMAIL_ENTRIES = new Set(["case.email_received", "case.reply_queued"]);

/** All reads in one round trip; the caller has already judged that the case may be seen. */
export async function caseTimeline(db: Database, orgId: string, caseId: string): Promise<TimelineItem[]> {
  const [events, sigs, mails, files] = await db.batch([
    db
      .select()
      .from(audit_events)
      .where(and(eq(audit_events.org_id, orgId), eq(audit_events.case_id, caseId)))
      .orderBy(asc(audit_events.seq))
      .limit(MAX_EACH),
    db
      .select()
      .from(signals)
      .where(and(eq(signals.org_id, orgId), eq(signals.case_id, caseId)))
      .orderBy(asc(signals.seq))
      .limit(MAX_EACH),
    db
      .select()
      .from(email_messages)
      .where(and(eq(email_messages.org_id, orgId), eq(email_messages.case_id, caseId)))
      .orderBy(asc(email_messages.seq))
      .limit(MAX_EACH),
    db
      .select()
      .from(email_attachments)
      .where(and(eq(email_attachments.org_id, orgId), eq(email_attachments.case_id, caseId)))
      .limit(MAX_EACH),
  ]);
  const filesOf = new Map<string, TimelineAttachment[]>();
  for (const f of files.sort((a, b) => a.position - b.position)) {
    const list = filesOf.get(f.email_id) ?? [];
    list.push({ attachment_id: f.attachment_id, filename: f.filename, content_type: f.content_type, size: f.size });
    filesOf.set(f.email_id, list);
  }
  const items: TimelineItem[] = [
    ...sigs.map((s) => ({
      at: s.received_at,
      type: "signal" as const,
      kind: "signal" as const,
      action: "signal.received",
      actor: null,
      entity_type: "signal",
      entity_id: s.signal_id,
      details: { source: s.source, title: s.title, body: s.body, occurred_at: s.occurred_at, matched_rules: s.matched_rules },
    })),
    ...mails.map((m) => ({
      at: m.received_at,
      type: "email" as const,
      kind: "email" as const,
      action: m.direction === "inbound" ? "email.received" : "email.sent",
      actor: null,
      entity_type: "email",
      entity_id: m.email_id,
      details: { status: m.status, loop_reason: m.loop_reason, sent_at: m.sent_at },
      direction: m.direction,
      from: m.from_address,
      to: m.to,
      subject: m.subject,
      text: m.text,
      message_id: m.message_id,
      attachments: filesOf.get(m.email_id) ?? [],
    })),
    ...events
      .filter((e) => !SAID_BY_EMAIL_ENTRIES.has(e.action))
      .map((e) => ({
        at: e.at,
        type: "event" as const,
        kind: "event" as const,
        action: e.action,
        actor: e.actor,
        entity_type: e.entity_type,
        entity_id: e.entity_id,
        details: e.changes,
      })),
  ];
  // Stable: equal instants keep signals and mail before the changes they caused.
  return items.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}
