/**
 * The Worker's entry points: the HTTP API (`fetch`) and inbound mail
 * (`email`). There is no cron: each organization's object keeps its own
 * maintenance (retention, rollup, reviews) on its own alarm, so no single
 * invocation grows with the number of organizations. The organization
 * Durable Object class is exported from here for wrangler; workerd accepts
 * nothing else as an export of this module.
 */
import { handleEmail } from "./email/handle-email";
import type { Bindings } from "./env";
import { createApp } from "./http/app";

export { OrgObject } from "../durable-objects/org-object";

const app = createApp();

export default {
  fetch: app.fetch,

  async email(message, env) {
    await handleEmail(message, env);
  },
} satisfies ExportedHandler<Bindings>;
