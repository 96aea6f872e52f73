/**
 * The periodic review, on a fixed dataset whose every figure is counted by
 * hand below: three cycles, open and need-to-know sight, ISO weeks across
 * year boundaries, suggested reactivity windows and compliance per profile
 * version.
 */
import { describe, expect, it } from "vitest";
import { type CaseFact, caseFact, type TaskFact, taskFact, timeDimension } from "../../core/insights/facts";
import { computeReview, listedCaseIds, type Review, type ReviewCycle, type ReviewFacts, reactivityStatus, reviewPeriod } from "../../core/insights/review";
import { formatDuration, roundUpWindow, suggestReactivity } from "../../core/insights/suggestions";
import type { Case, Severity } from "../../core/model";
import { canSee, type Viewer } from "../../core/privacy/visibility";

const ORG = "org-1";
const OPS = "1001.91.Operations.Safety";
const FAC = "1001.11.Facilities";
const WINDOW: Record<Severity, number> = { critical: 15, high: 60, medium: 240, low: 1440 };
const PROFILE = {
  reactivity: { critical: "PT15M", high: "PT1H", medium: "PT4H", low: "P1D" },
  reactivity_mode: { critical: "wall", high: "wall", medium: "wall", low: "wall" },
} as const;

interface Spec {
  label: string;
  severity: Severity;
  status: Case["status"];
  created: string;
  site?: string | null;
  reacted?: string;
  /** resolved_at / closed_at (the last update of a resolved or closed case). */
  done?: string;
  escalations?: number;
  version?: number;
  created_by?: string;
  pattern?: { rule: string; group: string; count: number };
}

const at = (iso: string) => new Date(iso).toISOString();
const plusMinutes = (iso: string, m: number) => new Date(Date.parse(iso) + m * 60_000).toISOString();

function make(id: string, s: Spec): { record: Case; fact: CaseFact } {
  const created_at = at(s.created);
  const record: Case = {
    case_id: id,
    ref: id,
    title: `case ${id}`,
    description: null,
    label: s.label,
    origin_label: null,
    status: s.status,
    severity: s.severity,
    reactivity_time: PROFILE.reactivity[s.severity],
    reactivity_deadline: plusMinutes(created_at, WINDOW[s.severity]),
    origin_role: null,
    location: { site: s.site ?? null, area: null },
    tags: [],
    metadata: s.pattern ? { pattern_rule: s.pattern.rule, group: s.pattern.group, count: s.pattern.count } : {},
    person_id: null,
    person_link_trusted: false,
    escalation_level: s.escalations ?? 0,
    reacted_at: s.reacted ? at(s.reacted) : null,
    created_by: s.created_by ?? null,
    created_at,
    updated_at: s.done ? at(s.done) : created_at,
    version: 1,
    profile_version: s.version ?? 1,
  };
  return { record, fact: caseFact(ORG, { ...record, site: record.location.site, area: null }) };
}

// Week 2026-W53 runs from Monday 2026-12-28 to Monday 2027-01-04; W52 from 2026-12-21.
const SPECS: Record<string, Spec> = {
  // Operations, critical, escalated twice without reacting: missed, overdue.
  c1: { label: OPS, severity: "critical", status: "open", created: "2026-12-29T08:00Z", site: "S1", escalations: 2, version: 2 },
  // Facilities, critical, reacted in 10 of 15 minutes: met.
  c2: { label: FAC, severity: "critical", status: "in_progress", created: "2026-12-30T10:00Z", site: "S2", reacted: "2026-12-30T10:10Z", version: 2 },
  // Facilities, created in W52, resolved in W53.
  c3: { label: FAC, severity: "high", status: "resolved", created: "2026-12-22T09:00Z", site: "S2", reacted: "2026-12-22T09:30Z", done: "2026-12-29T12:00Z" },
  // Operations, November, reacted two hours late and escalated once.
  c4: { label: OPS, severity: "high", status: "open", created: "2026-11-15T09:00Z", reacted: "2026-11-15T12:00Z", escalations: 1 },
  // Operations, but created by the Facilities viewer: they see it.
  c5: {
    label: OPS,
    severity: "medium",
    status: "closed",
    created: "2026-12-05T09:00Z",
    site: "S1",
    reacted: "2026-12-05T09:30Z",
    done: "2026-12-06T09:00Z",
    created_by: "u-fac",
  },
  // Facilities, 2025, still open, never reacted.
  c6: { label: FAC, severity: "low", status: "open", created: "2025-06-01T09:00Z", site: "S2" },
  // Pattern cases: one in December, one in January 2027 (both in W53).
  c7: { label: OPS, severity: "high", status: "open", created: "2026-12-31T08:00Z", site: "S1", version: 2, pattern: { rule: "leaks", group: "S1", count: 3 } },
  c8: { label: FAC, severity: "high", status: "open", created: "2027-01-02T10:00Z", version: 2, pattern: { rule: "leaks", group: "S2", count: 4 } },
  // Operations, March, resolved the same morning.
  c9: {
    label: OPS,
    severity: "critical",
    status: "resolved",
    created: "2026-03-10T09:00Z",
    site: "S1",
    reacted: "2026-03-10T09:05Z",
    done: "2026-03-10T12:00Z",
  },
  // Facilities, created in November, resolved in December.
  c10: {
    label: FAC,
    severity: "medium",
    status: "resolved",
    created: "2026-11-30T23:00Z",
    site: "S2",
    reacted: "2026-12-01T00:30Z",
    done: "2026-12-01T01:00Z",
  },
};
const MADE = Object.entries(SPECS).map(([id, s]) => make(id, s));
const FACTS = MADE.map((m) => m.fact);
const RECORDS = MADE.map((m) => m.record);

function task(id: string, caseId: string, label: string, status: string, owner_role: string | null): TaskFact {
  const created = "2026-12-29T09:00:00.000Z";
  return taskFact(ORG, {
    task_id: id,
    case_id: caseId,
    label,
    severity: "high",
    status,
    created_at: created,
    updated_at: created,
    reacted_at: null,
    reactivity_deadline: null,
    escalation_level: 0,
    created_by: null,
    version: 1,
    site: null,
    area: null,
    owner_role,
    type: null,
    subtype: null,
  });
}
const TASKS = [
  task("t1", "c1", OPS, "pending", "Operations.Safety"),
  task("t2", "c2", FAC, "in_progress", "Facilities"),
  task("t3", "c2", FAC, "pending", null),
  task("t4", "c4", OPS, "pending", "IT"),
  task("t5", "c3", FAC, "completed", "Facilities"),
  // An Operations task owned by Facilities: its owners see it.
  task("t6", "c1", OPS, "pending", "Facilities"),
];

const NOW = new Date("2027-01-02T10:30:00Z");
const AT = new Date("2026-12-31T12:00:00Z");
const facilities: Viewer = { admin: false, user_id: "u-fac", positions: [{ level: 1, role: "Facilities" }] };
const everyone: Viewer = { admin: false, user_id: "u-x", positions: [] };

/** Every fact goes into every slot: the review's own definitions pick what each figure counts. */
function review(cycle: ReviewCycle, viewer: Viewer, privacy: "open" | "need_to_know"): Review {
  const { period, previous } = reviewPeriod(cycle, AT);
  const facts: ReviewFacts = {
    cycle,
    period,
    previous,
    now: NOW,
    periodCases: FACTS,
    previousCases: FACTS,
    resolvedCases: FACTS,
    openCases: FACTS,
    openTasks: TASKS,
    visible: (item) => canSee(viewer, item, privacy),
  };
  const wanted = new Set(listedCaseIds(facts));
  return computeReview({ ...facts, cases: RECORDS.filter((r) => wanted.has(r.case_id)), profile: PROFILE });
}

const ids = (items: { case_id: string }[]) => items.map((i) => i.case_id);
const none = { met: 0, missed: 0, share: null };
const c = (met: number, missed: number, share: number | null) => ({ met, missed, share });

describe("review periods", () => {
  it("weekly is the ISO week (Monday 00:00 UTC, to exclusive), across a year boundary", () => {
    const w = reviewPeriod("weekly", new Date("2026-12-31T12:00:00Z"));
    expect(w.period).toEqual({ from: new Date("2026-12-28T00:00:00Z"), to: new Date("2027-01-04T00:00:00Z"), name: "2026-W53" });
    expect(w.previous).toEqual({ from: new Date("2026-12-21T00:00:00Z"), to: new Date("2026-12-28T00:00:00Z"), name: "2026-W52" });
    expect(reviewPeriod("weekly", new Date("2027-01-03T23:59:59.999Z")).period.name).toBe("2026-W53");
    expect(reviewPeriod("weekly", new Date("2027-01-04T00:00:00Z")).period).toMatchObject({ name: "2027-W01", from: new Date("2027-01-04T00:00:00Z") });
    expect(reviewPeriod("weekly", new Date("2021-01-01T00:00:00Z")).period).toMatchObject({ name: "2020-W53", from: new Date("2020-12-28T00:00:00Z") });
    expect(reviewPeriod("weekly", new Date("2024-12-30T05:00:00Z")).period).toMatchObject({ name: "2025-W01", from: new Date("2024-12-30T00:00:00Z") });
    expect(reviewPeriod("weekly", new Date("2027-01-04T00:00:00Z")).previous.name).toBe("2026-W53");
  });

  it("every day of 2019–2031 lies in its week, which starts on a Monday and agrees with dim_time", () => {
    for (let t = Date.UTC(2019, 0, 1); t < Date.UTC(2032, 0, 1); t += 86_400_000) {
      const day = new Date(t + 13 * 3_600_000);
      const { period, previous } = reviewPeriod("weekly", day);
      const dim = timeDimension(day.toISOString().slice(0, 10));
      expect(period.from.getUTCDay()).toBe(1);
      expect(day >= period.from && day < period.to).toBe(true);
      expect(period.to.getTime() - period.from.getTime()).toBe(7 * 86_400_000);
      expect(previous.to).toEqual(period.from);
      expect(period.name).toBe(`${dim.iso_year}-W${String(dim.iso_week).padStart(2, "0")}`);
    }
  });

  it("monthly and yearly are calendar periods (UTC), the previous one across the year boundary", () => {
    expect(reviewPeriod("monthly", new Date("2026-01-15T00:00:00Z"))).toEqual({
      period: { from: new Date("2026-01-01T00:00:00Z"), to: new Date("2026-02-01T00:00:00Z"), name: "2026-01" },
      previous: { from: new Date("2025-12-01T00:00:00Z"), to: new Date("2026-01-01T00:00:00Z"), name: "2025-12" },
    });
    expect(reviewPeriod("monthly", new Date("2026-12-31T23:59:59.999Z")).period).toMatchObject({ name: "2026-12", to: new Date("2027-01-01T00:00:00Z") });
    expect(reviewPeriod("yearly", new Date("2026-07-01T00:00:00Z"))).toEqual({
      period: { from: new Date("2026-01-01T00:00:00Z"), to: new Date("2027-01-01T00:00:00Z"), name: "2026" },
      previous: { from: new Date("2025-01-01T00:00:00Z"), to: new Date("2026-01-01T00:00:00Z"), name: "2025" },
    });
  });
});

describe("the fixture's sight", () => {
  it("the Facilities viewer sees Facilities cases and the one they created, and tasks Facilities owns", () => {
    expect(FACTS.filter((f) => canSee(facilities, f, "need_to_know")).map((f) => f.case_id)).toEqual(["c2", "c3", "c5", "c6", "c8", "c10"]);
    expect(TASKS.filter((t) => canSee(facilities, t, "need_to_know")).map((t) => t.task_id)).toEqual(["t2", "t3", "t5", "t6"]);
  });
});

describe("weekly review (2026-W53)", () => {
  it("open organization: every figure", () => {
    const r = review("weekly", everyone, "open");
    expect(r.period).toEqual({ from: "2026-12-28T00:00:00.000Z", to: "2027-01-04T00:00:00.000Z", name: "2026-W53" });
    expect(r.totals).toEqual({ opened: 4, resolved: 1, open_now: 6, critical_open: 2, unresolved: 6, escalated: 1, reactivity_met: 1, reactivity_missed: 1 });
    expect(r.escalation_rate).toBe(0.25);
    expect(ids(r.critical)).toEqual(["c1", "c2"]);
    expect(r.critical.map((i) => [i.age_hours, i.reactivity_status])).toEqual([
      [98.5, "overdue"],
      [72.5, "met"],
    ]);
    expect(r.critical[0]).toMatchObject({ title: "case c1", severity: "critical", escalation_level: 2 });
    expect(ids(r.unresolved)).toEqual(["c6", "c4", "c1", "c2", "c7", "c8"]);
    expect(r.unresolved.map((i) => i.reactivity_status)).toEqual(["overdue", "missed", "overdue", "met", "overdue", "pending"]);
    expect(r.by_department).toEqual([
      { department: "Facilities", opened: 2, critical: 1, open_now: 3, previous_opened: 1 },
      { department: "Operations", opened: 2, critical: 1, open_now: 3, previous_opened: 0 },
    ]);
    expect(r.by_location).toEqual([
      { site: "S1", opened: 2, critical: 1, previous_opened: 0 },
      { site: "S2", opened: 1, critical: 1, previous_opened: 1 },
      { site: null, opened: 1, critical: 0, previous_opened: 0 },
    ]);
    expect(r.role_load).toEqual([
      { role: "Facilities", open_tasks: 3 },
      { role: "IT", open_tasks: 1 },
      { role: "Operations.Safety", open_tasks: 1 },
    ]);
    expect(r.reactivity_compliance).toEqual({ critical: c(1, 1, 0.5), high: none, medium: none, low: none });
    expect(r.reactivity_compliance_by_version).toEqual({ "2": { critical: c(1, 1, 0.5), high: none, medium: none, low: none } });
    expect(r.patterns).toEqual([
      { rule_id: "leaks", group: "S2", case_id: "c8", count: 4 },
      { rule_id: "leaks", group: "S1", case_id: "c7", count: 3 },
    ]);
    expect(r.suggestions).toEqual([]);
    expect(r.truncated).toBe(false);
  });

  it("need to know: only what the Facilities viewer may see", () => {
    const r = review("weekly", facilities, "need_to_know");
    expect(r.totals).toEqual({ opened: 2, resolved: 1, open_now: 3, critical_open: 1, unresolved: 3, escalated: 0, reactivity_met: 1, reactivity_missed: 0 });
    expect(r.escalation_rate).toBe(0);
    expect(ids(r.critical)).toEqual(["c2"]);
    expect(ids(r.unresolved)).toEqual(["c6", "c2", "c8"]);
    expect(r.by_department).toEqual([{ department: "Facilities", opened: 2, critical: 1, open_now: 3, previous_opened: 1 }]);
    expect(r.by_location).toEqual([
      { site: "S2", opened: 1, critical: 1, previous_opened: 1 },
      { site: null, opened: 1, critical: 0, previous_opened: 0 },
    ]);
    expect(r.role_load).toEqual([{ role: "Facilities", open_tasks: 3 }]);
    expect(r.reactivity_compliance.critical).toEqual(c(1, 0, 1));
    expect(r.patterns).toEqual([{ rule_id: "leaks", group: "S2", case_id: "c8", count: 4 }]);
  });

  it("asks for the records of the listed cases only", () => {
    const { period, previous } = reviewPeriod("weekly", AT);
    const base = {
      cycle: "weekly" as const,
      period,
      previous,
      now: NOW,
      periodCases: FACTS,
      previousCases: FACTS,
      resolvedCases: FACTS,
      openCases: FACTS,
      openTasks: TASKS,
    };
    expect(listedCaseIds({ ...base, visible: () => true }).sort()).toEqual(["c1", "c2", "c4", "c6", "c7", "c8"]);
    expect(listedCaseIds({ ...base, visible: (i) => canSee(facilities, i, "need_to_know") }).sort()).toEqual(["c2", "c6", "c8"]);
  });
});

describe("monthly review (2026-12)", () => {
  it("open organization: departments and sites against November, open load per role", () => {
    const r = review("monthly", everyone, "open");
    expect(r.previous_period.name).toBe("2026-11");
    expect(r.totals).toEqual({ opened: 5, resolved: 3, open_now: 6, critical_open: 2, unresolved: 5, escalated: 1, reactivity_met: 3, reactivity_missed: 1 });
    expect(r.escalation_rate).toBe(0.2);
    expect(ids(r.unresolved)).toEqual(["c6", "c4", "c1", "c2", "c7"]);
    expect(r.by_department).toEqual([
      { department: "Operations", opened: 3, critical: 1, open_now: 3, previous_opened: 1 },
      { department: "Facilities", opened: 2, critical: 1, open_now: 3, previous_opened: 1 },
    ]);
    expect(r.by_location).toEqual([
      { site: "S1", opened: 3, critical: 1, previous_opened: 0 },
      { site: "S2", opened: 2, critical: 1, previous_opened: 1 },
      { site: null, opened: 0, critical: 0, previous_opened: 1 },
    ]);
    expect(r.role_load[0]).toEqual({ role: "Facilities", open_tasks: 3 });
    expect(r.reactivity_compliance).toEqual({ critical: c(1, 1, 0.5), high: c(1, 0, 1), medium: c(1, 0, 1), low: none });
    expect(r.reactivity_compliance_by_version).toEqual({
      "1": { critical: none, high: c(1, 0, 1), medium: c(1, 0, 1), low: none },
      "2": { critical: c(1, 1, 0.5), high: none, medium: none, low: none },
    });
    expect(r.patterns).toEqual([{ rule_id: "leaks", group: "S1", case_id: "c7", count: 3 }]);
  });

  it("need to know: Facilities, and the Operations case the viewer created", () => {
    const r = review("monthly", facilities, "need_to_know");
    expect(r.totals).toEqual({ opened: 3, resolved: 3, open_now: 3, critical_open: 1, unresolved: 2, escalated: 0, reactivity_met: 3, reactivity_missed: 0 });
    expect(r.by_department).toEqual([
      { department: "Facilities", opened: 2, critical: 1, open_now: 3, previous_opened: 1 },
      { department: "Operations", opened: 1, critical: 0, open_now: 0, previous_opened: 0 },
    ]);
    expect(r.by_location).toEqual([
      { site: "S2", opened: 2, critical: 1, previous_opened: 1 },
      { site: "S1", opened: 1, critical: 0, previous_opened: 0 },
    ]);
    expect(r.patterns).toEqual([]);
  });
});

describe("yearly review (2026)", () => {
  it("open organization: volumes, compliance per severity and version, escalation rate, patterns", () => {
    const r = review("yearly", everyone, "open");
    expect(r.totals).toEqual({ opened: 8, resolved: 4, open_now: 6, critical_open: 2, unresolved: 5, escalated: 2, reactivity_met: 5, reactivity_missed: 2 });
    expect(r.escalation_rate).toBe(0.25);
    expect(r.reactivity_compliance).toEqual({ critical: c(2, 1, 2 / 3), high: c(1, 1, 0.5), medium: c(2, 0, 1), low: none });
    expect(r.reactivity_compliance_by_version).toEqual({
      "1": { critical: c(1, 0, 1), high: c(1, 1, 0.5), medium: c(2, 0, 1), low: none },
      "2": { critical: c(1, 1, 0.5), high: none, medium: none, low: none },
    });
    expect(r.by_department).toEqual([
      { department: "Operations", opened: 5, critical: 2, open_now: 3, previous_opened: 0 },
      { department: "Facilities", opened: 3, critical: 1, open_now: 3, previous_opened: 1 },
    ]);
    expect(r.by_location).toEqual([
      { site: "S1", opened: 4, critical: 2, previous_opened: 0 },
      { site: "S2", opened: 3, critical: 1, previous_opened: 1 },
      { site: null, opened: 1, critical: 0, previous_opened: 0 },
    ]);
    expect(r.patterns).toEqual([{ rule_id: "leaks", group: "S1", case_id: "c7", count: 3 }]);
  });

  it("need to know", () => {
    const r = review("yearly", facilities, "need_to_know");
    expect(r.totals).toEqual({ opened: 4, resolved: 3, open_now: 3, critical_open: 1, unresolved: 2, escalated: 0, reactivity_met: 4, reactivity_missed: 0 });
    expect(r.escalation_rate).toBe(0);
    expect(r.reactivity_compliance).toEqual({ critical: c(1, 0, 1), high: c(1, 0, 1), medium: c(2, 0, 1), low: none });
  });

  it("an empty period has null shares and rates", () => {
    const { period, previous } = reviewPeriod("yearly", new Date("2030-06-01T00:00:00Z"));
    const empty = {
      cycle: "yearly" as const,
      period,
      previous,
      now: NOW,
      periodCases: [],
      previousCases: [],
      resolvedCases: [],
      openCases: [],
      openTasks: [],
      visible: () => true,
    };
    const r = computeReview({ ...empty, cases: [], profile: PROFILE, truncated: true });
    expect(r.escalation_rate).toBeNull();
    expect(r.reactivity_compliance.critical).toEqual(none);
    expect(r.reactivity_compliance_by_version).toEqual({});
    expect(r.truncated).toBe(true);
  });
});

describe("reactivity status of listed cases", () => {
  const now = new Date("2026-01-01T12:00:00Z");
  it("met, missed, overdue, pending", () => {
    expect(reactivityStatus({ reacted_at: "2026-01-01T10:00:00Z", reactivity_deadline: "2026-01-01T10:00:00Z" }, now)).toBe("met");
    expect(reactivityStatus({ reacted_at: "2026-01-01T10:00:01Z", reactivity_deadline: "2026-01-01T10:00:00Z" }, now)).toBe("missed");
    expect(reactivityStatus({ reacted_at: null, reactivity_deadline: "2026-01-01T11:00:00Z" }, now)).toBe("overdue");
    expect(reactivityStatus({ reacted_at: null, reactivity_deadline: "2026-01-01T13:00:00Z" }, now)).toBe("pending");
    expect(reactivityStatus({ reacted_at: null, reactivity_deadline: null }, now)).toBe("pending");
  });
});

describe("suggested profile changes", () => {
  const start = "2026-05-01T08:00:00.000Z";
  const day = (i: number) => new Date(Date.parse(start) + i * 86_400_000).toISOString();
  let n = 0;
  const fact = (severity: Severity, reactedAfterMinutes: number | null, created = day(n)): CaseFact => {
    n += 1;
    return make(`s${n}`, {
      label: OPS,
      severity,
      status: "open",
      created,
      reacted: reactedAfterMinutes === null ? undefined : plusMinutes(created, reactedAfterMinutes),
    }).fact;
  };
  const now = new Date("2026-12-31T00:00:00Z");
  // High (PT1H): 10 reacted, 8 of them late; one never reacted and is long overdue; one is inside its window still.
  const high = [30, 45, 70, 80, 90, 100, 110, 120, 150, 240].map((m) => fact("high", m));
  const highOpen = [fact("high", null), fact("high", null, new Date(now.getTime() - 10 * 60_000).toISOString())];
  // Critical: all missed, but too few cases to say anything.
  const critical = [fact("critical", 60), fact("critical", 90), fact("critical", 120)];
  // Low: always in time.
  const low = [1, 2, 3, 4, 5, 6].map((h) => fact("low", h * 60));

  it("suggests a window covering the observed reactions, with the share missed and the median reaction", () => {
    expect(suggestReactivity([...high, ...highOpen, ...critical, ...low], PROFILE, now)).toEqual([
      {
        path: "reactivity.high",
        current: "PT1H",
        suggested: "PT3H",
        reason:
          "9 of 11 high cases (82%) waited longer than PT1H for a first reaction; median reaction PT1H30M over 10 reacted cases; PT3H covers 90% of them.",
      },
    ]);
  });

  it("judges against the current window, and leaves working-time windows alone", () => {
    expect(suggestReactivity(high, { ...PROFILE, reactivity: { ...PROFILE.reactivity, high: "PT4H" } }, now)).toEqual([]);
    expect(suggestReactivity(high, { ...PROFILE, reactivity_mode: { ...PROFILE.reactivity_mode, high: "business" } }, now)).toEqual([]);
  });

  it("appears in the yearly review of what the caller may see", () => {
    const { period, previous } = reviewPeriod("yearly", now);
    const facts = [...high, ...highOpen];
    const base = {
      cycle: "yearly" as const,
      period,
      previous,
      now,
      periodCases: facts,
      previousCases: [],
      resolvedCases: [],
      openCases: facts,
      openTasks: [],
      cases: [],
      profile: PROFILE,
    };
    expect(computeReview({ ...base, visible: () => true }).suggestions.map((s) => s.path)).toEqual(["reactivity.high"]);
    expect(computeReview({ ...base, visible: (i) => canSee(facilities, i, "need_to_know") }).suggestions).toEqual([]);
  });

  it("formats and rounds durations as a person would write them", () => {
    expect(formatDuration(90 * 60_000)).toBe("PT1H30M");
    expect(formatDuration(((26 * 60 + 3) * 60 + 4) * 1000)).toBe("P1DT2H3M4S");
    expect(formatDuration(2 * 86_400_000)).toBe("P2D");
    expect(roundUpWindow(61 * 60_000)).toBe(90 * 60_000);
    expect(roundUpWindow(8 * 86_400_000 + 1)).toBe(9 * 86_400_000);
  });
});
