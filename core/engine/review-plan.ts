/**
 * Reviews as tracked work: at the start of a period, the review of the one
 * that ended opens a case for the level that owns it (weekly: team leads,
 * monthly: department heads, yearly: executives) whose tasks are the items
 * needing a decision, so a review is done, not merely read. Opening it is
 * idempotent per cycle and period (the object remembers which it opened).
 */
import type { Review } from "../insights/review";
import type { Case, Task } from "../model/records";
import type { ReviewCaseCycle } from "../profiles/schema";
import { type Author, PlanBuilder, type OrgLookup, type Plan, type PlanEnv } from "./plan";
import { addTask, caseDraft, openCase, type TaskDraft, taskDraft } from "./steps";

export interface ReviewCaseSnapshot {
  /** A case was already opened for this cycle and period. */
  opened: boolean;
  lookup: OrgLookup;
}

const BASE: Record<ReviewCaseCycle, number> = { weekly: 101, monthly: 11, yearly: 1 };
const TITLE: Record<ReviewCaseCycle, string> = { weekly: "Weekly review", monthly: "Monthly review", yearly: "Yearly review" };
/** Decisions per review case at most; the review itself lists the rest. */
export const MAX_REVIEW_TASKS = 50;
/** A role holding more than this many times the median open load, and at least MIN_LOAD, needs rebalancing. */
const IMBALANCE = 2;
const MIN_LOAD = 5;
/** A department opening this much more than the month before, and at least MIN_RISE cases, needs a look. */
const RISE = 1.5;
const MIN_RISE = 5;

const clip = (s: string, n = 300) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

export function planReviewCase(snapshot: ReviewCaseSnapshot, review: Review, env: PlanEnv): Plan<Case | null> {
  const b = new PlanBuilder(env, snapshot.lookup);
  if (snapshot.opened) return b.build(null);
  const cycle = review.cycle as ReviewCaseCycle;
  const role = env.profile.reviews.role ?? env.profile.roles[0];
  if (!role) return b.build(null);
  const by: Author = { ref: "review", user_id: null };
  const t = review.totals;
  const draft = caseDraft({
    title: `${TITLE[cycle]} ${review.period.name}`,
    description: clip(
      `${t.opened} opened, ${t.resolved} resolved, ${t.open_now} open now (${t.critical_open} critical), ${t.escalated} escalated; reactivity met ${t.reactivity_met}, missed ${t.reactivity_missed}.`,
      2_000,
    ),
    label: `${BASE[cycle]}.16.${role}`,
    severity: "medium",
    tags: ["review", `review:${cycle}`],
    metadata: { review: { cycle, period: review.period.name, from: review.period.from, to: review.period.to } },
  });
  let c = openCase(b, by, draft, "new_case", []);
  const tasks: Task[] = [];
  for (const d of decisionsOf(cycle, review)) {
    const added = addTask(b, by, c, tasks, d);
    tasks.push(added.task);
    c = added.case;
  }
  b.audit(by, "review.opened", "case", c.case_id, { cycle, period: review.period.name, decisions: tasks.length }, c.case_id);
  return b.build(c);
}

/** The items of a review that need someone to decide (at most MAX_REVIEW_TASKS in all), and a last task to sign it off. */
export function decisionsOf(cycle: ReviewCaseCycle, review: Review): TaskDraft[] {
  const decide = (title: string, subtype: string) => taskDraft({ title: clip(title), type: "review", subtype });
  const out: TaskDraft[] = [];
  if (cycle === "weekly") {
    const seen = new Set<string>();
    for (const item of [...review.critical, ...review.unresolved]) {
      if (seen.has(item.case_id)) continue;
      seen.add(item.case_id);
      out.push(decide(`Decide: ${item.title} [Orgo #${item.ref}] (${Math.round(item.age_hours)} h, ${item.reactivity_status})`, "decision"));
    }
  }
  if (cycle === "monthly") {
    const loads = review.role_load.map((r) => r.open_tasks).sort((a, b) => a - b);
    const median = loads.length === 0 ? 0 : (loads[Math.floor((loads.length - 1) / 2)] as number);
    for (const r of review.role_load) {
      if (r.open_tasks >= MIN_LOAD && r.open_tasks > IMBALANCE * median)
        out.push(decide(`Rebalance: ${r.role} holds ${r.open_tasks} open tasks (median ${median})`, "rebalance"));
    }
    for (const d of review.by_department) {
      if (d.opened >= MIN_RISE && d.opened > RISE * d.previous_opened) {
        out.push(decide(`Look into ${d.department}: ${d.opened} cases opened (${d.previous_opened} the month before)`, "trend"));
      }
    }
  }
  if (cycle === "yearly") {
    for (const s of review.suggestions) out.push(decide(`Consider ${s.path}: ${s.current} → ${s.suggested}. ${s.reason}`, "profile_change"));
    for (const p of review.patterns.slice(0, 10))
      out.push(decide(`Review pattern ${p.rule_id}${p.group ? ` (${p.group})` : ""}: ${p.count ?? "?"} items`, "pattern"));
  }
  return [...out.slice(0, MAX_REVIEW_TASKS - 1), decide(`Sign off the ${cycle} review ${review.period.name}`, "sign_off")];
}
