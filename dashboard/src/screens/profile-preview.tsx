/** What a draft profile would route differently, from POST …/profile/dry-run. */
import { wordFor } from "../components/badges";
import { Empty } from "../components/states";
import type { DryRunReport, Routing } from "./profile-api";

const FIELD_WORDS: Record<keyof Routing, string> = {
  label: "Label",
  severity: "Severity",
  reactivity_time: "Reactivity time",
  matched_rules: "Rules",
  tasks: "Tasks",
};

function shown(field: keyof Routing, routing: Routing): string {
  const value = routing[field];
  if (Array.isArray(value)) return value.length ? value.join(", ") : "none";
  if (field === "severity") return wordFor(String(value));
  return String(value);
}

function TallyTable({ title, before, after }: { title: string; before: Record<string, number>; after: Record<string, number> }) {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const moved = keys.filter((k) => (before[k] ?? 0) !== (after[k] ?? 0));
  if (moved.length === 0) return null;
  return (
    <div class="table-scroll">
      <table>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{title.split(" ").pop()}</th>
            <th scope="col" class="num">
              Now
            </th>
            <th scope="col" class="num">
              With the draft
            </th>
          </tr>
        </thead>
        <tbody>
          {moved.map((k) => (
            <tr key={k}>
              <th scope="row">
                <code>{k}</code>
              </th>
              <td class="num">{before[k] ?? 0}</td>
              <td class="num">{after[k] ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function DryRunView({ report, stale }: { report: DryRunReport; stale: boolean }) {
  const since = new Date(report.since).toLocaleString();
  return (
    <section class="card dry-run" aria-labelledby="dry-run-heading">
      <h2 id="dry-run-heading">Preview: what would route differently</h2>
      {stale && <p class="state error">The text changed after this preview. Check again to see the current draft.</p>}
      <p>
        {report.signals} signal{report.signals === 1 ? "" : "s"} received since {since} replayed; <strong>{report.changed}</strong> would route differently.
        {report.truncated && " Only part of the window was replayed (it holds more signals than a preview reads)."}
      </p>
      {report.changed === 0 ? (
        <Empty>{report.signals === 0 ? "No signal arrived in this window, so there is nothing to compare." : "Every signal would route as it does now."}</Empty>
      ) : (
        <>
          <TallyTable title="Signals by label" before={report.before.by_label} after={report.after.by_label} />
          <TallyTable title="Signals by severity" before={report.before.by_severity} after={report.after.by_severity} />
          <ul class="plain-list">
            {report.changes.map((c) => (
              <li key={c.signal_id}>
                <strong>{c.title}</strong> <span class="meta">{new Date(c.received_at).toLocaleString()}</span>
                <ul class="changes">
                  {(c.fields as (keyof Routing)[]).map((f) => (
                    <li key={f}>
                      {FIELD_WORDS[f] ?? f}: {shown(f, c.before)} <span aria-hidden="true">→</span>
                      <span class="visually-hidden">would become</span> {shown(f, c.after)}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
