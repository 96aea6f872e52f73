/** The audit log (org admins): newest first, filtered by entity, paged by cursor. */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { request } from "../api/http";
import type { OrgApi } from "../api/orgo";
import type { Page } from "../api/types";
import { Link } from "../components/link";
import { Empty, ErrorNotice, Loading } from "../components/states";
import "./audit.css";

export interface AuditEvent {
  event_id: string;
  at: string;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string;
  changes: Record<string, unknown>;
}

const PAGE_SIZE = 50;

function listAudit(api: OrgApi, entityId: string, cursor: string | null, signal?: AbortSignal) {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (entityId) params.set("entity_id", entityId);
  if (cursor) params.set("cursor", cursor);
  return request<Page<AuditEvent>>(`/v1/orgs/${encodeURIComponent(api.org)}/audit?${params}`, { token: api.token, signal });
}

function isChange(value: unknown): value is { from: unknown; to: unknown } {
  return typeof value === "object" && value !== null && "to" in value && "from" in value;
}

function shown(value: unknown): string {
  if (value === null || value === undefined || value === "") return "none";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function Changes({ changes }: { changes: Record<string, unknown> }) {
  const entries = Object.entries(changes);
  if (entries.length === 0) return null;
  return (
    <ul class="changes">
      {entries.map(([field, value]) => (
        <li key={field}>
          <span class="field-name">{field.replace(/_/g, " ")}</span>:{" "}
          {isChange(value) ? (
            <>
              {shown(value.from)} <span aria-hidden="true">→</span>
              <span class="visually-hidden">changed to</span> {shown(value.to)}
            </>
          ) : typeof value === "object" && value !== null ? (
            <details class="record">
              <summary>{count(Array.isArray(value) ? value.length : Object.keys(value).length, Array.isArray(value) ? "item" : "field")}</summary>
              <pre>{JSON.stringify(value, null, 2)}</pre>
            </details>
          ) : (
            shown(value)
          )}
        </li>
      ))}
    </ul>
  );
}

function Entity({ event, onFilter }: { event: AuditEvent; onFilter: (id: string) => void }) {
  return (
    <span>
      {event.entity_type}{" "}
      {event.entity_type === "case" ? (
        <Link href={`/cases/${encodeURIComponent(event.entity_id)}`}>
          <code>{event.entity_id}</code>
        </Link>
      ) : (
        <code>{event.entity_id}</code>
      )}{" "}
      <button type="button" class="link" onClick={() => onFilter(event.entity_id)}>
        only this<span class="visually-hidden"> {event.entity_type}</span>
      </button>
    </span>
  );
}

function AuditItem({ event, onFilter }: { event: AuditEvent; onFilter: (id: string) => void }) {
  const at = new Date(event.at);
  return (
    <li class="audit-event">
      <p class="audit-head">
        <strong>{event.action}</strong> <time dateTime={event.at}>{at.toLocaleString()}</time>
      </p>
      <dl class="facts">
        <dt>Actor</dt>
        <dd>
          <code>{event.actor}</code>
        </dd>
        <dt>Entity</dt>
        <dd>
          <Entity event={event} onFilter={onFilter} />
        </dd>
      </dl>
      <Changes changes={event.changes} />
    </li>
  );
}

export function AuditScreen({ api, admin }: { api: OrgApi; admin: boolean }) {
  const [entityId, setEntityId] = useState(() => new URLSearchParams(location.search).get("entity_id") ?? "");
  const [typed, setTyped] = useState(entityId);
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const current = useRef<AbortController | null>(null);

  const load = useCallback(
    (cursor: string | null) => {
      current.current?.abort();
      const controller = new AbortController();
      current.current = controller;
      setLoading(true);
      listAudit(api, entityId, cursor, controller.signal).then(
        (page) => {
          if (controller.signal.aborted) return;
          setEvents((shown) => (cursor && shown ? [...shown, ...page.items] : page.items));
          setNext(page.next_cursor);
          setError(null);
          setLoading(false);
        },
        (e) => {
          if (controller.signal.aborted) return;
          setError(e);
          setLoading(false);
        },
      );
    },
    [api, entityId],
  );

  useEffect(() => {
    setEvents(null);
    load(null);
    const search = entityId ? `?entity_id=${encodeURIComponent(entityId)}` : "";
    if (location.search !== search) history.replaceState(null, "", `${location.pathname}${search}`);
    return () => current.current?.abort();
  }, [load, entityId]);

  const filter = (id: string) => {
    setTyped(id);
    setEntityId(id.trim());
  };

  return (
    <main id="main" class="audit">
      <div class="section-head">
        <h1 id="audit-heading">Audit log</h1>
        <button type="button" onClick={() => load(null)} disabled={loading}>
          Refresh
        </button>
      </div>
      {!admin && <p class="hint">The audit log is for organization admins; Orgo will refuse it to other members.</p>}
      <form
        class="audit-filter"
        aria-label="Filter the audit log"
        onSubmit={(e) => {
          e.preventDefault();
          filter(typed);
        }}
      >
        <div class="field">
          <label for="audit-entity">Entity id</label>
          <input
            id="audit-entity"
            value={typed}
            maxLength={100}
            placeholder="a case, task, user… id"
            onInput={(e) => setTyped((e.target as HTMLInputElement).value)}
          />
        </div>
        <button type="submit">Filter</button>
        {entityId && (
          <button type="button" onClick={() => filter("")}>
            Show all
          </button>
        )}
      </form>
      <ErrorNotice error={error} onRetry={() => load(null)} />
      {events === null && loading && <Loading what="audit events" />}
      {events && (
        <p class="summary" aria-live="polite">
          {events.length} event{events.length === 1 ? "" : "s"} shown, newest first{entityId ? ` for ${entityId}` : ""}
          {loading ? " · loading…" : ""}
        </p>
      )}
      {events && events.length === 0 && !loading && <Empty>{entityId ? "No event names this entity." : "No events yet."}</Empty>}
      {events && events.length > 0 && (
        <ol class="audit-list" aria-labelledby="audit-heading">
          {events.map((e) => (
            <AuditItem key={e.event_id} event={e} onFilter={filter} />
          ))}
        </ol>
      )}
      {next && events && (
        <button type="button" class="load-more" onClick={() => load(next)} disabled={loading}>
          {loading ? "Loading more…" : "Load older events"}
        </button>
      )}
    </main>
  );
}
