/**
 * The reads a plan needs, taken from the organization's storage inside the
 * command's transaction (so they hold still until its plan is applied).
 * Each function reads what one command's plan looks at, and nothing else.
 */
import { DomainError, notFound } from "../../core/errors";
import type {
  CaseCreateSnapshot,
  CasePatchSnapshot,
  OrgLookup,
  RoutedSignal,
  SignalSnapshot,
  TaskCreateSnapshot,
  TaskTransitionSnapshot,
  TimerSnapshot,
} from "../../core/engine";
import type { CaseCreate, CasePatch } from "../../core/model";
import type { PatternState } from "../../core/patterns";
import type { PersonLink } from "../../core/privacy/person-sight";
import type { Timer } from "../../core/scheduling/timers";
import type { OrgStore } from "./org-store";

/** Reads keyed by what the plan computes; users are read once, and only if mail is planned. */
export function lookupIn(store: OrgStore): OrgLookup {
  let recipients: ReturnType<OrgLookup["mailRecipients"]> | null = null;
  return {
    roleByName: (name) => store.roleByName(name),
    roleById: (roleId) => store.roleById(roleId),
    patternWindow: (ruleId, group) => store.patternState<PatternState>(ruleId, group),
    mailRecipients: () => (recipients ??= store.activeUsers().map((u) => ({ email: u.email, positions: u.positions }))),
  };
}

/**
 * The trusted links to the person a command names. A person of another
 * organization, or none at all, is refused: a record must never point
 * outside its own organization.
 */
function personLinks(store: OrgStore, personId: string | null | undefined): PersonLink[] {
  if (!personId) return [];
  if (!store.getPerson(personId)) {
    throw new DomainError("validation", "no person with this id in the organization", [
      { path: "person_id", message: "no person with this id in the organization" },
    ]);
  }
  return store.trustedLinksTo(personId);
}

export function signalSnapshot(store: OrgStore, routed: RoutedSignal): SignalSnapshot {
  const key = routed.decision.dedupe_key;
  const caseId = key ? store.openCaseForDedupe(key) : null;
  let dedupe_case = null;
  if (caseId) {
    dedupe_case = store.getCase(caseId);
    if (!dedupe_case) throw notFound("case");
  }
  return { dedupe_case, person_links: dedupe_case ? [] : personLinks(store, routed.signal.person_id), lookup: lookupIn(store) };
}

export function caseCreateSnapshot(store: OrgStore, input: CaseCreate): CaseCreateSnapshot {
  return { person_links: personLinks(store, input.person_id), lookup: lookupIn(store) };
}

export function casePatchSnapshot(store: OrgStore, caseId: string, patch: CasePatch): CasePatchSnapshot {
  return { case: store.getCase(caseId), person_links: personLinks(store, patch.person_id), lookup: lookupIn(store) };
}

export function taskCreateSnapshot(store: OrgStore, caseId: string): TaskCreateSnapshot {
  const c = store.getCase(caseId);
  return { case: c, tasks: c ? store.tasksOfCase(caseId) : [], lookup: lookupIn(store) };
}

export function taskTransitionSnapshot(store: OrgStore, taskId: string): TaskTransitionSnapshot {
  const task = store.getTask(taskId);
  const c = task ? store.getCase(task.case_id) : null;
  return { task, case: c, tasks: c ? store.tasksOfCase(c.case_id) : [], lookup: lookupIn(store) };
}

export function timerSnapshot(store: OrgStore, timer: Timer): TimerSnapshot {
  const task = timer.entity_type === "task" ? store.getTask(timer.entity_id) : null;
  const caseId = task ? task.case_id : timer.entity_type === "task" ? null : timer.entity_id;
  return { timer, task, case: caseId ? store.getCase(caseId) : null, lookup: lookupIn(store) };
}
