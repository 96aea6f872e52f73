/** Answers a case by email: to its last correspondent unless another address is given. */
import { useState } from "preact/hooks";
import { type OrgApi, replyByEmail } from "../api/orgo";
import { ErrorNotice } from "./states";

export function ReplyForm({ api, caseId, onSent }: { api: OrgApi; caseId: string; onSent: () => void }) {
  const [body, setBody] = useState("");
  const [to, setTo] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSent(false);
    try {
      await replyByEmail(api, caseId, { body, ...(to.trim() ? { to: to.trim() } : {}) });
      setBody("");
      setSent(true);
      onSent();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="reply" onSubmit={submit} aria-labelledby="reply-heading">
      <h2 id="reply-heading">Reply by email</h2>
      <div class="field">
        <label for="reply-to">To (optional)</label>
        <input id="reply-to" type="email" value={to} placeholder="the last correspondent" onInput={(e) => setTo(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="reply-body">Message</label>
        <textarea id="reply-body" required rows={4} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
      </div>
      <ErrorNotice error={error} />
      {sent && (
        <p class="state success" role="status">
          Reply queued. It appears in the timeline.
        </p>
      )}
      <button type="submit" class="primary" disabled={busy}>
        {busy ? "Sending…" : "Send reply"}
      </button>
    </form>
  );
}
