// Starts the platform as `npm start` does, on a private port and a private
// state directory, for benches and end-to-end checks; `stop()` ends the whole
// process group and removes the state. Everything is bounded: a platform that
// does not come up in time is stopped and reported, never waited on forever.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The platform admin token `npm start` keeps in .dev.vars. */
export function adminToken() {
  const found = /^ORGO_ADMIN_TOKEN\s*=\s*"?([^"\n]+)"?/m.exec(readFileSync(path.join(root, ".dev.vars"), "utf8"));
  if (!found) throw new Error(".dev.vars holds no ORGO_ADMIN_TOKEN");
  return found[1];
}

/**
 * `stateDir`: run on this state directory (the caller's: never removed), e.g.
 * to start again on what a killed platform left. `kill()` ends it at once
 * (SIGKILL, as a crash would) and keeps the state.
 * @param {{ port: number, name?: string, startTimeoutMs?: number, quiet?: boolean, stateDir?: string }} opts
 * @returns {Promise<{ base: string, admin: string, state: string, stop: () => Promise<void>, kill: () => Promise<void> }>}
 */
export async function startPlatform({ port, name = "bench", startTimeoutMs = 180_000, quiet = true, stateDir }) {
  const state = stateDir ?? mkdtempSync(path.join(tmpdir(), `orgo-${name}-`));
  const ownsState = stateDir === undefined;
  const child = spawn(process.execPath, [path.join(root, "scripts/start.mjs")], {
    cwd: root,
    env: { ...process.env, PORT: String(port), ORGO_STATE_DIR: state },
    detached: true,
    stdio: ["ignore", "pipe", quiet ? "ignore" : "inherit"],
  });
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
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
  });
  const until = Date.now() + startTimeoutMs;
  while (!out.includes("Orgo is running.")) {
    if (child.exitCode !== null || Date.now() > until) {
      await stop();
      throw new Error(`the platform did not start on port ${port} (${child.exitCode !== null ? `exit ${child.exitCode}` : "timed out"}):\n${out.slice(-2000)}`);
    }
    await sleep(200);
  }
  return { base: `http://127.0.0.1:${port}`, admin: adminToken(), state, stop, kill };
}

/** The direct children of a process (Linux /proc), e.g. start.mjs's wrangler. */
function childPids(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** A JSON call that throws with the answer on anything but 2xx. */
export async function call(base, token, method, url, body) {
  const r = await fetch(`${base}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${url}: ${r.status} ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : null;
}

/** Each bench's figures as JSON beside the printed ones, for `npm run bench` to gather. */
export function writeResult(name, figures) {
  const dir = path.join(root, "bench/results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify({ at: new Date().toISOString(), ...figures }, null, 2)}\n`);
}
