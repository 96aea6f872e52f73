/** Organizations: the one a request names, and every one for the cron. */
import { eq } from "drizzle-orm";
import type { Org } from "../../../core/model";
import type { Database } from "../../../d1/database";
import { orgs } from "../../../d1/schema";

export async function orgBySlug(db: Database, slug: string): Promise<Org | null> {
  return (await db.select().from(orgs).where(eq(orgs.slug, slug)).get()) ?? null;
}

/** Every organization: the cron visits each one, so this reads the whole (one row per tenant) table. */
export async function listAllOrgs(db: Database): Promise<{ org_id: string; slug: string }[]> {
  return db.select({ org_id: orgs.org_id, slug: orgs.slug }).from(orgs).all();
}
