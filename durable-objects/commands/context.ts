/**
 * What every command runs with: the store (inside the open transaction), the
 * instant it runs at, who asked, the active profile and where fresh ids come
 * from. Time and ids are passed in so the same code serves requests, alarms
 * and tests; the same fields are what a plan is made with.
 */
import { auditEvent as buildAuditEvent, type PlanEnv } from "../../core/engine";
import type { AuditEvent } from "../../core/model";
import type { Actor } from "../../core/privacy/visibility";
import type { OrgStore } from "../store/org-store";

export const SYSTEM_ACTOR: Actor = { ref: "system", user_id: null, admin: true, positions: [] };
/** The email gateway: what mail opens is routed by the rules, and the gateway itself is answered in full. */
export const EMAIL_ACTOR: Actor = { ref: "email", user_id: null, admin: true, positions: [] };

export interface CommandContext extends PlanEnv {
  store: OrgStore;
}

export const iso = (d: Date) => d.toISOString();

/** An audit event of a command that writes directly (organization, people, secrets). */
export function auditEvent(ctx: CommandContext, action: string, entity_type: string, entity_id: string, changes: Record<string, unknown>): AuditEvent {
  return buildAuditEvent(ctx.actor, ctx.now, ctx.newId(), action, entity_type, entity_id, changes);
}
