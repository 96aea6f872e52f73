/**
 * The organization's live updates (GET /v1/orgs/{org}/events) over one
 * WebSocket per signed-in tab. Browsers cannot set headers on a WebSocket,
 * so the token travels as `?token=` (the route logs its pattern, never the
 * query). A dropped connection comes back with capped, jittered backoff; a
 * 1008 close means the token was revoked or expired, and retrying is useless.
 */
import type { LiveEvent } from "../api/types";

export type LiveStatus = "connecting" | "live" | "reconnecting" | "closed";

const FIRST_RETRY_MS = 1_000;
const LONGEST_RETRY_MS = 30_000;
const POLICY_VIOLATION = 1008;

export interface LiveOptions {
  org: string;
  token: string;
  onEvent: (event: LiveEvent) => void;
  onStatus: (status: LiveStatus) => void;
  onRevoked: () => void;
}

export function connectLive(options: LiveOptions): () => void {
  let socket: WebSocket | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let failures = 0;
  let stopped = false;

  const url = () => {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}/v1/orgs/${encodeURIComponent(options.org)}/events?token=${encodeURIComponent(options.token)}`;
  };

  const open = () => {
    if (stopped) return;
    options.onStatus(failures === 0 ? "connecting" : "reconnecting");
    socket = new WebSocket(url());
    socket.onopen = () => {
      failures = 0;
      options.onStatus("live");
    };
    socket.onmessage = (message) => {
      if (typeof message.data !== "string" || message.data === "pong") return;
      try {
        const event = JSON.parse(message.data) as LiveEvent;
        if (event && typeof event.id === "string") options.onEvent(event);
      } catch {
        // A message that is not an event is not ours to act on.
      }
    };
    socket.onclose = (close) => {
      socket = null;
      if (stopped) return;
      if (close.code === POLICY_VIOLATION) {
        options.onStatus("closed");
        options.onRevoked();
        return;
      }
      failures += 1;
      const ceiling = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** (failures - 1));
      options.onStatus("reconnecting");
      retryTimer = setTimeout(open, ceiling / 2 + Math.random() * (ceiling / 2));
    };
  };

  open();
  return () => {
    stopped = true;
    if (retryTimer !== null) clearTimeout(retryTimer);
    socket?.close(1000, "signed out");
    options.onStatus("closed");
  };
}
