/**
 * The layers of the house, enforced: core is pure and imports nothing outside
 * itself but its few libraries; d1 (what both adapters need of the database)
 * sits on core; the Worker and the Durable Object never import each other's
 * internals — the Worker sees only the object's RPC surface (org-object.ts);
 * and no module imports itself through a loop.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "core-is-pure",
      comment: "core/ is plain TypeScript: it imports only itself and its libraries (zod, yaml, re2js, the mail parsers postal-mime and htmlparser2, the Parquet writer hyparquet-writer with its hyparquet, and rrule for recurring schedules), no runtime or adapter.",
      severity: "error",
      from: { path: "^core/" },
      to: { pathNot: ["^core/", "^node_modules/(zod|yaml|re2js|postal-mime|htmlparser2|domhandler|domutils|entities|hyparquet|hyparquet-writer|rrule)/"] },
    },
    {
      name: "d1-sits-on-core",
      comment: "d1/ holds the table definitions, row mapping and outbox items both adapters use; it imports only core and drizzle.",
      severity: "error",
      from: { path: "^d1/" },
      to: { pathNot: ["^d1/", "^core/", "^node_modules/drizzle-orm/"] },
    },
    {
      name: "object-never-imports-worker",
      severity: "error",
      from: { path: "^durable-objects/" },
      to: { path: "^workers/" },
    },
    {
      name: "worker-sees-only-the-object-rpc-surface",
      comment: "The Worker talks to the organization's object through its RPC methods, typed by org-object.ts; commands, store and outbox stay the object's own.",
      severity: "error",
      from: { path: "^workers/" },
      to: { path: "^durable-objects/", pathNot: "^durable-objects/org-object\\.ts$" },
    },
    {
      name: "no-cycles",
      severity: "error",
      from: { path: "^(core|d1|workers|durable-objects)/" },
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^test/|^bench/|^dashboard/|\\.generated\\.ts$)" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
