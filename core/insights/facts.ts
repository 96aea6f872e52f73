/**
 * The facts of the insights star schema, derived from a case or task as it
 * stands: label parts, department (the role's first segment), location,
 * times (UTC milliseconds), whether it reacted in time, how far it
 * escalated, and the profile version that routed and timed it. Pure, so the
 * outbox writes a record's fact beside the record in the same D1 batch and
 * tests can compute the same figures by hand.
 */
import { parseLabel } from "../labels";

export interface FactTimes {
  created_at: Date;
  created_date: string;
  reacted_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  reactivity_deadline: Date | null;
}

export interface Fact extends FactTimes {
  org_id: string;
  label: string;
  origin_label: string | null;
  base: number;
  category: number;
  subcategory: number;
  role: string;
  department: string;
  site: string | null;
  area: string | null;
  severity: string;
  status: string;
  reactivity_met: boolean | null;
  escalation_count: number;
  profile_version: number;
  created_by: string | null;
  version: number;
}

export interface CaseFact extends Fact {
  case_id: string;
  pattern_rule: string | null;
}

export interface TaskFact extends Fact {
  task_id: string;
  case_id: string;
  owner_role: string | null;
  type: string | null;
  subtype: string | null;
}

/** What a fact is made from: the fields cases and tasks share (as records or D1 rows). */
export interface FactSource {
  label: string;
  origin_label?: string | null;
  severity: string;
  status: string;
  created_at: string;
  updated_at: string;
  reacted_at: string | null;
  reactivity_deadline: string | null;
  escalation_level: number;
  profile_version?: number | null;
  created_by: string | null;
  version: number;
  site: string | null;
  area: string | null;
}

const ms = (iso: string | null): Date | null => (iso ? new Date(iso) : null);

export function departmentOf(role: string): string {
  const dot = role.indexOf(".");
  return dot < 0 ? role : role.slice(0, dot);
}

/**
 * Met when it reacted by its deadline; missed when it reacted late or
 * escalated before reacting (escalation happens only once the deadline has
 * passed); unknown while it is still within its window.
 */
export function reactivityMet(source: Pick<FactSource, "reacted_at" | "reactivity_deadline" | "escalation_level">): boolean | null {
  if (source.reacted_at) return source.reactivity_deadline === null || source.reacted_at <= source.reactivity_deadline;
  return source.escalation_level > 0 ? false : null;
}

function factOf(orgId: string, s: FactSource, done: boolean, closed: boolean): Fact {
  const parsed = parseLabel(s.label);
  const label = parsed.ok ? parsed.label : { base: 0, category: 0, subcategory: 0, role: "" };
  return {
    org_id: orgId,
    label: s.label,
    origin_label: s.origin_label ?? null,
    base: label.base,
    category: label.category,
    subcategory: label.subcategory,
    role: label.role,
    department: departmentOf(label.role),
    site: s.site,
    area: s.area,
    severity: s.severity,
    status: s.status,
    created_at: new Date(s.created_at),
    created_date: s.created_at.slice(0, 10),
    reacted_at: ms(s.reacted_at),
    resolved_at: done ? new Date(s.updated_at) : null,
    closed_at: closed ? new Date(s.updated_at) : null,
    reactivity_deadline: ms(s.reactivity_deadline),
    reactivity_met: reactivityMet(s),
    escalation_count: s.escalation_level,
    profile_version: s.profile_version ?? 1,
    created_by: s.created_by,
    version: s.version,
  };
}

export function caseFact(orgId: string, c: FactSource & { case_id: string; metadata?: Record<string, unknown> }): CaseFact {
  const rule = c.metadata?.pattern_rule;
  return {
    case_id: c.case_id,
    ...factOf(orgId, c, c.status === "resolved" || c.status === "closed", c.status === "closed"),
    pattern_rule: typeof rule === "string" ? rule : null,
  };
}

export function taskFact(
  orgId: string,
  t: FactSource & { task_id: string; case_id: string; owner_role: string | null; type: string | null; subtype: string | null },
): TaskFact {
  const finished = t.status === "completed" || t.status === "cancelled";
  return {
    task_id: t.task_id,
    case_id: t.case_id,
    ...factOf(orgId, t, finished, finished),
    owner_role: t.owner_role,
    type: t.type,
    subtype: t.subtype,
  };
}

/** dim_time's row for a date (YYYY-MM-DD, UTC): calendar and ISO 8601 week. */
export function timeDimension(date: string) {
  const d = new Date(`${date}T00:00:00.000Z`);
  const dow = d.getUTCDay() || 7;
  const thursday = new Date(d.getTime() + (4 - dow) * 86_400_000);
  const isoYear = thursday.getUTCFullYear();
  const isoWeek = Math.floor((thursday.getTime() - Date.UTC(isoYear, 0, 1)) / (7 * 86_400_000)) + 1;
  const month = d.getUTCMonth() + 1;
  return { date, year: d.getUTCFullYear(), quarter: Math.ceil(month / 3), month, iso_year: isoYear, iso_week: isoWeek, day_of_week: dow };
}
