/**
 * A recorded Open311 request as GeoReport v2 shows it (GET requests.json):
 * read back from its signal and the case it reached. The case's status
 * speaks for the request (open and in_progress are `open`, resolved and
 * closed are `closed`), and the case's reactivity deadline is the date the
 * organization expects to act by. The reporter's contact details are never
 * shown here: the standard's read side has no place for them.
 */
import { z } from "zod";
import { DomainError } from "../../errors";
import { parseLabel } from "../../labels";
import type { Case, CaseStatus } from "../../model";

export const Open311Status = z.enum(["open", "closed"]);
export type Open311Status = z.infer<typeof Open311Status>;

export function open311Status(status: CaseStatus): Open311Status {
  return status === "resolved" || status === "closed" ? "closed" : "open";
}

export const ServiceRequest = z.object({
  service_request_id: z.string(),
  status: Open311Status,
  status_notes: z.string().nullable(),
  service_name: z.string().nullable(),
  service_code: z.string().nullable(),
  description: z.string().nullable(),
  agency_responsible: z.string().nullable(),
  service_notice: z.string().nullable(),
  requested_datetime: z.string(),
  updated_datetime: z.string(),
  expected_datetime: z.string().nullable(),
  address: z.string().nullable(),
  address_id: z.string().nullable(),
  zipcode: z.string().nullable(),
  lat: z.number().nullable(),
  long: z.number().nullable(),
  media_url: z.string().nullable(),
});
export type ServiceRequest = z.infer<typeof ServiceRequest>;

/** What a request's signal holds that the read side needs. */
export interface RecordedRequest {
  signal_id: string;
  body: string | null;
  metadata: Record<string, unknown>;
  received_at: string;
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** The `metadata.open311` block of a request's signal (empty when it is missing or malformed). */
export function open311Block(metadata: Record<string, unknown>): Record<string, unknown> {
  const block = metadata.open311;
  return block && typeof block === "object" && !Array.isArray(block) ? (block as Record<string, unknown>) : {};
}

/** The role the request was first routed to (escalation moves the level, not the role). */
function routedRole(kase: Pick<Case, "label" | "origin_label">): string | null {
  const parsed = parseLabel(kase.origin_label ?? kase.label);
  return parsed.ok ? parsed.label.role : null;
}

export function serviceRequestOf(signal: RecordedRequest, kase: Case, agency: string): ServiceRequest {
  const o = open311Block(signal.metadata);
  const status = open311Status(kase.status);
  return {
    service_request_id: signal.signal_id,
    status,
    status_notes: kase.status === "closed" ? "closed" : kase.status === "resolved" ? "resolved" : kase.status === "in_progress" ? "in progress" : null,
    service_name: str(o.service_name),
    service_code: str(o.service_code),
    description: signal.body,
    // The team the request was routed to answers for it; the organization when no role is known.
    agency_responsible: routedRole(kase) ?? agency,
    service_notice: null,
    requested_datetime: signal.received_at,
    updated_datetime: kase.updated_at,
    expected_datetime: status === "open" ? kase.reactivity_deadline : null,
    address: str(o.address_string),
    address_id: str(o.address_id),
    zipcode: null,
    lat: num(o.lat),
    long: num(o.long),
    media_url: str(o.media_url),
  };
}

export const MAX_REQUEST_IDS = 50;
export const MAX_REQUESTS = 1_000;
export const DEFAULT_WINDOW_DAYS = 90;
const DAY_MS = 86_400_000;

export const RequestsQuery = z
  .object({
    service_request_id: z
      .string()
      .max(MAX_REQUEST_IDS * 40)
      .optional()
      .describe(`Up to ${MAX_REQUEST_IDS} comma-separated ids; when given, the other filters are ignored`),
    service_code: z.string().max(2_000).optional().describe("Comma-separated service codes"),
    start_date: z.string().datetime({ offset: true }).optional().describe("Received at or after (default: 90 days before end_date)"),
    end_date: z.string().datetime({ offset: true }).optional().describe("Received at or before (default: now); the window spans at most 90 days"),
    status: z.string().max(20).optional().describe("open, closed, or both comma-separated"),
    jurisdiction_id: z.string().max(200).optional().describe("Accepted and ignored: an organization is one jurisdiction"),
  })
  .strict();
export type RequestsQuery = z.infer<typeof RequestsQuery>;

export type RequestsFilter =
  | { kind: "ids"; ids: string[] }
  | { kind: "window"; from: string; to: string; service_codes: string[] | null; statuses: Open311Status[] | null };

const list = (v: string | undefined) =>
  v === undefined
    ? null
    : v
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");

/**
 * The standard's query: ids (comma-separated) override every other filter;
 * otherwise a window of at most 90 days (the last 90 by default), and
 * comma-separated service codes and statuses.
 */
export function requestsFilter(q: RequestsQuery, now: Date): RequestsFilter {
  const ids = list(q.service_request_id);
  if (ids && ids.length > 0) {
    if (ids.length > MAX_REQUEST_IDS) throw invalid("service_request_id", `at most ${MAX_REQUEST_IDS} ids`);
    return { kind: "ids", ids: [...new Set(ids)] };
  }
  const to = q.end_date ? new Date(q.end_date) : now;
  const from = q.start_date ? new Date(q.start_date) : new Date(to.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS);
  if (from.getTime() > to.getTime()) throw invalid("start_date", "after end_date");
  if (to.getTime() - from.getTime() > DEFAULT_WINDOW_DAYS * DAY_MS) throw invalid("start_date", `the window spans at most ${DEFAULT_WINDOW_DAYS} days`);
  const statuses = list(q.status);
  if (statuses?.some((s) => !Open311Status.safeParse(s).success)) throw invalid("status", "open, closed or both (comma-separated)");
  const codes = list(q.service_code);
  if (codes && codes.length > 200) throw invalid("service_code", "at most 200 codes");
  return {
    kind: "window",
    from: from.toISOString(),
    to: to.toISOString(),
    service_codes: codes && codes.length > 0 ? codes : null,
    statuses: statuses && statuses.length > 0 ? (statuses as Open311Status[]) : null,
  };
}

function invalid(path: string, message: string): DomainError {
  return new DomainError("validation", `${path}: ${message}`, [{ path, message }]);
}
