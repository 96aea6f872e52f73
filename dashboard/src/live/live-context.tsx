/** Screens subscribe to the one live connection the signed-in app keeps open. */
import { createContext, type ComponentChildren } from "preact";
import { useContext, useEffect, useRef } from "preact/hooks";
import type { LiveEvent } from "../api/types";

type Listener = (event: LiveEvent) => void;

export class LiveHub {
  private readonly listeners = new Set<Listener>();
  publish(event: LiveEvent): void {
    for (const listener of this.listeners) listener(event);
  }
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

const LiveContext = createContext<LiveHub | null>(null);

export function LiveProvider({ hub, children }: { hub: LiveHub; children: ComponentChildren }) {
  return <LiveContext.Provider value={hub}>{children}</LiveContext.Provider>;
}

/**
 * Calls `refresh` once, `delayMs` after the last event that `concerns` what
 * the screen shows: a burst of changes (a signal opening a case and its
 * tasks) costs one reload, not one per message.
 */
export function useLiveRefresh(concerns: (event: LiveEvent) => boolean, refresh: () => void, delayMs = 400): void {
  const hub = useContext(LiveContext);
  const latest = useRef({ concerns, refresh });
  latest.current = { concerns, refresh };
  useEffect(() => {
    if (!hub) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const unsubscribe = hub.subscribe((event) => {
      if (!latest.current.concerns(event)) return;
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        latest.current.refresh();
      }, delayMs);
    });
    return () => {
      unsubscribe();
      if (timer !== null) clearTimeout(timer);
    };
  }, [hub, delayMs]);
}
