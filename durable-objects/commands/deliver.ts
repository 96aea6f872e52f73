/**
 * Delivers one queued notification (webhook POST or email) and records the
 * outcome. Sending happens outside any transaction (it awaits the network);
 * the record is updated afterwards in one transaction. A failed attempt is
 * retried with exponential backoff by the object's alarm and dead-lettered
 * after the channel's max_attempts; receivers deduplicate by the event id
 * header, since a crash between sending and recording resends.
 *
 * A webhook is signed only with the organization's own secret named by the
 * channel; when that secret is missing or unreadable nothing is sent (the
 * attempt fails with the reason, and is retried: the secret may be set
 * meanwhile). Outside development the URL is checked again before each send
 * (a profile stored before the check existed may hold a private address), a
 * refused URL is dead-lettered at once, and redirects are never followed.
 */
import type { Profile } from "../../core/profiles";
import { durationMs } from "../../core/scheduling/duration";
import { makeTimer, type Timer } from "../../core/scheduling/timers";
import type { Opened } from "../../core/security/secret-envelope";
import { webhookUrlProblem, type DeploymentMode } from "../../core/security/webhook-url";
import type { Delivery, OrgStore } from "../store/org-store";
import type { OutgoingMail } from "./compose-mail";

export const SIGNATURE_HEADER = "x-orgo-signature";
const TIMEOUT_MS = 10_000;
const EMAIL_MAX_ATTEMPTS = 5;

export interface DeliveryEnv {
  /** The organization's secret of this name (never the Worker's environment). */
  signingSecret(name: string): Promise<Opened>;
  mode: DeploymentMode;
  sendEmail: ((mail: OutgoingMail) => Promise<void>) | null;
  /** The organization's own address (`<slug>@<domain>`) and the domain its message ids use. */
  mailbox: string;
  domain: string;
}

interface AttemptResult {
  ok: boolean;
  detail: string;
  status?: string;
  /** Retrying cannot help (the recipient itself is refused): dead-letter now. */
  final?: boolean;
}

async function hmacHex(secret: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(text));
  return [...new Uint8Array(sig)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA-256 of "<t>.<body>">`: the timestamp binds the signature against replays. */
export async function signWebhook(secret: string, body: string, unixSeconds: number): Promise<string> {
  return `t=${unixSeconds},v1=${await hmacHex(secret, `${unixSeconds}.${body}`)}`;
}

async function attempt(d: Delivery, profile: Profile, orgSlug: string, env: DeliveryEnv, now: Date): Promise<AttemptResult> {
  try {
    if (d.channel === "webhook") {
      const refused = webhookUrlProblem(d.recipient, env.mode);
      if (refused) return { ok: false, final: true, detail: `not sent: the webhook URL ${refused}` };
      const hook = profile.notifications.channels.webhook;
      const body = JSON.stringify({ id: d.notification_id, event: d.event, at: d.at, org: orgSlug, data: d.payload });
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "user-agent": "Orgo-Webhooks/1",
        "x-orgo-event-id": d.notification_id,
        "x-orgo-event": d.event,
      };
      if (hook?.secret_name) {
        const secret = await env.signingSecret(hook.secret_name);
        if (!secret.ok) return { ok: false, detail: `not sent: ${secret.reason}` };
        headers[SIGNATURE_HEADER] = await signWebhook(secret.value, body, Math.floor(now.getTime() / 1000));
      }
      // A redirect could lead anywhere, including where the URL check would refuse to go.
      const res = await fetch(d.recipient, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(TIMEOUT_MS) });
      await res.body?.cancel();
      const redirected = res.status >= 300 && res.status < 400;
      return { ok: res.ok, detail: redirected ? `HTTP ${res.status}: redirects are not followed` : `HTTP ${res.status}` };
    }
    if (d.channel === "email") {
      if (!env.sendEmail) return { ok: true, detail: "kept in the local outbox", status: "outbox" };
      await env.sendEmail(outgoingMail(d, env));
      return { ok: true, detail: "sent" };
    }
    return { ok: true, detail: "nothing to send" };
  } catch (e) {
    return { ok: false, detail: e instanceof Error ? e.message : String(e) };
  }
}

/** A reply on a case goes as written; any other notice is an automatic message about the event. */
function outgoingMail(d: Delivery, env: DeliveryEnv): OutgoingMail {
  const p = d.payload;
  if (p.kind === "reply") {
    return {
      from: String(p.from),
      fromName: orgName(env),
      to: d.recipient,
      subject: String(p.subject),
      text: String(p.text),
      messageId: String(p.message_id),
      inReplyTo: (p.in_reply_to as string[]) ?? [],
      references: (p.references as string[]) ?? [],
      automatic: false,
    };
  }
  return {
    from: `notifications@${env.domain}`,
    fromName: "Orgo",
    to: d.recipient,
    subject: `[Orgo] ${String(p.event)}: ${String(p.title ?? "")}`.slice(0, 200),
    text: JSON.stringify(p, null, 2),
    messageId: `${d.notification_id}@${env.domain}`,
    inReplyTo: [],
    references: [],
    automatic: true,
  };
}

function orgName(env: DeliveryEnv): string {
  return env.mailbox.split("@")[0] ?? "Orgo";
}

/** Sends, then returns the function that records the outcome (to run inside a transaction). */
export async function deliver(store: OrgStore, timer: Timer, profile: Profile, env: DeliveryEnv, now: Date): Promise<() => void> {
  const d = store.getDelivery(timer.entity_id);
  if (!d) return () => store.deleteTimer(timer.timer_id);
  const org = store.org();
  const result = await attempt(d, profile, org?.slug ?? "", env, now);
  return () => {
    // Another alarm run may have handled it meanwhile: act only on the attempt we made.
    const current = store.getDelivery(d.notification_id);
    if (!current || current.attempts !== d.attempts) return;
    store.deleteTimer(timer.timer_id);
    const attempts = d.attempts + 1;
    const hook = profile.notifications.channels.webhook;
    const max = d.channel === "webhook" ? (hook?.max_attempts ?? 8) : EMAIL_MAX_ATTEMPTS;
    const payload = { ...d.payload, last_result: result.detail };
    const emailId = typeof d.payload.email_id === "string" ? d.payload.email_id : null;
    if (result.ok || result.final || attempts >= max) {
      store.putDelivery({ ...d, attempts, payload, status: result.ok ? (result.status ?? "delivered") : "dead", version: d.version + 1 });
      if (emailId) store.setEmailStatus(emailId, result.ok ? (result.status === "outbox" ? "outbox" : "sent") : "failed", attempts + 1);
      store.dropDelivery(d.notification_id);
      return;
    }
    const backoff = durationMs(hook?.initial_backoff ?? "PT10S") * 2 ** (attempts - 1);
    store.putDelivery({ ...d, attempts, payload, status: "retrying", version: d.version + 1 });
    store.setTimer(makeTimer("delivery", "notification", d.notification_id, now.getTime() + backoff, attempts));
  };
}
