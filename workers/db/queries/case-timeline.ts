/** A case's story, oldest first: its signals and every audited change of it and its tasks. */
import { and, asc, eq } from "drizzle-orm";
import type { Database } from "../../../d1/database";
import { audit_events, signals } from "../../../d1/schema";

export interface TimelineItem {
  at: string;
  kind: "signal" | "event";
  action: string;
  actor: string | null;
  entity_type: string;
  entity_id: string;
  details: Record<string, unknown>;
}

/** Each side of the story is bounded, so one busy case cannot make a read unbounded. */
const MAX_EACH = 5_000;

/** Both reads in one round trip; the caller has already judged that the case may be seen. */
export async function caseTimeline(db: Database, orgId: string, caseId: string): Promise<TimelineItem[]> {
  const [events, sigs] = await db.batch([
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
  ]);
  const items: TimelineItem[] = [
    ...sigs.map((s) => ({
      at: s.received_at,
      kind: "signal" as const,
      action: "signal.received",
      actor: null,
      entity_type: "signal",
      entity_id: s.signal_id,
      details: { source: s.source, title: s.title, body: s.body, occurred_at: s.occurred_at, matched_rules: s.matched_rules },
    })),
    ...events.map((e) => ({
      at: e.at,
      kind: "event" as const,
      action: e.action,
      actor: e.actor,
      entity_type: e.entity_type,
      entity_id: e.entity_id,
      details: e.changes,
    })),
  ];
  // Stable: equal instants keep signals before the changes they caused.
  return items.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}
