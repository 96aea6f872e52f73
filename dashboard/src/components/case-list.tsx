/** Cases as cards: readable on a phone, every state by word as well as colour. */
import type { Case } from "../api/types";
import { useNow } from "../live/clock";
import { describeLabel } from "../labels/labels";
import { EscalationBadge, SeverityBadge, StatusBadge } from "./badges";
import { Countdown, isOverdue } from "./countdown";
import { Link } from "./link";

/** A case waits for its first reaction while it is open and nobody has reacted. */
export function awaitsReaction(c: Case): boolean {
  return c.status === "open" && c.reacted_at === null && c.reactivity_deadline !== null;
}

function CaseCard({ item, now }: { item: Case; now: number }) {
  const overdue = awaitsReaction(item) && isOverdue(item.reactivity_deadline, now);
  const classes = ["case-card", overdue ? "is-overdue" : "", item.escalation_level > 0 ? "is-escalated" : ""].filter(Boolean).join(" ");
  return (
    <li class={classes}>
      <h3>
        <Link href={`/cases/${encodeURIComponent(item.case_id)}`}>{item.title}</Link>
      </h3>
      <p class="badges">
        <SeverityBadge severity={item.severity} />
        <StatusBadge status={item.status} />
        <EscalationBadge level={item.escalation_level} />
        {awaitsReaction(item) && <Countdown deadline={item.reactivity_deadline} />}
      </p>
      <p class="meta">
        <span>#{item.ref}</span> · <span title={describeLabel(item.label)}>{item.label}</span>
        {item.location.site && <span> · {[item.location.site, item.location.area].filter(Boolean).join(", ")}</span>}
        <span>
          {" "}
          · opened <time dateTime={item.created_at}>{new Date(item.created_at).toLocaleString()}</time>
        </span>
      </p>
    </li>
  );
}

export function CaseList({ cases }: { cases: Case[] }) {
  const now = useNow();
  return (
    <ul class="case-list">
      {cases.map((c) => (
        <CaseCard key={c.case_id} item={c} now={now} />
      ))}
    </ul>
  );
}
