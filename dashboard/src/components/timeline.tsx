/** A case's story, oldest first: signals, mail (with attachments), changes and escalations. */
import { useState } from "preact/hooks";
import { downloadAttachment, type OrgApi } from "../api/orgo";
import type { Attachment, TimelineItem } from "../api/types";
import { wordFor } from "./badges";
import { Empty, ErrorNotice } from "./states";

function sentence(action: string): string {
  const text = action.replace(/[._]/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function isChange(value: unknown): value is { from: unknown; to: unknown } {
  return typeof value === "object" && value !== null && "to" in value;
}

function shown(value: unknown): string {
  if (value === null || value === undefined || value === "") return "none";
  if (typeof value === "string") return wordFor(value);
  return JSON.stringify(value);
}

/** Audit changes are `{ field: { from, to } }`; show those as "field: from → to". */
function Changes({ details }: { details: Record<string, unknown> }) {
  const changes = Object.entries(details).filter(([, v]) => isChange(v)) as [string, { from: unknown; to: unknown }][];
  if (changes.length === 0) return null;
  return (
    <ul class="changes">
      {changes.slice(0, 8).map(([field, change]) => (
        <li key={field}>
          {field.replace(/_/g, " ")}: {shown(change.from)} → {shown(change.to)}
        </li>
      ))}
    </ul>
  );
}

function Attachments({ api, caseId, files }: { api: OrgApi; caseId: string; files: Attachment[] }) {
  const [error, setError] = useState<unknown>(null);
  if (files.length === 0) return null;
  const save = (file: Attachment) => {
    setError(null);
    downloadAttachment(api, caseId, file.attachment_id, file.filename ?? "attachment").catch(setError);
  };
  return (
    <div class="attachments">
      <ul>
        {files.map((f) => (
          <li key={f.attachment_id}>
            <button type="button" class="link" onClick={() => save(f)}>
              {f.filename ?? "attachment"} ({Math.max(1, Math.round(f.size / 1024))} KB, {f.content_type})
            </button>
          </li>
        ))}
      </ul>
      <ErrorNotice error={error} />
    </div>
  );
}

function Entry({ api, caseId, item }: { api: OrgApi; caseId: string; item: TimelineItem }) {
  const when = <time dateTime={item.at}>{new Date(item.at).toLocaleString()}</time>;
  if (item.type === "email") {
    return (
      <li class="timeline-entry email">
        <p class="entry-head">
          <strong>{item.direction === "outbound" ? "Email sent" : "Email received"}</strong> · {when}
        </p>
        <p class="meta">
          {item.direction === "outbound" ? `To ${(item.to ?? []).join(", ")}` : `From ${item.from ?? "unknown sender"}`}
          {item.subject && ` · “${item.subject}”`}
        </p>
        {item.text && <p class="message-text">{item.text}</p>}
        <Attachments api={api} caseId={caseId} files={item.attachments ?? []} />
      </li>
    );
  }
  if (item.type === "signal") {
    const title = typeof item.details.title === "string" ? item.details.title : null;
    const source = typeof item.details.source === "string" ? item.details.source : "unknown source";
    return (
      <li class="timeline-entry signal">
        <p class="entry-head">
          <strong>Signal received</strong> from {source} · {when}
        </p>
        {title && <p>{title}</p>}
      </li>
    );
  }
  const escalation = item.action.endsWith("escalated");
  return (
    <li class={`timeline-entry event${escalation ? " escalation" : ""}`}>
      <p class="entry-head">
        <strong>{sentence(item.action)}</strong> · {when}
        {item.actor && <span class="meta"> · by {item.actor}</span>}
      </p>
      <Changes details={item.details} />
    </li>
  );
}

export function Timeline({ api, caseId, items }: { api: OrgApi; caseId: string; items: TimelineItem[] }) {
  if (items.length === 0) return <Empty>Nothing has happened on this case yet.</Empty>;
  return (
    <ol class="timeline">
      {items.map((item, i) => (
        <Entry key={`${item.entity_id}:${item.at}:${i}`} api={api} caseId={caseId} item={item} />
      ))}
    </ol>
  );
}
