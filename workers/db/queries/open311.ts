/**
 * Open311 service requests as D1 holds them: signals of source `open311`
 * (index signals_org_source_seq, newest first) and the cases they reached
 * (read by primary key in one batch per page, so a page costs two round
 * trips). The caller judges visibility on the case.
 */
import { and, desc, eq, inArray, lt } from "drizzle-orm";
import type { Case } from "../../../core/model";
import type { RecordedRequest, RequestsFilter } from "../../../core/modules/open311/service-request";
import { MAX_REQUESTS, open311Block, open311Status } from "../../../core/modules/open311/service-request";
import type { Database } from "../../../d1/database";
import { rowToCase } from "../../../d1/rows";
import { cases, signals } from "../../../d1/schema";

export interface Open311Row {
  signal: RecordedRequest;
  case: Case;
}

/** Signal rows read per page, and at most per request: a sparse view answers what it found within them. */
const PAGE = 500;
const MAX_SCAN = 5_000;
/** D1 binds at most 100 parameters per statement: the organization and 99 ids. */
const IDS_PER_STATEMENT = 99;

type SignalRow = typeof signals.$inferSelect;

const recorded = (r: SignalRow): RecordedRequest => ({ signal_id: r.signal_id, body: r.body, metadata: r.metadata, received_at: r.received_at });

async function casesOf(db: Database, orgId: string, rows: SignalRow[]): Promise<Map<string, Case>> {
  const ids = [...new Set(rows.map((r) => r.case_id).filter((id): id is string => !!id))];
  const out = new Map<string, Case>();
  if (ids.length === 0) return out;
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_STATEMENT) chunks.push(ids.slice(i, i + IDS_PER_STATEMENT));
  const [first, ...rest] = chunks.map((chunk) =>
    db
      .select()
      .from(cases)
      .where(and(eq(cases.org_id, orgId), inArray(cases.case_id, chunk))),
  );
  if (!first) return out;
  const results = await db.batch([first, ...rest]);
  for (const result of results) for (const row of result) out.set(row.case_id, rowToCase(row));
  return out;
}

function joined(rows: SignalRow[], found: Map<string, Case>): Open311Row[] {
  return rows.flatMap((r) => {
    const kase = r.case_id ? found.get(r.case_id) : undefined;
    return kase ? [{ signal: recorded(r), case: kase }] : [];
  });
}

/**
 * The requests a filter selects, newest first, at most 1,000: by id (ids
 * override every other filter, as the standard says), or within a window of
 * receipt times with optional service codes and statuses.
 */
export async function listOpen311Requests(db: Database, orgId: string, filter: RequestsFilter, visible: (c: Case) => boolean): Promise<Open311Row[]> {
  if (filter.kind === "ids") {
    const rows = await db
      .select()
      .from(signals)
      .where(and(eq(signals.org_id, orgId), eq(signals.source, "open311"), inArray(signals.signal_id, filter.ids)));
    return joined(rows, await casesOf(db, orgId, rows))
      .filter((r) => visible(r.case))
      .sort((a, b) => b.signal.received_at.localeCompare(a.signal.received_at));
  }
  const out: Open311Row[] = [];
  let before: number | null = null;
  let scanned = 0;
  while (scanned < MAX_SCAN && out.length < MAX_REQUESTS) {
    const rows: SignalRow[] = await db
      .select()
      .from(signals)
      .where(and(eq(signals.org_id, orgId), eq(signals.source, "open311"), ...(before === null ? [] : [lt(signals.seq, before)])))
      .orderBy(desc(signals.seq))
      .limit(PAGE);
    scanned += rows.length;
    const last = rows.at(-1);
    // Receipt order follows the sequence: past the window's start, nothing older can match.
    const inWindow = rows.filter((r) => r.received_at >= filter.from);
    const candidates = inWindow.filter((r) => r.received_at <= filter.to && codeMatches(r, filter.service_codes));
    for (const row of joined(candidates, await casesOf(db, orgId, candidates))) {
      if (filter.statuses && !filter.statuses.includes(open311Status(row.case.status))) continue;
      if (!visible(row.case)) continue;
      out.push(row);
      if (out.length === MAX_REQUESTS) break;
    }
    if (!last || rows.length < PAGE || inWindow.length < rows.length) break;
    before = last.seq;
  }
  return out;
}

function codeMatches(row: SignalRow, codes: string[] | null): boolean {
  if (!codes) return true;
  const code = open311Block(row.metadata).service_code;
  return typeof code === "string" && codes.includes(code);
}

/** One request with its case, in one statement; null when the organization has no such request. */
export async function getOpen311Request(db: Database, orgId: string, requestId: string): Promise<Open311Row | null> {
  const [row] = await db
    .select({ s: signals, c: cases })
    .from(signals)
    .innerJoin(cases, and(eq(cases.org_id, orgId), eq(cases.case_id, signals.case_id)))
    .where(and(eq(signals.org_id, orgId), eq(signals.signal_id, requestId), eq(signals.source, "open311")));
  return row ? { signal: recorded(row.s), case: rowToCase(row.c) } : null;
}
