/** Adds a task to a case; severity and label default to the case's. */
import { useState } from "preact/hooks";
import { addTask, type OrgApi } from "../api/orgo";
import { type Role, SEVERITIES, type Severity } from "../api/types";
import { wordFor } from "./badges";
import { ErrorNotice } from "./states";

export function AddTaskForm({ api, caseId, roles, onAdded }: { api: OrgApi; caseId: string; roles: Role[]; onAdded: () => void }) {
  const [title, setTitle] = useState("");
  const [severity, setSeverity] = useState<Severity | "">("");
  const [ownerRole, setOwnerRole] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await addTask(api, caseId, { title: title.trim(), ...(severity ? { severity } : {}), ...(ownerRole ? { owner_role: ownerRole } : {}) });
      setTitle("");
      onAdded();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="add-task" onSubmit={submit} aria-labelledby="add-task-heading">
      <h3 id="add-task-heading">Add a task</h3>
      <div class="field">
        <label for="task-title">Task title</label>
        <input id="task-title" required maxLength={300} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
      </div>
      <div class="field-row">
        <div class="field">
          <label for="task-severity">Severity</label>
          <select id="task-severity" value={severity} onChange={(e) => setSeverity(e.currentTarget.value as Severity | "")}>
            <option value="">Same as the case</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {wordFor(s)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="task-owner">Owner role</label>
          <select id="task-owner" value={ownerRole} onChange={(e) => setOwnerRole(e.currentTarget.value)}>
            <option value="">The case's role</option>
            {roles.map((r) => (
              <option key={r.role_id} value={r.name}>
                {r.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorNotice error={error} />
      <button type="submit" class="primary" disabled={busy}>
        {busy ? "Adding…" : "Add task"}
      </button>
    </form>
  );
}
