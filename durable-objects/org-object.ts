/**
 * One Durable Object per organization. It serialises the organization's
 * commands and owns its timers. Its SQLite storage is the source of truth:
 * a command reads a snapshot, the pure core turns it into a plan, and the
 * plan's state, audit, outbox and timers are committed in one
 * `transactionSync`, so no other request can interleave with it. D1 is the
 * queryable copy, fed from the outbox by a coalesced flush that a command
 * awaits (bounded) so clients can read their own writes.
 */
import { EmailMessage } from "cloudflare:email";
import { DurableObject } from "cloudflare:workers";
import {
  batchOrder,
  type EmailAnswer,
  type EmailWrite,
  idempotencyKeyOf,
  planCaseCreate,
  planCasePatch,
  planInboundEmail,
  planReply,
  planReviewCase,
  planSignal,
  planTaskCreate,
  planTaskTransition,
  planTimer,
  replayedOutcome,
  routeSignal,
  type SignalOutcome,
} from "../core/engine";
import { DomainError, fail, isDomainError, type Result } from "../core/errors";
import type { DomainErrorData } from "../core/errors";
import type {
  Case,
  CaseCreate,
  CasePatch,
  CaseReply,
  Person,
  PersonCreate,
  PersonPatch,
  Role,
  SignalSource,
  Task,
  TaskCreate,
  TaskTransition,
  User,
} from "../core/model";
import { LOGIN_WINDOW_MS, loginVerdict } from "../core/security/login-throttle";
import type { SecretSummary } from "../core/security/org-secret";
import { keyringFrom, sealSecret, type SecretKeyring } from "../core/security/secret-envelope";
import { deploymentMode, requireSafeWebhookUrl } from "../core/security/webhook-url";
import type { Profile } from "../core/profiles";
import { makeTimer, type Timer } from "../core/scheduling/timers";
import { nextRollupAt } from "../core/insights/rollup-periods";
import { computeReview } from "../core/insights/review";
import { reviewPeriod } from "../core/insights/review-periods";
import { database } from "../d1/database";
import { reviewInput } from "../d1/insight-reads";
import { cutoffs, purgeClosedCases, purgeD1Batch, RETENTION_BATCH, RETENTION_MAX_BATCHES, type RetentionCutoffs } from "./commands/retention";
import type { Actor } from "../core/privacy/visibility";
import { actorOfToken, isBearer, tokenIsLive, type Principal } from "../core/security/credential";
import { auditEvent, EMAIL_ACTOR, SYSTEM_ACTOR, type CommandContext } from "./commands/context";
import { deliver, type DeliveryEnv } from "./commands/deliver";
import { composeMail } from "./commands/compose-mail";
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
import { erasePerson } from "./commands/erase-person";
import { deleteSecret, putSecret, readSecret } from "./commands/secrets";
import { writeToD1 } from "./outbox/d1-sink";
import { rollupInsights, type RollupFile } from "./insights/rollup";
import type { OutboxItem } from "../d1/outbox-item";
import { applyPlan } from "./store/apply-plan";
import { migrate } from "./store/migrations";
import { OrgStore, type StoredToken, type StoredUser } from "./store/org-store";
import { SecretStore } from "./store/secret-store";
import { LiveEvents } from "./live/events";
import { MODULES, type ModuleCommandInput, type ModuleCommandName, type ModuleCommandOutput, type ObjectModuleName } from "./modules";
import { enabledModules } from "../core/modules/config";
import type { InboundEmail } from "../core/email/inbound";
import {
  caseCreateSnapshot,
  casePatchSnapshot,
  emailSnapshot,
  lookupIn,
  replySnapshot,
  signalSnapshot,
  taskCreateSnapshot,
  taskTransitionSnapshot,
  timerSnapshot,
} from "./store/snapshots";

/** How long a command waits for its D1 copy before answering anyway (the alarm finishes the flush). */
const FLUSH_WAIT_MS = 2_000;
/** The object does not know the bearer: the Worker tells an unknown token (401) from another organization's (404). */
const UNKNOWN_BEARER = () => new DomainError("unauthorized", "the token is unknown, expired or revoked");
/**
 * Outbox rows per D1 batch (one D1 transaction). The sink writes each table's
 * rows of a batch as a few multi-row statements, so a larger batch costs
 * fewer round trips, not more statements; 1,000 rows stay far below D1's
 * statement and request limits.
 */
const FLUSH_BATCH = 1_000;
/** Safety net: an unflushed outbox is retried this soon by the alarm. */
const OUTBOX_RETRY_MS = 1_000;
/** Timers handled per alarm run before yielding to requests (the alarm re-arms at once). */
const TIMERS_PER_ALARM = 2_000;
/** Timers handled in one synchronous stretch: requests waiting for the object get in between two. */
const TIMERS_PER_ROUND = 200;
/** Extra passes over the schedule per alarm run, for timers that handling other timers made due. */
const ALARM_ROUNDS = 4;
/** How long an alarm run waits for D1 to take what it wrote (then the retry alarm finishes the flush). */
const ALARM_FLUSH_WAIT_MS = 30_000;

/** The organization's daily round: retention, insights rollup and review cases (at a time of night that differs by organization). */
const DAILY = "daily";
const dailyTimer = (orgId: string, now: Date) => makeTimer(DAILY, "org", orgId, nextRollupAt(orgId, now));

/** Thrown inside a rehearsal transaction to roll it back. */
const REHEARSAL = Symbol("rehearsal");

export type SignalItemResult = { index: number; ok: true; outcome: SignalOutcome } | { index: number; ok: false; error: DomainErrorData };

export type RetentionReport = RetentionCutoffs & { closed_cases: number; audit_events: number; signal_bodies: number };

export type PublicToken = Omit<StoredToken, "token_hash">;

/** Faults the development-only `_faults` route injects (see "fault injection" below). */
export type InjectedFault = { kind: "reset" } | { kind: "reset_in_alarm"; after_timers: number } | { kind: "d1_down"; ms: number };

type StateRow = { id: string; status: string; version: number; escalation_level: number; reactivity_deadline: string | null };
export type ObjectState = {
  now: string;
  cases: StateRow[];
  tasks: StateRow[];
  signals: { signal_id: string; idempotency_key: string | null; case_id: string | null }[];
  escalation_timers: { entity_id: string; step: number; due_at: number }[];
  /** Audit events written so far (the org's audit sequence). */
  audit_events: number;
  timers: number;
  outbox: number;
};

/** What the Worker needs to forward a live-updates upgrade (it may import this module only). */
export { encodeConnectRequest, LIVE_EVENTS_PATH, LIVE_VIEWER_HEADER } from "./live/events";
export type { ModuleCommandInput, ModuleCommandName, ModuleCommandOutput, ObjectModuleName } from "./modules";

export class OrgObject extends DurableObject<Env> {
  private readonly store: OrgStore;
  private readonly secrets: SecretStore;
  /** Live updates: members' WebSockets (hibernatable) and the changes published to them. */
  private readonly live: LiveEvents;
  private keyringCache: Promise<SecretKeyring | null> | null = null;
  private profileCache: Profile | null = null;
  private flushing: Promise<void> | null = null;
  /** D1 bookmark after our latest write: readers pass it back to see at least this state. */
  private bookmark: string | null = null;
  /** Fault injection for tests: simulated D1 latency, to prove correctness does not rest on D1 being fast. */
  sinkDelayMs = 0;
  /** Fault injection for tests: the alarm throws after handling this many timers (then is retried). */
  failAlarmAfterTimers: number | null = null;
  /** Fault injection for tests: the batch item at this index fails unexpectedly after its writes (once). */
  failIngestAtIndex: number | null = null;
  /**
   * The object's clock is real time plus this offset. Tests move time forward
   * here instead of sleeping or rewriting stored deadlines; production never
   * sets it. Alarms are armed in the object's time, so a test that moves the
   * clock fires them with `runDurableObjectAlarm` and none fires behind its back.
   */
  clockOffsetMs = 0;
  /** The alarm time last written, so an unchanged schedule costs no storage write. */
  private armedAt: number | null | undefined = undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new OrgStore(ctx.storage.sql);
    this.secrets = new SecretStore(ctx.storage.sql);
    migrate(ctx.storage.sql, Object.values(MODULES));
    this.live = new LiveEvents(
      ctx,
      this.store,
      () => this.profile(),
      () => this.now(),
    );
    // Locally an alarm already past due may never fire after a restart: re-arm from the schedule.
    // A failure here must not poison the object: its next start, or the next command, re-arms.
    void ctx
      .blockConcurrencyWhile(async () => {
        this.armedAt = await ctx.storage.getAlarm();
        // An object stopped mid-flush left outbox rows behind: they get their retry alarm now.
        if (this.armedAt === null || this.store.outboxSize() > 0) await this.armAlarm();
      })
      .catch((e) => console.error(JSON.stringify({ msg: "alarm re-arm on start failed", error: String(e) })));
  }

  // --- commands (one RPC method each) ---------------------------------------

  initialize(args: InitArgs): Promise<Result<{ admin: User; token_id: string }>> {
    return this.command(
      SYSTEM_ACTOR,
      (ctx) => {
        this.refuseUnsafeWebhook(args.profile);
        const { admin, token } = initializeOrg(ctx, args);
        ctx.store.setTimer(dailyTimer(args.org.org_id, ctx.now));
        this.forgetProfile();
        return { admin: publicUser(admin), token_id: token.token_id };
      },
      args.profile,
    );
  }

  // Each command below reads its snapshot, lets the core plan, and applies the plan.

  createCase(actor: Principal, input: CaseCreate): Promise<Result<Case>> {
    return this.command(actor, (ctx) => {
      const snapshot = caseCreateSnapshot(this.store, input);
      return applyPlan(this.store, planCaseCreate(snapshot, input, ctx));
    });
  }

  patchCase(actor: Principal, caseId: string, patch: CasePatch, ifMatch: number | null): Promise<Result<Case>> {
    return this.command(actor, (ctx) => {
      const snapshot = casePatchSnapshot(this.store, caseId, patch);
      return applyPlan(this.store, planCasePatch(snapshot, patch, ifMatch, ctx));
    });
  }

  createTask(actor: Principal, caseId: string, input: TaskCreate): Promise<Result<Task>> {
    return this.command(actor, (ctx) => {
      const snapshot = taskCreateSnapshot(this.store, caseId, input);
      return applyPlan(this.store, planTaskCreate(snapshot, input, ctx));
    });
  }

  transitionTask(actor: Principal, taskId: string, input: TaskTransition): Promise<Result<Task>> {
    return this.command(actor, (ctx) => {
      const snapshot = taskTransitionSnapshot(this.store, taskId);
      return applyPlan(this.store, planTaskTransition(snapshot, input, ctx));
    });
  }

  /**
   * Ingests signals one by one, each in its own transaction: an item that
   * fails, for any reason, is rejected alone and leaves nothing behind, and
   * every item gets its answer. Items run in `occurred_at`
   * order; results come back in request order.
   */
  async ingestSignals(principal: Principal, items: unknown[], source: SignalSource): Promise<Result<SignalItemResult[]>> {
    const profile = this.profile();
    if (!profile) return fail(new DomainError("not_found", "organization not found"));
    const actor = this.resolve(principal);
    if (!actor) return fail(UNKNOWN_BEARER());
    const results: SignalItemResult[] = new Array(items.length);
    for (const index of batchOrder(items)) {
      const ctx = this.context(actor, profile);
      try {
        const outcome = this.ctx.storage.transactionSync(() => {
          const applied = this.ingestSignal(ctx, items[index], source);
          if (this.failIngestAtIndex === index) {
            this.failIngestAtIndex = null;
            throw new Error("injected ingest failure");
          }
          return applied;
        });
        results[index] = { index, ok: true, outcome };
      } catch (e) {
        results[index] = { index, ok: false, error: isDomainError(e) ? e.toData() : unexpectedItemFailure(index, e) };
      }
    }
    return this.settle(results);
  }

  /** One signal: a replayed key answers the first result; otherwise route, read, plan, apply. */
  private ingestSignal(ctx: CommandContext, raw: unknown, source: SignalSource): SignalOutcome {
    const key = idempotencyKeyOf(raw);
    const first = key ? this.store.signalByIdempotencyKey<SignalOutcome>(key) : null;
    if (first) return replayedOutcome(first, ctx.actor, ctx.profile.privacy);
    const routed = routeSignal(raw, source, ctx.profile, ctx.now);
    const snapshot = signalSnapshot(this.store, routed);
    return applyPlan(this.store, planSignal(snapshot, routed, ctx));
  }

  /**
   * One received message, in one transaction: a redelivery (same Message-ID)
   * adds nothing, a reply joins its case, anything else is routed as a signal.
   * The Worker has already stored the raw message, so a failure here loses
   * nothing: the delivery is retried and lands once.
   */
  ingestEmail(email: InboundEmail): Promise<Result<EmailAnswer>> {
    // The sending server reads nothing back: the answer need not wait for D1 (the flush runs on behind it).
    return this.command(
      EMAIL_ACTOR,
      (ctx) => applyPlan(this.store, planInboundEmail(emailSnapshot(this.store, email), email, ctx)),
      undefined,
      this.now(),
      false,
    );
  }

  /** An answer by mail on a case; the alarm sends it. */
  replyToCase(actor: Actor, caseId: string, input: CaseReply): Promise<Result<EmailWrite>> {
    return this.command(actor, (ctx) => {
      const org = this.store.org();
      const domain = this.env.ORGO_EMAIL_DOMAIN || "orgo.test";
      const snapshot = replySnapshot(this.store, caseId, `${org?.slug ?? "orgo"}@${domain}`, domain);
      return applyPlan(this.store, planReply(snapshot, input, ctx));
    });
  }

  /**
   * A domain module's command (durable-objects/modules), in the same
   * transaction discipline as the core's. A module the profile does not
   * enable answers not found, as its routes do.
   */
  moduleCommand<M extends ObjectModuleName, K extends ModuleCommandName<M>>(
    actor: Actor,
    module: M,
    command: K,
    input: ModuleCommandInput<M, K>,
  ): Promise<Result<ModuleCommandOutput<M, K>>> {
    return this.command(actor, (ctx) => {
      if (!enabledModules(ctx.profile.modules).includes(module)) throw new DomainError("not_found", `the ${module} module is not enabled`);
      const commands = MODULES[module].commands as Record<string, (ctx: CommandContext, input: unknown) => unknown>;
      const run = commands[command];
      if (!run) throw new DomainError("not_found", `no ${module} command ${command}`);
      return run(ctx, input) as ModuleCommandOutput<M, K>;
    });
  }

  createUser(actor: Actor, draft: UserDraft): Promise<Result<User>> {
    return this.command(actor, (ctx) => publicUser(createUser(ctx, draft)));
  }

  updateUser(actor: Actor, userId: string, change: UserChange): Promise<Result<User>> {
    return this.revoking(actor, (ctx) => publicUser(updateUser(ctx, userId, change)));
  }

  createPerson(actor: Actor, input: PersonCreate): Promise<Result<Person>> {
    return this.command(actor, (ctx) => createPerson(ctx, input));
  }

  patchPerson(actor: Actor, personId: string, patch: PersonPatch): Promise<Result<Person>> {
    return this.command(actor, (ctx) => patchPerson(ctx, personId, patch));
  }

  /**
   * Erases a person everywhere they appear (durable-objects/commands/erase-person.ts).
   * A legal duty, so no module gates it; its steps around the object's
   * transactions reach D1 and R2, hence a method of its own.
   */
  erasePerson(actor: Actor, personId: string): Promise<Result<null>> {
    return erasePerson(
      {
        store: this.store,
        db: this.env.DB,
        files: this.env.FILES,
        run: (step) => this.command(actor, step),
        flush: async () => {
          await this.flushAll();
          return this.store.outboxSize() === 0;
        },
      },
      personId,
    );
  }

  /**
   * Admits a login attempt unless too many recent ones failed (per email).
   * An admitted attempt counts as a failure from this moment until it
   * succeeds: the check and the count are one step of this single-threaded
   * object, so parallel attempts from any number of isolates cannot all pass
   * the gate before the first failure is recorded.
   */
  loginAttempt(email: string): Result<null> {
    const now = this.now().getTime();
    const verdict = loginVerdict(this.store.loginFailuresSince(email, now - LOGIN_WINDOW_MS), now);
    if (!verdict.allowed) return fail(new DomainError("rate_limited", "too many failed logins; try again later", [], verdict.retryAfterSeconds));
    this.store.recordLoginFailure(email, now, now - LOGIN_WINDOW_MS);
    return { ok: true, value: null };
  }

  loginSucceeded(email: string): void {
    this.store.clearLoginFailures(email);
  }

  createToken(actor: Actor, draft: TokenDraft): Promise<Result<PublicToken>> {
    return this.command(actor, (ctx) => publicToken(createToken(ctx, draft)));
  }

  revokeToken(actor: Actor, tokenId: string): Promise<Result<null>> {
    return this.revoking(actor, (ctx) => {
      revokeToken(ctx, tokenId);
      return null;
    });
  }

  putProfile(actor: Actor, profile: Profile, yaml: string): Promise<Result<Profile>> {
    return this.command(actor, (ctx) => {
      this.refuseUnsafeWebhook(profile);
      const next = setProfile(ctx, profile, yaml);
      this.forgetProfile();
      return next;
    });
  }

  /** Creates or replaces an organization secret; the value is sealed before it reaches storage. */
  async putSecret(actor: Actor, name: string, value: string): Promise<Result<"created" | "updated">> {
    const org = this.store.org();
    if (!org) return fail(new DomainError("not_found", "organization not found"));
    const ring = await this.keyring();
    if (!ring) return fail(new DomainError("internal", "secrets cannot be stored: set ORGO_SECRETS_KEY (or ORGO_ADMIN_TOKEN)"));
    const sealed = await sealSecret(ring, org.org_id, name, value);
    return this.command(actor, (ctx) => putSecret(ctx, this.secrets, name, sealed));
  }

  deleteSecret(actor: Actor, name: string): Promise<Result<null>> {
    return this.command(actor, (ctx) => {
      deleteSecret(ctx, this.secrets, name);
      return null;
    });
  }

  /** Writes the organization's insights Parquet files to R2: the given period, or this month and the last. */
  rollupInsights(period?: string): Promise<Result<RollupFile[]>> {
    return rollupInsights(this.env, this.store.org()?.org_id, this.now(), period);
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

  /** Names and dates only: secrets live here alone, never in D1. */
  listSecrets(): SecretSummary[] {
    return this.secrets.list();
  }

  /** Operational view: pending timers and the unflushed outbox. */
  stats(): { timers: number; outbox: number; next_timer_at: number | null } {
    return { timers: this.store.timerCount(), outbox: this.store.outboxSize(), next_timer_at: this.store.earliestTimer() };
  }

  /**
   * Operator's safety net (and tests'): drain the outbox and make sure the
   * alarm is armed. An object re-arms itself whenever it starts, so nothing
   * calls this on a schedule.
   */
  async heal(): Promise<{ timers: number; outbox: number }> {
    this.armedAt = undefined;
    // An organization made before the daily round existed gets it here.
    const org = this.store.org();
    if (org && !this.store.hasTimer(dailyTimer(org.org_id, this.now()).timer_id))
      this.ctx.storage.transactionSync(() => this.store.setTimer(dailyTimer(org.org_id, this.now())));
    await this.flushAll();
    await this.armAlarm();
    return { timers: this.store.timerCount(), outbox: this.store.outboxSize() };
  }

  /**
   * Purges what the profile's retention allows, in bounded batches, and
   * records in the audit log what it did (that record is itself subject to
   * the next purge, after the audit retention).
   */
  async purge(now = this.now()): Promise<Result<RetentionReport>> {
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
    // A round that found nothing to forget leaves no trace: the audit log records what was done.
    if (report.closed_cases + report.audit_events + report.signal_bodies === 0) return { ok: true, value: report, bookmark: this.bookmark };
    return this.command(SYSTEM_ACTOR, (ctx) => {
      ctx.store.audit(auditEvent(ctx, "retention.purged", "org", org.org_id, { ...report }), null);
      return report;
    });
  }

  // --- fault injection (development only) -----------------------------------------
  // The reliability soak (test/reliability/soak.mjs) breaks the object on purpose
  // through the Worker's development-only `_faults` route, then checks that
  // nothing was lost or doubled. Nothing here runs unless that route asks.

  /** Until this instant (ms) the D1 sink fails; commands still commit here and answer. */
  private d1DownUntil = 0;
  /** The next alarm run resets the object before handling its timer number N+1 (one-off). */
  private resetInAlarmAfter: number | null = null;

  injectFault(fault: InjectedFault): { kind: InjectedFault["kind"] } {
    this.requireDevelopment();
    if (fault.kind === "reset") {
      // Answered by an exception in the caller: this instance is gone and the next call gets a fresh one.
      this.ctx.abort("injected reset");
    } else if (fault.kind === "reset_in_alarm") this.resetInAlarmAfter = fault.after_timers;
    else this.d1DownUntil = Date.now() + fault.ms;
    return { kind: fault.kind };
  }

  /** What the reliability checks compare D1 and the audit log with, read from this object's own storage. */
  faultState(): ObjectState {
    this.requireDevelopment();
    const rows = (table: "cases" | "tasks", id: string) =>
      this.store.sql
        .exec<StateRow>(
          `SELECT ${id} AS id, status, json_extract(data, '$.version') AS version, json_extract(data, '$.escalation_level') AS escalation_level,
                  json_extract(data, '$.reactivity_deadline') AS reactivity_deadline FROM ${table} ORDER BY ${id}`,
        )
        .toArray();
    const signals = this.store.sql
      .exec<{ signal_id: string; idempotency_key: string | null; case_id: string | null }>(
        "SELECT signal_id, idempotency_key, json_extract(result, '$.case.case_id') AS case_id FROM signals ORDER BY signal_id",
      )
      .toArray();
    const timers = this.store.sql
      .exec<{ entity_id: string; step: number; due_at: number }>("SELECT entity_id, step, due_at FROM timers WHERE kind = 'escalation' ORDER BY entity_id")
      .toArray();
    const audit = this.store.sql.exec<{ value: number }>("SELECT value FROM counters WHERE name = 'audit'").toArray()[0]?.value ?? 0;
    return {
      now: this.now().toISOString(),
      cases: rows("cases", "case_id"),
      tasks: rows("tasks", "task_id"),
      signals,
      escalation_timers: timers,
      audit_events: audit,
      timers: this.store.timerCount(),
      outbox: this.store.outboxSize(),
    };
  }

  /** The route already answers 404 elsewhere; the object refuses too, whoever calls it. */
  private requireDevelopment(): void {
    if (this.env.ORGO_ENV !== "development") throw new Error("fault injection exists only under ORGO_ENV=development");
  }

  private failIfD1Down(): void {
    if (Date.now() < this.d1DownUntil) throw new Error("injected D1 outage");
  }

  private resetIfDueInAlarm(): void {
    if (this.resetInAlarmAfter === null) return;
    if (this.resetInAlarmAfter-- > 0) return;
    this.resetInAlarmAfter = null;
    this.ctx.abort("injected reset in alarm");
    throw new Error("injected reset in alarm");
  }

  // --- live updates (durable-objects/live/events.ts) ---------------------------

  /** Only the Worker reaches this: a WebSocket upgrade for `GET /v1/orgs/{org}/events`, already authenticated. */
  override fetch(request: Request): Response {
    return this.live.connect(request);
  }

  override webSocketMessage(ws: WebSocket): void {
    this.live.message(ws);
  }

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    this.live.closed(ws, code, reason);
  }

  override webSocketError(ws: WebSocket): void {
    this.live.failed(ws);
  }

  // --- alarm: due timers, then the outbox --------------------------------------

  override async alarm(): Promise<void> {
    // A running alarm is no longer armed: whatever stands now is unknown until re-armed below.
    this.armedAt = undefined;
    const profile = this.profile();
    let budget = TIMERS_PER_ALARM;
    // Handling a timer may make another one due at once (an escalation queues a
    // delivery due now): take those in further rounds of this run rather than
    // arming an alarm in the past, which would run behind everyone's back.
    const rounds = Math.ceil(TIMERS_PER_ALARM / TIMERS_PER_ROUND) + ALARM_ROUNDS;
    for (let round = 0; profile && budget > 0 && round < rounds; round++) {
      // Commands queued behind this run get their turn between rounds; the next round reads the schedule afresh.
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, 0));
      const now = this.now();
      const due = this.store.dueTimers(now.getTime(), Math.min(budget, TIMERS_PER_ROUND));
      if (due.length === 0) break;
      budget -= due.length;
      let handled = 0;
      const deliveries: Timer[] = [];
      const daily: Timer[] = [];
      for (const timer of due) {
        if (timer.kind === "delivery") {
          deliveries.push(timer);
          continue;
        }
        if (timer.kind === DAILY) {
          daily.push(timer);
          continue;
        }
        if (this.failAlarmAfterTimers !== null && handled++ >= this.failAlarmAfterTimers) {
          this.failAlarmAfterTimers = null;
          throw new Error("injected alarm failure");
        }
        this.resetIfDueInAlarm();
        const ctx = this.context(SYSTEM_ACTOR, profile, now);
        // One transaction per timer: a failure halfway leaves the handled ones done and this one due.
        this.ctx.storage.transactionSync(() => applyPlan(this.store, planTimer(timerSnapshot(this.store, timer), ctx)));
      }
      this.live.publish();
      // Network sends run side by side; each outcome is recorded in its own transaction.
      const env = this.deliveryEnv();
      const records = await Promise.all(deliveries.map((t) => deliver(this.store, t, profile, env, now)));
      for (const record of records) this.ctx.storage.transactionSync(record);
      for (const timer of daily) await this.dailyRound(timer, now);
    }
    // What this run wrote, not what commands keep adding meanwhile (each waits for its own rows):
    // under steady ingest the outbox is never empty, and this run must end for the next one to start.
    // Nor may the wait hold back the next timer: alarm runs never overlap, so the run stops waiting
    // when that timer falls due and the flush goes on behind it (a row left over gets the retry alarm).
    const flushed = this.flushUpTo(this.store.outboxHead(), ALARM_FLUSH_WAIT_MS);
    this.ctx.waitUntil(flushed);
    const nextDue = this.store.earliestTimer();
    await (nextDue === null ? flushed : waitAtMost(flushed, nextDue - this.now().getTime()));
    await this.armAlarm();
  }

  /**
   * The organization's own daily round (never a global fan-out, so nothing
   * grows with the number of organizations): what the profile's retention
   * allows is purged, insights are rolled up to Parquet from a D1 that holds
   * all it wrote, and the review cases of ended periods open. Each part's
   * failure is logged and waits for the next day rather than failing the
   * alarm, so escalations are never held up by it.
   */
  private async dailyRound(timer: Timer, now: Date): Promise<void> {
    const org = this.store.org();
    if (org) {
      const logged = (what: string) => (e: unknown) => console.error(JSON.stringify({ msg: `${what} failed`, org_id: org.org_id, error: String(e) }));
      const purged = await this.purge(now).catch((e: unknown) => fail(new DomainError("internal", String(e))));
      if (!purged.ok) logged("retention")(purged.error.message);
      await this.flushAll();
      const rolled = await rollupInsights(this.env, org.org_id, now).catch((e: unknown) => fail(new DomainError("internal", String(e))));
      if (!rolled.ok) logged("insights rollup")(rolled.error.message);
      await this.openReviewCases(org.org_id, now).catch(logged("review cases"));
    }
    this.ctx.storage.transactionSync(() => {
      this.store.deleteTimer(timer.timer_id);
      if (org) this.store.setTimer(dailyTimer(org.org_id, now));
    });
  }

  /**
   * For each cycle the profile tracks, the review of the period that ended
   * last opens its case, once (remembered per cycle). Periods that began
   * before the organization's first round are not reviewed: it did not
   * exist, or did not track reviews, then.
   */
  private async openReviewCases(orgId: string, now: Date): Promise<void> {
    const profile = this.profile();
    if (!profile || profile.reviews.cycles.length === 0) return;
    let since = this.store.getMeta<number>("reviews_since");
    if (since === null) {
      since = now.getTime();
      this.ctx.storage.transactionSync(() => this.store.setMeta("reviews_since", now.getTime()));
    }
    for (const cycle of profile.reviews.cycles) {
      const { previous } = reviewPeriod(cycle, now);
      if (previous.from.getTime() < since || this.store.getMeta<string>(`review:${cycle}`) === previous.name) continue;
      const input = await reviewInput(database(this.env.DB), orgId, cycle, previous.from, now, () => true, profile);
      const review = computeReview(input);
      await this.command(SYSTEM_ACTOR, (ctx) => {
        const opened = this.store.getMeta<string>(`review:${cycle}`) === previous.name;
        const plan = planReviewCase({ opened, lookup: lookupIn(this.store) }, review, ctx);
        this.store.setMeta(`review:${cycle}`, previous.name);
        return applyPlan(this.store, plan);
      });
    }
  }

  private deliveryEnv(): DeliveryEnv {
    const domain = this.env.ORGO_EMAIL_DOMAIN || "orgo.test";
    const mailer = this.env.MAILER;
    const org = this.store.org();
    const orgId = org?.org_id ?? "";
    return {
      mailbox: `${org?.slug ?? "orgo"}@${domain}`,
      domain,
      signingSecret: async (name) => readSecret(this.secrets, await this.keyring(), orgId, name),
      mode: deploymentMode(this.env.ORGO_ENV),
      sendEmail:
        this.env.ORGO_EMAIL_DELIVERY === "send_email"
          ? async (mail) => {
              await mailer.send(new EmailMessage(mail.from, mail.to, composeMail(mail)));
            }
          : null,
    };
  }

  // --- machinery -----------------------------------------------------------------

  private profile(): Profile | null {
    return (this.profileCache ??= this.store.getMeta<Profile>("profile"));
  }

  /**
   * Called where a command writes a new profile. The next read takes the
   * profile from storage, so it is the new one once the transaction commits
   * and still the old one if it rolls back.
   */
  private forgetProfile(): void {
    this.profileCache = null;
  }

  /** Derived once per object: the key material does not change while it runs. */
  private keyring(): Promise<SecretKeyring | null> {
    const env = this.env as Env & { ORGO_SECRETS_KEY?: string };
    return (this.keyringCache ??= keyringFrom({ ORGO_SECRETS_KEY: env.ORGO_SECRETS_KEY, ORGO_ADMIN_TOKEN: env.ORGO_ADMIN_TOKEN }));
  }

  /** The profile schema is pure and knows no environment: which URLs are allowed is decided here. */
  private refuseUnsafeWebhook(profile: Profile): void {
    const url = profile.notifications.channels.webhook?.url;
    if (url) requireSafeWebhookUrl(url, deploymentMode(this.env.ORGO_ENV), "notifications.channels.webhook.url");
  }

  private now(): Date {
    return new Date(Date.now() + this.clockOffsetMs);
  }

  private context(actor: Actor, profile: Profile, now = this.now()): CommandContext {
    return { store: this.store, now, actor, profile, newId: () => crypto.randomUUID(), profileVersion: this.store.getMeta<number>("profile_version") ?? 1 };
  }

  /**
   * A bearer is judged against the object's own tokens, in the same turn as
   * the command it authorises: nothing interleaves between the check and the
   * commit, so a token revoked by an earlier command never acts again.
   */
  private resolve(principal: Principal): Actor | null {
    if (!isBearer(principal)) return principal;
    const token = this.store.tokenByHash(principal.bearer);
    return token && tokenIsLive(token, this.now()) ? actorOfToken(token) : null;
  }

  private async command<T>(
    principal: Principal,
    decide: (ctx: CommandContext) => T,
    profileOverride?: Profile,
    now = this.now(),
    readYourWrites = true,
  ): Promise<Result<T>> {
    const profile = profileOverride ?? this.profile();
    if (!profile) return fail(new DomainError("not_found", "organization not found"));
    const actor = this.resolve(principal);
    if (!actor) return fail(UNKNOWN_BEARER());
    const ctx = this.context(actor, profile, now);
    let value: T;
    try {
      value = this.ctx.storage.transactionSync(() => decide(ctx));
    } catch (e) {
      if (isDomainError(e)) return fail(e);
      throw e;
    }
    return this.settle(value, readYourWrites);
  }

  /**
   * A command that may revoke tokens. Readers authenticate against D1, so a
   * revocation must be there before anyone is told it happened, whatever the
   * outbox's lag: the command is rehearsed in a transaction that is rolled
   * back, the token rows it would write go to D1 at once (idempotent,
   * version-guarded upserts, so the outbox's later copy of them changes
   * nothing), and only then does it run for real, at the same instant. If D1
   * cannot take them, nothing changes and the caller may retry. Revocation
   * only ever moves one way, so commands interleaving at the await are harmless.
   */
  private async revoking<T>(actor: Actor, decide: (ctx: CommandContext) => T): Promise<Result<T>> {
    const profile = this.profile();
    if (!profile) return fail(new DomainError("not_found", "organization not found"));
    const now = this.now();
    let tokens: OutboxItem[] = [];
    try {
      this.ctx.storage.transactionSync(() => {
        const head = this.store.outboxHead();
        decide(this.context(actor, profile, now));
        tokens = this.store.outboxSince(head, "token");
        throw REHEARSAL;
      });
    } catch (e) {
      if (e !== REHEARSAL) {
        if (isDomainError(e)) return fail(e);
        throw e;
      }
    }
    try {
      for (let i = 0; i < tokens.length; i += FLUSH_BATCH) await writeToD1(this.env.DB, tokens.slice(i, i + FLUSH_BATCH));
    } catch (e) {
      console.error(JSON.stringify({ msg: "revocation write-through failed", error: String(e) }));
      return fail(new DomainError("unavailable", "the revocation could not be recorded; nothing changed, try again"));
    }
    return this.command(actor, decide, undefined, now);
  }

  /**
   * After a commit: a timer the command set earlier than the standing alarm
   * is armed at once, in the same storage batch as the commit (nothing is
   * awaited between them), so no crash can leave it unarmed; an unchanged
   * schedule writes nothing. Then wait (bounded) until D1 holds what was
   * written; only an outbox still holding rows after that gets a retry alarm,
   * so a write whose flush succeeded sets no alarm of its own. An object
   * stopped mid-flush arms that retry when it starts again (constructor).
   */
  private async settle<T>(value: T, readYourWrites = true): Promise<Result<T>> {
    this.live.publish();
    const head = this.store.outboxHead();
    await this.armAlarm(null);
    const flushed = this.flushUpTo(head, FLUSH_WAIT_MS)
      .then(() => this.armAlarm())
      .catch((e) => console.error(JSON.stringify({ msg: "re-arm after flush failed", error: String(e) })));
    if (readYourWrites) await flushed;
    else this.ctx.waitUntil(flushed);
    return { ok: true, value, bookmark: this.bookmark };
  }

  /**
   * Arms the single alarm at the earliest due timer, or at `outboxRetryAt`
   * (default: soon) while the outbox still holds rows; skips the write when
   * the alarm already stands there. With `outboxRetryAt` null the outbox is
   * left out, and an alarm standing earlier than the earliest timer (a
   * retry already armed) is kept.
   */
  private async armAlarm(outboxRetryAt: number | null = this.now().getTime() + OUTBOX_RETRY_MS): Promise<void> {
    const candidates: number[] = [];
    const timer = this.store.earliestTimer();
    if (timer !== null) candidates.push(timer);
    if (outboxRetryAt === null) {
      if (typeof this.armedAt === "number" && (timer === null || this.armedAt <= timer)) return;
    } else if (this.store.outboxSize() > 0) candidates.push(outboxRetryAt);
    const at = candidates.length === 0 ? null : Math.min(...candidates);
    if (at === this.armedAt) return;
    this.armedAt = at;
    if (at === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(at);
  }

  /** Waits until the outbox is flushed through `head`, or `waitMs` passed. Never throws. */
  private async flushUpTo(head: number, waitMs: number): Promise<void> {
    const work = (async () => {
      while (this.store.outboxPendingThrough(head)) {
        // Commands arriving during a flush share the next one: group commit.
        this.flushing ??= this.flushOnce().finally(() => (this.flushing = null));
        await this.flushing;
      }
    })().catch((e) => console.error(JSON.stringify({ msg: "outbox flush failed", error: String(e) })));
    await waitAtMost(work, waitMs);
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
    // Rows leave the outbox once in D1: whatever is still unpublished goes out first.
    this.live.publish();
    const batch = this.store.outboxBatch(FLUSH_BATCH);
    if (batch.length === 0) return;
    if (this.sinkDelayMs > 0) await new Promise((r) => setTimeout(r, this.sinkDelayMs));
    this.failIfD1Down();
    const session = this.env.DB.withSession(this.bookmark ?? "first-primary");
    await writeToD1(
      session,
      batch.map((b) => b.item),
    );
    this.bookmark = session.getBookmark() ?? this.bookmark;
    this.store.ackOutbox(batch[batch.length - 1]?.seq ?? 0);
  }
}

/** Waits for `work`, but no longer than `ms` (a past deadline still lets it finish what is ready). */
async function waitAtMost(work: Promise<void>, ms: number): Promise<void> {
  let timeout: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<void>((resolve) => (timeout = setTimeout(resolve, Math.max(0, ms))));
  await Promise.race([work, deadline]);
  clearTimeout(timeout);
}

/**
 * An unexpected error in one batch item: its transaction rolled it back, so
 * the item is rejected alone and the batch goes on. Logged once, without the
 * item (it may carry personal data); the client gets a generic message.
 */
function unexpectedItemFailure(index: number, e: unknown): DomainErrorData {
  console.error(JSON.stringify({ msg: "signal item failed", index, error: String(e), stack: e instanceof Error ? e.stack : undefined }));
  return { code: "internal", message: "this signal could not be processed; it was not applied" };
}

function publicUser(u: StoredUser): User {
  const { password_hash: _p, ...rest } = u;
  return rest;
}

function publicToken(t: StoredToken): PublicToken {
  const { token_hash: _h, ...rest } = t;
  return rest;
}
