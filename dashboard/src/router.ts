/** Three screens need no router library: the path is the state, history moves between them. */
import { useEffect, useState } from "preact/hooks";

export type Route =
  | { screen: "inbox" }
  | { screen: "new-case" }
  | { screen: "new-signal" }
  | { screen: "case"; caseId: string }
  | { screen: "insights" }
  | { screen: "profile" }
  | { screen: "audit" };

export function routeOf(pathname: string): Route {
  if (pathname === "/cases/new") return { screen: "new-case" };
  if (pathname === "/signals/new") return { screen: "new-signal" };
  if (pathname === "/insights") return { screen: "insights" };
  if (pathname === "/profile") return { screen: "profile" };
  if (pathname === "/audit") return { screen: "audit" };
  const match = /^\/cases\/([^/]+)$/.exec(pathname);
  if (match) return { screen: "case", caseId: decodeURIComponent(match[1] as string) };
  return { screen: "inbox" };
}

const NAVIGATED = "orgo:navigated";

export function navigate(path: string): void {
  if (path === location.pathname + location.search) return;
  history.pushState(null, "", path);
  window.dispatchEvent(new Event(NAVIGATED));
  window.scrollTo(0, 0);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(location.pathname));
  useEffect(() => {
    const update = () => setRoute(routeOf(location.pathname));
    window.addEventListener("popstate", update);
    window.addEventListener(NAVIGATED, update);
    return () => {
      window.removeEventListener("popstate", update);
      window.removeEventListener(NAVIGATED, update);
    };
  }, []);
  return route;
}

/** For <a href> that should move inside the app while keeping middle-click and "open in new tab". */
export function followLink(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = event.currentTarget as HTMLAnchorElement;
  event.preventDefault();
  navigate(anchor.pathname + anchor.search);
}
