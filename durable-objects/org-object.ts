/**
 * One Durable Object per organization. It serialises the organization's
 * commands and owns its timers. Its SQLite storage is the source of truth:
 * each command decides in the pure core and commits state, audit, outbox and
 * timers in one `transactionSync`, so no other request can interleave with
 * it. D1 is the queryable copy, fed from the outbox by a coalesced flush that
 * a command awaits (bounded) so clients can read their own writes.
 */
import { EmailMessage } from "cloudflare:email";
import { DurableObject } from "cloudflare:workers";
import { DomainError, fail, isDomainError, type Result } from "../core/errors";
import type { DomainErrorData } from "../core/errors";
import type { Case, CaseCreate, CasePatch, Person, PersonCreate, PersonPatch, Role, SignalSource, Task, TaskCreate, TaskTransition } from "../core/model";
import { LOGIN_WINDOW_MS, loginVerdict } from "../core/security/login-throttle";
import type { Profile } from "../core/profiles";
import type { Timer } from "../core/scheduling/timers";
import { auditEvent, createCase, patchCase } from "./commands/cases";
import { cutoffs, purgeClosedCases, purgeD1Batch, RETENTION_BATCH, RETENTION_MAX_BATCHES, type RetentionCutoffs } from "./commands/retention";
import type { Actor, CommandContext } from "./commands/context";
import { SYSTEM_ACTOR } from "./commands/context";
import { deliver, type DeliveryEnv } from "./commands/deliver";
import { fireEscalationTimer, fireStaleTimer } from "./commands/escalation";
import { plainTextMessage } from "./commands/mime";
import {
  createToken,
  createUser,
  initializeOrg,
  revokeToken,
  setProfile,
  type InitArgs,
  updateUser,
  type TokenDraft,
  type UserChange,
  type UserDraft,
} from "./commands/org";
import { createPerson, patchPerson } from "./commands/persons";
import { observePatterns } from "./commands/patterns";
import { batchOrder, ingestSignal, type SignalOutcome } from "./commands/signals";
import { createTask, moveTask } from "./commands/tasks";
import { writeToD1 } from "./outbox/d1-sink";
import { migrate } from "./store/migrations";
import { OrgStore, type StoredToken, type StoredUser } from "./store/org-store";

/** How long a command waits for its D1 copy before answering anyway (the alarm finishes the flush). */
const FLUSH_WAIT_MS = 2_000;
/** Rows per D1 batch: one D1 transaction, well under the statement limits. */
const FLUSH_BATCH = 100;
/** Safety net: an unflushed outbox is retried this soon by the alarm. */
const OUTBOX_RETRY_MS = 1_000;
/** Timers handled per alarm run before yielding to requests (the alarm re-arms at once). */
const TIMERS_PER_ALARM = 2_000;

export type SignalItemResult = { index: number; ok: true; outcome: SignalOutcome } | { index: number; ok: false; error: DomainErrorData };

export type RetentionReport = RetentionCutoffs & { closed_cases: number; audit_events: number; signal_bodies: number };

export type PublicUser = Omit<StoredUser, "password_hash">;
export type PublicToken = Omit<StoredToken, "token_hash">;

export class OrgObject extends DurableObject<Env> {
  private readonly store: OrgStore;
  private profileCache: Profile | null = null;
  private flushing: Promise<void> | null = null;
  /** D1 bookmark after our latest write: readers pass it back to see at least this state. */
  private bookmark: string | null = null;
  /** Fault injection for tests: simulated D1 latency, to prove correctness does not rest on D1 being fast. */
  sinkDelayMs = 0;
  /** Fault injection for tests: the alarm throws after handling this many timers (then is retried). */
  failAlarmAfterTimers: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new OrgStore(ctx.storage.sql);
    migrate(ctx.storage.sql);
    // Locally an alarm already past due may never fire after a restart: re-arm from the schedule.
    void ctx.blockConcurrencyWhile(async () => {
      if ((await ctx.storage.getAlarm()) === null) await this.armAlarm();
    });
  }

  // --- commands (one RPC method each) ---------------------------------------

  initialize(args: InitArgs): Promise<Result<{ admin: PublicUser; token_id: string }>> {
    return this.command(SYSTEM_ACTOR, (ctx) => {
      const { admin, token } = initializeOrg(ctx, args);
      return { admin: publicUser(admin), token_id: token.token_id };
    }, args.profile);
  }

  createCase(actor: Actor, input: CaseCreate): Promise<Result<Case>> {
    return this.command(actor, (ctx) => {
      const created = createCase(ctx, input);
      observePatterns(ctx, { signal: null, case: created, tasks: [] });
      return created;
    });
  }

  patchCase(actor: Actor, caseId: string, patch: CasePatch, ifMatch: number | null): Promise<Result<Case>> {
    return this.command(actor, (ctx) => patchCase(ctx, caseId, patch, ifMatch));
  }

  createTask(actor: Actor, caseId: string, input: TaskCreate): Promise<Result<Task>> {
    return this.command(actor, (ctx) => {
      const created = createTask(ctx, caseId, input);
      observePatterns(ctx, { signal: null, case: null, tasks: [created] });
      return created;
    });
  }

  transitionTask(actor: Actor, taskId: string, input: TaskTransition): Promise<Result<Task>> {
    return this.command(actor, (ctx) => moveTask(ctx, taskId, input));
  }

  /**
   * Ingests signals one by one, each in its own transaction: a bad item is
   * rejected alone and leaves nothing behind. Items run in `occurred_at`
   * order; results come back in request order.
   */
  async ingestSignals(actor: Actor, items: unknown[], source: SignalSource): Promise<Result<SignalItemResult[]>> {
    const profile = this.profile();
    if (!profile) return fail(new DomainError("not_found", "organization not found"));
    const results: SignalItemResult[] = new Array(items.length);
    for (const index of batchOrder(items)) {
      const ctx = this.context(actor, profile);
      try {
        results[index] = { index, ok: true, outcome: this.ctx.storage.transactionSync(() => ingestSignal(ctx, items[index], source)) };
      } catch (e) {
        if (!isDomainError(e)) throw e;
        results[index] = { index, ok: false, error: e.toData() };
      }
    }
    return this.settle(results);
  }

  createUser(actor: Actor, draft: UserDraft): Promise<Result<PublicUser>> {
    return this.command(actor, (ctx) => publicUser(createUser(ctx, draft)));
  }

  updateUser(actor: Actor, userId: string, change: UserChange): Promise<Result<PublicUser>> {
    return this.command(actor, (ctx) => publicUser(updateUser(ctx, userId, change)));
  }

  createPerson(actor: Actor, input: PersonCreate): Promise<Result<Person>> {
    return this.command(actor, (ctx) => createPerson(ctx, input));
  }

  patchPerson(actor: Actor, personId: string, patch: PersonPatch): Promise<Result<Person>> {
    return this.command(actor, (ctx) => patchPerson(ctx, personId, patch));
  }

  /** Refuses a login attempt while too many recent ones failed (per email). */
  loginGate(email: string): Result<null> {
    const now = Date.now();
    const verdict = loginVerdict(this.store.loginFailuresSince(email, now - LOGIN_WINDOW_MS), now);
    if (verdict.allowed) return { ok: true, value: null };
    return fail(new DomainError("rate_limited", "too many failed logins; try again later", [], verdict.retryAfterSeconds));
  }

  loginFailed(email: string): void {
    const now = Date.now();
    this.store.recordLoginFailure(email, now, now - LOGIN_WINDOW_MS);
  }

  loginSucceeded(email: string): void {
    this.store.clearLoginFailures(email);
  }

  createToken(actor: Actor, draft: TokenDraft): Promise<Result<PublicToken>> {
    return this.command(actor, (ctx) => publicToken(createToken(ctx, draft)));
  }

  revokeToken(actor: Actor, tokenId: string): Promise<Result<null>> {
    return this.command(actor, (ctx) => (revokeToken(ctx, tokenId), null));
  }

  putProfile(actor: Actor, profile: Profile, yaml: string): Promise<Result<Profile>> {
    return this.command(actor, (ctx) => (setProfile(ctx, profile, yaml), profile));
  }

  // --- reads served by the object itself ------------------------------------

  getProfile(): { profile: Profile; yaml: string } | null {
    const profile = this.profile();
    const yaml = this.store.getMeta<string>("profile_yaml");
    return profile && yaml !== null ? { profile, yaml } : null;
  }

  roles(): Role[] {
    return this.store.roles();
  }

  /** Operational view: pending timers and the unflushed outbox. */
  stats(): { timers: number; outbox: number; next_timer_at: number | null } {
    return { timers: this.store.timerCount(), outbox: this.store.outboxSize(), next_timer_at: this.store.earliestTimer() };
  }

  /** Cron safety net: drain the outbox and make sure the alarm is armed. */
  async heal(): Promise<{ timers: number; outbox: number }> {
    await this.flushAll();
    await this.armAlarm();
    return { timers: this.store.timerCount(), outbox: this.store.outboxSize() };
  }

  /**
   * Purges what the profile's retention allows, in bounded batches, and
   * records in the audit log what it did (that record is itself subject to
   * the next purge, after the audit retention).
   */
  async purge(now = new Date()): Promise<Result<RetentionReport>> {
    const profile = this.profile();
    const org = this.store.org();
    if (!profile || !org) return fail(new DomainError("not_found", "organization not found"));
    const c = cutoffs(profile, now);
    const report: RetentionReport = { ...c, closed_cases: 0, audit_events: 0, signal_bodies: 0 };
    for (let i = 0; i < RETENTION_MAX_BATCHES; i++) {
      const closed = this.ctx.storage.transactionSync(() => purgeClosedCases(this.store, c.closed_cases_before));
      const d1 = await purgeD1Batch(this.env.DB, org.org_id, c);
      report.closed_cases += closed.length;
      report.audit_events += d1.audit;
      report.signal_bodies += d1.signal_bodies;
      if (closed.length < RETENTION_BATCH && d1.audit < RETENTION_BATCH && d1.signal_bodies < RETENTION_BATCH) break;
    }
    return this.command(SYSTEM_ACTOR, (ctx) => {
      ctx.store.audit(auditEvent(ctx, "retention.purged", "org", org.org_id, { ...report }), null);
      return report;
    });
  }

  // --- alarm: due timers, then the outbox --------------------------------------

  override async alarm(): Promise<void> {
    const profile = this.profile();
    if (profile) {
      const now = new Date();
      const due = this.store.dueTimers(now.getTime(), TIMERS_PER_ALARM);
      let handled = 0;
      const deliveries: Timer[] = [];
      for (const timer of due) {
        if (timer.kind === "delivery") {
          deliveries.push(timer);
          continue;
        }
        if (this.failAlarmAfterTimers !== null && handled++ >= this.failAlarmAfterTimers) {
          this.failAlarmAfterTimers = null;
          throw new Error("injected alarm failure");
        }
        const ctx = this.context(SYSTEM_ACTOR, profile, now);
        // One transaction per timer: a failure halfway leaves the handled ones done and this one due.
        this.ctx.storage.transactionSync(() => {
          if (timer.kind === "escalation") fireEscalationTimer(ctx, timer);
          else if (timer.kind === "stale") fireStaleTimer(ctx, timer);
          else this.store.deleteTimer(timer.timer_id);
        });
      }
      // Network sends run side by side; each outcome is recorded in its own transaction.
      const env = this.deliveryEnv();
      const records = await Promise.all(deliveries.map((t) => deliver(this.store, t, profile, env, now)));
      for (const record of records) this.ctx.storage.transactionSync(record);
    }
    await this.flushAll();
    await this.armAlarm();
  }

  private deliveryEnv(): DeliveryEnv {
    const vars = this.env as unknown as Record<string, unknown>;
    const domain = this.env.ORGO_EMAIL_DOMAIN;
    const mailer = this.env.MAILER;
    return {
      secret: (name) => (typeof vars[name] === "string" ? (vars[name] as string) : undefined),
      sendEmail:
        this.env.ORGO_EMAIL_DELIVERY === "send_email"
          ? async (to, subject, text) => {
              const from = `notifications@${domain}`;
              await mailer.send(new EmailMessage(from, to, plainTextMessage(from, to, subject, text, domain)));
            }
          : null,
    };
  }

  // --- machinery -----------------------------------------------------------------

  private profile(): Profile | null {
    return (this.profileCache ??= this.store.getMeta<Profile>("profile"));
  }

  private context(actor: Actor, profile: Profile, now = new Date()): CommandContext {
    return { store: this.store, now, actor, profile };
  }

  private async command<T>(actor: Actor, decide: (ctx: CommandContext) => T, profileOverride?: Profile): Promise<Result<T>> {
    const profile = profileOverride ?? this.profile();
    if (!profile) return fail(new DomainError("not_found", "organization not found"));
    const ctx = this.context(actor, profile);
    let value: T;
    try {
      value = this.ctx.storage.transactionSync(() => decide(ctx));
    } catch (e) {
      if (isDomainError(e)) return fail(e);
      throw e;
    }
    if (ctx.profile !== this.profileCache) this.profileCache = ctx.profile;
    return this.settle(value);
  }

  /** After a commit: re-arm the alarm, then wait (bounded) until D1 holds what was written. */
  private async settle<T>(value: T): Promise<Result<T>> {
    const head = this.store.outboxHead();
    await this.armAlarm();
    await this.flushUpTo(head, FLUSH_WAIT_MS);
    return { ok: true, value, bookmark: this.bookmark };
  }

  /** Arms the single alarm at the earliest due timer, or soon if the outbox still holds rows. */
  private async armAlarm(): Promise<void> {
    const candidates: number[] = [];
    const timer = this.store.earliestTimer();
    if (timer !== null) candidates.push(timer);
    if (this.store.outboxSize() > 0) candidates.push(Date.now() + OUTBOX_RETRY_MS);
    if (candidates.length === 0) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    await this.ctx.storage.setAlarm(Math.min(...candidates));
  }

  /** Waits until the outbox is flushed through `head`, or `waitMs` passed. Never throws. */
  private async flushUpTo(head: number, waitMs: number): Promise<void> {
    let timeout: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => (timeout = setTimeout(resolve, waitMs)));
    const work = (async () => {
      while (this.store.outboxPendingThrough(head)) {
        // Commands arriving during a flush share the next one: group commit.
        this.flushing ??= this.flushOnce().finally(() => (this.flushing = null));
        await this.flushing;
      }
    })().catch((e) => console.error(JSON.stringify({ msg: "outbox flush failed", error: String(e) })));
    await Promise.race([work, deadline]);
    clearTimeout(timeout);
  }

  private async flushAll(): Promise<void> {
    try {
      while (this.store.outboxSize() > 0) {
        this.flushing ??= this.flushOnce().finally(() => (this.flushing = null));
        await this.flushing;
      }
    } catch (e) {
      console.error(JSON.stringify({ msg: "outbox flush failed", error: String(e) }));
    }
  }

  private async flushOnce(): Promise<void> {
    const batch = this.store.outboxBatch(FLUSH_BATCH);
    if (batch.length === 0) return;
    if (this.sinkDelayMs > 0) await new Promise((r) => setTimeout(r, this.sinkDelayMs));
    const session = this.env.DB.withSession(this.bookmark ?? "first-primary");
    await writeToD1(session, batch.map((b) => b.item));
    this.bookmark = session.getBookmark() ?? this.bookmark;
    this.store.ackOutbox(batch[batch.length - 1]!.seq);
  }
}

function publicUser(u: StoredUser): PublicUser {
  const { password_hash: _p, ...rest } = u;
  return rest;
}

function publicToken(t: StoredToken): PublicToken {
  const { token_hash: _h, ...rest } = t;
  return rest;
}
