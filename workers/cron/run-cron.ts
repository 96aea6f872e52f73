/**
 * The cron's work, per organization: every run asks each organization's
 * object to drain its outbox and re-arm its alarm (a lost alarm heals
 * itself); the daily run also purges what the profile's retention allows.
 * (Kept out of the Worker's main module: workerd accepts only handlers and
 * classes as that module's exports.)
 */
import { primaryDatabase } from "../db/primary-db";
import { listAllOrgs } from "../db/queries";
import type { Bindings } from "../env";
import { orgObject } from "../http/org-client";

export const RETENTION_CRON = "0 3 * * *";

export async function runCron(cron: string, env: Bindings): Promise<void> {
  const all = await listAllOrgs(primaryDatabase(env.DB));
  const results = await Promise.allSettled(
    all.map(async (o) => {
      const object = orgObject(env, o.org_id);
      await object.heal();
      if (cron === RETENTION_CRON) await object.purge();
    }),
  );
  results.forEach((r, i) => {
    if (r.status === "rejected") {
      console.error(JSON.stringify({ msg: "cron failed for an organization", cron, org: all[i]?.slug, error: String(r.reason) }));
    }
  });
}
