/** The organization's active profile: read as JSON or YAML, replace with YAML. */
import { createRoute, z } from "@hono/zod-openapi";
import { DomainError } from "../../../core/errors";
import { profileFromYaml } from "../../profile-source";
import { requireOrgAdmin } from "../auth";
import { bodyText } from "../content-type";
import { stubOf, unwrap } from "../org-client";
import { ERRORS, OrgParam, SECURITY, json, router } from "../openapi";

const ProfileJson = z.record(z.string(), z.unknown());
const MAX_PROFILE_BYTES = 200_000;

const read = createRoute({
  tags: ["Profiles"],
  security: SECURITY,
  method: "get",
  path: "/v1/orgs/{org}/profile",
  summary: "The active profile (JSON, or YAML with Accept: application/yaml)",
  request: { params: OrgParam },
  responses: {
    200: {
      description: "The resolved profile",
      content: { "application/json": { schema: ProfileJson }, "application/yaml": { schema: z.string() } },
    },
    ...ERRORS,
  },
});

const replace = createRoute({
  tags: ["Profiles"],
  security: SECURITY,
  method: "put",
  path: "/v1/orgs/{org}/profile",
  summary: "Replace the profile (org admin; YAML body)",
  middleware: [requireOrgAdmin] as const,
  request: { params: OrgParam, body: { content: { "application/yaml": { schema: z.string() } } } },
  responses: { 200: json(ProfileJson, "The new resolved profile"), ...ERRORS },
});

export const profileRoutes = router()
  .openapi(read, async (c) => {
    const current = await stubOf(c).getProfile();
    if (!current) throw new DomainError("not_found", "organization not found");
    if (/\b(application|text)\/(x-)?yaml\b/.test(c.req.header("accept") ?? "")) {
      return c.body(current.yaml, 200, { "content-type": "application/yaml; charset=utf-8" });
    }
    return c.json(current.profile as Record<string, unknown>, 200);
  })
  .openapi(replace, async (c) => {
    const text = await bodyText(c);
    if (text.length > MAX_PROFILE_BYTES) throw new DomainError("payload_too_large", "a profile is at most 200 kB");
    const { profile, yaml } = profileFromYaml(text, "");
    const value = unwrap(c, await stubOf(c).putProfile(c.get("actor"), profile, yaml));
    return c.json(value as Record<string, unknown>, 200);
  });
