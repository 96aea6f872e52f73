#!/usr/bin/env node
// `npm run bench`: every bench in turn (each bounded, each starting and
// stopping its own private platform where it needs one), then their figures
// gathered into bench/results/latest.json and summed up in one table.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { root } from "./lib/platform.mjs";

const BENCHES = [
  { name: "http", script: "bench/http.mjs", timeoutMs: 26 * 60_000 },
  { name: "email", script: "bench/email.mjs", timeoutMs: 10 * 60_000 },
  { name: "insights", script: "bench/insights-rollup.mjs", timeoutMs: 10 * 60_000 },
];
const only = process.argv.slice(2);
const results = { at: new Date().toISOString() };
let failed = 0;
for (const bench of BENCHES.filter((b) => only.length === 0 || only.includes(b.name))) {
  const file = path.join(root, "bench/results", `${bench.name}.json`);
  rmSync(file, { force: true });
  console.log(`\n=== ${bench.name} (${bench.script}) ===`);
  const run = spawnSync(process.execPath, [path.join(root, bench.script)], { cwd: root, stdio: "inherit", timeout: bench.timeoutMs, killSignal: "SIGKILL" });
  if (run.status !== 0 || !existsSync(file)) {
    failed++;
    console.error(`${bench.name}: failed (${run.error ? String(run.error) : `exit ${run.status}`})`);
    continue;
  }
  results[bench.name] = JSON.parse(readFileSync(file, "utf8"));
}
writeFileSync(path.join(root, "bench/results/latest.json"), `${JSON.stringify(results, null, 2)}\n`);
console.log("\n=== summary (bench/results/latest.json) ===");
const f = (n, d = 0) => (typeof n === "number" && Number.isFinite(n) ? n.toFixed(d) : "–");
const rows = [];
const http = results.http;
if (http) {
  for (const row of http.load.filter((r) => r.concurrency === 32)) {
    rows.push([
      `ingest, 32 clients, ${row.orgs} org(s)`,
      `${f(row.ingest.rps.median)} req/s`,
      `${f(row.ingest.rps_vs_health.median, 2)} × /health, p99 ${f(row.ingest.p99_vs_health.median, 2)} ×`,
    ]);
    rows.push([`read, 32 clients, ${row.orgs} org(s)`, `${f(row.read.rps.median)} req/s`, `${f(row.read.rps_vs_health.median, 2)} × /health`]);
  }
  rows.push(["batch of 1,000 signals", `${f(http.batch.signals_per_s.median)} signals/s`, ""]);
  rows.push([
    "transitions under contention",
    `${f(http.contention.attempts_per_s)} attempts/s`,
    `exactly one winner each: ${http.contention.exactly_one_winner_each}`,
  ]);
  const e = http.escalation;
  if (e.error) rows.push(["escalation lateness", "failed", e.error.slice(0, 120)]);
  else
    rows.push([
      `escalation lateness, ${e.pending_timers} timers`,
      `p99 ${f(e.lateness_ms.p99)} ms`,
      `p50 ${f(e.lateness_ms.p50)} ms, max ${f(e.lateness_ms.max)} ms`,
    ]);
}
if (results.email) {
  rows.push(["email parse + clean", `${f(results.email.parse_clean.messages_per_s)} msg/s`, `peak RSS ${f(results.email.parse_clean.peak_rss_mb)} MB`]);
  rows.push([
    "email through email()",
    `${f(results.email.handler.messages_per_s)} msg/s`,
    `endpoint refusing at once: ${f(results.email.handler.refused_per_s)} msg/s`,
  ]);
}
for (const size of results.insights?.sizes ?? []) {
  rows.push([`Parquet rollup, ${size.rows.toLocaleString("en-US")} rows`, `${f(size.rows_per_s)} rows/s`, `peak heap ${f(size.peak_heap_mb)} MB`]);
}
const width = Math.max(...rows.map((r) => r[0].length), 10);
for (const [what, figure, note] of rows) console.log(`${what.padEnd(width)}  ${figure.padStart(18)}  ${note}`);
process.exit(failed ? 1 : 0);
