/**
 * Retention: what the profile allows to be forgotten is purged in bounded
 * batches, so one daily round never holds the object or D1 for long; what
 * is left is taken by the next round. Closed cases leave the object's storage
 * here (their D1 copies follow through the outbox); audit events and signal
 * bodies live only in D1 and are purged there directly.
 */
import type { Profile } from "../../core/profiles";
import type { OrgStore } from "../store/org-store";

export const RETENTION_BATCH = 500;
export const RETENTION_MAX_BATCHES = 10;
const DAY_MS = 86_400_000;

export interface RetentionCutoffs {
  audit_before: string;
  signal_bodies_before: string;
  closed_cases_before: string;
}

export function cutoffs(profile: Profile, now: Date): RetentionCutoffs {
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
  return {
    audit_before: before(profile.retention.audit),
    signal_bodies_before: before(profile.retention.signal_bodies),
    closed_cases_before: before(profile.retention.closed_cases),
  };
}

/** Removes up to one batch of closed cases older than the cutoff from the object; returns their ids. */
export function purgeClosedCases(store: OrgStore, before: string): string[] {
  const ids = store.closedCasesUpdatedBefore(before, RETENTION_BATCH);
  for (const id of ids) {
    store.deleteCaseEverywhere(id);
  }
  return ids;
}

/** D1 statements of one purge round; each touches at most RETENTION_BATCH rows through an index. */
export async function purgeD1Batch(db: D1Database, orgId: string, c: RetentionCutoffs): Promise<{ audit: number; signal_bodies: number }> {
  const [audit, bodies] = await db.batch([
    db
      .prepare(
        `DELETE FROM audit_events WHERE event_id IN
           (SELECT event_id FROM audit_events WHERE org_id = ? AND at < ? LIMIT ${RETENTION_BATCH})`,
      )
      .bind(orgId, c.audit_before),
    db
      .prepare(
        `UPDATE signals SET body = NULL WHERE signal_id IN
           (SELECT signal_id FROM signals WHERE org_id = ? AND received_at < ? AND body IS NOT NULL LIMIT ${RETENTION_BATCH})`,
      )
      .bind(orgId, c.signal_bodies_before),
  ]);
  return { audit: audit?.meta.changes ?? 0, signal_bodies: bodies?.meta.changes ?? 0 };
}
