/**
 * Records a notification for the people a label routes to. The in-app channel
 * is the record itself (listed per caller); other channels deliver from it.
 */
import type { Severity } from "../../core/model";
import { iso, type CommandContext } from "./context";

export function notify(
  ctx: CommandContext,
  event: string,
  entityType: string,
  entityId: string,
  caseId: string | null,
  recipientLabel: string,
  severity: Severity,
  payload: Record<string, unknown>,
): void {
  ctx.store.enqueue({
    kind: "notification",
    row: {
      notification_id: crypto.randomUUID(),
      org_id: ctx.store.org()!.org_id,
      seq: ctx.store.nextSeq("notifications"),
      at: iso(ctx.now),
      event,
      channel: "in_app",
      recipient: recipientLabel,
      entity_type: entityType,
      entity_id: entityId,
      case_id: caseId,
      status: "delivered",
      attempts: 0,
      payload: { ...payload, severity },
      version: 1,
    },
  });
}
