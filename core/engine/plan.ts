/**
 * A plan: what a command decided, as plain data. The core reads a snapshot,
 * decides everything (records, audit events, timers, notices, dedupe and
 * pattern windows, the answer) and returns a plan; the Durable Object applies
 * it in one transaction through one applier. Deciding never writes, so a
 * plan can be tested in Node with a fixed clock and fixed ids, and applying
 * never decides, so storage and its outbox are written in one place.
 *
 * Plans are built with a `PlanBuilder`, which keeps the plan in the shape the
 * applier needs: each record once, at its latest state (inserted records keep
 * their place, so the applier hands out list positions in creation order);
 * timers as drops to run first and arms to run after, with an arm that a later
 * drop cancels taken out; pattern windows at their final state.
 */
import type { InboundAttachment } from "../email/inbound";
import type { Routing } from "../flow-rules/dry-run";
import type { NormalizedSignal } from "../flow-rules/evaluate";
import type { AuditEvent, Case, Location, Position, Role, Task } from "../model/records";
import type { PatternState } from "../patterns/window";
import type { Actor } from "../privacy/visibility";
import type { Profile } from "../profiles/schema";
import { applyTimerDrop, upsertTimer, type Timer, type TimerDrop, type TimerKind } from "../scheduling/timers";

/** Who runs the command, when, under which profile, and where fresh ids come from. */
export interface PlanEnv {
  profile: Profile;
  actor: Actor;
  now: Date;
  /** Ids of the records, events and notices a plan creates: random in the object, a counter in tests. */
  newId: () => string;
  /** The profile's version (each change of the profile makes a new one): cases and tasks record the one that routed and timed them. */
  profileVersion: number;
}

/** Someone who may receive mail for an audience. */
export interface Recipient {
  email: string;
  positions: ReadonlyArray<Position>;
}

/**
 * Reads keyed by what only the plan computes: the role a rule names, the
 * group a new record falls into, the users an audience covers (read only
 * when mail is planned). Read-only: the object answers from the open
 * transaction, a test from maps.
 */
export interface OrgLookup {
  roleByName(name: string): Role | null;
  roleById(roleId: string): Role | null;
  patternWindow(ruleId: string, group: string): PatternState | null;
  mailRecipients(): readonly Recipient[];
  /** Whether a case of the organization already has this ref. */
  caseRefTaken(ref: string): boolean;
  /** Whether the organization has this user or person (a task may be assigned to one). */
  userExists(userId: string): boolean;
  personExists(personId: string): boolean;
}

/** Who a step acts as: the audit log's actor, and the creator recorded on new records. */
export interface Author {
  ref: string;
  user_id: string | null;
}

export interface CaseWrite {
  record: Case;
  /** A new case: the applier gives it its list position. */
  insert: boolean;
}

export interface TaskWrite {
  record: Task;
  /** The case's location, which the task's queryable copy carries. */
  location: Location;
  insert: boolean;
}

/** What a reporter is answered; stored with the signal so a replay of its key answers the same. */
export interface SignalOutcome {
  signal_id: string;
  case: Case | null;
  tasks: Task[];
  matched_rules: string[];
  duplicate: boolean;
}

/** A received signal as the organization keeps it. */
export interface SignalRecord {
  signal_id: string;
  idempotency_key: string | null;
  signal: NormalizedSignal;
  case_id: string;
  /** How it was routed when it arrived: the baseline of a profile dry run. */
  routing: Routing;
  /** The first answer, unfiltered: a replay is filtered for whoever sends it. */
  outcome: SignalOutcome;
}

/** A message in or out, as the organization keeps it (its D1 row, less the list position). */
export interface EmailWrite {
  email_id: string;
  case_id: string | null;
  direction: "inbound" | "outbound";
  status: "opened" | "joined" | "recorded" | "queued" | "sent" | "failed";
  message_id: string;
  from_address: string;
  from_name: string | null;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  full_text: string;
  sent_at: string | null;
  received_at: string;
  in_reply_to: string[];
  references: string[];
  loop_reason: string | null;
  mailbox_hint: string | null;
  raw_key: string | null;
  version: number;
  attachments: InboundAttachment[];
  /** Every id that threads a later message to this one's case (its own and those it names). */
  thread_ids: string[];
}

/** Mail recorded without a case that a case now takes in (it belongs to the case's thread). */
export interface EmailAdoption {
  email_id: string;
  case_id: string;
}

export interface AuditWrite {
  event: AuditEvent;
  /** The case whose timeline shows the event. */
  case_id: string | null;
}

/** A notification record; one not yet delivered is kept for the alarm, which sends it. */
export interface Notice {
  notification_id: string;
  at: string;
  event: string;
  channel: string;
  recipient: string;
  entity_type: string;
  entity_id: string;
  case_id: string | null;
  status: "delivered" | "queued" | "pending";
  payload: Record<string, unknown>;
}

export interface DedupeEntry {
  key: string;
  case_id: string;
}

export interface PatternWindowWrite {
  rule_id: string;
  group: string;
  state: PatternState;
}

/**
 * A change to a domain module's own record that a core command decided (a
 * repair verified puts its asset back in service). The module applies it in
 * the same transaction; the core knows the record only by module, kind and id.
 */
export interface ModuleRecordUpdate {
  module: string;
  kind: string;
  id: string;
  changes: Record<string, unknown>;
  /** Who made the change, when, and the case whose timeline shows it. */
  by: string;
  at: string;
  case_id: string | null;
}

export interface Plan<A> {
  cases: CaseWrite[];
  tasks: TaskWrite[];
  signals: SignalRecord[];
  emails: EmailWrite[];
  email_adoptions: EmailAdoption[];
  /** In the order the events happened (the applier numbers them so). */
  audit: AuditWrite[];
  /** Drops run before arms. */
  timers: { drop: TimerDrop[]; arm: Timer[] };
  /** In the order they were planned (the applier numbers them so). */
  notices: Notice[];
  /** Clears (by case) run before sets. */
  dedupe: { clear: string[]; set: DedupeEntry[] };
  pattern_windows: PatternWindowWrite[];
  /** Applied after the records above, in order. */
  module_updates: ModuleRecordUpdate[];
  answer: A;
}

export function auditEvent(
  by: Pick<Author, "ref">,
  at: Date,
  id: string,
  action: string,
  entity_type: string,
  entity_id: string,
  changes: Record<string, unknown>,
): AuditEvent {
  return { event_id: id, at: at.toISOString(), actor: by.ref, action, entity_type, entity_id, changes };
}

/** Field-level changes for the audit log: `{ field: { from, to } }`. */
export function diff<T extends object>(before: T, after: T): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(after) as (keyof T & string)[]) {
    if (key === "version" || key === "updated_at") continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) out[key] = { from: before[key], to: after[key] };
  }
  return out;
}

const windowKey = (ruleId: string, group: string) => JSON.stringify([ruleId, group]);

/** Accumulates one plan; the steps in `steps.ts` write to it as they decide. */
export class PlanBuilder {
  /** The instant the command runs at, as stored on records. */
  readonly at: string;
  private readonly cases = new Map<string, CaseWrite>();
  private readonly tasks = new Map<string, TaskWrite>();
  private readonly signals: SignalRecord[] = [];
  private readonly emails: EmailWrite[] = [];
  private readonly adoptions: EmailAdoption[] = [];
  private readonly audits: AuditWrite[] = [];
  private readonly drops: TimerDrop[] = [];
  private arms: Timer[] = [];
  private readonly notices: Notice[] = [];
  private readonly dedupeClear: string[] = [];
  private dedupeSet: DedupeEntry[] = [];
  private readonly windows = new Map<string, PatternWindowWrite>();
  private readonly moduleUpdates: ModuleRecordUpdate[] = [];

  constructor(
    readonly env: PlanEnv,
    readonly lookup: OrgLookup,
  ) {
    this.at = env.now.toISOString();
  }

  get profile(): Profile {
    return this.env.profile;
  }

  id(): string {
    return this.env.newId();
  }

  putCase(record: Case, insert = false): void {
    const before = this.cases.get(record.case_id);
    this.cases.set(record.case_id, { record, insert: insert || (before?.insert ?? false) });
  }

  putTask(record: Task, location: Location, insert = false): void {
    const before = this.tasks.get(record.task_id);
    this.tasks.set(record.task_id, { record, location, insert: insert || (before?.insert ?? false) });
  }

  recordSignal(record: SignalRecord): void {
    this.signals.push(record);
  }

  recordEmail(record: EmailWrite): void {
    this.emails.push(record);
  }

  adoptEmail(adoption: EmailAdoption): void {
    this.adoptions.push(adoption);
  }

  audit(by: Author, action: string, entityType: string, entityId: string, changes: Record<string, unknown>, caseId: string | null): void {
    this.audits.push({ event: auditEvent(by, this.env.now, this.id(), action, entityType, entityId, changes), case_id: caseId });
  }

  arm(timer: Timer): void {
    this.arms = upsertTimer(this.arms, timer);
  }

  /** Drops an entity's stored timers (of one kind, or all) and any this plan armed for it. */
  dropTimers(entityId: string, kind: TimerKind | null = null): void {
    this.drop({ entity_id: entityId, kind });
  }

  dropTimer(timerId: string): void {
    this.drop({ timer_id: timerId });
  }

  private drop(d: TimerDrop): void {
    this.drops.push(d);
    this.arms = applyTimerDrop(this.arms, d);
  }

  notice(n: Notice): void {
    this.notices.push(n);
  }

  /**
   * Takes back the notices this plan queued about these items (and their
   * delivery timers); returns how many it took back.
   */
  muteNotices(entityIds: ReadonlySet<string>): number {
    const muted = this.notices.filter((n) => entityIds.has(n.entity_id));
    for (const n of muted) {
      this.notices.splice(this.notices.indexOf(n), 1);
      this.arms = this.arms.filter((t) => !(t.kind === "delivery" && t.entity_id === n.notification_id));
    }
    return muted.length;
  }

  setDedupe(key: string, caseId: string): void {
    this.dedupeSet = [...this.dedupeSet.filter((e) => e.key !== key), { key, case_id: caseId }];
  }

  /** A resolved or closed case no longer absorbs new signals. */
  clearDedupe(caseId: string): void {
    this.dedupeClear.push(caseId);
    this.dedupeSet = this.dedupeSet.filter((e) => e.case_id !== caseId);
  }

  /** A pattern window as this plan left it, else as stored. */
  patternWindow(ruleId: string, group: string): PatternState | null {
    return this.windows.get(windowKey(ruleId, group))?.state ?? this.lookup.patternWindow(ruleId, group);
  }

  setPatternWindow(ruleId: string, group: string, state: PatternState): void {
    this.windows.set(windowKey(ruleId, group), { rule_id: ruleId, group, state });
  }

  updateModuleRecord(by: Author, update: Pick<ModuleRecordUpdate, "module" | "kind" | "id" | "changes">, caseId: string | null): void {
    this.moduleUpdates.push({ ...update, by: by.ref, at: this.at, case_id: caseId });
  }

  build<A>(answer: A): Plan<A> {
    return {
      cases: [...this.cases.values()],
      tasks: [...this.tasks.values()],
      signals: [...this.signals],
      emails: [...this.emails],
      email_adoptions: [...this.adoptions],
      audit: [...this.audits],
      timers: { drop: [...this.drops], arm: [...this.arms] },
      notices: [...this.notices],
      dedupe: { clear: [...this.dedupeClear], set: [...this.dedupeSet] },
      pattern_windows: [...this.windows.values()],
      module_updates: [...this.moduleUpdates],
      answer,
    };
  }
}
