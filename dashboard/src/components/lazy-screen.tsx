/**
 * A screen loaded on first visit with a dynamic import(), so its code (and a
 * chart library) stays out of the first screen's budget.
 */
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ErrorNotice, Loading } from "./states";

type Loader<P> = () => Promise<ComponentType<P>>;

export function LazyScreen<P extends object>({ load, what, props }: { load: Loader<P>; what: string; props: P }) {
  const [screen, setScreen] = useState<{ Component: ComponentType<P> } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    setError(null);
    load().then(
      (Component) => live && setScreen({ Component }),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
    // `load` is a module-level function: one per screen, stable.
  }, [load, attempt]);

  if (screen) return <screen.Component {...props} />;
  return <main id="main">{error ? <ErrorNotice error={error} onRetry={() => setAttempt((n) => n + 1)} /> : <Loading what={what} />}</main>;
}
