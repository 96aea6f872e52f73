/**
 * What every command runs with: the store (inside the open transaction), the
 * instant it runs at, who asked, and the active profile. Time is passed in so
 * the same code serves requests, alarms and tests.
 */
import type { Profile } from "../../core/profiles";
import type { OrgStore } from "../store/org-store";

export interface Actor {
  /** Audit form: `user:<id>`, `token:<id>`, `platform` or `system`. */
  ref: string;
  user_id: string | null;
  admin: boolean;
  positions: { level: number; role: string }[];
}

export const SYSTEM_ACTOR: Actor = { ref: "system", user_id: null, admin: true, positions: [] };

export interface CommandContext {
  store: OrgStore;
  now: Date;
  actor: Actor;
  profile: Profile;
}

export const iso = (d: Date) => d.toISOString();
