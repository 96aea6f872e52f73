#!/usr/bin/env node
// Runs the whole platform locally: local D1/R2/Durable Objects under wrangler
// dev, migrations applied, a demo organization seeded (idempotently), and the
// URL and tokens printed. No Cloudflare account and no network are needed.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildDashboardIfMissing } from "../dashboard/build-if-missing.mjs";
import { seedDemo } from "./seed-demo.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.env.PORT ?? 8787);
const stateDir = path.resolve(root, process.env.ORGO_STATE_DIR ?? ".wrangler/state");
const base = `http://127.0.0.1:${port}`;
const wrangler = path.join(root, "node_modules", ".bin", "wrangler");
const env = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: process.env.CI ?? "true" };

function adminToken() {
  const file = path.join(root, ".dev.vars");
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  const found = /^ORGO_ADMIN_TOKEN\s*=\s*"?([^"\n]+)"?/m.exec(text);
  if (found) return found[1];
  const token = `orgo_admin_${randomBytes(24).toString("base64url")}`;
  writeFileSync(file, `${text}${text && !text.endsWith("\n") ? "\n" : ""}ORGO_ADMIN_TOKEN="${token}"\n`, { mode: 0o600 });
  return token;
}

function migrate() {
  const r = spawnSync(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
  });
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr);
    throw new Error("applying D1 migrations failed");
  }
}

async function waitForHealth(child, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
    try {
      const r = await fetch(`${base}/health`);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the platform did not answer on ${base}/health within ${timeoutMs / 1000} s`);
}

async function main() {
  mkdirSync(stateDir, { recursive: true });
  const token = adminToken();
  // The static assets directory must exist before wrangler starts; `npm run build:dashboard` rebuilds on demand.
  if (buildDashboardIfMissing().built) console.log("Built the dashboard into dashboard/dist.");
  migrate();
  // Its own process group, so stopping this script stops wrangler's node and workerd children too.
  const child = spawn(wrangler, ["dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", stateDir, "--show-interactive-dev-session=false"], {
    cwd: root,
    env,
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
  });
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      /* already gone */
    }
  };
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ]) {
    process.on(signal, () => {
      stop();
      process.exit(code);
    });
  }
  process.on("exit", stop);
  child.on("exit", (code) => process.exit(code ?? 1));

  await waitForHealth(child);
  const demo = await seedDemo({ base, adminToken: token, stateDir });
  console.log(
    [
      "",
      "Orgo is running.",
      `  URL:              ${base}`,
      `  Dashboard:        ${base}/`,
      `  API document:     ${base}/v1/openapi.json`,
      `  Admin token:      ${token}`,
      `  Demo org:         ${demo.slug} (${demo.created ? "created now" : "already seeded"})`,
      `  Demo org token:   ${demo.token}`,
      `  Demo login:       ${demo.email} / ${demo.password}`,
      `  State directory:  ${stateDir}`,
      "",
      `Try: curl -H "Authorization: Bearer ${demo.token}" ${base}/v1/orgs/${demo.slug}/cases`,
      "",
    ].join("\n"),
  );
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
