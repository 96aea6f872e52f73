/**
 * What every command runs with: the store (inside the open transaction), the
 * instant it runs at, who asked, and the active profile. Time is passed in so
 * the same code serves requests, alarms and tests.
 */
import type { Actor } from "../../core/privacy/visibility";
import type { Profile } from "../../core/profiles";
import type { OrgStore } from "../store/org-store";

export const SYSTEM_ACTOR: Actor = { ref: "system", user_id: null, admin: true, positions: [] };

export interface CommandContext {
  store: OrgStore;
  now: Date;
  actor: Actor;
  profile: Profile;
}

export const iso = (d: Date) => d.toISOString();
