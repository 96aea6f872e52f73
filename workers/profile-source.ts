/**
 * Loads a profile for an organization: a shipped one by name or a document
 * given inline, resolving `extends` against the shipped profiles. Problems
 * come back as one 422 listing every path and line.
 */
import { DomainError } from "../core/errors";
import { loadProfile, type Profile } from "../core/profiles";
import { SHIPPED_PROFILES } from "../profiles/bundle.generated";

export const DEFAULT_PROFILE = "base";

const resolveShipped = (name: string) => SHIPPED_PROFILES[name];

export function shippedProfileNames(): string[] {
  return Object.keys(SHIPPED_PROFILES).sort();
}

export function profileFromYaml(yaml: string, path = "profile_yaml"): { profile: Profile; yaml: string } {
  const loaded = loadProfile(yaml, resolveShipped);
  if (!loaded.ok) {
    throw new DomainError(
      "invalid_profile",
      loaded.errors.length === 1 ? "the profile has a problem" : "the profile has problems; each is listed with its path and line",
      loaded.errors.map((e) => ({ ...e, path: e.path === "" ? path : e.path })),
    );
  }
  return { profile: loaded.profile, yaml };
}

export function shippedProfile(name: string): { profile: Profile; yaml: string } {
  const yaml = resolveShipped(name);
  if (yaml === undefined) {
    throw new DomainError("validation", `unknown profile ${name}`, [
      { path: "profile", message: `no shipped profile named ${name}; known: ${shippedProfileNames().join(", ")}` },
    ]);
  }
  return profileFromYaml(yaml, "profile");
}
