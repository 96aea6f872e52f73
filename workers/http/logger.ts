/**
 * One structured JSON line per request (Workers observability indexes the
 * fields). It names the route pattern, never the raw URL's query, and never
 * headers or bodies, so tokens and personal data stay out of the logs.
 */
import { routePath } from "hono/route";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env";

export const REQUEST_ID_HEADER = "x-request-id";

export const requestLog: MiddlewareHandler<AppEnv> = async (c, next) => {
  const incoming = c.req.header(REQUEST_ID_HEADER);
  const requestId = incoming && /^[\w.-]{8,64}$/.test(incoming) ? incoming : crypto.randomUUID();
  c.set("requestId", requestId);
  const started = Date.now();
  await next();
  c.res.headers.set(REQUEST_ID_HEADER, requestId);
  console.log(
    JSON.stringify({
      msg: "request",
      request_id: requestId,
      method: c.req.method,
      route: routePath(c),
      status: c.res.status,
      duration_ms: Date.now() - started,
      org: c.get("orgSlug") ?? null,
    }),
  );
};
