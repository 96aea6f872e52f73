/**
 * An answer by mail on a case. It leaves with its own Message-ID, names the
 * message it answers (In-Reply-To) and the thread before it (References),
 * and carries the case tag in its subject, so whatever comes back, through
 * any client, threads to the same case. It is sent by the alarm like every
 * notification (retried, logged) and appears on the timeline at once.
 */
import { DomainError } from "../errors";
import { normalizeSubject } from "../email/subject";
import { caseTag } from "../model/case-ref";
import type { CaseReply } from "../model/inputs";
import type { Case } from "../model/records";
import { makeTimer } from "../scheduling/timers";
import { PlanBuilder, type EmailWrite, type OrgLookup, type Plan, type PlanEnv } from "./plan";
import { guard } from "./steps";

/** The last message the case received, which a reply answers. */
export interface ThreadTip {
  message_id: string;
  from_address: string;
  subject: string;
  references: string[];
}

export interface ReplySnapshot {
  case: Case | null;
  tip: ThreadTip | null;
  /** The organization's own address, which replies come from and come back to. */
  mailbox: string;
  domain: string;
  lookup: OrgLookup;
}

/** References grow with every reply; the oldest (the root) and the newest are the ones threading needs. */
const MAX_REFERENCES = 20;

export function planReply(snapshot: ReplySnapshot, input: CaseReply, env: PlanEnv): Plan<EmailWrite> {
  const b = new PlanBuilder(env, snapshot.lookup);
  const c = guard(env.actor, env.profile.privacy, snapshot.case, "case", "act");
  const tip = snapshot.tip;
  const to = input.to ?? tip?.from_address;
  if (!to) throw new DomainError("validation", "this case has received no mail to answer", [{ path: "to", message: "give the address to send to" }]);
  const emailId = b.id();
  const chain = tip ? [...tip.references, tip.message_id] : [];
  const references = chain.length > MAX_REFERENCES ? [chain[0] as string, ...chain.slice(-(MAX_REFERENCES - 1))] : chain;
  const topic = normalizeSubject(tip?.subject ?? "") || c.title;
  const write: EmailWrite = {
    email_id: emailId,
    case_id: c.case_id,
    direction: "outbound",
    status: "queued",
    message_id: `${emailId}@${snapshot.domain}`,
    from_address: snapshot.mailbox,
    from_name: null,
    to: [to],
    cc: [],
    subject: `${tip ? "Re: " : ""}${topic} ${caseTag(c.ref)}`,
    text: input.body,
    full_text: input.body,
    sent_at: b.at,
    received_at: b.at,
    in_reply_to: tip ? [tip.message_id] : [],
    references,
    loop_reason: null,
    mailbox_hint: null,
    raw_key: null,
    version: 1,
    attachments: [],
    thread_ids: [`${emailId}@${snapshot.domain}`],
  };
  b.recordEmail(write);
  b.audit(env.actor, "case.reply_queued", "email", emailId, { to, subject: write.subject }, c.case_id);
  const notificationId = b.id();
  b.notice({
    notification_id: notificationId,
    at: b.at,
    event: "case.reply",
    channel: "email",
    recipient: to,
    entity_type: "email",
    entity_id: emailId,
    case_id: c.case_id,
    status: "queued",
    payload: {
      kind: "reply",
      email_id: emailId,
      from: write.from_address,
      subject: write.subject,
      text: write.text,
      message_id: write.message_id,
      in_reply_to: write.in_reply_to,
      references: write.references,
    },
  });
  b.arm(makeTimer("delivery", "notification", notificationId, env.now, 0));
  return b.build(write);
}
