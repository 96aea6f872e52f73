/**
 * Sends one signal (POST /v1/orgs/{org}/signals), as an integration would, and
 * shows how the profile routed it: the case it went to and the rules that
 * matched. Loaded on first visit, outside the first screen's budget.
 */
import { useState } from "preact/hooks";
import { request } from "../api/http";
import type { OrgApi } from "../api/orgo";
import { type Case, SEVERITIES, type Severity } from "../api/types";
import { wordFor } from "../components/badges";
import { Link } from "../components/link";
import { ErrorNotice } from "../components/states";
import "./new-signal.css";

interface SignalAnswer {
  signal_id: string;
  case: Case | null;
  tasks: { task_id: string; title: string }[];
  matched_rules: string[];
  duplicate: boolean;
}

function sendSignal(api: OrgApi, body: Record<string, unknown>) {
  return request<SignalAnswer>(`/v1/orgs/${encodeURIComponent(api.org)}/signals`, { method: "POST", body, token: api.token });
}

function Answer({ answer }: { answer: SignalAnswer }) {
  const c = answer.case;
  return (
    <section class="card signal-answer" aria-labelledby="signal-answer-heading">
      <h2 id="signal-answer-heading">{answer.duplicate ? "Already received" : "Signal received"}</h2>
      {answer.duplicate && <p>This signal was sent before; this is what it did then.</p>}
      {c ? (
        <p>
          Routed to case{" "}
          <Link href={`/cases/${encodeURIComponent(c.case_id)}`}>
            #{c.ref} {c.title}
          </Link>{" "}
          <span class="meta">
            ({wordFor(c.severity)}, label <code>{c.label}</code>
            {answer.tasks.length > 0 ? `, ${answer.tasks.length === 1 ? "1 new task" : `${answer.tasks.length} new tasks`}` : ""})
          </span>
        </p>
      ) : (
        <p>The signal was routed to a case you may not see.</p>
      )}
      {answer.matched_rules.length === 0 ? (
        <p class="meta">No flow rule matched: the profile's default routing applied.</p>
      ) : (
        <>
          <p>Matched rules:</p>
          <ul class="plain-list">
            {answer.matched_rules.map((r) => (
              <li key={r}>
                <code>{r}</code>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

export function NewSignal({ api }: { api: OrgApi }) {
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [severity, setSeverity] = useState<Severity | "">("");
  const [site, setSite] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [answer, setAnswer] = useState<SignalAnswer | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setAnswer(null);
    try {
      const result = await sendSignal(api, {
        title: title.trim(),
        ...(body.trim() ? { body: body.trim() } : {}),
        ...(severity ? { severity } : {}),
        ...(site.trim() ? { location: { site: site.trim() } } : {}),
      });
      setAnswer(result);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="new-signal">
      <h1>New signal</h1>
      <p class="hint">A signal is a report, as a sensor or another system would send it. The profile's flow rules decide which case it opens or joins.</p>
      <form onSubmit={submit}>
        <div class="field">
          <label for="signal-title">Title</label>
          <input id="signal-title" required maxLength={300} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="signal-body">Body (optional)</label>
          <textarea id="signal-body" rows={4} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
        </div>
        <div class="field-row">
          <div class="field">
            <label for="signal-severity">Severity (optional)</label>
            <select
              id="signal-severity"
              value={severity}
              onChange={(e) => setSeverity(e.currentTarget.value as Severity | "")}
              aria-describedby="signal-severity-hint"
            >
              <option value="">Rules decide</option>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {wordFor(s)}
                </option>
              ))}
            </select>
            <span id="signal-severity-hint" class="hint">
              A matching rule may set another.
            </span>
          </div>
          <div class="field">
            <label for="signal-site">Site (optional)</label>
            <input id="signal-site" maxLength={200} value={site} onInput={(e) => setSite(e.currentTarget.value)} />
          </div>
        </div>
        <ErrorNotice error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? "Sending…" : "Send signal"}
        </button>
      </form>
      <div aria-live="polite">{answer && <Answer answer={answer} />}</div>
    </main>
  );
}
