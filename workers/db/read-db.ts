/**
 * Reads go straight to D1 through a Sessions API session. A client that sends
 * the `x-d1-bookmark` it got from a write reads at least that write, even
 * from a replica; without one, any replica may answer.
 */
import type { MiddlewareHandler } from "hono";
import { database } from "../../d1/database";
import type { AppEnv } from "../env";

export const BOOKMARK_HEADER = "x-d1-bookmark";

export const d1Session: MiddlewareHandler<AppEnv> = async (c, next) => {
  const given = c.req.header(BOOKMARK_HEADER);
  const session = c.env.DB.withSession(given && /^[\w-]+$/.test(given) ? given : "first-unconstrained");
  c.set("db", database(session));
  await next();
  const bookmark = session.getBookmark();
  if (bookmark && !c.res.headers.has(BOOKMARK_HEADER)) c.res.headers.set(BOOKMARK_HEADER, bookmark);
};
