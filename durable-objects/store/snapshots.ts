/**
 * The reads a plan needs, taken from the organization's storage inside the
 * command's transaction (so they hold still until its plan is applied).
 * Each function reads what one command's plan looks at, and nothing else.
 */
import { DomainError, notFound } from "../../core/errors";
import type { InboundEmail } from "../../core/email/inbound";
import { caseRefInSubject } from "../../core/email/subject";
import type {
  CaseCreateSnapshot,
  EmailSnapshot,
  ReplySnapshot,
  CasePatchSnapshot,
  OrgLookup,
  RoutedSignal,
  SignalSnapshot,
  TaskCreateSnapshot,
  TaskTransitionSnapshot,
  TimerSnapshot,
} from "../../core/engine";
import type { CaseCreate, CasePatch, TaskCreate } from "../../core/model";
import type { AssetRef } from "../../core/modules/maintenance/asset-ref";
import type { PatternState } from "../../core/patterns";
import type { PersonLink } from "../../core/privacy/person-sight";
import type { Timer } from "../../core/scheduling/timers";
import { MaintenanceStore } from "../modules/maintenance/maintenance-store";
import type { OrgStore } from "./org-store";

/** Reads keyed by what the plan computes; users are read once, and only if mail is planned. */
export function lookupIn(store: OrgStore): OrgLookup {
  let recipients: ReturnType<OrgLookup["mailRecipients"]> | null = null;
  return {
    roleByName: (name) => store.roleByName(name),
    roleById: (roleId) => store.roleById(roleId),
    patternWindow: (ruleId, group) => store.patternState<PatternState>(ruleId, group),
    mailRecipients: () => (recipients ??= store.activeUsers().map((u) => ({ email: u.email, positions: u.positions }))),
    caseRefTaken: (ref) => store.caseIdByRef(ref) !== null,
    userExists: (userId) => store.getUser(userId) !== null,
    personExists: (personId) => store.getPerson(personId) !== null,
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

/**
 * The asset a command names (the maintenance module's), or null when it
 * names none or an unknown one: the plan refuses an unknown id (422).
 */
function assetNamed(store: OrgStore, assetId: string | null | undefined): AssetRef | null {
  return assetId ? new MaintenanceStore(store).assetRef(assetId) : null;
}

export function signalSnapshot(store: OrgStore, routed: RoutedSignal): SignalSnapshot {
  const key = routed.decision.dedupe_key;
  const caseId = key ? store.openCaseForDedupe(key) : null;
  let dedupe_case = null;
  if (caseId) {
    dedupe_case = store.getCase(caseId);
    if (!dedupe_case) throw notFound("case");
  }
  return {
    dedupe_case,
    person_links: dedupe_case ? [] : personLinks(store, routed.signal.person_id),
    asset: assetNamed(store, routed.input.asset_id),
    lookup: lookupIn(store),
  };
}

export function caseCreateSnapshot(store: OrgStore, input: CaseCreate): CaseCreateSnapshot {
  return { person_links: personLinks(store, input.person_id), asset: assetNamed(store, input.asset_id), lookup: lookupIn(store) };
}

export function casePatchSnapshot(store: OrgStore, caseId: string, patch: CasePatch): CasePatchSnapshot {
  return { case: store.getCase(caseId), person_links: personLinks(store, patch.person_id), asset: assetNamed(store, patch.asset_id), lookup: lookupIn(store) };
}

export function taskCreateSnapshot(store: OrgStore, caseId: string, input?: Pick<TaskCreate, "asset_id">): TaskCreateSnapshot {
  const c = store.getCase(caseId);
  return { case: c, tasks: c ? store.tasksOfCase(caseId) : [], asset: assetNamed(store, input?.asset_id), lookup: lookupIn(store) };
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

/**
 * Which case a message answers, most specific first: a case that already
 * names it (a reply that arrived first), the message it replies to (In-Reply-To), then the ids it names from the newest back (References,
 * which may name a message that never arrived but that another message of
 * the case named too), then the case tag in its subject.
 */
export function emailSnapshot(store: OrgStore, email: InboundEmail): EmailSnapshot {
  const seen = store.emailByMessageId(email.message_id);
  // Its own id comes first: a reply that arrived before it named it, and the case it opened waits for it.
  const candidates = [email.message_id, ...email.in_reply_to, ...[...email.references].reverse()];
  let caseId = seen?.case_id ?? null;
  for (const id of candidates) {
    if (caseId) break;
    caseId = store.caseIdOfThreadId(id);
  }
  const ref = caseId ? null : caseRefInSubject(email.subject);
  if (ref) caseId = store.caseIdByRef(ref);
  return {
    seen,
    thread_case: caseId ? store.getCase(caseId) : null,
    orphans: seen ? [] : threadOrphans(store, candidates),
    lookup: lookupIn(store),
    signal: (routed) => signalSnapshot(store, routed),
  };
}

export function replySnapshot(store: OrgStore, caseId: string, mailbox: string, domain: string): ReplySnapshot {
  const c = store.getCase(caseId);
  return { case: c, tip: c ? store.threadTip(caseId) : null, mailbox, domain, lookup: lookupIn(store) };
}

/** Mail without a case in the same thread as these ids: two hops (what they name, and what names those). */
const MAX_ADOPTED = 100;
function threadOrphans(store: OrgStore, ids: string[]): string[] {
  const first = store.orphansNaming(ids, MAX_ADOPTED);
  const more = store.orphansNaming(
    first.flatMap((e) => store.orphanIds(e)),
    MAX_ADOPTED,
  );
  return [...new Set([...first, ...more])].slice(0, MAX_ADOPTED);
}
