/**
 * The Worker's entry points: HTTP API (`fetch`), and the cron (`scheduled`).
 * The organization Durable Object class is exported from here for wrangler.
 */
import { drizzle } from "drizzle-orm/d1";
import { createApp } from "./http/app";
import { orgs } from "./db/schema";
import { orgObject } from "./http/org-client";
import type { Bindings } from "./env";

export { OrgObject } from "../durable-objects/org-object";

const app = createApp();

export default {
  fetch: app.fetch,

  /** Every run asks each organization's object to drain its outbox and re-arm its alarm, healing a lost alarm. */
  async scheduled(_controller, env, ctx) {
    const all = await drizzle(env.DB).select({ org_id: orgs.org_id }).from(orgs).all();
    ctx.waitUntil(Promise.allSettled(all.map((o) => orgObject(env, o.org_id).heal())));
  },
} satisfies ExportedHandler<Bindings>;
