#!/usr/bin/env node
// Builds the dashboard when dashboard/dist is missing (a fresh clone, `npm ci`,
// `npm start`): wrangler refuses to run, even as a dry run, while the
// [assets] directory does not exist. `npm run build:dashboard` always builds.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const vite = path.join(root, "node_modules", ".bin", "vite");

export function buildDashboardIfMissing({ quiet = false } = {}) {
  if (existsSync(path.join(here, "dist", "index.html"))) return { built: false };
  // An install without devDependencies cannot build; the Worker itself does not need the app.
  if (!existsSync(vite)) return { built: false, skipped: "vite is not installed" };
  const r = spawnSync(vite, ["build", "--config", path.join(here, "vite.config.ts"), "--logLevel", quiet ? "warn" : "info"], {
    cwd: root,
    stdio: quiet ? ["ignore", "pipe", "pipe"] : "inherit",
    encoding: "utf8",
  });
  if (r.status !== 0) {
    if (quiet) process.stderr.write(`${r.stdout ?? ""}${r.stderr ?? ""}`);
    throw new Error("building the dashboard failed");
  }
  return { built: true };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const result = buildDashboardIfMissing();
    if (result.skipped) console.log(`dashboard: not built (${result.skipped})`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
