/**
 * Inbound mail. A message the organization has seen (same Message-ID) adds
 * nothing; one that answers a case (In-Reply-To, References, or the case tag
 * in its subject) joins that case's timeline; loop-safe mail (auto-replies,
 * bounces, lists) that threads nowhere is recorded alone; anything else is a
 * signal of source `email`, routed by the flow rules like any other.
 */
import type { InboundEmail } from "../email/inbound";
import { titleOfSubject } from "../email/subject";
import type { Case } from "../model/records";
import { type EmailWrite, type OrgLookup, PlanBuilder, type Plan, type PlanEnv } from "./plan";
import { planSignal, type RoutedSignal, routeSignal, type SignalSnapshot } from "./signal-plan";

export interface EmailSnapshot {
  /** The message seen before under the same Message-ID. */
  seen: { email_id: string; case_id: string | null } | null;
  /** The case the message answers, if any. */
  thread_case: Case | null;
  /**
   * Mail of the same thread recorded without a case (a list's copy, an
   * auto-reply that came first): the case this message lands in takes it in.
   */
  orphans: string[];
  lookup: OrgLookup;
  /** The reads a signal needs, should the message open a case. */
  signal: (routed: RoutedSignal) => SignalSnapshot;
}

export type EmailOutcome = "opened" | "joined" | "recorded" | "duplicate";

export interface EmailAnswer {
  outcome: EmailOutcome;
  email_id: string;
  case_id: string | null;
  case_ref: string | null;
}

/** Signals take a bounded body; the message keeps the whole text. */
const SIGNAL_BODY_MAX = 100_000;

export function planInboundEmail(snapshot: EmailSnapshot, email: InboundEmail, env: PlanEnv): Plan<EmailAnswer> {
  if (snapshot.seen) {
    return new PlanBuilder(env, snapshot.lookup).build({
      outcome: "duplicate",
      email_id: snapshot.seen.email_id,
      case_id: snapshot.seen.case_id,
      case_ref: snapshot.thread_case?.ref ?? null,
    });
  }
  const joined = snapshot.thread_case;
  if (joined || email.loop_reason) {
    const b = new PlanBuilder(env, snapshot.lookup);
    const write = emailWrite(b.id(), email, joined?.case_id ?? null, joined ? "joined" : "recorded", b.at);
    b.recordEmail(write);
    if (joined) adopt(b, snapshot.orphans, joined.case_id);
    if (joined)
      b.audit(
        env.actor,
        "case.email_received",
        "case",
        joined.case_id,
        { email_id: write.email_id, from: email.from.address, subject: email.subject },
        joined.case_id,
      );
    else b.audit(env.actor, "email.recorded", "email", write.email_id, { from: email.from.address, subject: email.subject, reason: email.loop_reason }, null);
    return b.build({ outcome: joined ? "joined" : "recorded", email_id: write.email_id, case_id: joined?.case_id ?? null, case_ref: joined?.ref ?? null });
  }

  const routed = routeSignal(signalOf(email), "email", env.profile, env.now);
  const plan = planSignal(snapshot.signal(routed), routed, env);
  // The signal may join an open case through its dedupe key: the message then belongs to that case.
  const caseId = plan.signals[0]?.case_id ?? null;
  const write = emailWrite(env.newId(), email, caseId, "opened", env.now.toISOString());
  const ref = plan.cases.find((c) => c.record.case_id === caseId)?.record.ref ?? snapshot.signal(routed).dedupe_case?.ref ?? null;
  const adoptions = caseId ? snapshot.orphans.map((email_id) => ({ email_id, case_id: caseId })) : [];
  return {
    ...plan,
    emails: [...plan.emails, write],
    email_adoptions: [...plan.email_adoptions, ...adoptions],
    answer: { outcome: "opened", email_id: write.email_id, case_id: caseId, case_ref: ref },
  };
}

function adopt(b: PlanBuilder, orphans: string[], caseId: string): void {
  for (const email_id of orphans) b.adoptEmail({ email_id, case_id: caseId });
}

/** The signal a new message is: its subject the title, its new text the body, where it came from in metadata. */
function signalOf(email: InboundEmail) {
  const metadata: Record<string, string> = { email_from: email.from.address.slice(0, 320), email_message_id: email.message_id.slice(0, 998) };
  if (email.mailbox_hint) metadata.mailbox_hint = email.mailbox_hint;
  return {
    source: "email",
    title: titleOfSubject(email.subject),
    body: email.text.slice(0, SIGNAL_BODY_MAX) || null,
    metadata,
    ...(email.sent_at ? { occurred_at: email.sent_at } : {}),
  };
}

function emailWrite(emailId: string, email: InboundEmail, caseId: string | null, status: EmailWrite["status"], at: string): EmailWrite {
  return {
    email_id: emailId,
    case_id: caseId,
    direction: "inbound",
    status,
    message_id: email.message_id,
    from_address: email.from.address,
    from_name: email.from.name,
    to: email.to,
    cc: email.cc,
    subject: email.subject,
    text: email.text,
    full_text: email.full_text,
    sent_at: email.sent_at,
    received_at: at,
    in_reply_to: email.in_reply_to,
    references: email.references,
    loop_reason: email.loop_reason,
    mailbox_hint: email.mailbox_hint,
    raw_key: email.raw_key,
    version: 1,
    attachments: email.attachments,
    thread_ids: [email.message_id, ...email.in_reply_to, ...email.references],
  };
}
