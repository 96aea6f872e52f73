/**
 * Turns an event into notification records. In-app notices are stored per
 * audience, delivered at once, and listed to whoever belongs to it; email
 * notices are addressed to the channel's fixed recipients and the active
 * users of the audience; a webhook notice is one signed POST per event. Mail
 * and webhooks leave through the alarm, which retries them, never on the
 * request's path: each gets a delivery timer due now. Every record is also
 * the log of what was sent.
 */
import { audienceKey, inAudience, planNotifications, type NoticeEvent } from "../notifications/plan";
import { makeTimer } from "../scheduling/timers";
import type { Notice, PlanBuilder } from "./plan";

export interface NoticeSubject {
  entity_type: string;
  entity_id: string;
  case_id: string | null;
  title: string;
}

export function notify(b: PlanBuilder, event: NoticeEvent, subject: NoticeSubject, details: Record<string, unknown> = {}): void {
  const planned = planNotifications(event, b.profile);
  if (planned.length === 0) return;
  const payload = { event: event.on, severity: event.severity, label: event.label, ...subject, ...details };
  const notice = (channel: string, recipient: string, status: Notice["status"]): Notice => ({
    notification_id: b.id(),
    at: b.at,
    event: event.on,
    channel,
    recipient,
    entity_type: subject.entity_type,
    entity_id: subject.entity_id,
    case_id: subject.case_id,
    status,
    payload,
  });

  const emails = new Set<string>();
  let webhook = false;
  const mail = planned.some((n) => n.channel === "email");
  const users = mail ? b.lookup.mailRecipients() : [];
  for (const n of planned) {
    if (n.channel === "in_app") b.notice(notice("in_app", audienceKey(n.audience), "delivered"));
    if (n.channel === "email") for (const u of users) if (inAudience(n.audience, u.positions)) emails.add(u.email);
    if (n.channel === "webhook") webhook = true;
  }
  if (mail) for (const to of b.profile.notifications.channels.email?.to ?? []) emails.add(to);
  const queued = [...emails].sort().map((to) => notice("email", to, "queued"));
  const hook = b.profile.notifications.channels.webhook;
  if (webhook && hook) queued.push(notice("webhook", hook.url, "pending"));
  for (const n of queued) {
    b.notice(n);
    b.arm(makeTimer("delivery", "notification", n.notification_id, b.env.now, 0));
  }
}
