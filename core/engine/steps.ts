/**
 * The steps plans are made of: open a case, add a task to one, re-derive a
 * case's status from its tasks, raise a case's level. Each decides with the
 * pure modules (labels, machines, deadlines, notification rules) and writes
 * its effects to a PlanBuilder; none reads storage. Requests, signals and
 * pattern rules all create work through these, so a case or task is built
 * one way whoever asks, and its defaults are taken in one place.
 */
import { DomainError, notFound } from "../errors";
import { DEFAULT_SEVERITY } from "../flow-rules/evaluate";
import { requireLabel } from "../labels";
import { applyCaseAggregate } from "../machines";
import type { Severity } from "../model/enums";
import { caseRefOf } from "../model/case-ref";
import type { Case, Location, Metadata, Role, Task } from "../model/records";
import { seesPerson, type PersonLink } from "../privacy/person-sight";
import { canAct, canSee, type Guarded, type Viewer } from "../privacy/visibility";
import type { Privacy } from "../model/enums";
import { reactivityDeadline } from "../scheduling/escalation";
import { makeTimer, type Timer } from "../scheduling/timers";
import { notify } from "./notices";
import type { Author, OrgLookup, PlanBuilder } from "./plan";

// ---------------------------------------------------------------------------
// Drafts: what to create, with every absent field an explicit null

/** A case to open. A null label, severity or window takes the profile's default. */
export interface CaseDraft {
  title: string;
  description: string | null;
  label: string | null;
  severity: Severity | null;
  reactivity_time: string | null;
  origin_role: string | null;
  location: Location;
  tags: string[];
  metadata: Metadata;
  person_id: string | null;
  /** The maintenance asset the case is about (checked against the organization's assets by the plan). */
  asset_id: string | null;
}

/** A task to add. A null label or severity takes its case's; a null window the profile's for the severity. */
export interface TaskDraft {
  title: string;
  type: string | null;
  subtype: string | null;
  label: string | null;
  severity: Severity | null;
  reactivity_time: string | null;
  /** The owner by name (rules, requests) or by id (requests); none: nobody owns it. */
  owner_role: string | null;
  owner_role_id: string | null;
  due_at: string | null;
  /** None: the case's asset. */
  asset_id: string | null;
  assignee_user_id: string | null;
  assignee_person_id: string | null;
}

type Maybe<T> = T | null | undefined;

/** Fields as requests, flow rules and pattern rules give them: optional, some nullable. */
export interface CaseFields {
  title: string;
  description?: Maybe<string>;
  label?: Maybe<string>;
  severity?: Maybe<Severity>;
  reactivity_time?: Maybe<string>;
  origin_role?: Maybe<string>;
  location?: Maybe<{ site?: Maybe<string>; area?: Maybe<string> }>;
  tags?: Maybe<string[]>;
  metadata?: Maybe<Metadata>;
  person_id?: Maybe<string>;
  asset_id?: Maybe<string>;
}

export interface TaskFields {
  title: string;
  type?: Maybe<string>;
  subtype?: Maybe<string>;
  label?: Maybe<string>;
  severity?: Maybe<Severity>;
  reactivity_time?: Maybe<string>;
  owner_role?: Maybe<string>;
  owner_role_id?: Maybe<string>;
  due_at?: Maybe<string>;
  asset_id?: Maybe<string>;
  assignee_user_id?: Maybe<string>;
  assignee_person_id?: Maybe<string>;
}

export function toLocation(input: Maybe<{ site?: Maybe<string>; area?: Maybe<string> }>): Location {
  return { site: input?.site ?? null, area: input?.area ?? null };
}

export function caseDraft(f: CaseFields): CaseDraft {
  return {
    title: f.title,
    description: f.description ?? null,
    label: f.label ?? null,
    severity: f.severity ?? null,
    reactivity_time: f.reactivity_time ?? null,
    origin_role: f.origin_role ?? null,
    location: toLocation(f.location),
    tags: f.tags ?? [],
    metadata: f.metadata ?? {},
    person_id: f.person_id ?? null,
    asset_id: f.asset_id ?? null,
  };
}

export function taskDraft(f: TaskFields): TaskDraft {
  return {
    title: f.title,
    type: f.type ?? null,
    subtype: f.subtype ?? null,
    label: f.label ?? null,
    severity: f.severity ?? null,
    reactivity_time: f.reactivity_time ?? null,
    owner_role: f.owner_role ?? null,
    owner_role_id: f.owner_role_id ?? null,
    due_at: f.due_at ?? null,
    asset_id: f.asset_id ?? null,
    assignee_user_id: f.assignee_user_id ?? null,
    assignee_person_id: f.assignee_person_id ?? null,
  };
}

// ---------------------------------------------------------------------------
// Who may, and who is trusted

/**
 * A record on behalf of a viewer: one they may not see does not exist for
 * them (404); one they see but may not act on is 403.
 */
export function guard<T extends Guarded>(viewer: Viewer, privacy: Privacy, item: T | null, what: string, need: "see" | "act"): T {
  if (!item || !canSee(viewer, item, privacy)) throw notFound(what);
  if (need === "act" && !canAct(viewer, item)) {
    throw new DomainError("forbidden", `acting on this ${what} needs a position matching its label`);
  }
  return item;
}

/**
 * Whether a link to the person made now by the viewer is trusted: only
 * someone who already sees the person's sensitive attributes can pass that
 * sight on. `links` are the trusted links to that person that exist already.
 */
export function linkTrusted(viewer: Viewer, personId: string | null, links: Iterable<PersonLink>): boolean {
  return personId !== null && seesPerson(viewer, links);
}

/**
 * The owner a draft names. No implicit owner: ownership grants sight and
 * action at any level, so it must be given on purpose (by a person or a
 * rule), never inferred from the label.
 */
function resolveOwnerRole(lookup: OrgLookup, draft: Pick<TaskDraft, "owner_role" | "owner_role_id">): Role | null {
  if (draft.owner_role_id !== null) {
    const role = lookup.roleById(draft.owner_role_id);
    if (!role) throw new DomainError("validation", "unknown role id", [{ path: "owner_role_id", message: `no role with id ${draft.owner_role_id}` }]);
    return role;
  }
  if (draft.owner_role !== null) {
    const role = lookup.roleByName(draft.owner_role);
    if (!role) throw new DomainError("validation", "unknown role", [{ path: "owner_role", message: `${draft.owner_role} is not a role of this organization` }]);
    return role;
  }
  return null;
}

// ---------------------------------------------------------------------------
// Timers

/** The escalation timer of an item at a level; the first one is its reactivity deadline. */
export function escalationTimer(entityType: "case" | "task", entityId: string, level: number, deadline: string): Timer {
  return makeTimer("escalation", entityType, entityId, Date.parse(deadline), level);
}

/** A reminder for work in progress gone quiet: step 0 reminds the owner, step 1 the level above. */
export function staleTimer(taskId: string, step: number, dueAt: number): Timer {
  return makeTimer("stale", "task", taskId, dueAt, step);
}

// ---------------------------------------------------------------------------
// Steps

/**
 * Opens a case: the profile's default label and severity fill what the
 * draft leaves null, the reactivity clock starts now, and its first
 * escalation timer is armed. `personLinks` are the trusted links to the
 * draft's person, which decide whether this link is trusted too.
 */
export function openCase(b: PlanBuilder, by: Author, draft: CaseDraft, on: "new_case" | "pattern_alert", personLinks: Iterable<PersonLink>): Case {
  const { profile, actor, now } = b.env;
  const label = draft.label ?? profile.default_label;
  requireLabel(label, profile.roles, "label");
  const severity = draft.severity ?? DEFAULT_SEVERITY;
  const { reactivity_time, deadline } = reactivityDeadline(now, severity, profile, draft.reactivity_time ?? undefined);
  const reactivity_deadline = deadline.toISOString();
  const caseId = unusedCaseId(b);
  const c: Case = {
    case_id: caseId,
    ref: caseRefOf(caseId),
    title: draft.title,
    description: draft.description,
    label,
    origin_label: label,
    status: "open",
    severity,
    reactivity_time,
    reactivity_deadline,
    origin_role: draft.origin_role,
    location: draft.location,
    tags: draft.tags,
    metadata: draft.metadata,
    person_id: draft.person_id,
    person_link_trusted: linkTrusted(actor, draft.person_id, personLinks),
    asset_id: draft.asset_id,
    escalation_level: 0,
    reacted_at: null,
    created_by: by.user_id,
    created_at: b.at,
    updated_at: b.at,
    version: 1,
    profile_version: b.env.profileVersion,
  };
  b.putCase(c, true);
  b.audit(by, "case.created", "case", c.case_id, { case: c }, c.case_id);
  b.arm(escalationTimer("case", c.case_id, 0, reactivity_deadline));
  notify(b, { on, severity: c.severity, label: c.label, owner_role: null }, { entity_type: "case", entity_id: c.case_id, case_id: c.case_id, title: c.title });
  return c;
}

/** A fresh case id whose ref no other case of the organization has (refs are short, so they may collide). */
function unusedCaseId(b: PlanBuilder): string {
  for (;;) {
    const id = b.id();
    if (!b.lookup.caseRefTaken(caseRefOf(id))) return id;
  }
}

/**
 * Adds a task to a case (`c` as it stands now, `siblings` its other tasks),
 * then lets the case's status follow. Returns the task and the case after.
 */
export function addTask(b: PlanBuilder, by: Author, c: Case, siblings: readonly Task[], draft: TaskDraft): { task: Task; case: Case } {
  const { profile, now } = b.env;
  if (c.status === "closed") {
    throw new DomainError("invalid_transition", "a closed case takes no new tasks", [{ path: "case_id", message: "case is closed" }]);
  }
  const label = draft.label ?? c.label;
  requireLabel(label, profile.roles, "label");
  const owner = resolveOwnerRole(b.lookup, draft);
  const severity = draft.severity ?? c.severity;
  const { reactivity_time, deadline } = reactivityDeadline(now, severity, profile, draft.reactivity_time ?? undefined);
  const reactivity_deadline = deadline.toISOString();
  const task: Task = {
    task_id: b.id(),
    case_id: c.case_id,
    title: draft.title,
    type: draft.type,
    subtype: draft.subtype,
    status: "pending",
    label,
    origin_label: label,
    asset_id: draft.asset_id ?? c.asset_id ?? null,
    assignee_user_id: draft.assignee_user_id,
    assignee_person_id: draft.assignee_person_id,
    owner_role_id: owner?.role_id ?? null,
    owner_role: owner?.name ?? null,
    severity,
    reactivity_time,
    reactivity_deadline,
    reacted_at: null,
    due_at: draft.due_at,
    escalation_level: 0,
    created_by: by.user_id,
    created_at: b.at,
    updated_at: b.at,
    version: 1,
    profile_version: b.env.profileVersion,
  };
  b.putTask(task, c.location, true);
  b.audit(by, "task.created", "task", task.task_id, { task }, c.case_id);
  b.arm(escalationTimer("task", task.task_id, 0, reactivity_deadline));
  if (task.owner_role) {
    notify(
      b,
      { on: "assignment", severity: task.severity, label: task.label, owner_role: task.owner_role },
      { entity_type: "task", entity_id: task.task_id, case_id: c.case_id, title: task.title },
    );
  }
  return { task, case: reaggregateCase(b, by, c, [...siblings, task]) };
}

/** Re-derives the case's status from all its tasks (as they stand after the change); returns the case after. */
export function reaggregateCase(b: PlanBuilder, by: Author, c: Case, tasks: readonly Task[]): Case {
  const { next, changed, effects } = applyCaseAggregate(c, tasks, b.at);
  if (!changed) return c;
  if (effects.some((e) => e.type === "timers_dropped")) b.dropTimers(c.case_id, "escalation");
  if (next.status === "resolved" || next.status === "closed") b.clearDedupe(c.case_id);
  b.putCase(next);
  b.audit(by, "case.status_changed", "case", c.case_id, { status: { from: c.status, to: next.status } }, c.case_id);
  return next;
}

/** Raises a case's escalation level to at least `level`: it is never below its tasks'. */
export function raiseCaseLevel(b: PlanBuilder, by: Author, c: Case | null, level: number): void {
  if (!c || c.escalation_level >= level) return;
  b.putCase({ ...c, escalation_level: level, version: c.version + 1, updated_at: b.at });
  b.audit(by, "case.escalation_raised", "case", c.case_id, { escalation_level: { from: c.escalation_level, to: level } }, c.case_id);
}
