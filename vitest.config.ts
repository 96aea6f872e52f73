import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The Worker's per-request log lines are asserted where they matter, not echoed.
    onConsoleLog: (log) => !log.includes('"msg":"request"'),
    projects: [
      {
        test: {
          name: "core",
          environment: "node",
          include: ["test/core/**/*.test.ts"],
        },
      },
      {
        plugins: [
          cloudflareTest(async () => ({
            main: "./workers/index.ts",
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations(path.join(import.meta.dirname, "d1-migrations")),
                ORGO_ADMIN_TOKEN: "test-admin-token",
                // Webhook signing keys named by the shipped profiles' and the tests' webhook channels.
                ORGO_WEBHOOK_SECRET: "test-webhook-secret",
                RETAIL_WEBHOOK_SECRET: "test-retail-webhook-secret",
              },
            },
          })),
        ],
        test: {
          name: "workers",
          include: ["test/workers/**/*.test.ts"],
          setupFiles: ["./test/workers/apply-migrations.ts"],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
