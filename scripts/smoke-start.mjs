#!/usr/bin/env node
// Proves the README's `npm start` on this checkout: the platform starts from
// scratch (fresh state directory), seeds the demo organization, and serves
// it with the printed token; then it is stopped with its whole process group.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.env.SMOKE_PORT ?? 8797);
const state = mkdtempSync(path.join(tmpdir(), "orgo-smoke-"));
const child = spawn("npm", ["start"], {
  cwd: root,
  env: { ...process.env, PORT: String(port), ORGO_STATE_DIR: state },
  detached: true,
  stdio: ["ignore", "pipe", "pipe"],
});
let out = "";
child.stdout.on("data", (d) => (out += d));
child.stderr.on("data", (d) => (out += d));
const finish = (code, message) => {
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {}
  rmSync(state, { recursive: true, force: true });
  console.log(message);
  if (code !== 0) console.log(out.split("\n").slice(-40).join("\n"));
  process.exit(code);
};
const deadline = Date.now() + 120_000;
while (!out.includes("Orgo is running.")) {
  if (child.exitCode !== null) finish(1, "smoke: npm start exited before the platform was up");
  if (Date.now() > deadline) finish(1, "smoke: the platform was not up within 120 s");
  await new Promise((r) => setTimeout(r, 250));
}
const token = /Demo org token:\s+(\S+)/.exec(out)?.[1];
const health = await fetch(`http://127.0.0.1:${port}/health`);
const cases = await fetch(`http://127.0.0.1:${port}/v1/orgs/demo/cases`, { headers: { authorization: `Bearer ${token}` } });
const body = await cases.json();
if (health.status !== 200 || cases.status !== 200 || !Array.isArray(body.items) || body.items.length === 0) {
  finish(1, `smoke: unexpected answers: health ${health.status}, cases ${cases.status} ${JSON.stringify(body).slice(0, 200)}`);
}
// The dashboard is served with its security policy.
const page = await fetch(`http://127.0.0.1:${port}/`);
const csp = page.headers.get("content-security-policy") ?? "";
if (page.status !== 200 || !csp.includes("frame-ancestors 'none'") || page.headers.get("x-content-type-options") !== "nosniff") {
  finish(1, `smoke: the dashboard answered ${page.status} without its security headers (CSP: ${csp || "none"})`);
}
// The demo reaches no outside host: nothing failed while it started and ran.
const trouble = out.split("\n").filter((line) => /ENOTFOUND|EAI_AGAIN|getaddrinfo|Uncaught|unhandled error/i.test(line));
if (trouble.length > 0) finish(1, `smoke: the platform logged ${trouble.length} errors, e.g. ${trouble[0]}`);
finish(0, `smoke: npm start served the demo organization (${body.items.length} cases) on port ${port}; the dashboard has its policy; no errors logged`);
