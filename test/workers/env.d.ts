declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    ORGO_ADMIN_TOKEN: string;
  }
  interface GlobalProps {
    mainModule: typeof import("../../workers/index");
    durableNamespaces: "OrgObject";
  }
}
