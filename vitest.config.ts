import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

/**
 * Mail files for the workerd tests, as file path -> base64 bytes (messages
 * are not all UTF-8): the project's own fixtures, and the public threading
 * corpus beside the project (evaluation data, read in place, never copied;
 * {} when it is absent).
 */
function mailFiles(dir: string, root = dir): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(out, mailFiles(full, root));
    else out[path.relative(root, full)] = readFileSync(full).toString("base64");
  }
  return out;
}

export default defineConfig({
  test: {
    // The Worker's per-request log lines are asserted where they matter, not echoed.
    onConsoleLog: (log) => !log.includes('"msg":"request"'),
    globalSetup: ["./test/quiet-runtime.ts"],
    // A stuck test, hook or teardown fails fast instead of hanging the run.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    teardownTimeout: 10_000,
    projects: [
      {
        extends: true,
        test: {
          name: "core",
          environment: "node",
          include: ["test/core/**/*.test.ts"],
        },
      },
      {
        extends: true,
        plugins: [
          cloudflareTest(async () => ({
            main: "./workers/index.ts",
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations(path.join(import.meta.dirname, "d1-migrations")),
                ORGO_ADMIN_TOKEN: "test-admin-token",
                TEST_EMAIL_FIXTURES: mailFiles(path.join(import.meta.dirname, "test/email/fixtures")),
                TEST_THREADS_CORPUS: mailFiles(path.join(import.meta.dirname, "../shared/email-corpora/threads")),
              },
            },
          })),
        ],
        test: {
          name: "workers",
          include: ["test/workers/**/*.test.ts"],
          setupFiles: ["./test/workers/apply-migrations.ts"],
        },
      },
    ],
  },
});
