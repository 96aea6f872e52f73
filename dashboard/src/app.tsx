/** Signed out: the sign-in form. Signed in: who you are, the live connection and the current screen. */
import { useEffect, useMemo, useState } from "preact/hooks";
import { whenUnauthorized } from "./api/http";
import { listRoles, logout, type OrgApi, whoAmI } from "./api/orgo";
import { clearSession, loadSession, type Session, saveSession } from "./api/session";
import { LazyScreen } from "./components/lazy-screen";
import { Link } from "./components/link";
import "./components/shell.css";
import { ErrorNotice, Loading } from "./components/states";
import { connectLive, type LiveStatus } from "./live/live-events";
import { LiveHub, LiveProvider } from "./live/live-context";
import { navigate, useRoute } from "./router";
import { CasePage } from "./screens/case-page";
import { Inbox } from "./screens/inbox";
import { NewCase } from "./screens/new-case";
import { SignIn } from "./screens/sign-in";
import { useResource } from "./use-resource";

// Screens away from the inbox load on first visit, outside the first screen's budget.
const loadInsights = () => import("./screens/insights").then((m) => m.Insights);
const loadProfile = () => import("./screens/profile").then((m) => m.ProfileScreen);
const loadAudit = () => import("./screens/audit").then((m) => m.AuditScreen);
const loadNewSignal = () => import("./screens/new-signal").then((m) => m.NewSignal);

const LIVE_WORDS: Record<LiveStatus, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  closed: "Offline",
};

function SignedIn({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const api: OrgApi = useMemo(() => ({ org: session.org, token: session.token }), [session]);
  const me = useResource(() => whoAmI(session.token), [session]);
  const roles = useResource((signal) => listRoles(api).then((r) => (signal.aborted ? [] : r.items)), [api]);
  const [live, setLive] = useState<LiveStatus>("connecting");
  const hub = useMemo(() => new LiveHub(), []);
  const route = useRoute();

  useEffect(
    () => connectLive({ org: session.org, token: session.token, onEvent: (e) => hub.publish(e), onStatus: setLive, onRevoked: onSignOut }),
    [session, hub, onSignOut],
  );

  const signOut = async () => {
    try {
      await logout(session.token);
    } catch {
      // Signing out locally matters most; an expired token is already as good as revoked.
    }
    onSignOut();
  };

  const admin = me.data?.admin === true || me.data?.kind === "platform";
  const who = me.data?.user?.display_name ?? me.data?.user?.email ?? (me.data?.kind === "platform" ? "Platform admin" : "");
  return (
    <LiveProvider hub={hub}>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="app-header">
        <Link href="/" class="brand">
          Orgo
        </Link>
        <span class="org-name">{me.data?.org?.name ?? session.org}</span>
        <nav aria-label="Main">
          <Link href="/">Inbox</Link>
          <Link href="/cases/new">New case</Link>
          <Link href="/signals/new">New signal</Link>
          <Link href="/insights">Insights</Link>
          <Link href="/profile">Profile</Link>
          {admin && <Link href="/audit">Audit</Link>}
          <a href="/docs/">Docs</a>
        </nav>
        <span class={`live-status live-${live}`} role="status" aria-live="polite">
          {LIVE_WORDS[live]}
        </span>
        <span class="who">{who}</span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      {roles.error ? (
        <main id="main">
          <ErrorNotice error={roles.error} onRetry={roles.reload} />
        </main>
      ) : !roles.data ? (
        <main id="main">
          <Loading what="your organization" />
        </main>
      ) : route.screen === "case" ? (
        <CasePage key={route.caseId} api={api} caseId={route.caseId} roles={roles.data} />
      ) : route.screen === "insights" ? (
        <LazyScreen load={loadInsights} what="insights" props={{ api }} />
      ) : route.screen === "profile" ? (
        <LazyScreen load={loadProfile} what="the profile" props={{ api, admin }} />
      ) : route.screen === "audit" ? (
        <LazyScreen load={loadAudit} what="the audit log" props={{ api, admin }} />
      ) : route.screen === "new-signal" ? (
        <LazyScreen load={loadNewSignal} what="the signal form" props={{ api }} />
      ) : route.screen === "new-case" ? (
        <NewCase api={api} roles={roles.data} />
      ) : (
        <Inbox api={api} roles={roles.data} />
      )}
    </LiveProvider>
  );
}

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const signOut = useMemo(
    () => () => {
      clearSession();
      setSession(null);
    },
    [],
  );
  useEffect(() => whenUnauthorized(signOut), [signOut]);

  if (!session) {
    return (
      <SignIn
        onSignedIn={(s) => {
          saveSession(s);
          setSession(s);
          navigate(location.pathname);
        }}
      />
    );
  }
  return <SignedIn key={session.token} session={session} onSignOut={signOut} />;
}
