/**
 * The signed-in session. The token lives in sessionStorage: it dies with the
 * tab, and no other tab or later visit inherits it.
 */
const KEY = "orgo.session";

export interface Session {
  token: string;
  org: string;
  expires_at: string | null;
}

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Partial<Session>;
    if (typeof s.token !== "string" || typeof s.org !== "string") return null;
    if (s.expires_at && Date.parse(s.expires_at) <= Date.now()) return null;
    return { token: s.token, org: s.org, expires_at: s.expires_at ?? null };
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
