/**
 * Live updates: the organization's object holds its members' WebSockets
 * through the Hibernation API (`ctx.acceptWebSocket`), so an idle connection
 * costs nothing, and tells each one of the changes it may see, as
 * `{ type, id, version, at }`.
 *
 * What changed is read from the outbox: every committed command leaves its
 * case, task and notification rows there, in commit order, before they go to
 * D1. The object publishes synchronously right after each commit (and before
 * any flush acknowledges rows), from a cursor over the outbox's sequence, so
 * each row is published once and the events of one item leave in version
 * order. With no socket connected, publishing costs one `getWebSockets()`.
 *
 * Each socket keeps its viewer (user, admin, positions, token) in its
 * serialized attachment, so it survives hibernation. Visibility is judged per
 * item and per viewer with the same rules as every read (canSee under the
 * profile's privacy; in-app notices for their audience, or for admins). The
 * Worker authenticates first; the object checks the token once more against
 * its own record (the source of truth) and closes a token's sockets when the
 * token is revoked or expires.
 */
import { z } from "zod";
import { Position } from "../../core/model";
import { inAudience, parseAudienceKey } from "../../core/notifications/plan";
import type { Profile } from "../../core/profiles";
import { type Actor, canSee } from "../../core/privacy/visibility";
import type { OrgStore } from "../store/org-store";

/** The one path the object's `fetch` serves (the Worker forwards the upgrade there). */
export const LIVE_EVENTS_PATH = "/events";
/** Who connects, as the Worker authenticated it; set by the Worker only (any client copy is dropped). */
export const LIVE_VIEWER_HEADER = "x-orgo-live-viewer";

/** Close codes: the token stopped being valid (policy violation), or the request was not one the object accepts. */
const CLOSE_TOKEN_ENDED = 1008;
const TOKEN_TAG = (tokenId: string) => `token:${tokenId}`;

const ConnectRequest = z.object({
  user_id: z.string().nullable(),
  admin: z.boolean(),
  positions: z.array(Position),
  token_id: z.string().min(1).max(200).nullable(),
});
export type ConnectRequest = z.infer<typeof ConnectRequest>;

/** What a socket remembers across hibernation. */
export interface LiveViewer {
  user_id: string | null;
  admin: boolean;
  positions: z.infer<typeof Position>[];
  token_id: string | null;
  expires_at: string | null;
}

export interface LiveEvent {
  type: "case" | "task" | "notification";
  id: string;
  version: number;
  at: string;
}

/** The header value the Worker sets: JSON, percent-encoded (role names need not be ASCII). */
export function encodeConnectRequest(actor: Actor, tokenId: string | null): string {
  const value: ConnectRequest = { user_id: actor.user_id, admin: actor.admin, positions: actor.positions, token_id: tokenId };
  return encodeURIComponent(JSON.stringify(value));
}

function decodeConnectRequest(header: string | null): ConnectRequest | null {
  if (!header) return null;
  try {
    const parsed = ConnectRequest.safeParse(JSON.parse(decodeURIComponent(header)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The viewer a socket was accepted with, from its attachment (so after hibernation too). */
export function viewerOf(ws: WebSocket): LiveViewer | null {
  const v = ws.deserializeAttachment() as LiveViewer | null | undefined;
  return v && typeof v === "object" && typeof v.admin === "boolean" && Array.isArray(v.positions) ? v : null;
}

const text = (status: number, body: string) => new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });

export class LiveEvents {
  /** Outbox rows above this sequence are not published yet; null while no socket listens. */
  private cursor: number | null;
  /** Viewers of this instance's sockets, so the attachment is read once per socket per wake-up. */
  private readonly viewers = new WeakMap<WebSocket, LiveViewer | null>();

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly store: OrgStore,
    private readonly profile: () => Profile | null,
    private readonly now: () => Date,
  ) {
    // Woken from hibernation with sockets open: every earlier commit was published by the
    // previous instance (publishing follows each commit synchronously), so start at the head.
    this.cursor = ctx.getWebSockets().length > 0 ? store.outboxHead() : null;
    // Keep-alives are answered by the runtime without waking the object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /** The object's `fetch`: accept an authenticated upgrade on the events path. */
  connect(request: Request): Response {
    if (new URL(request.url).pathname !== LIVE_EVENTS_PATH) return text(404, "not found");
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return text(426, "expected a WebSocket upgrade");
    const asked = decodeConnectRequest(request.headers.get(LIVE_VIEWER_HEADER));
    if (!asked) return text(400, "no viewer");
    const viewer = this.admit(asked);
    if (!viewer) return text(401, "the token is unknown, expired or revoked");
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server, viewer.token_id ? [TOKEN_TAG(viewer.token_id)] : []);
    server.serializeAttachment(viewer);
    this.viewers.set(server, viewer);
    this.cursor ??= this.store.outboxHead();
    return new Response(null, { status: 101, webSocket: client });
  }

  /**
   * The token is checked once more here, against the object's own record: a
   * revocation committed between the Worker's check and this moment is seen,
   * and the viewer's rights are the token's as stored.
   */
  private admit(asked: ConnectRequest): LiveViewer | null {
    if (asked.token_id === null) {
      // The platform admin token (no token row): the Worker verified the secret.
      return asked.admin ? { user_id: null, admin: true, positions: [], token_id: null, expires_at: null } : null;
    }
    const token = this.store.getToken(asked.token_id);
    if (!token || token.revoked_at || token.user_id !== asked.user_id || this.expired(token.expires_at)) return null;
    return { user_id: token.user_id, admin: token.admin, positions: token.positions, token_id: token.token_id, expires_at: token.expires_at };
  }

  private expired(expiresAt: string | null): boolean {
    return expiresAt !== null && expiresAt <= this.now().toISOString();
  }

  private viewer(ws: WebSocket): LiveViewer | null {
    if (!this.viewers.has(ws)) this.viewers.set(ws, viewerOf(ws));
    return this.viewers.get(ws) ?? null;
  }

  /** Clients have nothing to say; a socket whose session expired meanwhile is closed. */
  message(ws: WebSocket): void {
    const viewer = this.viewer(ws);
    if (!viewer || this.expired(viewer.expires_at)) close(ws, CLOSE_TOKEN_ENDED, "the token expired");
  }

  /** The client closed: finish the closing handshake. */
  closed(ws: WebSocket, code: number, reason: string): void {
    // 1005 and 1006 describe a close without a code; they cannot be sent back.
    close(ws, code === 1005 || code === 1006 ? 1000 : code, reason);
  }

  failed(ws: WebSocket): void {
    close(ws, 1011, "error");
  }

  /**
   * After a commit: send each socket the changes its viewer may see, and
   * close the sockets of tokens revoked (or expired) since the last publish.
   * Never throws: a commit's answer must not depend on its listeners.
   */
  publish(): void {
    try {
      const sockets = this.ctx.getWebSockets();
      if (sockets.length === 0) {
        this.cursor = null;
        return;
      }
      const from = this.cursor ?? this.store.outboxHead();
      const head = this.store.outboxHead();
      // A flushed outbox is empty (head 0) but its sequence never goes back: keep the higher mark.
      this.cursor = Math.max(from, head);
      if (head <= from) return;
      this.closeRevoked(from);
      const cases = this.store.outboxSince(from, "case");
      const tasks = this.store.outboxSince(from, "task");
      const notices = this.store.outboxSince(from, "notification").filter((n) => n.row.channel === "in_app" && n.row.status === "delivered");
      if (cases.length + tasks.length + notices.length === 0) return;
      const privacy = this.profile()?.privacy ?? "need_to_know";
      for (const ws of this.ctx.getWebSockets()) {
        if (ws.readyState !== WebSocket.OPEN) continue;
        const viewer = this.viewer(ws);
        if (!viewer || this.expired(viewer.expires_at)) {
          close(ws, CLOSE_TOKEN_ENDED, "the token expired");
          continue;
        }
        const events: LiveEvent[] = [];
        for (const { row } of cases) if (canSee(viewer, row, privacy)) events.push({ type: "case", id: row.case_id, version: row.version, at: row.updated_at });
        for (const { row } of tasks) if (canSee(viewer, row, privacy)) events.push({ type: "task", id: row.task_id, version: row.version, at: row.updated_at });
        for (const { row } of notices) {
          const audience = viewer.admin ? null : parseAudienceKey(row.recipient);
          if (viewer.admin || (audience && inAudience(audience, viewer.positions))) {
            events.push({ type: "notification", id: row.notification_id, version: row.version ?? 1, at: row.at });
          }
        }
        for (const event of events) send(ws, event);
      }
    } catch (e) {
      console.error(JSON.stringify({ msg: "live publish failed", error: String(e) }));
    }
  }

  /** A token revoked since `from` (logout, revocation, a user deactivated or given new rights) ends its sockets. */
  private closeRevoked(from: number): void {
    for (const { row } of this.store.outboxSince(from, "token")) {
      if (!row.revoked_at) continue;
      for (const ws of this.ctx.getWebSockets(TOKEN_TAG(row.token_id))) close(ws, CLOSE_TOKEN_ENDED, "the token was revoked");
    }
  }
}

function send(ws: WebSocket, event: LiveEvent): void {
  try {
    ws.send(JSON.stringify(event));
  } catch {
    // Closing or closed: the client's close handler does the rest.
  }
}

function close(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code, reason);
  } catch {
    // Already closed.
  }
}
