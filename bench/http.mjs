#!/usr/bin/env node
// The platform's request figures, against a private `npm start` (loopback
// only, its own port and state directory), printed as one table and written
// to bench/results/http.json (gathered into latest.json by `npm run bench`):
//   - /health, ingest (POST /signals) and an authenticated read (GET a case)
//     at concurrency 1, 8 and 32, for 1 and for 20 organizations, each run
//     RUNS times: median and spread, and each figure's ratio to /health
//     measured in the same run at the same concurrency;
//   - task transitions under contention (every client races for every task);
//   - POST /signals/batch with 1,000-signal batches;
//   - escalation lateness (fired minus due: p50/p99/max) with 10,000 pending
//     timers standing while a steady stream of escalations falls due and
//     ingest runs at full load on the same organization.
// Figures, not pass/fail: the README's performance section quotes them.
// Run: npm run bench:http   (RUNS=3 DURATION_MS=4000 TIMERS=10000 PORT=8796)
import { call, droppedByProxy, startPlatform, writeResult } from "./lib/platform.mjs";
import { quantile, runLoad, summarize } from "./lib/load.mjs";

const RUNS = Number(process.env.RUNS ?? 3);
const DURATION_MS = Number(process.env.DURATION_MS ?? 4_000);
const TIMERS = Number(process.env.TIMERS ?? 10_000);
const STREAM_PER_S = Number(process.env.STREAM_PER_S ?? 10);
const STREAM_S = Number(process.env.STREAM_S ?? 30);
/** PHASES=escalation (comma-separated: load, contention, batch, escalation) runs only those. */
const PHASES = new Set((process.env.PHASES ?? "load,contention,batch,escalation").split(","));
const PORT = Number(process.env.PORT ?? 8796);
const CONCURRENCY = [1, 8, 32];
const ORG_COUNTS = [1, 20];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// The whole bench stops by itself, whatever happens.
const watchdog = setTimeout(() => {
  console.error("bench: gave up after 25 minutes");
  process.exit(2);
}, 25 * 60_000);
watchdog.unref();

const platform = await startPlatform({ port: PORT, name: "bench-http" });
const { base, admin } = platform;
const results = {
  at: new Date().toISOString(),
  machine: machine(),
  runs: RUNS,
  duration_ms: DURATION_MS,
  load: [],
  contention: null,
  batch: null,
  escalation: null,
  /** Worker restarts seen (a file change under wrangler dev): figures taken across one are not comparable. */
  reloads: 0,
  /** Requests wrangler dev's proxy dropped on the way to the worker (idempotent ones were sent again). */
  proxy_drops: 0,
};

try {
  const orgs = [];
  const orgsNeeded = PHASES.has("load") ? Math.max(...ORG_COUNTS) : 2;
  for (let i = 0; i < orgsNeeded; i++) orgs.push(await makeOrg(`bench-${i}`));
  const post = (org, body) =>
    fetch(`${base}/v1/orgs/${org.slug}/signals`, {
      method: "POST",
      headers: { authorization: `Bearer ${org.token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const read = (org) => fetch(`${base}/v1/orgs/${org.slug}/cases/${org.case_id}`, { headers: { authorization: `Bearer ${org.token}` } });
  const health = () => fetch(`${base}/health`);

  // --- load matrix -------------------------------------------------------------------
  for (const concurrency of PHASES.has("load") ? CONCURRENCY : []) {
    for (const orgCount of ORG_COUNTS) {
      const pick = (i) => orgs[i % orgCount];
      const runs = { health: [], ingest: [], read: [] };
      for (let run = 0; run < RUNS; run++) {
        runs.health.push(await runLoad({ concurrency, durationMs: DURATION_MS, request: () => health() }));
        runs.ingest.push(
          await runLoad({
            concurrency,
            durationMs: DURATION_MS,
            request: (_c, i) => post(pick(i), { title: `Bench signal ${run}-${i}`, body: "water on the floor near the freezers", severity: "low" }),
          }),
        );
        runs.read.push(await runLoad({ concurrency, durationMs: DURATION_MS, request: (_c, i) => read(pick(i)) }));
      }
      const row = { concurrency, orgs: orgCount };
      for (const kind of ["health", "ingest", "read"]) {
        row[kind] = {
          rps: summarize(runs[kind].map((r) => r.rps)),
          p99_ms: summarize(runs[kind].map((r) => r.p99_ms)),
          errors: runs[kind].reduce((n, r) => n + r.errors, 0),
          first_error: runs[kind].find((r) => r.first_error)?.first_error ?? null,
        };
        if (kind !== "health") {
          row[kind].rps_vs_health = summarize(runs[kind].map((r, i) => r.rps / runs.health[i].rps));
          row[kind].p99_vs_health = summarize(runs[kind].map((r, i) => r.p99_ms / runs.health[i].p99_ms));
        }
      }
      results.load.push(row);
      console.error(`load c=${concurrency} orgs=${orgCount} done`);
    }
  }

  // --- transitions under contention ------------------------------------------------------
  if (PHASES.has("contention")) {
    const org = orgs[0];
    const c = await call(base, org.token, "POST", `/v1/orgs/${org.slug}/cases`, { title: "Contention", severity: "low" });
    const tasks = [];
    for (let i = 0; i < 100; i++) tasks.push(await call(base, org.token, "POST", `/v1/orgs/${org.slug}/cases/${c.case_id}/tasks`, { title: `Race ${i}` }));
    let wins = 0;
    let refused = 0;
    let other = 0;
    const latencies = [];
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 32 }, async (_, client) => {
        for (let k = 0; k < tasks.length; k++) {
          const task = tasks[(k + client * 7) % tasks.length];
          const t = performance.now();
          const r = await fetch(`${base}/v1/orgs/${org.slug}/tasks/${task.task_id}/transition`, {
            method: "POST",
            headers: { authorization: `Bearer ${org.token}`, "content-type": "application/json" },
            body: JSON.stringify({ to: "in_progress", expected_version: task.version }),
          });
          await r.arrayBuffer();
          latencies.push(performance.now() - t);
          if (r.status === 200) wins++;
          else if (r.status === 409 || r.status === 422) refused++;
          else other++;
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    results.contention = {
      tasks: tasks.length,
      clients: 32,
      attempts: wins + refused + other,
      attempts_per_s: (wins + refused + other) / seconds,
      wins,
      refused,
      other,
      exactly_one_winner_each: wins === tasks.length && other === 0,
      p50_ms: quantile(latencies, 0.5),
      p99_ms: quantile(latencies, 0.99),
    };
    console.error("contention done");
  }

  // --- batches ---------------------------------------------------------------------
  if (PHASES.has("batch")) {
    const org = orgs[1];
    const rates = [];
    for (let b = 0; b < 5; b++) {
      const signals = Array.from({ length: 1000 }, (_, i) => ({ idempotency_key: `batch-${b}-${i}`, title: `Batch ${b} item ${i}`, severity: "low" }));
      const dropped = droppedByProxy();
      const t = performance.now();
      const r = await call(base, org.token, "POST", `/v1/orgs/${org.slug}/signals/batch`, { signals }, { retries: 2 });
      const seconds = (performance.now() - t) / 1000;
      const created = r.results.filter((x) => x.status === "created").length;
      const landed = r.results.filter((x) => x.status === "created" || x.status === "duplicate").length;
      if (landed !== 1000) throw new Error(`batch ${b}: ${created} of 1000 created, ${landed - created} duplicates`);
      // A batch sent again after the proxy dropped it may have run the first time: its time says nothing.
      if (created === 1000 || droppedByProxy() === dropped) rates.push(1000 / seconds);
    }
    results.batch = { batches: rates.length, size: 1000, signals_per_s: summarize(rates) };
    console.error("batch done");
  }

  // --- escalation lateness under load ------------------------------------------------------
  // A phase that fails is reported with its reason; the figures already taken are kept.
  if (PHASES.has("escalation"))
    results.escalation = await escalationLateness().catch((e) => ({ error: String(e instanceof Error ? e.message : e).slice(0, 300) }));
  console.error("escalation done");
} finally {
  results.reloads = platform.reloads();
  results.proxy_drops = droppedByProxy();
  await platform.stop();
}

writeResult("http", results);
print(results);
clearTimeout(watchdog);
process.exit(0);

// ------------------------------------------------------------------------------------------

async function makeOrg(slug) {
  const made = await call(base, admin, "POST", "/v1/orgs", { slug: `${slug}-${Date.now().toString(36)}`, name: slug, profile: "retail_ops" });
  const org = { slug: made.org.slug, token: made.token };
  const c = await call(base, org.token, "POST", `/v1/orgs/${org.slug}/cases`, { title: "Read me", severity: "low" });
  return { ...org, case_id: c.case_id };
}

/**
 * Escalation lateness under load: TIMERS pending timers (a case and its
 * triage task per low-severity signal, due in a day) stand in the schedule;
 * then a steady stream of critical signals (STREAM_PER_S for STREAM_S
 * seconds, each due 40 s later) falls due while 32 clients ingest into the
 * same organization at full load. Lateness is read back from the audit log:
 * each escalation's `at` minus the deadline it was armed for.
 */
async function escalationLateness() {
  const profile_yaml = [
    "name: bench_escalation",
    "extends: retail_ops",
    "reactivity: { critical: PT40S, high: PT1H, medium: PT4H, low: P1D }",
    "reactivity_mode: { critical: wall, high: wall, medium: wall, low: wall }",
    "escalation: { step: P1D, repeat_at_top: P1D }",
  ].join("\n");
  const made = await call(base, admin, "POST", "/v1/orgs", { slug: `bench-esc-${Date.now().toString(36)}`, name: "Escalation bench", profile_yaml });
  const org = { slug: made.org.slug, token: made.token };
  const send = (body) =>
    fetch(`${base}/v1/orgs/${org.slug}/signals`, {
      method: "POST",
      headers: { authorization: `Bearer ${org.token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  // The standing schedule: TIMERS timers, none due during the run.
  const pendingSignals = Math.ceil(TIMERS / 2);
  for (let done = 0; done < pendingSignals; done += 1000) {
    const n = Math.min(1000, pendingSignals - done);
    const signals = Array.from({ length: n }, (_, i) => ({ idempotency_key: `pending-${done + i}`, title: `Pending ${done + i}`, severity: "low" }));
    await call(base, org.token, "POST", `/v1/orgs/${org.slug}/signals/batch`, { signals }, { retries: 2 });
  }
  // The stream that falls due: one critical signal every 1000/STREAM_PER_S ms.
  const t0 = Date.now();
  const streamCount = STREAM_PER_S * STREAM_S;
  let streamed = 0;
  for (let i = 0; i < streamCount; i++) {
    await sleep(Math.max(0, t0 + (i * 1000) / STREAM_PER_S - Date.now()));
    const r = await send({ idempotency_key: `due-${i}`, title: `Due ${i}`, severity: "critical" });
    await r.arrayBuffer();
    if (r.status === 201) streamed++;
  }
  // Full ingest load from just before the first deadline until after the last.
  await sleep(Math.max(0, t0 + 40_000 - 3_000 - Date.now()));
  const ingest = await runLoad({
    concurrency: 32,
    durationMs: Math.max(10_000, t0 + 40_000 + STREAM_S * 1000 + 5_000 - Date.now()),
    warmupMs: 0,
    request: (_c, i) => send({ title: `Load ${i}`, severity: "low" }),
  });
  // Read the escalations back; a stream escalation that has not fired yet is waited for (bounded), then reported missing.
  const readEscalations = async () => {
    const late = [];
    const firsts = new Set();
    let cursor = null;
    for (let page = 0; page < 1_000; page++) {
      const q = `/v1/orgs/${org.slug}/audit?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const r = await call(base, org.token, "GET", q);
      for (const e of r.items) {
        if (e.action === "case.escalation_raised") firsts.add(e.entity_id);
        if (!e.action.endsWith(".escalated")) continue;
        const due = Date.parse(e.changes?.reactivity_deadline?.from);
        if (Number.isFinite(due)) late.push(Date.parse(e.at) - due);
        // A case's first step fires as its own escalation or, when its task's came first, as that raising the case's level.
        if (e.entity_type === "case" && e.changes?.escalation_level?.from === 0) firsts.add(e.entity_id);
      }
      cursor = r.next_cursor;
      if (!cursor) break;
    }
    return { late, firsts: firsts.size };
  };
  let seen = await readEscalations();
  for (let wait = 0; wait < 10 && seen.firsts < streamed; wait++) {
    await sleep(2_000);
    seen = await readEscalations();
  }
  const late = seen.late.sort((a, b) => a - b);
  return {
    pending_timers: pendingSignals * 2,
    stream: { signals: streamed, per_s: STREAM_PER_S, seconds: STREAM_S },
    first_escalations: seen.firsts,
    missing_first_escalations: streamed - seen.firsts,
    escalations_seen: late.length,
    lateness_ms: { p50: quantile(late, 0.5), p99: quantile(late, 0.99), max: late.at(-1) ?? null },
    ingest_during: { rps: ingest.rps, p99_ms: ingest.p99_ms, errors: ingest.errors },
  };
}

function machine() {
  return { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: (globalThis.navigator?.hardwareConcurrency ?? 0) || undefined };
}

function print(r) {
  const f = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : "–");
  const spread = (s, d = 0) => `${f(s.median, d)} (${f(s.min, d)}–${f(s.max, d)})`;
  const lines = [];
  lines.push(`Orgo request bench — ${r.at}, ${r.runs} runs of ${r.duration_ms / 1000} s each, median (min–max)`);
  lines.push("");
  lines.push("| conc | orgs | /health req/s | ingest req/s | × health | ingest p99 ms | p99 × health | read req/s | × health | read p99 ms |");
  lines.push("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const row of r.load) {
    lines.push(
      `| ${row.concurrency} | ${row.orgs} | ${spread(row.health.rps)} | ${spread(row.ingest.rps)} | ${f(row.ingest.rps_vs_health.median, 2)} | ${spread(row.ingest.p99_ms)} | ${f(row.ingest.p99_vs_health.median, 2)} | ${spread(row.read.rps)} | ${f(row.read.rps_vs_health.median, 2)} | ${spread(row.read.p99_ms)} |`,
    );
  }
  const errors = r.load.flatMap((row) =>
    ["health", "ingest", "read"]
      .filter((k) => row[k].errors > 0)
      .map((k) => `${k} c=${row.concurrency} orgs=${row.orgs}: ${row[k].errors} (${row[k].first_error})`),
  );
  if (errors.length) lines.push("", `errors: ${errors.join("; ")}`);
  const c = r.contention;
  if (c)
    lines.push(
      "",
      `transitions under contention: ${c.clients} clients × ${c.tasks} tasks: ${f(c.attempts_per_s)} attempts/s, ${c.wins} won, ${c.refused} refused, exactly one winner each: ${c.exactly_one_winner_each}, p50 ${f(c.p50_ms)} ms, p99 ${f(c.p99_ms)} ms`,
    );
  if (r.batch) lines.push(`batch: ${r.batch.batches} × ${r.batch.size} signals: ${spread(r.batch.signals_per_s)} signals/s`);
  if (r.proxy_drops > 0)
    lines.push(`note: wrangler dev's proxy dropped ${r.proxy_drops} request(s) on the way to the worker (workers-sdk #14641); batches were sent again`);
  if (r.reloads > 0)
    lines.push(`warning: the worker was restarted ${r.reloads} time(s) during the run (a source file changed); requests in flight then failed`);
  const e = r.escalation;
  if (!e) {
    /* not run */
  } else if (e.error) lines.push(`escalation lateness: failed: ${e.error}`);
  else
    lines.push(
      `escalation lateness, ${e.pending_timers} pending timers, ${e.stream.signals} critical cases falling due under ingest (${f(e.ingest_during.rps)} req/s): p50 ${f(e.lateness_ms.p50)} ms, p99 ${f(e.lateness_ms.p99)} ms, max ${f(e.lateness_ms.max)} ms over ${e.escalations_seen} escalations; ${e.missing_first_escalations} first escalations missing`,
    );
  console.log(lines.join("\n"));
}
