/**
 * Live updates: `GET /v1/orgs/{org}/events` upgrades to a WebSocket on which
 * the organization's object sends one JSON message per change the caller may
 * see, `{ type: "case"|"task"|"notification", id, version, at }`.
 *
 * Browsers cannot set headers on a WebSocket, so this route (and only this
 * one) also takes the token as `?token=`; app.ts mounts it ahead of the
 * global authentication for that reason, and it runs the very same
 * `authenticate` and `scopeToOrg` itself: a missing or bad token is a 401, a
 * token of another organization a 404, before anything else is looked at.
 * The request log names the route pattern, never the query, so the token is
 * not logged. The upgrade then goes to the organization's object with the
 * caller as the Worker authenticated it, in a header the Worker sets after
 * dropping any client-sent copy (the object is reachable only through the
 * Worker).
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context, MiddlewareHandler } from "hono";
import { DomainError } from "../../../core/errors";
import { encodeConnectRequest, LIVE_EVENTS_PATH, LIVE_VIEWER_HEADER } from "../../../durable-objects/org-object";
import type { AppEnv } from "../../env";
import { authenticate, scopeToOrg } from "../auth";
import { stubOf } from "../org-client";
import { ERRORS, OrgParam, Problem, SECURITY, router } from "../openapi";
import type { ProblemBody } from "../problem";

const PATH = "/v1/orgs/{org}/events";

const LiveEvent = z.object({
  type: z.enum(["case", "task", "notification"]),
  id: z.string(),
  version: z.number().int(),
  at: z.string().openapi({ description: "When the change happened (ISO 8601)" }),
});

const connect = createRoute({
  tags: ["Live"],
  security: SECURITY,
  method: "get",
  path: PATH,
  summary: "Live updates over a WebSocket: one message per change you may see",
  description:
    "Send `Upgrade: websocket`. The token goes in the `Authorization: Bearer` header or, for browsers (which cannot set headers on a WebSocket), in the `token` query parameter. " +
    "Each message is one JSON object per change of a case, task or in-app notification you may see, in version order per item. " +
    "The socket is closed (1008) when its token is revoked or expires. A text `ping` is answered `pong`.",
  request: {
    params: OrgParam,
    query: z.object({ token: z.string().max(512).optional().openapi({ description: "The bearer token, for clients that cannot set headers" }) }).strict(),
  },
  responses: {
    101: {
      description: "Switching Protocols: the WebSocket; each message is a change",
      content: { "application/json": { schema: LiveEvent } },
    },
    ...ERRORS,
    426: { description: "Not a WebSocket upgrade", content: { "application/problem+json": { schema: Problem } } },
  },
});

/**
 * Authentication for this route alone: the header, or else the query's token
 * turned into that header, then the shared middleware (401, then the
 * organization's 404).
 */
const authenticateLive: MiddlewareHandler<AppEnv> = async (c, next) => {
  const queryToken = c.req.query("token");
  if (!c.req.header("authorization") && queryToken) {
    const headers = new Headers(c.req.raw.headers);
    headers.set("authorization", `Bearer ${queryToken}`);
    c.req.raw = new Request(c.req.raw, { headers });
  }
  await authenticate(c, async () => {
    await scopeToOrg(c, next);
  });
};

/** 426 as problem+json (the shared error codes have no such status: it belongs to this route alone). */
function upgradeRequired(c: Context<AppEnv>): Response {
  const body: ProblemBody = {
    type: "https://orgo.dev/problems/upgrade-required",
    title: "Upgrade required",
    status: 426,
    detail: "this endpoint is a WebSocket: send Upgrade: websocket",
  };
  const requestId = c.get("requestId");
  if (requestId) body.request_id = requestId;
  return new Response(JSON.stringify(body), { status: 426, headers: { "content-type": "application/problem+json", upgrade: "websocket" } });
}

const live = router();
live.use("/v1/orgs/:org/events", authenticateLive);

export const eventRoutes = live.openapi(connect, async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") return upgradeRequired(c) as never;
  const caller = c.get("caller");
  const headers = new Headers({ upgrade: "websocket" });
  // Only the Worker speaks for the caller: nothing the client sent is forwarded but the upgrade itself.
  headers.set(LIVE_VIEWER_HEADER, encodeConnectRequest(c.get("actor"), caller.kind === "member" ? caller.token_id : null));
  const answer = await stubOf(c).fetch(new Request(`https://org-object${LIVE_EVENTS_PATH}`, { headers }));
  if (answer.status !== 101 || !answer.webSocket) {
    await answer.body?.cancel();
    // The object refused the token (revoked since the Worker's check): the same answer as any bad token.
    if (answer.status === 401) throw new DomainError("unauthorized", "the token is unknown, expired or revoked");
    throw new Error(`the organization's object refused the upgrade: ${answer.status}`);
  }
  return new Response(null, { status: 101, webSocket: answer.webSocket }) as never;
});
