/**
 * Arms and disarms the escalation timer of a case or task. The timer id is
 * derived from (kind, entity, escalation level), so re-arming the same step is
 * an upsert and a timer left over from an earlier step is recognised as stale.
 */
import { timerId } from "../../core/scheduling/timers";
import type { OrgStore } from "../store/org-store";

export function armEscalation(
  store: OrgStore,
  entityType: "case" | "task",
  entityId: string,
  level: number,
  deadline: string | null,
): void {
  store.dropTimers(entityId, "escalation");
  if (!deadline) return;
  store.setTimer({
    timer_id: timerId("escalation", entityId, level),
    kind: "escalation",
    entity_type: entityType,
    entity_id: entityId,
    due_at: Date.parse(deadline),
    step: level,
  });
}
