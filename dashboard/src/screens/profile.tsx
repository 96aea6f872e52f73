/**
 * The organization's profile as YAML. Admins edit it: "Check and preview"
 * replays recent signals through the draft (nothing is written), "Save"
 * replaces the profile. Problems are listed with their lines and marked in
 * the editor; each one jumps to its line.
 */
import { useMemo, useRef, useState } from "preact/hooks";
import type { OrgApi } from "../api/orgo";
import { CodeEditor, type CodeEditorHandle } from "../components/code-editor";
import { ErrorNotice, Loading } from "../components/states";
import { useResource } from "../use-resource";
import { type DryRunReport, dryRunProfile, getProfileYaml, ProfileError, type ProfileProblem, saveProfileYaml } from "./profile-api";
import { DryRunView } from "./profile-preview";
import "./profile.css";

const WINDOWS: [string, string][] = [
  ["P7D", "7 days"],
  ["P30D", "30 days"],
  ["P90D", "90 days"],
];

function ProblemList({ problems, onJump }: { problems: ProfileProblem[]; onJump: (p: ProfileProblem) => void }) {
  return (
    <div class="state error profile-problems" role="alert" id="profile-problems">
      <p class="error-message">{problems.length === 1 ? "1 problem" : `${problems.length} problems`} in the profile. Choose one to go to its line.</p>
      <ul>
        {problems.map((p, i) => (
          <li key={i}>
            {p.line !== null ? (
              <button type="button" class="link" onClick={() => onJump(p)}>
                Line {p.line}
                {p.column !== null ? `, column ${p.column}` : ""}
              </button>
            ) : (
              <span>No line</span>
            )}
            {p.path && (
              <>
                {" "}
                at <code>{p.path}</code>
              </>
            )}
            : {p.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Editor({ api, saved, onSaved }: { api: OrgApi; saved: string; onSaved: () => void }) {
  const [draft, setDraft] = useState(saved);
  const [span, setSpan] = useState("P30D");
  const [busy, setBusy] = useState<"check" | "save" | null>(null);
  const [problems, setProblems] = useState<ProfileProblem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [report, setReport] = useState<{ text: string; result: DryRunReport } | null>(null);
  const [notice, setNotice] = useState("");
  const editor = useRef<CodeEditorHandle>(null);
  const marked = useMemo(() => new Set(problems.map((p) => p.line).filter((n): n is number => n !== null)), [problems]);
  const dirty = draft !== saved;

  const fail = (e: unknown) => {
    if (e instanceof ProfileError && e.located.length > 0) {
      setProblems(e.located);
      setError(null);
      const first = e.located.find((p) => p.line !== null);
      if (first?.line) editor.current?.jump(first.line, first.column);
    } else {
      setProblems([]);
      setError(e);
    }
  };

  const check = async () => {
    setBusy("check");
    setNotice("");
    try {
      const result = await dryRunProfile(api, draft, span);
      setReport({ text: draft, result });
      setProblems([]);
      setError(null);
      setNotice("The profile is valid. The preview below shows what it would change.");
    } catch (e) {
      setReport(null);
      fail(e);
    } finally {
      setBusy(null);
    }
  };

  const save = async () => {
    setBusy("save");
    setNotice("");
    try {
      await saveProfileYaml(api, draft);
      setProblems([]);
      setError(null);
      setNotice("Saved. The new profile routes everything from now on; earlier deadlines stay as they were.");
      onSaved();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <form
        class="profile-editor"
        onSubmit={(e) => {
          e.preventDefault();
          check();
        }}
      >
        <label for="profile-yaml">Profile (YAML)</label>
        <p class="hint" id="profile-hint">
          Keys the schema does not know are errors. Tab moves to the next control; indent with spaces.
        </p>
        <CodeEditor
          id="profile-yaml"
          value={draft}
          onInput={setDraft}
          marked={marked}
          describedBy={problems.length > 0 ? "profile-hint profile-problems" : "profile-hint"}
          handle={editor}
        />
        <div class="editor-actions">
          <div class="field">
            <label for="dry-run-window">Replay signals of the last</label>
            <select id="dry-run-window" value={span} onChange={(e) => setSpan((e.target as HTMLSelectElement).value)}>
              {WINDOWS.map(([value, words]) => (
                <option key={value} value={value}>
                  {words}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" disabled={busy !== null}>
            {busy === "check" ? "Checking…" : "Check and preview"}
          </button>
          <button type="button" class="primary" onClick={save} disabled={busy !== null || !dirty}>
            {busy === "save" ? "Saving…" : "Save"}
          </button>
          {dirty && (
            <button type="button" onClick={() => setDraft(saved)} disabled={busy !== null}>
              Discard changes
            </button>
          )}
        </div>
      </form>
      <div aria-live="polite">{notice && <p class="state success">{notice}</p>}</div>
      {problems.length > 0 && <ProblemList problems={problems} onJump={(p) => p.line && editor.current?.jump(p.line, p.column)} />}
      <ErrorNotice error={error} />
      {report && <DryRunView report={report.result} stale={report.text !== draft} />}
    </>
  );
}

function ReadOnly({ yaml }: { yaml: string }) {
  return (
    <>
      <p class="hint">Only organization admins can change the profile.</p>
      <CodeEditor id="profile-yaml" value={yaml} onInput={() => {}} marked={new Set()} readOnly />
    </>
  );
}

export function ProfileScreen({ api, admin }: { api: OrgApi; admin: boolean }) {
  const yaml = useResource((signal) => getProfileYaml(api, signal), [api]);
  return (
    <main id="main" class="profile-screen">
      <h1>Profile</h1>
      <p class="hint">
        The profile sets reactivity windows, escalation, privacy, retention, roles, flow and pattern rules. Every change makes a new version; open work keeps
        the deadlines it was given.
      </p>
      {yaml.error && !yaml.data && <ErrorNotice error={yaml.error} onRetry={yaml.reload} />}
      {yaml.data === null && !yaml.error && <Loading what="the profile" />}
      {yaml.data !== null && (admin ? <Editor api={api} saved={yaml.data} onSaved={yaml.reload} /> : <ReadOnly yaml={yaml.data} />)}
    </main>
  );
}
