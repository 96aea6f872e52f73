/**
 * Every shipped profile enables the modules that fit its kind of
 * organization, and exactly those answer: a disabled module's routes are 404
 * for the organization's own admin, an enabled one's are served. A profile
 * change that enables a module opens its routes without any other step.
 */
import { describe, expect, it } from "vitest";
import { api, createOrg, expectProblem } from "./helpers";

const EXPECTED: Record<string, string[]> = {
  base: [],
  basketball_team: ["groups"],
  crisis_response: ["groups", "open311"],
  friend_group: ["groups"],
  hospital: ["maintenance", "care"],
  retail_ops: ["maintenance"],
  school: ["care", "groups"],
  volunteer_shelter: ["maintenance", "care", "groups"],
};

/** One read per module that any admin of an enabling organization may make. */
const PROBES: Record<string, (slug: string) => string> = {
  maintenance: (slug) => `/v1/orgs/${slug}/assets`,
  care: (slug) => `/v1/orgs/${slug}/personnel`,
  groups: (slug) => `/v1/orgs/${slug}/groups`,
  open311: (slug) => `/v1/orgs/${slug}/open311/services.json`,
};

describe("modules of the shipped profiles", () => {
  for (const [profile, modules] of Object.entries(EXPECTED)) {
    it(`${profile}: ${modules.join(", ") || "no modules"}`, async () => {
      const { slug, token } = await createOrg({ profile });
      const org = await api("GET", `/v1/orgs/${slug}`, { token });
      expect(org.status).toBe(200);
      expect(org.body.modules).toEqual(modules);
      for (const [module, path] of Object.entries(PROBES)) {
        const r = await api("GET", path(slug), { token });
        if (modules.includes(module)) expect(r.status, `${module}: ${JSON.stringify(r.body)}`).toBe(200);
        else expectProblem(r, 404);
      }
    });
  }

  it("enabling a module by a profile change opens its routes; removing it closes them", async () => {
    const { slug, token } = await createOrg({ profile: "base" });
    expectProblem(await api("GET", `/v1/orgs/${slug}/groups`, { token }), 404);
    const withGroups = "name: base_groups\nextends: base\nmodules:\n  groups: { kinds: [team] }\n";
    const put = await api("PUT", `/v1/orgs/${slug}/profile`, { token, raw: withGroups, type: "application/yaml" });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await api("GET", `/v1/orgs/${slug}`, { token })).body.modules).toEqual(["groups"]);
    expect((await api("GET", `/v1/orgs/${slug}/groups`, { token })).status).toBe(200);
    const without = await api("PUT", `/v1/orgs/${slug}/profile`, { token, raw: "name: base_plain\nextends: base\n", type: "application/yaml" });
    expect(without.status).toBe(200);
    expectProblem(await api("GET", `/v1/orgs/${slug}/groups`, { token }), 404);
  });

  it("a module setting naming a role the profile lacks is refused at its path", async () => {
    const { slug, token } = await createOrg({ profile: "base" });
    const bad = "name: bad\nextends: base\nmodules:\n  maintenance: { repair_role: Plumbing }\n";
    const r = await api("PUT", `/v1/orgs/${slug}/profile`, { token, raw: bad, type: "application/yaml" });
    const problem = expectProblem(r, 422);
    expect(problem.errors?.map((e) => e.path)).toContain("modules.maintenance.repair_role");
  });
});
