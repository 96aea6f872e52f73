/**
 * Headers every API answer carries. The API serves JSON only, so its policy
 * allows nothing to load or frame it; browsers must not sniff a JSON body into
 * something executable; and nothing it answers may be stored by a cache on the
 * way, since answers carry tokens (login, org creation, token issue) and
 * records of one organization. The dashboard's own policy is in
 * `dashboard/public/_headers`, applied by the static assets server.
 */
import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

const secure = secureHeaders({
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
  xFrameOptions: "DENY",
  strictTransportSecurity: "max-age=63072000; includeSubDomains",
  crossOriginResourcePolicy: "same-origin",
  referrerPolicy: "no-referrer",
});

export const apiHeaders: MiddlewareHandler = async (c, next) => {
  await secure(c, async () => {
    await next();
    c.res.headers.set("cache-control", "no-store");
  });
};
