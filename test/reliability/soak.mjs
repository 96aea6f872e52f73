#!/usr/bin/env node
// Reliability soak: the real platform (`npm start`: wrangler dev, local D1 and
// Durable Objects) under load across several organizations while faults are
// injected, then checked against D1 and the objects' own storage.
//
//   Load, until SOAK_MS: single signals and batches of 50–200 (idempotency
//   keys; some replayed on purpose; every request left without an answer is
//   sent again with the same key, as a client would), transitions of random
//   tasks with expected_version, profile changes (each organization at least
//   once, halfway), inbound mail (some delivered twice).
//   Faults: object resets (in the middle of commands) and resets inside an
//   alarm run, D1 down for a few seconds, and the whole platform killed
//   (SIGKILL) in the middle of a batch and started again on the same state.
//   Checks, once the outbox has drained and due escalations have fired:
//   every accepted signal key has exactly one effect (replays answer the same
//   ids), D1 equals the objects (ids, versions, statuses, levels), the audit
//   log holds each event once with no gap, each case's and task's version is
//   its count of audit events (none skipped or repeated), every escalation
//   chain climbs one
//   level per step with none skipped or repeated and none overdue, and no
//   case belongs to two organizations.
//
// Run: npm run test:reliability   (SOAK_MS, default 300000; ORGS, default 10;
// LANES per organization, default 2; KILLS, default 2, 1 under two minutes)
// The fault hooks exist only under ORGO_ENV=development, which wrangler dev sets.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startPlatform } from "../../bench/lib/platform.mjs";

const SOAK_MS = Number(process.env.SOAK_MS ?? 300_000);
const ORGS = Number(process.env.ORGS ?? 10);
const LANES = Number(process.env.LANES ?? 2);
const KILLS = Number(process.env.KILLS ?? (SOAK_MS >= 120_000 ? 2 : 1));
const PORT = Number(process.env.PORT ?? 8795);
/** Escalation step of the soak's profile: an item climbs a level this often once overdue. */
const STEP_S = 5;
/** Start, load, drain and checks together never take longer than this. */
const WATCHDOG_MS = SOAK_MS + 15 * 60_000;
/** A request with no answer is sent again for this long before the client gives up. */
const RETRY_FOR_MS = 4 * 60_000;
/** Timers may fire this late on a busy machine before an escalation counts as missed. */
const LATE_MS = 15_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
const between = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo + 1));
const log = (msg) => console.log(`[soak ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${msg}`);
const t0 = Date.now();

const profileYaml = (step) =>
  [
    "name: soak_fast",
    "extends: retail_ops",
    "reactivity: { critical: PT5S, high: PT10S, medium: PT15S, low: PT20S }",
    "reactivity_mode: { critical: wall, high: wall, medium: wall, low: wall }",
    `escalation: { step: PT${step}S, repeat_at_top: PT1H }`,
  ].join("\n");

const figures = {
  requests: 0,
  accepted: 0,
  retried: 0,
  gave_up: 0,
  signals_single: 0,
  signals_in_batches: 0,
  batches: 0,
  replays: 0,
  transitions_ok: 0,
  transitions_refused: 0,
  profile_changes: 0,
  emails: 0,
  faults: { reset: 0, reset_in_alarm: 0, d1_down: 0, kill_restart: 0 },
};
const violations = [];
/** Operation → count and total time, retries included. */
const timings = {};
const violation = (org, invariant, detail) => violations.push({ org, invariant, detail });

// --- the platform, which the soak kills and restarts ------------------------------

const stateDir = mkdtempSync(path.join(tmpdir(), "orgo-soak-"));
let platform = null;
let base = "";
let admin = "";
/** Resolved while the platform is up; a pending promise while it restarts. */
let ready = Promise.resolve();
let restarting = false;

async function boot() {
  platform = await startPlatform({ port: PORT, name: "soak", stateDir, startTimeoutMs: 240_000 });
  base = platform.base;
  admin = platform.admin;
}

async function crashAndRestart(why) {
  if (restarting) return;
  restarting = true;
  let release;
  ready = new Promise((r) => (release = r));
  log(`SIGKILL the platform (${why})`);
  await platform.kill();
  const started = Date.now();
  // When the runtime answers again, against when start.mjs says it is ready (migrations, demo seed).
  const probe = (async () => {
    while (restarting) {
      try {
        if ((await fetch(`${base}/health`, { signal: AbortSignal.timeout(2_000) })).ok)
          return log(`health answers after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      } catch {
        /* not up yet */
      }
      await sleep(500);
    }
  })();
  try {
    await boot();
  } catch (e) {
    console.error(`soak: the platform did not start again on its state: ${e instanceof Error ? e.message : e}`);
    await shutdown();
    process.exit(1);
  }
  await probe;
  figures.faults.kill_restart++;
  log(`platform back on the same state after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  restarting = false;
  release();
}

let finished = false;
async function shutdown() {
  if (platform) await platform.stop().catch(() => {});
  rmSync(stateDir, { recursive: true, force: true });
}
const watchdog = setTimeout(async () => {
  console.error(`soak: watchdog fired after ${WATCHDOG_MS / 1000} s; stopping the platform`);
  await shutdown();
  process.exit(2);
}, WATCHDOG_MS);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await shutdown();
    process.exit(130);
  });
}

// --- HTTP ------------------------------------------------------------------------

async function send(method, url, { token = admin, body, raw, type } = {}) {
  const headers = { authorization: `Bearer ${token}` };
  let payload;
  if (raw !== undefined) {
    payload = raw;
    if (type) headers["content-type"] = type;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers["content-type"] = "application/json";
  }
  const r = await fetch(`${base}${url}`, { method, headers, body: payload, signal: AbortSignal.timeout(60_000) });
  const text = await r.text();
  let parsed = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: r.status, body: parsed };
}

/**
 * Sends until there is an answer that is not a server failure, as a client
 * would: a lost connection or a 5xx is retried with the very same request
 * (same idempotency keys). Null when it never got one.
 */
async function reliably(method, url, opts) {
  const until = Date.now() + RETRY_FOR_MS;
  for (let attempt = 0; ; attempt++) {
    await ready;
    figures.requests++;
    if (attempt > 0) figures.retried++;
    try {
      const r = await send(method, url, opts);
      if (r.status < 500) return r;
    } catch {
      /* no answer: send again */
    }
    if (Date.now() > until) {
      figures.gave_up++;
      return null;
    }
    await sleep(Math.min(2_000, 100 * 2 ** Math.min(attempt, 5)));
  }
}

async function pages(url, token = admin) {
  const items = [];
  let cursor = null;
  for (let i = 0; i < 100_000; i++) {
    const sep = url.includes("?") ? "&" : "?";
    const r = await reliably("GET", `${url}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { token });
    if (r?.status !== 200) throw new Error(`GET ${url}: ${r ? `${r.status} ${JSON.stringify(r.body).slice(0, 300)}` : "no answer"}`);
    items.push(...r.body.items);
    cursor = r.body.next_cursor;
    if (!cursor) return items;
  }
  throw new Error(`GET ${url}: pagination did not end`);
}

// --- load --------------------------------------------------------------------------

/** Per organization: what the client was told, to be checked afterwards. */
function newOrgLog(slug, token) {
  return {
    slug,
    token,
    /** idempotency key → every answer it got: { signal_id, case_id, duplicate } */
    answers: new Map(),
    sentKeys: new Set(),
    tasks: new Map(),
    mails: [],
    seq: 0,
    profileChanged: false,
  };
}

function remember(o, key, answer) {
  const list = o.answers.get(key) ?? [];
  list.push(answer);
  o.answers.set(key, list);
}

const SEVERITIES = ["critical", "critical", "high", "medium", "low"];
const signalOf = (o, key) => ({
  idempotency_key: key,
  title: `Soak ${o.slug} ${key.slice(-8)}`,
  body: "routine check from the soak",
  severity: pick(SEVERITIES),
});
const acceptedKeys = (o) => [...o.answers.keys()];

async function singleSignal(o, replay) {
  const key = replay ? pick(acceptedKeys(o)) : `${o.slug}-${++o.seq}-${randomUUID()}`;
  if (!key) return;
  o.sentKeys.add(key);
  const r = await reliably("POST", `/v1/orgs/${o.slug}/signals`, { token: o.token, body: signalOf(o, key) });
  if (!r) return;
  if (r.status !== 200 && r.status !== 201) return violation(o.slug, "signal accepted", `key ${key}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
  figures.accepted++;
  if (replay) figures.replays++;
  else figures.signals_single++;
  if (replay && !r.body.duplicate) violation(o.slug, "replay answers duplicate", `key ${key} replayed on purpose answered duplicate: false`);
  remember(o, key, { signal_id: r.body.signal_id, case_id: r.body.case?.case_id ?? null, duplicate: r.body.duplicate });
  for (const t of r.body.tasks ?? []) o.tasks.set(t.task_id, t.version);
}

let killArmed = false;

async function batch(o) {
  const n = between(50, 200);
  const old = acceptedKeys(o);
  const keys = Array.from({ length: n }, () => (old.length > 0 && Math.random() < 0.1 ? pick(old) : `${o.slug}-${++o.seq}-${randomUUID()}`));
  const replayed = new Set(keys.filter((k) => o.answers.has(k)));
  for (const k of keys) o.sentKeys.add(k);
  let pending = keys.map((key, index) => ({ key, index }));
  const until = Date.now() + RETRY_FOR_MS;
  while (pending.length > 0) {
    if (killArmed && !restarting) {
      killArmed = false;
      // The crash lands while this batch is being ingested.
      setTimeout(() => void crashAndRestart(`mid-batch, ${o.slug}, ${n} signals`), between(50, 400));
    }
    const r = await reliably("POST", `/v1/orgs/${o.slug}/signals/batch`, { token: o.token, body: { signals: pending.map((p) => signalOf(o, p.key)) } });
    if (!r) return;
    if (r.status !== 200) return violation(o.slug, "batch accepted", `${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
    figures.accepted++;
    const retry = [];
    for (const item of r.body.results) {
      const p = pending[item.index];
      if (item.status === "rejected") {
        // An item that failed unexpectedly left nothing behind: sent again with its key.
        if (item.error?.code === "internal" || item.error?.code === "unavailable") retry.push(p);
        else violation(o.slug, "batch item accepted", `key ${p.key}: ${JSON.stringify(item.error)}`);
        continue;
      }
      if (replayed.has(p.key) && item.status !== "duplicate")
        violation(o.slug, "replay answers duplicate", `key ${p.key} replayed in a batch answered ${item.status}`);
      remember(o, p.key, { signal_id: item.signal_id, case_id: item.case_id ?? null, duplicate: item.status === "duplicate" });
    }
    figures.signals_in_batches += pending.length - retry.length;
    pending = retry;
    if (Date.now() > until) break;
  }
  figures.batches++;
}

/** The moves a task's machine allows from each status (core/machines/task-machine.ts). */
const NEXT = { pending: ["in_progress", "in_progress", "cancelled"], in_progress: ["completed", "cancelled"] };

async function transition(o) {
  if (o.tasks.size === 0 || Math.random() < 0.1) {
    const r = await reliably("GET", `/v1/orgs/${o.slug}/tasks?status=pending&limit=50`, { token: o.token });
    if (r?.status === 200) for (const t of r.body.items) o.tasks.set(t.task_id, t.version);
    if (o.tasks.size === 0) return;
  }
  const id = pick([...o.tasks.keys()]);
  // Mostly a move the client believes valid at the version it just read; now and then a stale or refused one.
  const now = await reliably("GET", `/v1/orgs/${o.slug}/tasks/${id}`, { token: o.token });
  if (now?.status !== 200) return;
  const moves = NEXT[now.body.status];
  if (!moves) {
    o.tasks.delete(id);
    return;
  }
  const stale = Math.random() < 0.1;
  const to = stale ? pick(["completed", "in_progress"]) : pick(moves);
  const expected_version = stale ? Math.max(1, now.body.version - 1) : now.body.version;
  const r = await reliably("POST", `/v1/orgs/${o.slug}/tasks/${id}/transition`, { token: o.token, body: { to, expected_version } });
  if (!r) return;
  if (r.status === 200) {
    figures.accepted++;
    figures.transitions_ok++;
    o.tasks.set(id, r.body.version);
  } else if (r.status === 409 || r.status === 422) figures.transitions_refused++;
  else violation(o.slug, "transition answered", `task ${id} → ${to}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
}

async function profileChange(o) {
  const r = await reliably("PUT", `/v1/orgs/${o.slug}/profile`, { token: o.token, raw: profileYaml(pick([STEP_S, STEP_S + 1])), type: "application/yaml" });
  if (!r) return;
  if (r.status === 200) {
    figures.accepted++;
    figures.profile_changes++;
  } else violation(o.slug, "profile change accepted", `${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
}

async function email(o) {
  const id = randomUUID();
  const from = `reporter-${id.slice(0, 8)}@example.com`;
  const subject = `Soak mail ${id}`;
  const raw = [
    `From: Reporter <${from}>`,
    `To: ${o.slug}@orgo.test`,
    `Subject: ${subject}`,
    `Message-ID: <${id}@example.com>`,
    `Date: ${new Date().toUTCString()}`,
    "Content-Type: text/plain; charset=utf-8",
    "",
    "The shelf label printer in aisle 4 prints blank labels.",
    "",
  ].join("\r\n");
  const url = `/cdn-cgi/handler/email?from=${encodeURIComponent(from)}&to=${encodeURIComponent(`${o.slug}@orgo.test`)}`;
  // Sent twice now and then: a redelivery (same Message-ID) must add nothing.
  const times = Math.random() < 0.3 ? 2 : 1;
  for (let i = 0; i < times; i++) {
    const r = await reliably("POST", url, { raw });
    if (!r) return;
    if (r.status >= 300) return violation(o.slug, "email accepted", `${subject}: ${r.status} ${String(JSON.stringify(r.body)).slice(0, 200)}`);
  }
  figures.accepted++;
  figures.emails++;
  o.mails.push(subject);
}

async function lane(o, until) {
  const halfway = until - SOAK_MS / 2;
  while (Date.now() < until) {
    // Every organization changes its profile at least once, halfway, under load.
    if (!o.profileChanged && Date.now() > halfway) {
      o.profileChanged = true;
      await profileChange(o).catch((e) => violation(o.slug, "client", String(e)));
    }
    const roll = Math.random();
    const started = Date.now();
    const op = roll < 0.35 ? "signal" : roll < 0.45 ? "replay" : roll < 0.55 ? "batch" : roll < 0.93 ? "transition" : roll < 0.95 ? "profile" : "email";
    try {
      if (op === "signal") await singleSignal(o, false);
      else if (op === "replay") await singleSignal(o, true);
      else if (op === "batch") await batch(o);
      else if (op === "transition") await transition(o);
      else if (op === "profile") await profileChange(o);
      else await email(o);
      const t = (timings[op] ??= { n: 0, ms: 0 });
      t.n++;
      t.ms += Date.now() - started;
    } catch (e) {
      violation(o.slug, "client", String(e));
    }
  }
}

/** Faults in turn, each on an organization picked at random. */
const ROTATION = ["reset", "d1_down", "reset", "reset_in_alarm"];

async function faults(orgs, until) {
  let round = 0;
  const from = Date.now();
  const kills = Array.from({ length: KILLS }, (_, i) => from + ((i + 1) * (until - from)) / (KILLS + 1));
  while (Date.now() < until) {
    await sleep(between(1_500, 4_000));
    if (restarting || Date.now() >= until) continue;
    if (kills.length > 0 && Date.now() >= kills[0]) {
      kills.shift();
      killArmed = true;
      continue;
    }
    const o = pick(orgs);
    const kind = ROTATION[round++ % ROTATION.length];
    const fault = kind === "reset" ? { kind } : kind === "reset_in_alarm" ? { kind, after_timers: between(0, 5) } : { kind, ms: between(2_000, 6_000) };
    try {
      // A reset may take the answer down with it, its own or another fault's: the local runtime then answers 503 itself.
      let r = await send("POST", `/v1/orgs/${o.slug}/_faults`, { body: fault });
      for (let i = 0; i < 3 && r.status === 503 && kind !== "reset"; i++) r = await send("POST", `/v1/orgs/${o.slug}/_faults`, { body: fault });
      if (r.status === 200 || (kind === "reset" && r.status === 503)) figures.faults[kind]++;
      else violation(o.slug, "fault hook", `${kind}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
    } catch {
      /* the platform is restarting: this fault is skipped */
    }
  }
}

// --- checks ------------------------------------------------------------------------

const stateOf = async (o) => {
  const r = await reliably("GET", `/v1/orgs/${o.slug}/_state`);
  if (r?.status !== 200) throw new Error(`_state of ${o.slug}: ${r ? r.status : "no answer"}`);
  return r.body;
};
const overdue = (s) => s.escalation_timers.filter((t) => t.due_at < Date.parse(s.now) - LATE_MS);

/**
 * Waits until the organization is quiet (outbox empty, no escalation
 * overdue, no audit event written for longer than a step), then reads D1
 * and reads the object again: the snapshot counts only if nothing moved in
 * between.
 */
async function quietSnapshot(o, deadline) {
  let last = null;
  let quietSince = Date.now();
  for (;;) {
    const s = await stateOf(o);
    if (!last || s.audit_events !== last.audit_events || s.outbox > 0) quietSince = Date.now();
    last = s;
    const quiet = Date.now() - quietSince > (STEP_S + 2) * 1000 && overdue(s).length === 0;
    if (quiet || Date.now() > deadline) {
      const [cases, tasks, audit] = await Promise.all([
        pages(`/v1/orgs/${o.slug}/cases`),
        pages(`/v1/orgs/${o.slug}/tasks`),
        pages(`/v1/orgs/${o.slug}/audit`),
      ]);
      const after = await stateOf(o);
      if (after.audit_events === s.audit_events && after.outbox === 0) return { state: after, cases, tasks, audit, settled: quiet };
      if (Date.now() > deadline) return { state: after, cases, tasks, audit, settled: false };
      quietSince = Date.now();
    }
    await sleep(1_000);
  }
}

function checkOrg(o, snap) {
  const { state, cases, tasks, audit } = snap;
  const v = (invariant, detail) => violation(o.slug, invariant, detail);
  if (!snap.settled) v("drains", `never quiet: outbox ${state.outbox}, ${overdue(state).length} escalations overdue`);

  // Every accepted key: one signal, the ids every answer gave.
  const byKey = new Map(state.signals.filter((s) => s.idempotency_key).map((s) => [s.idempotency_key, s]));
  for (const [key, answers] of o.answers) {
    const stored = byKey.get(key);
    if (!stored) {
      v("accepted signal has its effect", `key ${key} was answered ${answers[0].signal_id} but the object holds no such signal`);
      continue;
    }
    for (const a of answers)
      if (a.signal_id !== stored.signal_id || (a.case_id ?? stored.case_id) !== stored.case_id)
        v("one effect per key", `key ${key}: answered ${a.signal_id}/${a.case_id}, stored ${stored.signal_id}/${stored.case_id}`);
    if (answers.filter((a) => !a.duplicate).length > 1)
      v("one effect per key", `key ${key} answered as new ${answers.filter((a) => !a.duplicate).length} times`);
  }
  for (const key of byKey.keys()) if (!o.sentKeys.has(key)) v("no effect without a request", `signal with key ${key} that was never sent`);
  const signalEvents = new Map();
  for (const e of audit) if (e.action === "signal.received") signalEvents.set(e.entity_id, (signalEvents.get(e.entity_id) ?? 0) + 1);
  for (const s of state.signals)
    if ((signalEvents.get(s.signal_id) ?? 0) !== 1)
      v("one audit event per change", `signal ${s.signal_id}: ${signalEvents.get(s.signal_id) ?? 0} signal.received events`);

  // D1 equals the object.
  const compare = (kind, objectRows, d1Rows, idOf) => {
    const d1 = new Map(d1Rows.map((r) => [idOf(r), r]));
    if (d1.size !== d1Rows.length) v("D1 equals the object", `${kind}: ${d1Rows.length - d1.size} listed twice in D1`);
    for (const r of objectRows) {
      const row = d1.get(r.id);
      if (!row) {
        v("D1 equals the object", `${kind} ${r.id} (v${r.version}) is missing from D1`);
        continue;
      }
      d1.delete(r.id);
      for (const f of ["version", "status", "escalation_level"])
        if (row[f] !== r[f]) v("D1 equals the object", `${kind} ${r.id}: ${f} is ${JSON.stringify(row[f])} in D1, ${JSON.stringify(r[f])} in the object`);
    }
    for (const id of d1.keys()) v("D1 equals the object", `${kind} ${id} is in D1 but not in the object`);
  };
  compare("case", state.cases, cases, (r) => r.case_id);
  compare("task", state.tasks, tasks, (r) => r.task_id);

  // The audit log: each event once, none missing.
  if (audit.length !== state.audit_events) v("one audit event per change", `D1 holds ${audit.length} audit events, the object wrote ${state.audit_events}`);
  if (new Set(audit.map((e) => e.event_id)).size !== audit.length) v("one audit event per change", "an audit event listed twice");
  const eventsOf = new Map();
  for (const e of [...audit].reverse()) {
    const list = eventsOf.get(e.entity_id) ?? [];
    list.push(e);
    eventsOf.set(e.entity_id, list);
  }

  // Versions and escalation chains, per entity.
  const timersOf = new Map(state.escalation_timers.map((t) => [t.entity_id, t]));
  for (const [kind, rows] of [
    ["case", state.cases],
    ["task", state.tasks],
  ]) {
    for (const r of rows) {
      const events = eventsOf.get(r.id) ?? [];
      const created = events.filter((e) => e.action === `${kind}.created`).length;
      if (created !== 1) v("one audit event per change", `${kind} ${r.id}: ${created} ${kind}.created events`);
      // Each change bumps the version by one and writes one audit event: none skipped, none repeated.
      if (r.version !== events.length)
        v("a version per audited change", `${kind} ${r.id}: version ${r.version}, ${events.length} audit events (${events.map((e) => e.action).join(", ")})`);
      const climbs = events.filter((e) => e.action === `${kind}.escalated` || e.action === "case.escalation_raised");
      let level = 0;
      let deadline = null;
      for (const e of climbs) {
        const { from, to } = e.changes.escalation_level ?? {};
        if (from !== level || !(to > from) || (e.action.endsWith(".escalated") && to !== from + 1))
          v("escalated once per step", `${kind} ${r.id}: ${e.action} ${from} → ${to} after level ${level}`);
        if (e.action.endsWith(".escalated")) {
          const due = e.changes.reactivity_deadline?.from;
          if (deadline !== null && due !== deadline) v("escalated once per step", `${kind} ${r.id}: step from deadline ${due}, previous step set ${deadline}`);
          if (Date.parse(e.at) < Date.parse(due)) v("escalated once per step", `${kind} ${r.id}: escalated at ${e.at}, before its deadline ${due}`);
          deadline = e.changes.reactivity_deadline?.to ?? null;
        }
        level = to;
      }
      if (level !== r.escalation_level) v("escalated once per step", `${kind} ${r.id}: level ${r.escalation_level}, its audit events climb to ${level}`);
      if (kind === "task" && r.status === "pending") {
        const timer = timersOf.get(r.id);
        if (!timer) v("overdue tasks escalate", `pending task ${r.id} has no escalation timer`);
        else if (timer.due_at < Date.parse(state.now) - LATE_MS)
          v("overdue tasks escalate", `pending task ${r.id}: step ${timer.step} due ${new Date(timer.due_at).toISOString()} has not fired`);
      }
    }
  }

  // Mail: each message opened its case once (a redelivery added nothing).
  for (const subject of o.mails) {
    const n = cases.filter((c) => String(c.title).includes(subject)).length;
    if (n !== 1) v("accepted mail has its effect once", `${n} cases titled after "${subject}"`);
  }
}

// --- run ---------------------------------------------------------------------------

async function main() {
  log(`starting the platform (state ${stateDir})`);
  await boot();
  const run = Date.now().toString(36);
  const orgs = [];
  for (let i = 0; i < ORGS; i++) {
    const slug = `soak-${run}-${i}`;
    const r = await reliably("POST", "/v1/orgs", { body: { slug, name: `Soak ${i}`, profile_yaml: profileYaml(STEP_S) } });
    if (r?.status !== 201) throw new Error(`creating ${slug}: ${r ? `${r.status} ${JSON.stringify(r.body)}` : "no answer"}`);
    orgs.push(newOrgLog(slug, r.body.token));
  }
  log(`${ORGS} organizations; load and faults for ${SOAK_MS / 1000} s (${LANES} lanes each, ${KILLS} kill(s))`);
  const until = Date.now() + SOAK_MS;
  const progress = setInterval(
    () => log(`accepted ${figures.accepted}, signals ${figures.signals_single + figures.signals_in_batches}, faults ${JSON.stringify(figures.faults)}`),
    15_000,
  );
  await Promise.all([...orgs.flatMap((o) => Array.from({ length: LANES }, () => lane(o, until))), faults(orgs, until)]);
  clearInterval(progress);
  await ready;
  log("load over; waiting for the outboxes to drain and due escalations to fire");

  const snaps = [];
  const deadline = Date.now() + 3 * 60_000 + ORGS * 30_000;
  for (const o of orgs) snaps.push(await quietSnapshot(o, deadline));
  log("checking");
  const owner = new Map();
  orgs.forEach((o, i) => {
    checkOrg(o, snaps[i]);
    for (const c of snaps[i].state.cases) {
      if (owner.has(c.id)) violation(o.slug, "no case in two organizations", `case ${c.id} also in ${owner.get(c.id)}`);
      owner.set(c.id, o.slug);
    }
  });
  if (figures.gave_up > 0) violation("-", "every request answered", `${figures.gave_up} requests got no answer within ${RETRY_FOR_MS / 1000} s of retries`);

  const rows = orgs.map((o, i) => {
    const s = snaps[i].state;
    return {
      org: o.slug,
      keys: o.answers.size,
      signals: s.signals.length,
      cases: s.cases.length,
      tasks: s.tasks.length,
      escalated: s.tasks.filter((t) => t.escalation_level > 0).length,
      audit: s.audit_events,
      violations: violations.filter((x) => x.org === o.slug).length,
    };
  });
  console.log("\nreliability soak");
  console.table(rows);
  console.log(
    [
      `  duration:        ${((Date.now() - t0) / 1000).toFixed(0)} s (load ${SOAK_MS / 1000} s, ${ORGS} organizations × ${LANES} lanes)`,
      `  requests:        ${figures.requests} sent, ${figures.accepted} accepted, ${figures.retried} retries, ${figures.gave_up} given up`,
      `  signals:         ${figures.signals_single} single, ${figures.signals_in_batches} in ${figures.batches} batches, ${figures.replays} replays on purpose`,
      `  other:           ${figures.transitions_ok} transitions (${figures.transitions_refused} refused 409/422), ${figures.profile_changes} profile changes, ${figures.emails} emails`,
      `  faults:          ${figures.faults.reset} resets, ${figures.faults.reset_in_alarm} resets in alarms, ${figures.faults.d1_down} D1 outages, ${figures.faults.kill_restart} kills and restarts`,
      `  mean time:       ${Object.entries(timings)
        .map(([op, t]) => `${op} ${(t.ms / t.n / 1000).toFixed(2)} s`)
        .join(", ")}`,
      `  violations:      ${violations.length}`,
    ].join("\n"),
  );
  if (violations.length > 0) {
    const shown = violations.slice(0, 60);
    console.log("\nFAIL:");
    for (const x of shown) console.log(`  [${x.org}] ${x.invariant}: ${x.detail}`);
    if (violations.length > shown.length) console.log(`  … and ${violations.length - shown.length} more`);
  } else console.log("\nPASS: every invariant held");
  finished = violations.length === 0;
}

main()
  .catch((e) => {
    console.error(`soak: ${e instanceof Error ? e.stack : e}`);
    finished = false;
  })
  .finally(async () => {
    clearTimeout(watchdog);
    await shutdown();
    process.exit(finished ? 0 : 1);
  });
