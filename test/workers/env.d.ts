declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    ORGO_ADMIN_TOKEN: string;
    /** File path -> base64 bytes (test/support/email-files.ts). */
    TEST_EMAIL_FIXTURES: Record<string, string>;
    TEST_THREADS_CORPUS: Record<string, string>;
  }
  interface GlobalProps {
    mainModule: typeof import("../../workers/index");
    durableNamespaces: "OrgObject";
  }
}
