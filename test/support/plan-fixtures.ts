/**
 * What the plan tests share: a profile that exercises routing, tasks,
 * dedupe, patterns and notifications; a fixed clock; ids drawn from a
 * counter; and an in-memory lookup standing in for the object's storage.
 * Node only (no Workers types).
 */
import type { OrgLookup, PlanEnv, Recipient } from "../../core/engine";
import type { DomainError } from "../../core/errors";
import type { Case, Position, Role, Task } from "../../core/model";
import type { PatternState } from "../../core/patterns";
import type { Actor } from "../../core/privacy/visibility";
import { loadProfile, type Profile } from "../../core/profiles";
import { SHIPPED_PROFILES } from "../../profiles/bundle.generated";

export function load(text: string): Profile {
  const r = loadProfile(text, (n) => SHIPPED_PROFILES[n]);
  if (!r.ok) throw new Error(JSON.stringify(r.errors, null, 2));
  return r.profile;
}

export const PROFILE = load(`
name: plan_test
extends: base
privacy: need_to_know
reactivity: { critical: PT15M, high: PT1H, medium: PT4H, low: P1D }
escalation: { step: PT30M, repeat_at_top: PT1H, stale_after: PT2H }
roles: [Operations, Operations.Safety, Operations.Maintenance, Facilities]
flow_rules:
  - id: water-leak
    when: { keywords: [leak], metadata: { incident_type: water } }
    then:
      case: { label: 1001.91.Operations.Maintenance, severity: high, tags: [water] }
      tasks:
        - { type: maintenance, subtype: leak, title: "Fix leak at {{location.site}}", owner_role: Operations.Maintenance }
        - { type: safety, title: "Wet floor signs at {{location.site}}", owner_role: Operations.Safety, severity: critical }
      dedupe_key: "leak:{{location.site}}"
  - id: photo
    continue: true
    when: { keywords: [leak] }
    then:
      tasks:
        - { title: "Photograph the damage", reactivity_time: PT10M }
default_label: 1001.14.Operations
pattern_rules:
  - id: leak-audit
    match: { entity: task, subtype: leak }
    group_by: location.site
    window: P30D
    threshold: 2
    cooldown: P30D
    action:
      case: { title: "Infrastructure Audit: {{group}}", label: 11.14.Facilities, severity: high }
      tasks:
        - { title: "Audit the pipes at {{group}}", owner_role: Facilities }
notifications:
  channels:
    in_app: {}
    email: { to: [ops@plan.example] }
  rules:
    - { on: new_case, min_severity: high, channels: [in_app] }
    - { on: assignment, channels: [in_app] }
    - { on: pattern_alert, channels: [in_app, email], to_roles: [Facilities] }
`);

/** A Monday morning; every deadline below is counted from it. */
export const NOW = new Date("2026-03-02T09:00:00.000Z");

/** The code of the domain error `f` throws, or "none". */
export function errorCode(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as DomainError).code;
  }
  return "none";
}
export const at = (iso: string) => new Date(iso).getTime();

export const ROLES: Role[] = PROFILE.roles.map((name, i) => ({ role_id: `role-${i + 1}`, name, parent: name.includes(".") ? "Operations" : null }));
export const roleId = (name: string) => ROLES.find((r) => r.name === name)!.role_id;

export function actor(positions: Position[], opts: { admin?: boolean; user_id?: string } = {}): Actor {
  const user_id = opts.user_id ?? "u-staff";
  return { ref: `user:${user_id}`, user_id, admin: opts.admin ?? false, positions };
}

export const MAINTENANCE_STAFF = actor([{ level: 1001, role: "Operations.Maintenance" }]);
export const ADMIN = actor([], { admin: true, user_id: "u-admin" });

/** Ids id-1, id-2, … in the order the plan draws them. */
export function counterIds(): () => string {
  let n = 0;
  return () => `id-${++n}`;
}

export function env(who: Actor = MAINTENANCE_STAFF, now: Date = NOW, profile: Profile = PROFILE): PlanEnv {
  return { profile, actor: who, now, newId: counterIds(), profileVersion: 1 };
}

export interface MemoryLookup extends OrgLookup {
  /** How often the plan asked for mail recipients (it should only when mail is planned). */
  recipientReads: number;
}

export function memoryLookup(
  opts: { windows?: Record<string, PatternState>; users?: Recipient[]; takenRefs?: string[]; userIds?: string[]; persons?: string[] } = {},
): MemoryLookup {
  const lookup: MemoryLookup = {
    recipientReads: 0,
    roleByName: (name) => ROLES.find((r) => r.name === name) ?? null,
    roleById: (id) => ROLES.find((r) => r.role_id === id) ?? null,
    patternWindow: (ruleId, group) => opts.windows?.[`${ruleId}|${group}`] ?? null,
    mailRecipients: () => {
      lookup.recipientReads += 1;
      return opts.users ?? [];
    },
    caseRefTaken: (ref) => opts.takenRefs?.includes(ref) ?? false,
    userExists: (id) => opts.userIds?.includes(id) ?? false,
    personExists: (id) => opts.persons?.includes(id) ?? false,
  };
  return lookup;
}

export function storedCase(fields: Partial<Case> = {}): Case {
  return {
    case_id: "case-stored",
    ref: "CASESTORED",
    title: "Stored case",
    description: null,
    label: "1001.91.Operations.Maintenance",
    origin_label: "1001.91.Operations.Maintenance",
    status: "open",
    severity: "high",
    reactivity_time: "PT1H",
    reactivity_deadline: "2026-03-02T08:30:00.000Z",
    origin_role: null,
    location: { site: "Store 12", area: null },
    tags: [],
    metadata: {},
    person_id: null,
    person_link_trusted: false,
    escalation_level: 0,
    reacted_at: null,
    created_by: null,
    created_at: "2026-03-02T07:30:00.000Z",
    updated_at: "2026-03-02T07:30:00.000Z",
    version: 1,
    profile_version: 1,
    ...fields,
  };
}

export function storedTask(fields: Partial<Task> = {}): Task {
  return {
    task_id: "task-stored",
    case_id: "case-stored",
    title: "Stored task",
    type: null,
    subtype: null,
    status: "pending",
    label: "1001.91.Operations.Maintenance",
    origin_label: "1001.91.Operations.Maintenance",
    owner_role_id: null,
    owner_role: null,
    severity: "high",
    reactivity_time: "PT1H",
    reactivity_deadline: "2026-03-02T08:30:00.000Z",
    reacted_at: null,
    due_at: null,
    escalation_level: 0,
    created_by: null,
    created_at: "2026-03-02T07:30:00.000Z",
    updated_at: "2026-03-02T07:30:00.000Z",
    version: 1,
    profile_version: 1,
    ...fields,
  };
}
