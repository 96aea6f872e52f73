/**
 * POST /v1/orgs/{org}/profile/dry-run: how would a candidate profile have
 * routed the organization's recent signals? Reads only; nothing is written.
 */
import { z } from "@hono/zod-openapi";
import { DomainError } from "../../../core/errors";
import { dryRun } from "../../../core/flow-rules";
import { MAX_REGEX_SCANNED_CHARS } from "../../../core/flow-rules/profile-regex";
import { DURATION_RANGE, IsoDuration, durationMs } from "../../../core/scheduling/duration";
import { routedSignalsSince } from "../../db/queries";
import { profileFromYaml } from "../../profile-source";
import { requireOrgAdmin } from "../auth";
import { bodyText } from "../content-type";
import { ERRORS, OrgParam, SECURITY, json, router } from "../openapi";

/**
 * Regex work a dry run may do: characters scanned × patterns, summed over the
 * replayed signals (about 2.5 s at RE2's slower ~50 ns a character). Runtime
 * clocks do not advance during computation, so the budget counts work, not time.
 */
const MAX_REGEX_SCAN = 50_000_000;
const DryRunJson = z.object({ profile_yaml: z.string().min(1).max(200_000), window: IsoDuration.default("P30D") }).strict();

const Routing = z.object({ label: z.string(), severity: z.string(), reactivity_time: z.string(), matched_rules: z.array(z.string()), tasks: z.number() });
const Tally = z.object({ by_label: z.record(z.string(), z.number()), by_severity: z.record(z.string(), z.number()) });
const Report = z.object({
  window: z.string(),
  since: z.string(),
  signals: z.number(),
  truncated: z.boolean(),
  changed: z.number(),
  before: Tally,
  after: Tally,
  changes: z.array(
    z.object({ signal_id: z.string(), title: z.string(), received_at: z.string(), fields: z.array(z.string()), before: Routing, after: Routing }),
  ),
});

export const dryRunRoutes = router();

dryRunRoutes.openAPIRegistry.registerPath({
  method: "post",
  path: "/v1/orgs/{org}/profile/dry-run",
  tags: ["Profiles"],
  summary: "Replay recent signals through a candidate profile and report how routing would change (org admin; writes nothing)",
  security: SECURITY,
  request: {
    params: OrgParam,
    query: z.object({ window: z.string().optional() }),
    body: { required: true, content: { "application/yaml": { schema: z.string() }, "application/json": { schema: DryRunJson } } },
  },
  responses: { 200: json(Report, "What would change"), ...ERRORS },
});

dryRunRoutes.post("/v1/orgs/:org/profile/dry-run", requireOrgAdmin, async (c) => {
  let yaml: string;
  let window: string;
  if (/json/i.test(c.req.header("content-type") ?? "")) {
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      throw new DomainError("bad_request", "the body is not valid JSON");
    }
    const parsed = DryRunJson.safeParse(raw);
    if (!parsed.success) throw parsed.error;
    ({ profile_yaml: yaml, window } = parsed.data);
  } else {
    yaml = await bodyText(c);
    const w = IsoDuration.default("P30D").safeParse(c.req.query("window"));
    if (!w.success) {
      const message = w.error.issues[0]?.message ?? `must be an ISO 8601 duration ${DURATION_RANGE}`;
      throw new DomainError("validation", `window ${message}`, [{ path: "window", message }]);
    }
    window = w.data;
  }
  const { profile } = profileFromYaml(yaml, "profile_yaml");
  const since = new Date(Date.now() - durationMs(window)).toISOString();
  const { signals: recorded, more } = await routedSignalsSince(c.get("db"), c.get("org").org_id, since);
  const patterns = profile.flow_rules.reduce((n, rule) => n + (rule.when.regex?.length ?? 0), 0);
  let scan = 0;
  const affordable = recorded.findIndex((r) => {
    scan += patterns * Math.min(MAX_REGEX_SCANNED_CHARS, r.signal.title.length + (r.signal.body?.length ?? 0));
    return scan > MAX_REGEX_SCAN;
  });
  const replayed = affordable === -1 ? recorded : recorded.slice(0, affordable);
  const report = dryRun(replayed, profile);
  return c.json({ window, since, truncated: more || replayed.length < recorded.length, ...report }, 200);
});
