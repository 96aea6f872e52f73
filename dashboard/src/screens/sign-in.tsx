/** Organization, email and password in; a session token (12 h, this tab only) out. */
import { useState } from "preact/hooks";
import { login } from "../api/orgo";
import type { Session } from "../api/session";
import { ErrorNotice } from "../components/states";

export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [org, setOrg] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const slug = org.trim();
      const answer = await login(slug, email.trim(), password);
      onSignedIn({ token: answer.token, org: slug, expires_at: answer.expires_at });
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <h1>Sign in to Orgo</h1>
      <form onSubmit={submit} aria-describedby="sign-in-help">
        <p id="sign-in-help" class="hint">
          Use the organization's short name (its slug, e.g. <code>demo</code>) and your own email and password.
        </p>
        <label for="org">Organization</label>
        <input id="org" name="org" required autoComplete="organization" value={org} onInput={(e) => setOrg(e.currentTarget.value)} />
        <label for="email">Email</label>
        <input id="email" name="email" type="email" required autoComplete="username" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          required
          autoComplete="current-password"
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        <ErrorNotice error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
