/** The caller as a viewer of records, with the organization's privacy applied. */
import type { Context } from "hono";
import { notFound } from "../../core/errors";
import { canSee, type Guarded } from "../../core/privacy/visibility";
import type { AppEnv } from "../env";

export function visibleTo(c: Context<AppEnv>): (item: Guarded) => boolean {
  const actor = c.get("actor");
  const privacy = c.get("org").privacy;
  return (item) => canSee(actor, item, privacy);
}

/** A record the caller may not see answers exactly like a missing one. */
export function seen<T extends Guarded>(c: Context<AppEnv>, item: T | null, what: string): T {
  if (!item || !visibleTo(c)(item)) throw notFound(what);
  return item;
}
