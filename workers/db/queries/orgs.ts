/** Organizations: the one a request names. */
import { eq } from "drizzle-orm";
import type { Org } from "../../../core/model";
import type { Database } from "../../../d1/database";
import { orgs } from "../../../d1/schema";

export async function orgBySlug(db: Database, slug: string): Promise<Org | null> {
  return (await db.select().from(orgs).where(eq(orgs.slug, slug)).get()) ?? null;
}
