/**
 * Loads something for a screen and keeps what was shown while it reloads,
 * so a live refresh does not blank the page; a stale answer that arrives
 * after a newer request started is dropped.
 */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";

export interface Resource<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Resource<T> {
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>({ data: null, error: null, loading: true });
  const current = useRef<AbortController | null>(null);
  // The caller's deps decide when `load` means something new (it is a fresh closure on every render).
  const run = useCallback(() => {
    current.current?.abort();
    const controller = new AbortController();
    current.current = controller;
    setState((s) => ({ ...s, loading: true }));
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ data, error: null, loading: false });
      },
      (error) => {
        if (!controller.signal.aborted) setState((s) => ({ data: s.data, error, loading: false }));
      },
    );
  }, deps);
  useEffect(() => {
    run();
    return () => current.current?.abort();
  }, [run]);
  return { ...state, reload: run };
}
