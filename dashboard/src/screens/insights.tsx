/**
 * Insights: the weekly, monthly or yearly review of what the caller may see.
 * Loaded on first visit (with uPlot), outside the first screen's budget.
 */
import { useEffect, useState } from "preact/hooks";
import type { OrgApi } from "../api/orgo";
import { SEVERITIES } from "../api/types";
import { wordFor } from "../components/badges";
import { BarChart } from "../components/bar-chart";
import { Link } from "../components/link";
import { Empty, ErrorNotice, Loading } from "../components/states";
import { useResource } from "../use-resource";
import { CYCLES, type Cycle, getReview, type ListedCase, type Review, type Span } from "./insights-api";
import "./insights.css";

const CYCLE_WORDS: Record<Cycle, string> = { weekly: "Week", monthly: "Month", yearly: "Year" };
const PERIOD_WORDS: Record<Cycle, string> = { weekly: "last week", monthly: "last month", yearly: "last year" };
const NOW_COLOR = "#0b5cad";
const BEFORE_COLOR = "#8a95a1";

function fromUrl(): { cycle: Cycle; at: string } {
  const params = new URLSearchParams(location.search);
  const cycle = params.get("cycle");
  const at = params.get("at") ?? "";
  return { cycle: CYCLES.includes(cycle as Cycle) ? (cycle as Cycle) : "weekly", at: /^\d{4}-\d{2}-\d{2}$/.test(at) ? at : "" };
}

const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" });

/** Periods are half-open: the last day shown is the one before `to`. */
function spanWords(span: Span): string {
  const last = new Date(Date.parse(span.to) - 1).toISOString();
  return `${span.name}: ${day(span.from)} – ${day(last)} (UTC)`;
}

function percent(share: number | null): string {
  return share === null ? "–" : `${Math.round(share * 100)} %`;
}

function age(hours: number): string {
  if (hours < 1) return "under an hour";
  if (hours < 48) return `${Math.floor(hours)} h`;
  const days = Math.floor(hours / 24);
  return `${days} d ${Math.floor(hours - days * 24)} h`;
}

const REACTIVITY_WORDS: Record<ListedCase["reactivity_status"], string> = {
  met: "Reacted in time",
  missed: "Reacted late",
  overdue: "Overdue, no reaction",
  pending: "Awaiting reaction",
};

function CycleChoice({ cycle, onChange }: { cycle: Cycle; onChange: (c: Cycle) => void }) {
  return (
    <fieldset class="segmented">
      <legend>Review cycle</legend>
      {CYCLES.map((c) => (
        <label key={c} class={c === cycle ? "is-chosen" : ""}>
          <input type="radio" name="cycle" value={c} checked={c === cycle} onChange={() => onChange(c)} />
          {CYCLE_WORDS[c]}
        </label>
      ))}
    </fieldset>
  );
}

function Figures({ review }: { review: Review }) {
  const t = review.totals;
  const items: [string, string | number][] = [
    ["Opened", t.opened],
    ["Resolved", t.resolved],
    ["Open now", t.open_now],
    ["Critical open", t.critical_open],
    ["Unresolved", t.unresolved],
    ["Escalated", t.escalated],
    ["Escalation rate", percent(review.escalation_rate)],
    ["Reacted in time", t.reactivity_met],
    ["Reacted late", t.reactivity_missed],
  ];
  return (
    <dl class="figures">
      {items.map(([name, value]) => (
        <div key={name} class="figure">
          <dt>{name}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Charts({ review }: { review: Review }) {
  const severities = SEVERITIES.filter((s) => review.reactivity_compliance[s]);
  const compliance = severities.map((s) => review.reactivity_compliance[s] ?? { met: 0, missed: 0, share: null });
  const judged = compliance.some((c) => c.met + c.missed > 0);
  const sites = review.by_location.map((l) => l.site ?? "(no site)");
  return (
    <div class="charts">
      <BarChart
        title="Cases opened by department"
        categoryHeading="Department"
        categories={review.by_department.map((d) => d.department)}
        series={[
          { label: "This period", values: review.by_department.map((d) => d.opened), color: NOW_COLOR },
          { label: "Previous period", values: review.by_department.map((d) => d.previous_opened), color: BEFORE_COLOR },
        ]}
        extra={{ heading: "Critical", cells: review.by_department.map((d) => String(d.critical)) }}
        empty="No department opened a case in this period or the one before."
      />
      <BarChart
        title="Cases opened by location"
        categoryHeading="Site"
        categories={sites}
        series={[
          { label: "This period", values: review.by_location.map((l) => l.opened), color: NOW_COLOR },
          { label: "Previous period", values: review.by_location.map((l) => l.previous_opened), color: BEFORE_COLOR },
        ]}
        extra={{ heading: "Critical", cells: review.by_location.map((l) => String(l.critical)) }}
        empty="No location opened a case in this period or the one before."
      />
      <BarChart
        title="Reactivity compliance by severity"
        categoryHeading="Severity"
        categories={judged ? severities.map(wordFor) : []}
        series={[
          { label: "Reacted in time", values: compliance.map((c) => c.met), color: "#2f6b33" },
          { label: "Reacted late", values: compliance.map((c) => c.missed), color: "#a4161a" },
        ]}
        extra={{ heading: "Share in time", cells: compliance.map((c) => percent(c.share)) }}
        empty="No case of this period has been judged yet: each is still within its reactivity window."
      />
      <BarChart
        title="Open tasks by role"
        categoryHeading="Role"
        categories={review.role_load.map((r) => r.role)}
        series={[{ label: "Open tasks", values: review.role_load.map((r) => r.open_tasks), color: NOW_COLOR }]}
        empty="No open tasks right now."
      />
    </div>
  );
}

function CaseItems({ items, empty }: { items: ListedCase[]; empty: string }) {
  if (items.length === 0) return <Empty>{empty}</Empty>;
  return (
    <ul class="review-cases">
      {items.map((c) => (
        <li key={c.case_id} class={`review-case reactivity-${c.reactivity_status}`}>
          <Link href={`/cases/${encodeURIComponent(c.case_id)}`}>{c.title}</Link>
          <span class="meta">
            #{c.ref} · {wordFor(c.severity)} · open {age(c.age_hours)} ·{" "}
            <span class={`reactivity reactivity-${c.reactivity_status}`}>{REACTIVITY_WORDS[c.reactivity_status]}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}

function ReviewBody({ review }: { review: Review }) {
  return (
    <>
      <p class="period">
        <strong>{spanWords(review.period)}</strong>
        <span class="meta"> · compared with {spanWords(review.previous_period)}</span>
      </p>
      {review.truncated && (
        <p class="state error" role="note">
          This review hit its read limit: the figures cover only part of the data.
        </p>
      )}
      <section aria-labelledby="figures-heading">
        <h2 id="figures-heading">Figures</h2>
        <Figures review={review} />
      </section>
      <section aria-labelledby="charts-heading">
        <h2 id="charts-heading">Charts</h2>
        <Charts review={review} />
      </section>
      <div class="review-lists">
        <section aria-labelledby="critical-heading" class="card">
          <h2 id="critical-heading">Critical and open ({review.critical.length})</h2>
          <CaseItems items={review.critical} empty="No critical case is open." />
        </section>
        <section aria-labelledby="unresolved-heading" class="card">
          <h2 id="unresolved-heading">Unresolved ({review.unresolved.length})</h2>
          <CaseItems items={review.unresolved} empty="Nothing from this period or before is still open." />
        </section>
      </div>
      <section aria-labelledby="patterns-heading" class="card">
        <h2 id="patterns-heading">Patterns</h2>
        {review.patterns.length === 0 ? (
          <Empty>No pattern rule fired in this period.</Empty>
        ) : (
          <ul class="plain-list">
            {review.patterns.map((p) => (
              <li key={p.case_id}>
                <Link href={`/cases/${encodeURIComponent(p.case_id)}`}>{p.rule_id}</Link>
                {p.group && <span class="meta"> · group {p.group}</span>}
                {p.count !== null && <span class="meta"> · {p.count} signals</span>}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="suggestions-heading" class="card">
        <h2 id="suggestions-heading">Suggested profile changes</h2>
        {review.suggestions.length === 0 ? (
          <Empty>No suggestion: the reactivity windows held in this period.</Empty>
        ) : (
          <ul class="plain-list">
            {review.suggestions.map((s) => (
              <li key={s.path}>
                <code>{s.path}</code>: <code>{s.current}</code> <span aria-hidden="true">→</span>
                <span class="visually-hidden">could become</span> <code>{s.suggested}</code>
                <p class="meta">{s.reason}</p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

export function Insights({ api }: { api: OrgApi }) {
  const [query, setQuery] = useState(fromUrl);
  const { cycle, at } = query;
  const review = useResource((signal) => getReview(api, cycle, at, signal), [api, cycle, at]);

  // The address keeps the choice, so a review can be shared or reloaded.
  useEffect(() => {
    const params = new URLSearchParams();
    if (cycle !== "weekly") params.set("cycle", cycle);
    if (at) params.set("at", at);
    const search = params.toString() ? `?${params}` : "";
    if (location.search !== search) history.replaceState(null, "", `${location.pathname}${search}`);
  }, [cycle, at]);

  const data = review.data;
  const nothing = data && data.totals.opened === 0 && data.totals.open_now === 0 && data.totals.resolved === 0 && data.totals.unresolved === 0;
  return (
    <main id="main" class="insights">
      <div class="section-head">
        <h1 id="insights-heading">Insights</h1>
        <button type="button" onClick={review.reload} disabled={review.loading}>
          {review.loading && data ? "Refreshing…" : "Refresh"}
        </button>
      </div>
      <form class="review-controls" onSubmit={(e) => e.preventDefault()}>
        <CycleChoice cycle={cycle} onChange={(c) => setQuery({ cycle: c, at })} />
        <div class="field">
          <label for="review-at">Period containing</label>
          <input id="review-at" type="date" value={at} onChange={(e) => setQuery({ cycle, at: (e.target as HTMLInputElement).value })} />
        </div>
        {at && (
          <button type="button" onClick={() => setQuery({ cycle, at: "" })}>
            Back to this {CYCLE_WORDS[cycle].toLowerCase()}
          </button>
        )}
      </form>
      <ErrorNotice error={review.error} onRetry={review.reload} />
      {!data && review.loading && <Loading what="the review" />}
      {data && (
        <div aria-busy={review.loading}>
          {nothing && <Empty>Nothing happened in this period that you may see. Try {PERIOD_WORDS[cycle]} or another date.</Empty>}
          <ReviewBody review={data} />
        </div>
      )}
    </main>
  );
}
