/**
 * Notifications. Without `channel`, the caller's in-app notices (those whose
 * audience holds one of the caller's positions). With `channel=email` or
 * `channel=webhook`, org admins see the delivery log: the local mail outbox,
 * retries and dead letters.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { DomainError } from "../../../core/errors";
import { inAudience, parseAudienceKey } from "../../../core/notifications/plan";
import { decodeCursor, Limit } from "../../db/pagination";
import { listNotifications } from "../../db/queries";
import type { NotificationRecord } from "../../../d1/rows";
import { isOrgAdmin } from "../auth";
import { ERRORS, OrgParam, SECURITY, json, router } from "../openapi";

const Notification = z.object({
  notification_id: z.string(),
  at: z.string(),
  event: z.string(),
  channel: z.string(),
  recipient: z.string(),
  entity_type: z.string(),
  entity_id: z.string(),
  case_id: z.string().nullable(),
  status: z.string(),
  attempts: z.number(),
  payload: z.record(z.string(), z.unknown()),
});

const list = createRoute({
  tags: ["Notifications"],
  security: SECURITY,
  method: "get",
  path: "/v1/orgs/{org}/notifications",
  summary: "Your in-app notifications, or (org admin, with channel) the delivery log",
  request: {
    params: OrgParam,
    query: z
      .object({
        channel: z.enum(["in_app", "email", "webhook"]).optional(),
        status: z.string().max(20).optional(),
        limit: Limit,
        cursor: z.string().max(100).optional(),
      })
      .strict(),
  },
  responses: { 200: json(z.object({ items: z.array(Notification), next_cursor: z.string().nullable() }), "Notifications, newest first"), ...ERRORS },
});

export const notificationRoutes = router().openapi(list, async (c) => {
  const q = c.req.valid("query");
  const channel = q.channel ?? "in_app";
  const admin = isOrgAdmin(c);
  if (channel !== "in_app" && !admin) throw new DomainError("forbidden", "the delivery log is for org admins");
  const positions = c.get("actor").positions;
  // Admins see every in-app notice; others the ones addressed to a position they hold.
  const mine = (recipient: string) => {
    if (admin || channel !== "in_app") return true;
    const audience = parseAudienceKey(recipient);
    return audience !== null && inAudience(audience, positions);
  };
  const wanted = (n: NotificationRecord) => mine(n.recipient) && (!q.status || n.status === q.status);
  const before = decodeCursor(q.cursor);
  return c.json(await listNotifications(c.get("db"), c.get("org").org_id, { channel, limit: q.limit, before }, wanted), 200);
});
