#!/usr/bin/env node
// End-to-end proof of the offline node against the real platform, run on
// demand (it needs wrangler and a minute or two, so the test suite does not
// run it): 5,000 signals queued with orgo-sync, pushed to `npm start`, the
// server stopped when ~40% are acknowledged and started again on the same
// state, the push resumed; then every key is posted once more to the batch
// endpoint and must come back `duplicate` (none `created`, none `rejected`),
// which shows each signal is on the server exactly once. Prints PASS/FAIL.
//
//   node bench/orgo-sync-e2e.mjs          PORT (default 8799), N (default 5000)
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { loadQueue } from "../bin/lib/queue.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CLI = path.join(root, "bin", "orgo-sync.mjs");
const PORT = Number(process.env.PORT ?? 8799);
const N = Number(process.env.N ?? 5000);
const BATCH = 250;
const STOP_AT = 0.4;
const base = `http://127.0.0.1:${PORT}`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "orgo-sync-e2e-"));
const stateDir = path.join(work, "state");
const queueDir = path.join(work, "queue");
fs.mkdirSync(stateDir);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const secs = (ms) => `${(ms / 1000).toFixed(1)}s`;
const log = (msg) => process.stdout.write(`[e2e] ${msg}\n`);

async function healthy() {
  try {
    return (await fetch(`${base}/health`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

/** Our spawned process and everything under it, with their process groups. */
function descendants(pid) {
  let rows;
  try {
    rows = execFileSync("ps", ["-e", "-o", "pid=,ppid=,pgid="], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map((l) => l.trim().split(/\s+/).map(Number));
  } catch {
    return [];
  }
  const found = [];
  const walk = (p) => {
    for (const [child, parent, pgid] of rows) {
      if (parent === p) {
        found.push({ pid: child, pgid });
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

let current = null;

/** `npm start` in its own process group; resolves with the demo org token. */
async function startPlatform(n) {
  const logFile = path.join(work, `server-${n}.log`);
  const out = fs.createWriteStream(logFile);
  const child = spawn("npm", ["start"], {
    cwd: root,
    env: { ...process.env, PORT: String(PORT), ORGO_STATE_DIR: stateDir },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const exited = new Promise((r) => child.once("exit", r));
  current = { child, exited };
  child.stderr.pipe(out);
  let token = null;
  readline.createInterface({ input: child.stdout }).on("line", (line) => {
    out.write(`${line}\n`);
    const m = /Demo org token:\s+(\S+)/.exec(line);
    if (m) token = m[1];
  });
  const tokenFile = path.join(stateDir, "demo-token");
  const until = Date.now() + 180_000;
  while (!token) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}; see ${logFile}`);
    if (Date.now() > until) throw new Error(`no demo token within 180 s; see ${logFile}`);
    // The line is printed once seeding is done; the token file is the fallback
    // if stdout is buffered or its format changes.
    if (fs.existsSync(tokenFile) && (await healthy())) {
      await sleep(500);
      if (!token) token = fs.readFileSync(tokenFile, "utf8").trim() || null;
    }
    await sleep(250);
  }
  return token;
}

async function stopPlatform() {
  if (!current) return;
  const { child, exited } = current;
  current = null;
  // start.mjs runs wrangler in a process group of its own and stops it on
  // SIGTERM; a SIGKILL would orphan it, still serving. So: SIGTERM to our
  // group first, then whatever survives of what we started gets SIGKILL.
  const tree = descendants(child.pid);
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    /* already gone */
  }
  const until = Date.now() + 20_000;
  await Promise.race([exited, sleep(20_000)]);
  while (Date.now() < until && (await healthy())) await sleep(250);
  for (const pgid of new Set([child.pid, ...tree.map((t) => t.pgid)])) {
    if (pgid <= 1 || pgid === process.pid) continue;
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      /* gone, as it should be */
    }
  }
  while (await healthy()) await sleep(250);
}

function orgoSync(args, { onStderr } = {}) {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ORGO_SYNC_DIR: queueDir }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
  readline.createInterface({ input: child.stderr }).on("line", (line) => {
    process.stdout.write(`    ${line}\n`);
    onStderr?.(line);
  });
  const done = new Promise((r) => child.on("close", (code) => r({ code, stdout })));
  return { child, done };
}

function signals() {
  const kinds = [
    (i) => ({ title: `Water leak near freezer ${i % 40}`, body: "Water on the floor", metadata: { incident_type: "water", asset: `freezer-${i % 40}` } }),
    (i) => ({ title: `Broken shelf in aisle ${i % 25}`, severity: "medium" }),
    (i) => ({ title: `Customer complaint ${i}`, body: "Long queue at the tills" }),
    (i) => ({ title: `Fire exit blocked at door ${i % 5}`, severity: "critical" }),
  ];
  const start = Date.now() - 2 * 86_400_000; // the site was offline for two days
  return Array.from({ length: N }, (_, i) => {
    const kind = kinds[i % kinds.length](i);
    return {
      ...kind,
      title: `${kind.title} (e2e #${i})`,
      location: { site: `Store ${1 + (i % 12)}`, area: `Zone ${i % 3}` },
      occurred_at: new Date(start + i * 30_000).toISOString(),
    };
  });
}

async function verify(token) {
  const { pending } = loadQueue(queueDir);
  const items = readAllQueued();
  const counts = { created: 0, duplicate: 0, rejected: 0 };
  for (let i = 0; i < items.length; i += 1000) {
    const res = await fetch(`${base}/v1/orgs/demo/signals/batch`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ signals: items.slice(i, i + 1000) }),
    });
    if (res.status !== 200) throw new Error(`verification batch answered ${res.status}: ${await res.text()}`);
    for (const r of (await res.json()).results) counts[r.status]++;
  }
  return { ...counts, total: items.length, pendingLocally: pending.length };
}

/** Every signal that was queued, whatever its state, straight from the journal. */
function readAllQueued() {
  const out = [];
  const seen = new Set();
  for (const line of fs.readFileSync(path.join(queueDir, "journal.ndjson"), "utf8").split("\n")) {
    if (!line.trim()) continue;
    const r = JSON.parse(line);
    if (r.op === "enqueue" && !seen.has(r.signal.idempotency_key)) {
      seen.add(r.signal.idempotency_key);
      out.push(r.signal);
    }
  }
  return out;
}

async function main() {
  if (await healthy()) throw new Error(`something already answers on ${base}; set PORT to a free port`);
  log(`work directory ${work}; platform on ${base}`);
  const t0 = Date.now();

  let t = Date.now();
  let token = await startPlatform(1);
  const firstStart = Date.now() - t;
  log(`platform up in ${secs(firstStart)}; demo token ${token.slice(0, 10)}…`);

  t = Date.now();
  const file = path.join(work, "signals.ndjson");
  fs.writeFileSync(
    file,
    `${signals()
      .map((s) => JSON.stringify(s))
      .join("\n")}\n`,
  );
  const enq = await orgoSync(["enqueue", "--file", file]).done;
  if (enq.code !== 0) throw new Error(`enqueue exited ${enq.code}`);
  const enqueueMs = Date.now() - t;
  log(`${enq.stdout.trim()} (${secs(enqueueMs)})`);

  const pushArgs = ["push", "--url", base, "--org", "demo", "--token", token, "--batch", String(BATCH), "--json"];
  t = Date.now();
  // A short --max-wait: with the server down this push must give up and
  // leave the rest queued, as it would at a site whose link dropped.
  const first = orgoSync([...pushArgs, "--max-wait", "5", "--backoff-min", "0.2", "--backoff-max", "1"]);
  let ackedAtStop = null;
  const watcher = (async () => {
    while (ackedAtStop === null) {
      const q = loadQueue(queueDir);
      if (q.acknowledged + q.rejected.length >= N * STOP_AT) {
        ackedAtStop = q.acknowledged;
        log(`${q.acknowledged} acknowledged (${Math.round((100 * q.acknowledged) / N)}%): stopping the platform mid-push`);
        await stopPlatform();
        log("platform stopped");
        return;
      }
      if (first.child.exitCode !== null) return;
      await sleep(50);
    }
  })();
  const firstResult = await first.done;
  const firstPushMs = Date.now() - t;
  await watcher;
  const afterFirst = loadQueue(queueDir);
  log(`first push exited ${firstResult.code} after ${secs(firstPushMs)}: ${afterFirst.acknowledged} acknowledged, ${afterFirst.pending.length} still queued`);
  if (ackedAtStop === null) throw new Error("the first push finished before the platform could be stopped; raise N");
  if (firstResult.code === 0) throw new Error("the first push claims success although the server was stopped");

  t = Date.now();
  token = await startPlatform(2);
  const restartMs = Date.now() - t;
  log(`platform restarted on the same state in ${secs(restartMs)}`);

  t = Date.now();
  const second = await orgoSync(pushArgs).done;
  const secondPushMs = Date.now() - t;
  const summary = JSON.parse(second.stdout.trim().split("\n").at(-1) ?? "{}");
  log(`second push exited ${second.code} after ${secs(secondPushMs)}: ${JSON.stringify(summary)}`);

  t = Date.now();
  const v = await verify(token);
  const verifyMs = Date.now() - t;
  const pushedMs = firstPushMs + secondPushMs;
  const q = loadQueue(queueDir);

  const failures = [];
  if (second.code !== 0) failures.push(`second push exited ${second.code}`);
  if (q.pending.length) failures.push(`${q.pending.length} still pending`);
  if (q.rejected.length) failures.push(`${q.rejected.length} rejected`);
  if (v.total !== N) failures.push(`${v.total} queued, expected ${N}`);
  if (v.created) failures.push(`${v.created} keys were unknown to the server (lost signals)`);
  if (v.rejected) failures.push(`${v.rejected} re-posted signals rejected`);
  if (v.duplicate !== N) failures.push(`${v.duplicate}/${N} re-posted keys answered duplicate`);
  if (q.acknowledged !== N) failures.push(`the ack log holds ${q.acknowledged} acceptances for ${N} signals`);

  console.log(
    [
      "",
      "orgo-sync end-to-end",
      `  signals:                    ${N} (batches of ${BATCH})`,
      `  enqueue:                    ${secs(enqueueMs)}`,
      `  first push (until stopped): ${secs(firstPushMs)}, ${afterFirst.acknowledged} acknowledged, exit ${firstResult.code}`,
      `  platform restart:           ${secs(restartMs)} (first start ${secs(firstStart)})`,
      `  second push:                ${secs(secondPushMs)}, ${summary.created ?? "?"} created, ${summary.duplicate ?? "?"} duplicate (sent before the stop, answer lost)`,
      `  push throughput:            ${Math.round(N / (pushedMs / 1000))} signals/s over both pushes (${secs(pushedMs)}, restart excluded)`,
      `  verification re-post:       ${v.duplicate} duplicate, ${v.created} created, ${v.rejected} rejected in ${secs(verifyMs)}`,
      `  total wall time:            ${secs(Date.now() - t0)}`,
      "",
      failures.length ? `FAIL: ${failures.join("; ")}` : `PASS: all ${N} signals are on the server exactly once after a stop and restart mid-push`,
    ].join("\n"),
  );
  return failures.length ? 1 : 0;
}

let code = 1;
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    void stopPlatform().finally(() => process.exit(130));
  });
}
try {
  code = await main();
} catch (e) {
  console.log(`FAIL: ${e instanceof Error ? e.message : e}`);
} finally {
  await stopPlatform();
}
if (code === 0) fs.rmSync(work, { recursive: true, force: true });
else console.log(`(logs and queue kept in ${work})`);
process.exit(code);
