/**
 * Turns an event into notification records. In-app notices are stored per
 * audience and listed to whoever belongs to it; email notices are addressed
 * to the channel's fixed recipients and the active users of the audience;
 * a webhook notice is one signed POST per event, delivered (and retried) by
 * the alarm. Every record is also the log of what was sent.
 */
import { audienceKey, inAudience, planNotifications, type NoticeEvent } from "../../core/notifications/plan";
import { timerId } from "../../core/scheduling/timers";
import type { Delivery } from "../store/org-store";
import { iso, type CommandContext } from "./context";

export interface NoticeSubject {
  entity_type: string;
  entity_id: string;
  case_id: string | null;
  title: string;
}

export function notify(ctx: CommandContext, event: NoticeEvent, subject: NoticeSubject, details: Record<string, unknown> = {}): void {
  const planned = planNotifications(event, ctx.profile);
  if (planned.length === 0) return;
  const org = ctx.store.org()!;
  const payload = { event: event.on, severity: event.severity, label: event.label, ...subject, ...details };
  const base = (channel: string, recipient: string, status: string): Delivery => ({
    notification_id: crypto.randomUUID(),
    org_id: org.org_id,
    seq: ctx.store.nextSeq("notifications"),
    at: iso(ctx.now),
    event: event.on,
    channel,
    recipient,
    entity_type: subject.entity_type,
    entity_id: subject.entity_id,
    case_id: subject.case_id,
    status,
    attempts: 0,
    payload,
    version: 1,
  });

  const emails = new Set<string>();
  let webhook = false;
  // Read once per event: an event may address several audiences by mail.
  const users = planned.some((n) => n.channel === "email") ? ctx.store.activeUsers() : [];
  for (const n of planned) {
    if (n.channel === "in_app") ctx.store.enqueue({ kind: "notification", row: base("in_app", audienceKey(n.audience), "delivered") });
    if (n.channel === "email") for (const u of users) if (inAudience(n.audience, u.positions)) emails.add(u.email);
    if (n.channel === "webhook") webhook = true;
  }
  if (planned.some((n) => n.channel === "email")) for (const to of ctx.profile.notifications.channels.email?.to ?? []) emails.add(to);
  const queued: Delivery[] = [...emails].sort().map((to) => base("email", to, "queued"));
  const hook = ctx.profile.notifications.channels.webhook;
  if (webhook && hook) queued.push(base("webhook", hook.url, "pending"));
  // Mail and webhooks leave through the alarm, which retries them: never on the request's path.
  for (const d of queued) {
    ctx.store.putDelivery(d);
    ctx.store.setTimer({
      timer_id: timerId("delivery", d.notification_id, 0),
      kind: "delivery",
      entity_type: "notification",
      entity_id: d.notification_id,
      due_at: ctx.now.getTime(),
      step: 0,
    });
  }
}
