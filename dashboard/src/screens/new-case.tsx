/** Opens a case, and its first task if one is named, then shows it. */
import { useState } from "preact/hooks";
import { addTask, createCase, type OrgApi } from "../api/orgo";
import { type Role, SEVERITIES, type Severity } from "../api/types";
import { wordFor } from "../components/badges";
import { chosenLabel, type LabelChoice, LabelPicker } from "../components/label-picker";
import { Link } from "../components/link";
import { ErrorNotice } from "../components/states";
import { navigate } from "../router";

export function NewCase({ api, roles }: { api: OrgApi; roles: Role[] }) {
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [severity, setSeverity] = useState<Severity>("medium");
  const [site, setSite] = useState("");
  const [area, setArea] = useState("");
  const [tags, setTags] = useState("");
  const [taskTitle, setTaskTitle] = useState("");
  const [label, setLabel] = useState<LabelChoice>({ route: "manual", base: 1001, category: 1, subcategory: 1, role: roles[0]?.name ?? "" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const location = { ...(site.trim() ? { site: site.trim() } : {}), ...(area.trim() ? { area: area.trim() } : {}) };
      const tagList = tags
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean);
      const created = await createCase(api, {
        title: title.trim(),
        severity,
        ...(description.trim() ? { description: description.trim() } : {}),
        ...(chosenLabel(label) ? { label: chosenLabel(label) } : {}),
        ...(Object.keys(location).length > 0 ? { location } : {}),
        ...(tagList.length > 0 ? { tags: tagList } : {}),
      });
      if (taskTitle.trim()) await addTask(api, created.case_id, { title: taskTitle.trim() });
      navigate(`/cases/${encodeURIComponent(created.case_id)}`);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <main id="main" class="new-case">
      <p>
        <Link href="/">← Inbox</Link>
      </p>
      <h1>New case</h1>
      <form onSubmit={submit}>
        <div class="field">
          <label for="case-title">Title</label>
          <input id="case-title" required maxLength={300} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="case-description">Description</label>
          <textarea id="case-description" rows={4} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="case-severity">Severity</label>
          <select id="case-severity" value={severity} onChange={(e) => setSeverity(e.currentTarget.value as Severity)} aria-describedby="severity-hint">
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {wordFor(s)}
              </option>
            ))}
          </select>
          <span id="severity-hint" class="hint">
            Sets how soon someone must react (the profile's reactivity time).
          </span>
        </div>
        <LabelPicker value={label} roles={roles} onChange={setLabel} />
        <div class="field-row">
          <div class="field">
            <label for="case-site">Site</label>
            <input id="case-site" maxLength={200} value={site} onInput={(e) => setSite(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="case-area">Area</label>
            <input id="case-area" maxLength={200} value={area} onInput={(e) => setArea(e.currentTarget.value)} />
          </div>
        </div>
        <div class="field">
          <label for="case-tags">Tags (comma-separated)</label>
          <input id="case-tags" value={tags} onInput={(e) => setTags(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="case-task">First task (optional)</label>
          <input id="case-task" maxLength={300} value={taskTitle} onInput={(e) => setTaskTitle(e.currentTarget.value)} />
        </div>
        <ErrorNotice error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? "Creating…" : "Create case"}
        </button>
      </form>
    </main>
  );
}
