/**
 * Which organization a mailbox slug names. Slugs never change owner, so a
 * found organization is remembered by this isolate for a while: a burst of
 * mail to one organization costs one D1 read, not one per message. Unknown
 * slugs are not remembered (an organization created a moment ago must
 * receive mail at once).
 */
import type { Org } from "../../core/model";
import { orgBySlug } from "../db/queries";
import { primaryDatabase } from "../db/primary-db";

const TTL_MS = 5 * 60_000;
const MAX_ENTRIES = 10_000;
const known = new Map<string, { org: Org; until: number }>();

export async function orgForMailbox(db: D1Database, slug: string, now = Date.now()): Promise<Org | null> {
  const hit = known.get(slug);
  if (hit && hit.until > now) return hit.org;
  const org = await orgBySlug(primaryDatabase(db), slug);
  if (org) {
    if (known.size >= MAX_ENTRIES) known.clear();
    known.set(slug, { org, until: now + TTL_MS });
  }
  return org;
}
