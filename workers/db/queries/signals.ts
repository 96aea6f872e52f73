/** Signals as a profile dry run replays them. */
import { and, desc, eq, gte } from "drizzle-orm";
import type { RecordedSignal } from "../../../core/flow-rules";
import type { Database } from "../../../d1/database";
import { rowToRecordedSignal } from "../../../d1/rows";
import { signals } from "../../../d1/schema";

/** Signals a dry run replays at most: its cost grows with each one. */
const MAX_SIGNALS = 5_000;

/**
 * The organization's signals received since `since`, newest first, with the
 * routing each got when it arrived (those without one are left out); `more`
 * says the window held more than a dry run replays.
 */
export async function routedSignalsSince(db: Database, orgId: string, since: string): Promise<{ signals: RecordedSignal[]; more: boolean }> {
  const rows = await db
    .select()
    .from(signals)
    .where(and(eq(signals.org_id, orgId), gte(signals.received_at, since)))
    .orderBy(desc(signals.received_at))
    .limit(MAX_SIGNALS + 1);
  const recorded = rows.slice(0, MAX_SIGNALS).flatMap((r) => {
    const s = rowToRecordedSignal(r);
    return s ? [s] : [];
  });
  return { signals: recorded, more: rows.length > MAX_SIGNALS };
}
