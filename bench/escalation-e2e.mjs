#!/usr/bin/env node
// End-to-end check of escalation without requests, against the real platform
// (`npm start`): an organization whose profile sets critical: PT2S and
// escalation steps of PT2S must see a pending critical task climb from 1001
// to 101 within 5 s and to 11 within 10 s with no request sent in between,
// while a task moved to in_progress before its deadline never escalates.
// Run on demand: node bench/escalation-e2e.mjs
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.env.PORT ?? 8798);
const base = `http://127.0.0.1:${port}`;
const state = mkdtempSync(path.join(tmpdir(), "orgo-esc-"));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const server = spawn("npm", ["start"], {
  cwd: root,
  env: { ...process.env, PORT: String(port), ORGO_STATE_DIR: state },
  detached: true,
  stdio: ["ignore", "pipe", "inherit"],
});
let out = "";
server.stdout.on("data", (d) => (out += d));
const stop = () => {
  try {
    process.kill(-server.pid, "SIGTERM");
  } catch {}
};
process.on("exit", () => {
  stop();
  rmSync(state, { recursive: true, force: true });
});

async function call(token, method, url, body) {
  const r = await fetch(`${base}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${url}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const started = Date.now();
while (!out.includes("Orgo is running.")) {
  if (Date.now() - started > 120_000) throw new Error("the platform did not start within 120 s");
  if (server.exitCode !== null) throw new Error("npm start exited");
  await sleep(200);
}
const admin = /^ORGO_ADMIN_TOKEN\s*=\s*"?([^"\n]+)"?/m.exec(readFileSync(path.join(root, ".dev.vars"), "utf8"))[1];
const profile_yaml = [
  "name: fast_escalation",
  "extends: crisis_response",
  "reactivity: { critical: PT2S, high: PT1H, medium: PT4H, low: P1D }",
  "reactivity_mode: { critical: wall, high: wall, medium: wall, low: wall }",
  "escalation: { step: PT2S, repeat_at_top: PT30S }",
].join("\n");
const slug = `esc-${Date.now().toString(36)}`;
const org = await call(admin, "POST", "/v1/orgs", { slug, name: "Escalation check", profile_yaml });
const token = org.token;
const roles = await call(token, "GET", `/v1/orgs/${slug}/roles`);
const role = roles.items[0].name;
const c = await call(token, "POST", `/v1/orgs/${slug}/cases`, { title: "Fire alarm", severity: "critical", label: `1001.91.${role}` });
const ignored = await call(token, "POST", `/v1/orgs/${slug}/cases/${c.case_id}/tasks`, { title: "Ignored task" });
const handled = await call(token, "POST", `/v1/orgs/${slug}/cases/${c.case_id}/tasks`, { title: "Handled task" });
await call(token, "POST", `/v1/orgs/${slug}/tasks/${handled.task_id}/transition`, { to: "in_progress" });
const t0 = Date.parse(ignored.created_at);

await sleep(Math.max(0, t0 + 5_000 - Date.now()));
const at5 = await call(token, "GET", `/v1/orgs/${slug}/tasks/${ignored.task_id}`);
await sleep(Math.max(0, t0 + 10_000 - Date.now()));
const at10 = await call(token, "GET", `/v1/orgs/${slug}/tasks/${ignored.task_id}`);
const other = await call(token, "GET", `/v1/orgs/${slug}/tasks/${handled.task_id}`);
const events = await call(token, "GET", `/v1/orgs/${slug}/audit?entity_id=${ignored.task_id}`);
const steps = events.items.filter((e) => e.action === "task.escalated").reverse();

console.log("escalation without requests (npm start)");
console.log(`  created:           ${ignored.label} at ${ignored.created_at}`);
for (const s of steps)
  console.log(`  escalated:         ${s.changes.label.from} → ${s.changes.label.to} at ${s.at} (+${((Date.parse(s.at) - t0) / 1000).toFixed(2)} s)`);
console.log(`  at +5 s:           ${at5.label} (level ${at5.escalation_level})`);
console.log(`  at +10 s:          ${at10.label} (level ${at10.escalation_level})`);
console.log(`  in_progress task:  ${other.label} (level ${other.escalation_level})`);
const reached = (prefix) => steps.find((s) => s.changes.label.to.startsWith(prefix));
const within = (step, ms) => step !== undefined && Date.parse(step.at) - t0 <= ms;
const ok =
  within(reached("101."), 5_000) &&
  at5.escalation_level >= 1 &&
  within(reached("11."), 10_000) &&
  at10.escalation_level >= 2 &&
  other.escalation_level === 0 &&
  other.label === handled.label &&
  new Set(steps.map((s) => s.changes.escalation_level.to)).size === steps.length;
console.log(ok ? "PASS: escalated 1001 → 101 within 5 s and → 11 within 10 s, each step once; the reacted task never escalated" : "FAIL");
stop();
process.exit(ok ? 0 : 1);
