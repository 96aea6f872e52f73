/**
 * GET /v1/orgs/{org}/insights/review: the weekly, monthly or yearly review,
 * computed by core/insights/review.ts from the insight facts the caller may
 * see. Members may ask; under need_to_know every figure shrinks to what the
 * caller could open.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { DomainError } from "../../../core/errors";
import { computeReview, MAX_LISTED, REVIEW_CYCLES } from "../../../core/insights/review";
import { Case } from "../../../core/model";
import { reviewInput } from "../../db/queries";
import { stubOf } from "../org-client";
import { visibleTo } from "../visibility";
import { ERRORS, OrgParam, SECURITY, json, router } from "../openapi";

const DESCRIPTION = `Periods are UTC and half-open: \`from\` is included, \`to\` is excluded. \`weekly\` is the ISO 8601 week containing \`at\` (Monday 00:00 to the next Monday 00:00), \`monthly\` its calendar month, \`yearly\` its calendar year; \`previous_period\` is the one just before. \`at\` defaults to now. Every figure counts only what the caller may see.

- **opened**: cases created in the period.
- **resolved**: cases whose resolution (resolved or closed) falls in the period, whenever created.
- **open_now**: cases open or in progress now, whenever created; **critical_open**: those of severity critical.
- **unresolved**: cases created before the period's end and still open or in progress now.
- **escalated**: cases opened in the period that escalated at least once (escalation_count > 0).
- **reactivity_met / reactivity_missed**: cases opened in the period that reacted by their deadline / reacted late or escalated before reacting; cases still within their window count in neither.
- **reactivity_compliance**: the same per severity, with share = met / (met + missed), null when both are 0; **reactivity_compliance_by_version** splits it by the profile version that timed the cases, to compare before and after a profile change.
- **escalation_rate**: escalated / opened, null when nothing was opened.
- **critical**: the critical_open cases, **unresolved**: the unresolved cases, oldest first, at most ${MAX_LISTED} each; each carries \`age_hours\` (since creation, now) and \`reactivity_status\`: \`met\` (reacted by the deadline), \`missed\` (reacted after it), \`overdue\` (not reacted, deadline passed), \`pending\` (not reacted, deadline ahead).
- **by_department** (the first segment of the case's role) and **by_location** (site; null for none): cases opened in the period, of them critical, open now (departments) and opened in the previous period.
- **role_load**: tasks pending or in progress now per owning role (the label's role when the task has no owner).
- **patterns**: cases of the period opened by a pattern rule, rules that fired most first, then newest, at most ${MAX_LISTED}; \`group\` and \`count\` come from the case's metadata.
- **suggestions**: reactivity windows (\`reactivity.<severity>\`, wall-time mode only) that more than half of at least 5 judged cases of the period exceeded under the current window; the suggested window covers 90% of the observed reaction times, and the reason gives the share missed and the median reaction.
- **truncated**: true when a read hit its bound (100,000 rows per statement) and figures cover part of the data.`;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const At = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .refine((s) => {
    const year = new Date(DAY.test(s) ? `${s}T00:00:00Z` : s).getUTCFullYear();
    return year >= 1970 && year <= 9999;
  }, "must be a date or date-time between 1970 and 9999")
  .openapi({ description: "A date (YYYY-MM-DD, read as UTC) or an RFC 3339 date-time; default now", example: "2026-12-31" });

const ReviewQuery = z.object({ cycle: z.enum(REVIEW_CYCLES), at: At.optional() }).strict();

const Span = z.object({ from: z.string(), to: z.string().openapi({ description: "exclusive" }), name: z.string().openapi({ example: "2026-W53" }) });
const Compliance = z.object({ met: z.number().int(), missed: z.number().int(), share: z.number().nullable() });
const ListedCase = Case.extend({ age_hours: z.number(), reactivity_status: z.enum(["met", "missed", "pending", "overdue"]) });
const Review = z.object({
  cycle: z.enum(REVIEW_CYCLES),
  period: Span,
  previous_period: Span,
  totals: z.object({
    opened: z.number().int(),
    resolved: z.number().int(),
    open_now: z.number().int(),
    critical_open: z.number().int(),
    unresolved: z.number().int(),
    escalated: z.number().int(),
    reactivity_met: z.number().int(),
    reactivity_missed: z.number().int(),
  }),
  critical: z.array(ListedCase),
  unresolved: z.array(ListedCase),
  by_department: z.array(
    z.object({ department: z.string(), opened: z.number().int(), critical: z.number().int(), open_now: z.number().int(), previous_opened: z.number().int() }),
  ),
  by_location: z.array(z.object({ site: z.string().nullable(), opened: z.number().int(), critical: z.number().int(), previous_opened: z.number().int() })),
  role_load: z.array(z.object({ role: z.string(), open_tasks: z.number().int() })),
  reactivity_compliance: z.record(z.string(), Compliance),
  reactivity_compliance_by_version: z.record(z.string(), z.record(z.string(), Compliance)),
  escalation_rate: z.number().nullable(),
  patterns: z.array(z.object({ rule_id: z.string(), group: z.string().nullable(), case_id: z.string(), count: z.number().nullable() })),
  suggestions: z.array(z.object({ path: z.string(), current: z.string(), suggested: z.string(), reason: z.string() })),
  truncated: z.boolean(),
});

const review = createRoute({
  tags: ["Insights"],
  security: SECURITY,
  method: "get",
  path: "/v1/orgs/{org}/insights/review",
  summary: "Weekly, monthly or yearly review of what the caller may see",
  description: DESCRIPTION,
  request: { params: OrgParam, query: ReviewQuery },
  responses: { 200: json(Review, "The review"), ...ERRORS },
});

const parseAt = (s: string) => new Date(DAY.test(s) ? `${s}T00:00:00Z` : s);

export const insightsReviewRoutes = router().openapi(review, async (c) => {
  const q = c.req.valid("query");
  const now = new Date();
  const at = q.at === undefined ? now : parseAt(q.at);
  const profile = await stubOf(c).getProfile();
  if (!profile) throw new DomainError("not_found", "organization not found");
  const input = await reviewInput(c.get("db"), c.get("org").org_id, q.cycle, at, now, visibleTo(c), profile.profile);
  return c.json(computeReview(input), 200);
});
