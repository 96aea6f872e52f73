/**
 * The Worker's entry points: the HTTP API (`fetch`), the cron
 * (`scheduled`) and inbound mail (`email`). The organization Durable Object class is exported from here
 * for wrangler; workerd accepts nothing else as an export of this module.
 */
import { runCron } from "./cron/run-cron";
import { handleEmail } from "./email/handle-email";
import type { Bindings } from "./env";
import { createApp } from "./http/app";

export { OrgObject } from "../durable-objects/org-object";

const app = createApp();

export default {
  fetch: app.fetch,

  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runCron(controller.cron, env));
  },

  async email(message, env) {
    await handleEmail(message, env);
  },
} satisfies ExportedHandler<Bindings>;
