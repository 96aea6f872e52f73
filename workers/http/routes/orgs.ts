/** Organizations: creation by the platform admin, and reading one's own. */
import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { DomainError } from "../../../core/errors";
import { Org, OrgCreate } from "../../../core/model";
import { enabledModules } from "../../../core/modules/config";
import { hashPassword, hashToken, newToken } from "../../../core/security/secrets";
import { orgs } from "../../../d1/schema";
import { DEFAULT_PROFILE, profileFromYaml, shippedProfile } from "../../profile-source";
import { requirePlatformAdmin } from "../auth";
import { orgObject, unwrap } from "../org-client";
import { CONFLICT, ERRORS, OrgParam, SECURITY, json, jsonBody, router } from "../openapi";

const OrgCreated = z.object({
  org: Org,
  admin: z.object({ user_id: z.string(), email: z.string() }),
  token: z.string(),
});

const create = createRoute({
  method: "post",
  path: "/v1/orgs",
  tags: ["Organizations"],
  summary: "Create an organization (platform admin)",
  security: SECURITY,
  middleware: [requirePlatformAdmin] as const,
  request: { body: jsonBody(OrgCreate) },
  responses: { 201: json(OrgCreated, "The organization, its first admin and an admin token"), ...ERRORS, ...CONFLICT },
});

const read = createRoute({
  method: "get",
  path: "/v1/orgs/{org}",
  tags: ["Organizations"],
  summary: "Read an organization",
  security: SECURITY,
  request: { params: OrgParam },
  responses: { 200: json(Org, "The organization"), ...ERRORS },
});

export const orgRoutes = router()
  .openapi(create, async (c) => {
    const body = c.req.valid("json");
    const { profile, yaml } = body.profile_yaml ? profileFromYaml(body.profile_yaml) : shippedProfile(body.profile ?? DEFAULT_PROFILE);
    const adminInput = body.admin ?? { email: `admin@${body.slug}.${c.env.ORGO_EMAIL_DOMAIN}`, display_name: `${body.name} admin` };
    const [passwordHash, token] = [adminInput.password ? await hashPassword(adminInput.password) : null, newToken()];
    const org = {
      org_id: crypto.randomUUID(),
      slug: body.slug,
      name: body.name,
      profile: body.profile_yaml ? profile.name : (body.profile ?? DEFAULT_PROFILE),
      privacy: profile.privacy,
      modules: enabledModules(profile.modules),
      created_at: new Date().toISOString(),
    };
    const db = drizzle(c.env.DB);
    // The unique slug index is the claim: of two concurrent creations exactly one inserts.
    const inserted = await db.insert(orgs).values(org).onConflictDoNothing().returning({ org_id: orgs.org_id });
    if (inserted.length === 0) {
      throw new DomainError("duplicate", `the slug ${body.slug} is taken`, [{ path: "slug", message: "already taken" }]);
    }
    try {
      const rootRole = profile.roles[0] as string;
      const result = await orgObject(c.env, org.org_id).initialize({
        org: { org_id: org.org_id, slug: org.slug, name: org.name, profile_name: org.profile },
        profile,
        profile_yaml: yaml,
        admin: {
          email: adminInput.email,
          display_name: adminInput.display_name,
          password_hash: passwordHash,
          admin: true,
          positions: [{ level: 1, role: rootRole }],
        },
        token_hash: await hashToken(token),
      });
      const value = unwrap(c, result);
      return c.json({ org, admin: { user_id: value.admin.user_id, email: value.admin.email }, token }, 201);
    } catch (e) {
      // Release the slug so a failed creation can be retried.
      await db.delete(orgs).where(eq(orgs.org_id, org.org_id));
      throw e;
    }
  })
  .openapi(read, (c) => c.json(c.get("org"), 200));
