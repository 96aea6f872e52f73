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

export const RETENTION_CRON = "0 3 * * *";

export async function runCron(cron: string, env: Bindings): Promise<void> {
  const all = await drizzle(env.DB).select({ org_id: orgs.org_id, slug: orgs.slug }).from(orgs).all();
  const results = await Promise.allSettled(
    all.map(async (o) => {
      const object = orgObject(env, o.org_id);
      await object.heal();
      if (cron === RETENTION_CRON) await object.purge();
    }),
  );
  results.forEach((r, i) => {
    if (r.status === "rejected") console.error(JSON.stringify({ msg: "cron failed for an organization", cron, org: all[i]?.slug, error: String(r.reason) }));
  });
}

const app = createApp();

export default {
  fetch: app.fetch,

  /**
   * The daily run purges what each organization's retention allows; every
   * run asks each organization's object to drain its outbox and re-arm its
   * alarm, so a lost alarm heals itself.
   */
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runCron(controller.cron, env));
  },
} satisfies ExportedHandler<Bindings>;
