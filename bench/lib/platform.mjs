// Starts the platform as `npm start` does, on a private port and a private
// state directory, for benches and end-to-end checks; `stop()` ends the whole
// process group and removes the state. Everything is bounded: a platform that
// does not come up in time is stopped and reported, never waited on forever.
//
// `wrangler dev` rebuilds and restarts the worker whenever a file it bundles
// changes, and answers the requests in flight then with a 503 ("Your worker
// restarted mid-request"): a bench running in a tree that is being edited
// fails at random. So the platform runs on a copy of the tree taken when it
// starts (what git tracks or would track, as it stands, node_modules
// shared), and later edits cannot reach it.
import { execFileSync, spawn } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The platform admin token `npm start` keeps in .dev.vars. */
export function adminToken(tree = root) {
  const found = /^ORGO_ADMIN_TOKEN\s*=\s*"?([^"\n]+)"?/m.exec(readFileSync(path.join(tree, ".dev.vars"), "utf8"));
  if (!found) throw new Error(".dev.vars holds no ORGO_ADMIN_TOKEN");
  return found[1];
}

/**
 * A copy of the source tree as it stands (tracked and untracked files that
 * git does not ignore, the built dashboard and .dev.vars), with node_modules
 * linked; null outside a git checkout (the platform then runs in place).
 */
function snapshotTree() {
  let files;
  try {
    files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, maxBuffer: 64 * 1024 * 1024 })
      .toString()
      .split("\0")
      .filter(Boolean);
  } catch {
    return null;
  }
  const dir = mkdtempSync(path.join(tmpdir(), "orgo-src-"));
  try {
    for (const file of [...files, ".dev.vars"]) {
      const from = path.join(root, file);
      // A file deleted but not yet staged is still listed: it is gone from the tree, so from the copy too.
      // node_modules is listed when it is a link (a git worktree's): it is linked below.
      if (file === "node_modules" || !existsSync(from)) continue;
      cpSync(from, path.join(dir, file), { recursive: true });
    }
    if (existsSync(path.join(root, "dashboard/dist"))) cpSync(path.join(root, "dashboard/dist"), path.join(dir, "dashboard/dist"), { recursive: true });
    symlinkSync(realpathSync(path.join(root, "node_modules")), path.join(dir, "node_modules"), "dir");
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return dir;
}

/** What wrangler prints when a file change rebuilt and restarted the worker. */
const RELOADED = /Reloading local server|Detected changes, restarted server/g;

/**
 * `stateDir`: run on this state directory (the caller's: never removed), e.g.
 * to start again on what a killed platform left. `kill()` ends it at once
 * (SIGKILL, as a crash would) and keeps the state. `inPlace`: run the
 * tree itself rather than a copy (edits then restart the worker).
 * `logFile`: the platform's output is appended there too. `reloads()`:
 * how many times the worker was rebuilt and restarted (0 unless in place).
 * @param {{ port: number, name?: string, startTimeoutMs?: number, quiet?: boolean, stateDir?: string, inPlace?: boolean, logFile?: string }} opts
 * @returns {Promise<{ base: string, admin: string, state: string, stop: () => Promise<void>, kill: () => Promise<void>, reloads: () => number }>}
 */
export async function startPlatform({ port, name = "bench", startTimeoutMs = 180_000, quiet = true, stateDir, inPlace = false, logFile }) {
  // The copy first: if it fails, there is no state directory left behind.
  const source = inPlace ? null : snapshotTree();
  const tree = source ?? root;
  const state = stateDir ?? mkdtempSync(path.join(tmpdir(), `orgo-${name}-`));
  const ownsState = stateDir === undefined;
  const removeSource = () => {
    if (source) rmSync(source, { recursive: true, force: true });
  };
  const child = spawn(process.execPath, [path.join(tree, "scripts/start.mjs")], {
    cwd: tree,
    env: { ...process.env, PORT: String(port), ORGO_STATE_DIR: state },
    detached: true,
    stdio: ["ignore", "pipe", quiet ? "ignore" : "inherit"],
  });
  let out = "";
  let reloads = 0;
  child.stdout.on("data", (d) => {
    const text = String(d);
    reloads += text.match(RELOADED)?.length ?? 0;
    if (logFile) appendFileSync(logFile, text);
    out += text;
    if (out.length > 1_000_000) out = out.slice(-100_000);
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      /* already gone */
    }
    const gone = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
    if (!gone) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
    if (ownsState) rmSync(state, { recursive: true, force: true });
    removeSource();
  };
  // scripts/start.mjs runs wrangler in a process group of its own: a crash takes both groups down.
  const kill = async () => {
    if (stopped) return;
    stopped = true;
    const groups = [child.pid, ...childPids(child.pid)];
    for (const pid of groups) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
    await Promise.race([exited, sleep(10_000)]);
    removeSource();
    // workerd releases the port a moment after its process group is gone.
    await sleep(500);
  };
  // A bench that throws or is interrupted still leaves no server behind.
  process.once("exit", () => {
    for (const pid of [child.pid, ...childPids(child.pid)]) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
    removeSource();
  });
  const until = Date.now() + startTimeoutMs;
  while (!out.includes("Orgo is running.")) {
    if (child.exitCode !== null || Date.now() > until) {
      await stop();
      throw new Error(`the platform did not start on port ${port} (${child.exitCode !== null ? `exit ${child.exitCode}` : "timed out"}):\n${out.slice(-2000)}`);
    }
    await sleep(200);
  }
  return { base: `http://127.0.0.1:${port}`, admin: adminToken(tree), state, stop, kill, reloads: () => reloads };
}

/** The direct children of a process (Linux /proc), e.g. start.mjs's wrangler. */
function childPids(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * What wrangler dev's proxy answers when its request to the worker failed on
 * the way: after a reload, but also (wrangler 4.86, workers-sdk #14641) when
 * a pooled connection between its two processes was being closed for idling
 * 5 s just as the request went out, the worker never having restarted. Such
 * a request may never have reached the worker, or may have run whole.
 */
const PROXY_DROPPED = /Your worker restarted mid-request/;
let proxyDrops = 0;

/** Requests the dev proxy dropped so far (see PROXY_DROPPED), retried or not. */
export const droppedByProxy = () => proxyDrops;

/**
 * A JSON call that throws with the answer on anything but 2xx. `retries`:
 * how many times a request the dev proxy dropped is sent again; only for an
 * idempotent request (e.g. a batch whose signals all carry keys: a replay
 * answers "duplicate" for what the first attempt created).
 */
export async function call(base, token, method, url, body, { retries = 0 } = {}) {
  for (let attempt = 0; ; attempt++) {
    const r = await fetch(`${base}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    if (r.status === 503 && PROXY_DROPPED.test(text)) {
      proxyDrops++;
      if (attempt < retries) continue;
    }
    if (!r.ok) throw new Error(`${method} ${url}: ${r.status} ${text.slice(0, 500)}`);
    return text ? JSON.parse(text) : null;
  }
}

/** Each bench's figures as JSON beside the printed ones, for `npm run bench` to gather. */
export function writeResult(name, figures) {
  const dir = path.join(root, "bench/results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify({ at: new Date().toISOString(), ...figures }, null, 2)}\n`);
}
