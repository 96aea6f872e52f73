/**
 * The notifier (issue 5, section 4 and "Done when"), against the real Worker
 * and its organization Durable Object.
 *
 * - Webhooks go to a local test receiver: the Worker, its objects and these
 *   tests share one isolate, so replacing the global `fetch` makes the test
 *   the receiver (the Worker's own API is called through `exports.default.fetch`,
 *   which does not go through it). The receiver checks the HMAC-SHA-256
 *   signature and answers per organization from a script of statuses.
 * - Signing keys are the organization's own secrets, set through the API
 *   (PUT /v1/orgs/{org}/secrets/{name}); the Worker's environment holds none.
 * - Time: delivery timers are due when the notice is created; retries are made
 *   due by moving their `due_at` into the past inside the object, never by
 *   sleeping. The runtime may run a due alarm by itself at any moment, so
 *   `settle` never runs the handler next to a running one: it runs the alarm
 *   if one is set, else waits until nothing is due and the outbox is in D1.
 * - Which events notify whom comes from the profile (NOTIFY below).
 */
import type { Timer as TimerRow } from "../../core/scheduling/timers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { OrgObject } from "../../durable-objects/org-object";
import { allPages, api, auditOf, createOrg, newCase, newTask, orgStub, transition } from "./helpers";

type Stub = DurableObjectStub<OrgObject>;

const RECEIVER = "https://receiver.orgo.test/hook";
const SECRET_NAME = "ORGO_WEBHOOK_SECRET";
/** The signing key every test organization stores under SECRET_NAME. */
const SECRET = "notify-test-webhook-signing-key";
const BACKOFF_MS = 60_000; // initial_backoff PT1M: long enough that the runtime never retries behind a test's back
const MAX_ATTEMPTS = 4;
const STALE_MS = 2 * 3_600_000;
const DESK = "ops-desk@notify.example";

const NOTIFY = `
name: notify_test
extends: base
reactivity: { critical: PT1H, high: PT2H, medium: PT4H, low: P1D }
reactivity_mode: { critical: wall, high: wall, medium: wall, low: wall }
escalation:
  step: PT30M
  repeat_at_top: PT1H
  stale_after: PT2H
  notify: { levels: [new_level, owner_role], channels: [in_app] }
roles: [Operations, Operations.Safety, Operations.Maintenance, Facilities]
pattern_rules:
  - id: facilities-cluster
    match: { entity: case, label_prefix: [1001.14.Facilities] }
    group_by: location.site
    window: P1D
    threshold: 2
    cooldown: P1D
    action:
      case: { title: "Recurring facilities issues at {{group}}", label: 11.14.Facilities, severity: high }
notifications:
  channels:
    in_app: {}
    email: { to: [${DESK}] }
    webhook: { url: "${RECEIVER}", secret_name: ${SECRET_NAME}, max_attempts: ${MAX_ATTEMPTS}, initial_backoff: PT1M }
  rules:
    - { on: new_case, min_severity: high, channels: [in_app, webhook] }
    - { on: new_case, min_severity: critical, channels: [email], to_levels: [101] }
    - { on: escalation, channels: [email], to_levels: [11] }
    - { on: assignment, channels: [in_app] }
    - { on: pattern_alert, channels: [in_app, email], to_roles: [Facilities] }
    - { on: stale, channels: [in_app] }
`;

const SAFETY = "1001.91.Operations.Safety";

// --- the local webhook receiver ---------------------------------------------------

interface Hit {
  org: string;
  event_id: string | null;
  event: string | null;
  signature: string | null;
  content_type: string | null;
  body: string;
  /** What the receiver answered: an HTTP status, or 0 for a dropped connection. */
  answered: number;
  /** The fetch's redirect mode. */
  redirect: string;
}

const hits: Hit[] = [];
/** Per organization slug: the statuses answered to successive POSTs (the last one repeats); 0 drops the connection. */
const scripts = new Map<string, number[]>();
/** Every URL fetched that is not the receiver. */
const strays: string[] = [];
let realFetch: typeof fetch;

async function receiver(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const req = new Request(input, init);
  if (!req.url.startsWith(RECEIVER)) {
    strays.push(req.url);
    return realFetch(input, init);
  }
  const body = await req.text();
  const org = String((JSON.parse(body) as { org?: unknown }).org);
  const script = scripts.get(org) ?? [200];
  const seen = hits.filter((h) => h.org === org).length;
  const answered = script[Math.min(seen, script.length - 1)] as number;
  hits.push({
    org,
    event_id: req.headers.get("x-orgo-event-id"),
    event: req.headers.get("x-orgo-event"),
    signature: req.headers.get("x-orgo-signature"),
    content_type: req.headers.get("content-type"),
    body,
    answered,
    redirect: req.redirect,
  });
  if (answered === 0) throw new TypeError("connection refused (test receiver)");
  if (answered >= 300 && answered < 400) return new Response(null, { status: answered, headers: { location: "http://127.0.0.1/elsewhere" } });
  return new Response(answered < 300 ? "ok" : "receiver says no", { status: answered });
}

const hitsOf = (org: string) => hits.filter((h) => h.org === org);

beforeAll(() => {
  realFetch = globalThis.fetch;
  vi.stubGlobal("fetch", receiver);
});
afterAll(async () => {
  vi.unstubAllGlobals();
  // Retries armed minutes ahead must not run once the tests are gone.
  for (const stub of stubs) await runInDurableObject(stub, (_i, state) => state.storage.deleteAlarm());
});
beforeEach(() => {
  hits.length = 0;
  strays.length = 0;
});

async function hmacHex(secret: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(text));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Verifies `t=<unix>,v1=<hex>` the way a receiver would; returns t. */
async function verifySignature(secret: string, header: string | null, body: string): Promise<number> {
  expect(header, "x-orgo-signature header").not.toBeNull();
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header as string);
  expect(m, `signature format: ${header}`).not.toBeNull();
  const t = Number(m![1]);
  expect(m![2]).toBe(await hmacHex(secret, `${t}.${body}`));
  return t;
}

// --- the object's clock ------------------------------------------------------------

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs the object's alarm as the runtime would, until nothing is due and its
 * outbox is in D1. If the runtime is already running the alarm, waits for it
 * instead of running a second handler beside it.
 */
async function settle(stub: Stub): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const ran = await runDurableObjectAlarm(stub);
    const state = await runInDurableObject(stub, (instance: OrgObject, s) => ({
      due: s.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM timers WHERE due_at <= ?", Date.now()).one().n,
      outbox: instance.stats().outbox,
    }));
    if (state.due === 0 && state.outbox === 0) return;
    if (!ran) await sleep(25);
  }
  throw new Error("the object's timers did not settle");
}

function timersOf(stub: Stub, entityId: string, kind?: string): Promise<TimerRow[]> {
  return runInDurableObject(
    stub,
    (_i, s) =>
      s.storage.sql
        .exec("SELECT * FROM timers WHERE entity_id = ? AND (? IS NULL OR kind = ?) ORDER BY due_at, timer_id", entityId, kind ?? null, kind ?? null)
        .toArray() as unknown as TimerRow[],
  );
}

/** Makes the given timers due now (the clock moves on for them alone). */
function makeTimersDue(stub: Stub, timerIds: string[]): Promise<void> {
  return runInDurableObject(stub, (_i, s) => {
    for (const id of timerIds) s.storage.sql.exec("UPDATE timers SET due_at = ? WHERE timer_id = ?", Date.now() - 1, id);
  });
}

/** Pretends the task was last updated `ms` ago (the object's record is the source of truth). */
function ageTask(stub: Stub, taskId: string, ms: number): Promise<void> {
  return runInDurableObject(stub, (_i, s) => {
    s.storage.sql.exec("UPDATE tasks SET data = json_set(data, '$.updated_at', ?) WHERE task_id = ?", new Date(Date.now() - ms).toISOString(), taskId);
  });
}

// --- reading notifications ------------------------------------------------------

interface Notice {
  notification_id: string;
  at: string;
  event: string;
  channel: string;
  recipient: string;
  entity_type: string;
  entity_id: string;
  case_id: string | null;
  status: string;
  attempts: number;
  payload: Record<string, unknown>;
}

async function notices(slug: string, token: string, query = ""): Promise<Notice[]> {
  return (await allPages(`/v1/orgs/${slug}/notifications${query}`, token, 200)).flat() as Notice[];
}

const of = (list: Notice[], entityId: string, event?: string) => list.filter((n) => n.entity_id === entityId && (event === undefined || n.event === event));
const recipients = (list: Notice[]) => list.map((n) => n.recipient).sort();

// --- organizations -----------------------------------------------------------------

type Who = "safetyStaff" | "safetyLead" | "opsHead" | "maintStaff" | "facilitiesStaff" | "facilitiesHead";
const POSITIONS: Record<Who, { level: number; role: string }[]> = {
  safetyStaff: [{ level: 1001, role: "Operations.Safety" }],
  safetyLead: [{ level: 101, role: "Operations.Safety" }],
  opsHead: [{ level: 11, role: "Operations" }],
  maintStaff: [{ level: 1001, role: "Operations.Maintenance" }],
  facilitiesStaff: [{ level: 1001, role: "Facilities" }],
  facilitiesHead: [{ level: 11, role: "Facilities" }],
};

interface World {
  slug: string;
  token: string;
  orgId: string;
  stub: Stub;
  tokens: Record<Who, string>;
  emails: Record<Who, string>;
}

const stubs: Stub[] = [];

async function world(profileYaml = NOTIFY, who: readonly Who[] = Object.keys(POSITIONS) as Who[]): Promise<World> {
  const org = await createOrg({ profile_yaml: profileYaml });
  stubs.push(orgStub(org.org.org_id));
  const secret = await putSecret(org.slug, org.token, SECRET_NAME, SECRET);
  expect(secret.status, JSON.stringify(secret.body)).toBe(204);
  const tokens = {} as Record<Who, string>;
  const emails = {} as Record<Who, string>;
  for (const w of who) {
    const email = `${w.toLowerCase()}@${org.slug}.example`;
    const password = `pw-${w}-0123456`;
    const u = await api("POST", `/v1/orgs/${org.slug}/users`, { token: org.token, body: { email, display_name: w, password, positions: POSITIONS[w] } });
    expect(u.status, JSON.stringify(u.body)).toBe(201);
    const l = await api("POST", "/v1/auth/login", { token: null, body: { org: org.slug, email, password } });
    expect(l.status, JSON.stringify(l.body)).toBe(200);
    tokens[w] = l.body.token;
    emails[w] = email;
  }
  return { slug: org.slug, token: org.token, orgId: org.org.org_id, stub: orgStub(org.org.org_id), tokens, emails };
}

const putSecret = (slug: string, token: string, name: string, value: string) => api("PUT", `/v1/orgs/${slug}/secrets/${name}`, { token, body: { value } });

/** The object's deployment mode comes from ORGO_ENV; this object alone runs as production from now on. */
function runAsProduction(stub: Stub): Promise<void> {
  return runInDurableObject(stub, (instance: OrgObject) => {
    const o = instance as unknown as { env: Env };
    o.env = { ...o.env, ORGO_ENV: "production" };
  });
}

// =====================================================================================

describe("webhook delivery against a local receiver", () => {
  it("POSTs the event as JSON with a verifiable HMAC-SHA-256 signature and the event id", async () => {
    const secret = SECRET;
    const w = await world(NOTIFY, []);
    const before = Math.floor(Date.now() / 1000);
    const c = await newCase(w.slug, w.token, { title: "Gas smell in the stockroom", label: SAFETY, severity: "high" });
    await settle(w.stub);
    const after = Math.ceil(Date.now() / 1000);

    const got = hitsOf(w.slug);
    expect(got).toHaveLength(1);
    const hit = got[0]!;
    expect(hit.content_type).toMatch(/^application\/json/);
    expect(hit.event).toBe("new_case");
    const t = await verifySignature(secret, hit.signature, hit.body);
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(after);
    // The signature binds the body: anything else does not verify.
    expect(hit.signature).not.toContain(await hmacHex(secret, `${t}.${hit.body} `));
    expect(hit.signature).not.toContain(await hmacHex("another-secret", `${t}.${hit.body}`));

    const body = JSON.parse(hit.body);
    expect(body).toMatchObject({
      id: hit.event_id,
      event: "new_case",
      org: w.slug,
      data: { entity_type: "case", entity_id: c.case_id, case_id: c.case_id, title: "Gas smell in the stockroom", severity: "high", label: SAFETY },
    });

    // The delivery log (org admins) shows one delivered POST, under the event id the receiver saw.
    const log = await notices(w.slug, w.token, "?channel=webhook");
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      notification_id: hit.event_id,
      channel: "webhook",
      recipient: RECEIVER,
      event: "new_case",
      entity_id: c.case_id,
      status: "delivered",
      attempts: 1,
    });
    expect(await timersOf(w.stub, hit.event_id!)).toEqual([]);
  });

  it("a receiver failing twice then succeeding gets exactly one delivered event, after backoff doubling", async () => {
    const secret = SECRET;
    const w = await world(NOTIFY, []);
    scripts.set(w.slug, [503, 0, 200]); // an HTTP error, a dropped connection, then success
    const c = await newCase(w.slug, w.token, { title: "Smoke alarm", label: SAFETY, severity: "high" });

    const backoffs: number[] = [];
    for (let attempt = 1; attempt <= 2; attempt++) {
      await settle(w.stub);
      const got = hitsOf(w.slug);
      expect(got, `attempt ${attempt}`).toHaveLength(attempt);
      const id = got[0]!.event_id!;
      const t = await verifySignature(secret, got[attempt - 1]!.signature, got[attempt - 1]!.body);
      const [log] = await notices(w.slug, w.token, "?channel=webhook");
      expect(log).toMatchObject({ notification_id: id, status: "retrying", attempts: attempt });
      // The retry is armed initial_backoff × 2^(attempt-1) after the failed attempt (whose time the signature carries).
      const timers = await timersOf(w.stub, id, "delivery");
      expect(timers).toHaveLength(1);
      expect(timers[0]!.step).toBe(attempt);
      const wait = timers[0]!.due_at - t * 1000;
      backoffs.push(wait);
      expect(wait).toBeGreaterThanOrEqual(BACKOFF_MS * 2 ** (attempt - 1));
      expect(wait).toBeLessThan(BACKOFF_MS * 2 ** (attempt - 1) + 1_000);
      // Nothing happens before the retry is due.
      await settle(w.stub);
      expect(hitsOf(w.slug)).toHaveLength(attempt);
      await makeTimersDue(w.stub, [timers[0]!.timer_id]);
    }
    // Each wait is its backoff plus under a second (the signature's time is truncated to seconds): the second is twice the first.
    expect(Math.abs(backoffs[1]! - 2 * backoffs[0]!)).toBeLessThan(2_000);

    await settle(w.stub);
    const got = hitsOf(w.slug);
    expect(got.map((h) => h.answered)).toEqual([503, 0, 200]);
    // One event, the same id and body every time; one 2xx-acknowledged POST.
    expect(new Set(got.map((h) => h.event_id)).size).toBe(1);
    expect(new Set(got.map((h) => JSON.parse(h.body).id)).size).toBe(1);
    expect(got.filter((h) => h.answered >= 200 && h.answered < 300)).toHaveLength(1);
    for (const h of got) await verifySignature(secret, h.signature, h.body);

    const log = await notices(w.slug, w.token, "?channel=webhook");
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ notification_id: got[0]!.event_id, entity_id: c.case_id, status: "delivered", attempts: 3 });
    expect(await timersOf(w.stub, got[0]!.event_id!)).toEqual([]);
    expect(await runInDurableObject(w.stub, (_i, s) => s.storage.sql.exec("SELECT count(*) AS n FROM deliveries").one().n)).toBe(0);

    // Delivered is final: more alarms send nothing.
    await settle(w.stub);
    expect(hitsOf(w.slug)).toHaveLength(3);
  });

  it("a receiver failing forever is dead-lettered after max_attempts and visible with ?status=dead", async () => {
    const w = await world(NOTIFY, []);
    scripts.set(w.slug, [500]);
    const c = await newCase(w.slug, w.token, { title: "Fire door blocked", label: SAFETY, severity: "high" });

    const waits: number[] = [];
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      await settle(w.stub);
      expect(hitsOf(w.slug), `attempt ${attempt}`).toHaveLength(attempt);
      const id = hitsOf(w.slug)[0]!.event_id!;
      const timers = await timersOf(w.stub, id, "delivery");
      if (attempt === MAX_ATTEMPTS) {
        expect(timers).toEqual([]);
        break;
      }
      expect(timers).toHaveLength(1);
      const t = Number(/^t=(\d+),/.exec(hitsOf(w.slug)[attempt - 1]!.signature ?? "")?.[1]);
      waits.push(timers[0]!.due_at - t * 1000);
      await makeTimersDue(w.stub, [timers[0]!.timer_id]);
    }
    // Backoff doubles: 1, 2, 4 minutes after each failed attempt.
    waits.forEach((wait, i) => {
      expect(wait).toBeGreaterThanOrEqual(BACKOFF_MS * 2 ** i);
      expect(wait).toBeLessThan(BACKOFF_MS * 2 ** i + 1_000);
    });

    const dead = await notices(w.slug, w.token, "?channel=webhook&status=dead");
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ channel: "webhook", recipient: RECEIVER, entity_id: c.case_id, status: "dead", attempts: MAX_ATTEMPTS });
    expect(String(dead[0]!.payload.last_result)).toContain("500");
    expect(await notices(w.slug, w.token, "?channel=webhook&status=delivered")).toEqual([]);
    expect(await notices(w.slug, w.token, "?channel=webhook&status=retrying")).toEqual([]);

    // Dead is final: no more attempts.
    await settle(w.stub);
    expect(hitsOf(w.slug)).toHaveLength(MAX_ATTEMPTS);
    expect(await runInDurableObject(w.stub, (_i, s) => s.storage.sql.exec("SELECT count(*) AS n FROM timers WHERE kind = 'delivery'").one().n)).toBe(0);
  });

  it("signs only with the organization's own secret: a name it has not set (even a Worker secret's) sends nothing and says why, until it is set", async () => {
    const profile = NOTIFY.replace(`secret_name: ${SECRET_NAME}`, "secret_name: ORGO_ADMIN_TOKEN");
    expect(profile).not.toBe(NOTIFY);
    const w = await world(profile, []);
    const c = await newCase(w.slug, w.token, { title: "Ladder missing", label: SAFETY, severity: "high" });
    await settle(w.stub);
    expect(hitsOf(w.slug)).toEqual([]);
    let [log] = await notices(w.slug, w.token, "?channel=webhook");
    expect(log).toMatchObject({ entity_id: c.case_id, status: "retrying", attempts: 1 });
    expect(String(log!.payload.last_result)).toMatch(/not sent: secret ORGO_ADMIN_TOKEN is not set for this organization/);

    // The organization sets a secret of that name: the retry goes out, signed with the organization's value.
    const own = "the-tenant-chose-this-key";
    expect((await putSecret(w.slug, w.token, "ORGO_ADMIN_TOKEN", own)).status).toBe(204);
    const [retry] = await timersOf(w.stub, log!.notification_id, "delivery");
    await makeTimersDue(w.stub, [retry!.timer_id]);
    await settle(w.stub);
    const [hit] = hitsOf(w.slug);
    expect(hit).toBeDefined();
    const t = await verifySignature(own, hit!.signature, hit!.body);
    expect(hit!.signature).not.toContain(await hmacHex("test-admin-token", `${t}.${hit!.body}`));
    [log] = await notices(w.slug, w.token, "?channel=webhook");
    expect(log).toMatchObject({ status: "delivered", attempts: 2 });
  });

  it("a deleted secret: deliveries are dead-lettered after max_attempts with the reason, never sent unsigned", async () => {
    const w = await world(NOTIFY.replace(`max_attempts: ${MAX_ATTEMPTS}`, "max_attempts: 1"), []);
    expect((await api("DELETE", `/v1/orgs/${w.slug}/secrets/${SECRET_NAME}`, { token: w.token })).status).toBe(204);
    const c = await newCase(w.slug, w.token, { title: "Exit sign dark", label: SAFETY, severity: "high" });
    await settle(w.stub);
    expect(hitsOf(w.slug)).toEqual([]);
    const dead = await notices(w.slug, w.token, "?channel=webhook&status=dead");
    expect(dead).toMatchObject([{ entity_id: c.case_id, status: "dead", attempts: 1 }]);
    expect(String(dead[0]!.payload.last_result)).toContain(`secret ${SECRET_NAME} is not set`);
  });

  it("never follows a redirect: a 3xx is a failed attempt", async () => {
    const w = await world(NOTIFY, []);
    scripts.set(w.slug, [302, 200]);
    await newCase(w.slug, w.token, { title: "Cooler door ajar", label: SAFETY, severity: "high" });
    await settle(w.stub);
    expect(hitsOf(w.slug)).toMatchObject([{ answered: 302, redirect: "manual" }]);
    expect(strays).toEqual([]);
    const [log] = await notices(w.slug, w.token, "?channel=webhook");
    expect(log).toMatchObject({ status: "retrying", attempts: 1 });
    expect(String(log!.payload.last_result)).toMatch(/HTTP 302: redirects are not followed/);
  });

  it("outside development the URL is checked again before each send: a refused one is dead-lettered without a request", async () => {
    const local = "https://127.0.0.1/hook";
    // Accepted while the object runs in development (as under wrangler dev)…
    const w = await world(NOTIFY.replace(RECEIVER, local), []);
    // …then the same stored profile meets a production deployment.
    await runAsProduction(w.stub);
    const c = await newCase(w.slug, w.token, { title: "Forklift leaking oil", label: SAFETY, severity: "high" });
    await settle(w.stub);
    expect(strays).toEqual([]);
    expect(hitsOf(w.slug)).toEqual([]);
    const dead = await notices(w.slug, w.token, "?channel=webhook&status=dead");
    expect(dead).toMatchObject([{ entity_id: c.case_id, recipient: local, status: "dead", attempts: 1 }]);
    expect(String(dead[0]!.payload.last_result)).toMatch(/not sent: the webhook URL may not point at 127\.0\.0\.1: a loopback address/);
    expect(await timersOf(w.stub, dead[0]!.notification_id)).toEqual([]);
  });

  it("the delivery log is for org admins only", async () => {
    const w = await world(NOTIFY, ["safetyStaff"]);
    for (const channel of ["email", "webhook"]) {
      const r = await api("GET", `/v1/orgs/${w.slug}/notifications?channel=${channel}`, { token: w.tokens.safetyStaff });
      expect(r.status, JSON.stringify(r.body)).toBe(403);
    }
    expect((await api("GET", `/v1/orgs/${w.slug}/notifications?channel=webhook&status=dead`, { token: w.token })).status).toBe(200);
  });
});

describe("which events notify whom comes from the profile", () => {
  it("new_case: at or above min_severity notifies, below does not; in-app only to matching positions; mail lands in the outbox", async () => {
    const w = await world();
    const medium = await newCase(w.slug, w.token, { title: "Loose tile", label: SAFETY, severity: "medium" });
    const high = await newCase(w.slug, w.token, { title: "Spill in aisle 3", label: SAFETY, severity: "high" });
    const critical = await newCase(w.slug, w.token, { title: "Fire in the back office", label: SAFETY, severity: "critical" });
    await settle(w.stub);

    const inApp = await notices(w.slug, w.token);
    const email = await notices(w.slug, w.token, "?channel=email");
    const webhook = await notices(w.slug, w.token, "?channel=webhook");
    // Below min_severity: nothing on any channel.
    for (const list of [inApp, email, webhook]) expect(of(list, medium.case_id)).toEqual([]);

    // high: the label's holders in the app, and the webhook.
    expect(of(inApp, high.case_id)).toMatchObject([{ event: "new_case", channel: "in_app", recipient: "level:1001:Operations.Safety", status: "delivered" }]);
    expect(of(webhook, high.case_id)).toMatchObject([{ event: "new_case", status: "delivered", attempts: 1 }]);
    expect(of(email, high.case_id)).toEqual([]);

    // critical: also mail to the team lead level (101) of the label's role, plus the channel's fixed address.
    expect(of(inApp, critical.case_id)).toMatchObject([{ event: "new_case", recipient: "level:1001:Operations.Safety" }]);
    expect(of(webhook, critical.case_id)).toHaveLength(1);
    const mail = of(email, critical.case_id);
    expect(recipients(mail)).toEqual([DESK, w.emails.safetyLead].sort());
    for (const m of mail)
      expect(m).toMatchObject({
        channel: "email",
        event: "new_case",
        status: "outbox",
        attempts: 1,
        payload: { title: "Fire in the back office", severity: "critical" },
      });

    // In-app notices are listed to the positions of their audience; admins see all.
    const ids = (list: Notice[]) => list.map((n) => n.entity_id).sort();
    expect(ids(await notices(w.slug, w.tokens.safetyStaff))).toEqual([high.case_id, critical.case_id].sort());
    for (const other of ["facilitiesStaff", "maintStaff", "safetyLead", "facilitiesHead"] as const) {
      expect(await notices(w.slug, w.tokens[other]), other).toEqual([]);
    }
    expect(ids(inApp)).toEqual([high.case_id, critical.case_id].sort());
    // An explicit ?channel=in_app is the same list.
    expect(ids(await notices(w.slug, w.tokens.safetyStaff, "?channel=in_app"))).toEqual([high.case_id, critical.case_id].sort());
  });

  it("assignment notifies the owner role; escalation notifies the configured levels", async () => {
    const w = await world();
    const c = await newCase(w.slug, w.token, { title: "Quiet case", label: SAFETY, severity: "low" });
    const task = await newTask(w.slug, w.token, c.case_id, { title: "Clear the fire exit", severity: "critical", owner_role: "Operations.Maintenance" });
    await settle(w.stub);

    let inApp = await notices(w.slug, w.token);
    expect(of(inApp, task.task_id)).toMatchObject([{ event: "assignment", recipient: "role:Operations.Maintenance", entity_type: "task", case_id: c.case_id }]);
    expect(of(await notices(w.slug, w.tokens.maintStaff), task.task_id, "assignment")).toHaveLength(1);
    expect(await notices(w.slug, w.tokens.facilitiesStaff)).toEqual([]);
    expect(await notices(w.slug, w.tokens.safetyStaff)).toEqual([]);

    // The task's deadline passes with nobody reacting: it climbs to 101.
    const [timer] = await timersOf(w.stub, task.task_id, "escalation");
    await makeTimersDue(w.stub, [timer!.timer_id]);
    await settle(w.stub);
    const climbed = await api("GET", `/v1/orgs/${w.slug}/tasks/${task.task_id}`, { token: w.token });
    expect(climbed.body).toMatchObject({ escalation_level: 1, label: "101.91.Operations.Safety" });

    // escalation.notify: the new level and the owner role, in the app.
    inApp = await notices(w.slug, w.token);
    expect(recipients(of(inApp, task.task_id, "escalation"))).toEqual(["level:101:Operations.Safety", "role:Operations.Maintenance"]);
    // The escalation rule: mail to level 11 of the label's role (a head of the parent role holds it), plus the fixed address.
    const mail = of(await notices(w.slug, w.token, "?channel=email"), task.task_id, "escalation");
    expect(recipients(mail)).toEqual([DESK, w.emails.opsHead].sort());
    for (const m of mail)
      expect(m).toMatchObject({ status: "outbox", payload: { escalation_level: 1, from_label: SAFETY, label: "101.91.Operations.Safety" } });

    expect(of(await notices(w.slug, w.tokens.safetyLead), task.task_id, "escalation")).toHaveLength(1);
    expect(of(await notices(w.slug, w.tokens.maintStaff), task.task_id, "escalation")).toHaveLength(1);
    // Staff of the label's old level are not in escalation.notify here; other teams never were.
    expect(of(await notices(w.slug, w.tokens.safetyStaff), task.task_id)).toEqual([]);
    expect(await notices(w.slug, w.tokens.facilitiesStaff)).toEqual([]);

    // A task given no owner is assigned to nobody (ownership is never inferred), so no assignment notice goes out.
    const unowned = await newTask(w.slug, w.token, c.case_id, { title: "Check the boiler room", label: "1001.14.Facilities", severity: "low" });
    expect(unowned.owner_role).toBeNull();
    await settle(w.stub);
    expect(of(await notices(w.slug, w.token), unowned.task_id, "assignment")).toEqual([]);
    expect(of(await notices(w.slug, w.tokens.facilitiesStaff), unowned.task_id)).toEqual([]);
  });

  it("previous_levels: each climb tells every level the item already passed", async () => {
    const profile = NOTIFY.replace(
      "notify: { levels: [new_level, owner_role], channels: [in_app] }",
      "notify: { levels: [new_level, previous_levels], channels: [in_app] }",
    );
    expect(profile).not.toBe(NOTIFY);
    const w = await world(profile, []);
    const c = await newCase(w.slug, w.token, { title: "Quiet case", label: SAFETY, severity: "low" });
    const task = await newTask(w.slug, w.token, c.case_id, { title: "Evacuate the basement", severity: "critical" });
    for (const level of [1, 2]) {
      const [timer] = await timersOf(w.stub, task.task_id, "escalation");
      await makeTimersDue(w.stub, [timer!.timer_id]);
      await settle(w.stub);
      const t = await api("GET", `/v1/orgs/${w.slug}/tasks/${task.task_id}`, { token: w.token });
      expect(t.body.escalation_level).toBe(level);
    }
    const steps = of(await notices(w.slug, w.token), task.task_id, "escalation");
    const byLevel = (level: number) => recipients(steps.filter((n) => n.payload.escalation_level === level));
    expect(byLevel(1)).toEqual(["level:1001:Operations.Safety", "level:101:Operations.Safety"]);
    // At 11 it has passed both 1001 and 101.
    expect(byLevel(2)).toEqual(["level:1001:Operations.Safety", "level:101:Operations.Safety", "level:11:Operations.Safety"]);
  });

  it("pattern_alert: a pattern rule firing notifies the roles its rule names, in the app and by mail", async () => {
    const w = await world();
    const first = await newCase(w.slug, w.token, {
      title: "Broken light",
      label: "1001.14.Facilities",
      severity: "low",
      location: { site: "Store 7", area: "Aisle 1" },
    });
    expect(first.case_id).toBeTruthy();
    await newCase(w.slug, w.token, { title: "Broken door", label: "1001.14.Facilities", severity: "low", location: { site: "Store 7", area: "Entrance" } });
    await settle(w.stub);
    const list = await api("GET", `/v1/orgs/${w.slug}/cases?label=11.14.Facilities`, { token: w.token });
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    const alerts = list.body.items.filter((x: { title: string }) => x.title === "Recurring facilities issues at Store 7");
    expect(alerts).toHaveLength(1);
    const alert = alerts[0] as { case_id: string };

    const inApp = of(await notices(w.slug, w.token), alert.case_id, "pattern_alert");
    expect(inApp).toMatchObject([{ channel: "in_app", recipient: "role:Facilities" }]);
    const mail = of(await notices(w.slug, w.token, "?channel=email"), alert.case_id, "pattern_alert");
    expect(recipients(mail)).toEqual([DESK, w.emails.facilitiesHead, w.emails.facilitiesStaff].sort());
    for (const m of mail) expect(m.status).toBe("outbox");

    expect(of(await notices(w.slug, w.tokens.facilitiesStaff), alert.case_id, "pattern_alert")).toHaveLength(1);
    expect(of(await notices(w.slug, w.tokens.facilitiesHead), alert.case_id, "pattern_alert")).toHaveLength(1);
    expect(await notices(w.slug, w.tokens.safetyStaff)).toEqual([]);
    expect(await notices(w.slug, w.tokens.opsHead)).toEqual([]);
  });
});

describe("stale reminders", () => {
  it("a task in progress with no update for stale_after reminds its owner, then the level above, then nothing more", async () => {
    const w = await world();
    const c = await newCase(w.slug, w.token, { title: "Quiet case", label: SAFETY, severity: "low" });
    const task = await newTask(w.slug, w.token, c.case_id, { title: "Replace the extinguisher", severity: "high", owner_role: "Operations.Maintenance" });
    const moved = await transition(w.slug, w.token, task.task_id, { to: "in_progress" });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    await settle(w.stub);

    // Armed stale_after after the last update.
    let stale = await timersOf(w.stub, task.task_id, "stale");
    expect(stale).toMatchObject([{ step: 0, due_at: Date.parse(moved.body.updated_at) + STALE_MS }]);

    // Silent for longer than stale_after: the owner is reminded.
    await ageTask(w.stub, task.task_id, STALE_MS + 60_000);
    await makeTimersDue(w.stub, [stale[0]!.timer_id]);
    await settle(w.stub);
    let reminders = of(await notices(w.slug, w.token), task.task_id, "stale");
    expect(reminders).toMatchObject([{ channel: "in_app", recipient: "role:Operations.Maintenance", payload: { reminder: 1 } }]);
    expect(of(await notices(w.slug, w.tokens.maintStaff), task.task_id, "stale")).toHaveLength(1);
    expect(of(await notices(w.slug, w.tokens.safetyLead), task.task_id, "stale")).toEqual([]);

    // Still silent one more stale_after: the level above the label's holders (101).
    stale = await timersOf(w.stub, task.task_id, "stale");
    expect(stale).toMatchObject([{ step: 1 }]);
    await makeTimersDue(w.stub, [stale[0]!.timer_id]);
    await settle(w.stub);
    reminders = of(await notices(w.slug, w.token), task.task_id, "stale");
    expect(reminders).toHaveLength(2);
    expect(reminders.find((n) => n.payload.reminder === 2)).toMatchObject({ recipient: "level:101:Operations.Safety" });
    expect(of(await notices(w.slug, w.tokens.safetyLead), task.task_id, "stale")).toHaveLength(1);

    // Then nothing more.
    expect(await timersOf(w.stub, task.task_id, "stale")).toEqual([]);
    await settle(w.stub);
    expect(of(await notices(w.slug, w.token), task.task_id, "stale")).toHaveLength(2);
    const audit = (await auditOf(w.slug, w.token, task.task_id)).filter((e) => e.action === "task.stale_reminder");
    expect(audit.map((e) => e.changes.reminder).sort()).toEqual([1, 2]);
  });

  it("a reminder whose task was updated since does nothing; completing or cancelling drops the reminders", async () => {
    const w = await world(NOTIFY, []);
    const c = await newCase(w.slug, w.token, { title: "Quiet case", label: SAFETY, severity: "low" });
    const a = await newTask(w.slug, w.token, c.case_id, { title: "Fix the shelf", owner_role: "Operations.Maintenance" });
    const b = await newTask(w.slug, w.token, c.case_id, { title: "Fix the cooler", owner_role: "Operations.Maintenance" });
    for (const t of [a, b]) expect((await transition(w.slug, w.token, t.task_id, { to: "in_progress" })).status).toBe(200);

    // The timer comes due but the task was updated within stale_after: no reminder.
    const [early] = await timersOf(w.stub, a.task_id, "stale");
    await makeTimersDue(w.stub, [early!.timer_id]);
    await settle(w.stub);
    expect(of(await notices(w.slug, w.token), a.task_id, "stale")).toEqual([]);

    // b is reminded once (step 0), then completed before step 1: the second reminder never comes.
    const [first] = await timersOf(w.stub, b.task_id, "stale");
    await ageTask(w.stub, b.task_id, STALE_MS + 60_000);
    await makeTimersDue(w.stub, [first!.timer_id]);
    await settle(w.stub);
    expect(of(await notices(w.slug, w.token), b.task_id, "stale")).toHaveLength(1);
    expect(await timersOf(w.stub, b.task_id, "stale")).toMatchObject([{ step: 1 }]);
    expect((await transition(w.slug, w.token, b.task_id, { to: "completed" })).status).toBe(200);
    expect(await timersOf(w.stub, b.task_id)).toEqual([]);

    // A fresh in-progress task cancelled: its reminder goes with it.
    const d = await newTask(w.slug, w.token, c.case_id, { title: "Fix the lights", owner_role: "Operations.Maintenance" });
    const moved = await transition(w.slug, w.token, d.task_id, { to: "in_progress" });
    expect(await timersOf(w.stub, d.task_id, "stale")).toMatchObject([{ step: 0, due_at: Date.parse(moved.body.updated_at) + STALE_MS }]);
    expect((await transition(w.slug, w.token, d.task_id, { to: "cancelled" })).status).toBe(200);
    expect(await timersOf(w.stub, d.task_id)).toEqual([]);

    await settle(w.stub);
    const all = await notices(w.slug, w.token);
    expect(of(all, a.task_id, "stale")).toEqual([]);
    expect(of(all, b.task_id, "stale")).toHaveLength(1);
    expect(of(all, d.task_id, "stale")).toEqual([]);
  });
});
