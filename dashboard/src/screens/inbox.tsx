/**
 * The inbox: cases by label, filtered and paged (next_cursor), kept current
 * by live updates about shown cases and newly opened ones.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { listCases, type OrgApi } from "../api/orgo";
import type { Case, LiveEvent, Role } from "../api/types";
import { CaseFilters, type CaseFilterValues, NO_FILTERS } from "../components/case-filters";
import { CaseList } from "../components/case-list";
import { LabelTree, matchesSelection, type TreeSelection } from "../components/label-tree";
import { Link } from "../components/link";
import { Empty, ErrorNotice, Loading } from "../components/states";
import { useLiveRefresh } from "../live/live-context";

const PAGE_SIZE = 100;
const MAX_LIMIT = 200;
const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const;

function sorted(cases: Case[], order: CaseFilterValues["sort"]): Case[] {
  if (order === "newest") return cases;
  const copy = [...cases];
  if (order === "severity") return copy.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  const due = (c: Case) => (c.reactivity_deadline && c.reacted_at === null ? Date.parse(c.reactivity_deadline) : Number.POSITIVE_INFINITY);
  return copy.sort((a, b) => due(a) - due(b));
}

interface Loaded {
  cases: Case[];
  nextCursor: string | null;
}

export function Inbox({ api, roles }: { api: OrgApi; roles: Role[] }) {
  const [filters, setFilters] = useState<CaseFilterValues>(NO_FILTERS);
  const [selection, setSelection] = useState<TreeSelection>({ level: null, role: null });
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const request = useRef<AbortController | null>(null);
  const shownCount = useRef(0);

  const { status, severity, label } = filters;
  /** Reloads what is shown: as many cases as are loaded now (at least one page), from the top. */
  const load = useCallback(() => {
    request.current?.abort();
    const controller = new AbortController();
    request.current = controller;
    setLoading(true);
    const limit = Math.min(MAX_LIMIT, Math.max(PAGE_SIZE, shownCount.current));
    listCases(api, { status, severity, label, limit }, controller.signal).then(
      (page) => {
        if (controller.signal.aborted) return;
        setLoaded({ cases: page.items, nextCursor: page.next_cursor });
        setError(null);
        setLoading(false);
      },
      (e) => {
        if (controller.signal.aborted) return;
        setError(e);
        setLoading(false);
      },
    );
  }, [api, status, severity, label]);

  useEffect(() => {
    shownCount.current = 0;
    load();
    return () => request.current?.abort();
  }, [load]);
  useEffect(() => {
    shownCount.current = loaded?.cases.length ?? 0;
  }, [loaded]);

  const loadMore = async () => {
    if (!loaded?.nextCursor) return;
    setLoadingMore(true);
    try {
      const page = await listCases(api, { status, severity, label, limit: PAGE_SIZE, cursor: loaded.nextCursor });
      const known = new Set(loaded.cases.map((c) => c.case_id));
      setLoaded({ cases: [...loaded.cases, ...page.items.filter((c) => !known.has(c.case_id))], nextCursor: page.next_cursor });
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setLoadingMore(false);
    }
  };

  const shownIds = useMemo(() => new Set(loaded?.cases.map((c) => c.case_id)), [loaded]);
  // Version 1 is a case just opened: it may belong at the top of this list.
  const concerns = (event: LiveEvent) => event.type === "case" && (shownIds.has(event.id) || event.version === 1);
  useLiveRefresh(concerns, load);

  const all = loaded?.cases ?? [];
  const sites = useMemo(() => [...new Set(all.map((c) => c.location.site).filter((s): s is string => !!s))].sort(), [all]);
  const visible = sorted(
    all.filter((c) => matchesSelection(c, selection) && (!filters.site || c.location.site === filters.site)),
    filters.sort,
  );
  const filtered = selection.level !== null || selection.role !== null || filters.site || status || severity || label;

  return (
    <main id="main">
      <div class="section-head">
        <h1 id="inbox-heading">Inbox</h1>
        <Link href="/cases/new" class="button primary">
          New case
        </Link>
      </div>
      <div class="inbox">
        <LabelTree cases={all} roles={roles} selection={selection} onSelect={setSelection} />
        <section class="inbox-list" aria-labelledby="inbox-heading">
          <CaseFilters values={filters} sites={sites} onChange={setFilters} />
          <ErrorNotice error={error} onRetry={load} />
          {loading && !loaded && <Loading what="cases" />}
          {loaded && (
            <p class="summary" aria-live="polite">
              {visible.length} of {all.length} loaded cases shown{loading ? " · refreshing…" : ""}
            </p>
          )}
          {loaded && visible.length === 0 && (
            <Empty>{filtered ? "No case matches these filters." : "No cases yet. A signal, an email or a new case will appear here."}</Empty>
          )}
          {visible.length > 0 && <CaseList cases={visible} />}
          {loaded?.nextCursor && (
            <button type="button" class="load-more" onClick={loadMore} disabled={loadingMore}>
              {loadingMore ? "Loading more…" : "Load more cases"}
            </button>
          )}
        </section>
      </div>
    </main>
  );
}
