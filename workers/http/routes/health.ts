/** Liveness: answers without touching storage, so it measures the Worker alone. */
import { createRoute, z } from "@hono/zod-openapi";
import { json, router } from "../openapi";

const health = createRoute({
  tags: ["Operations"],
  method: "get",
  path: "/health",
  summary: "Liveness",
  responses: { 200: json(z.object({ ok: z.literal(true) }), "Alive") },
});

export const healthRoutes = router().openapi(health, (c) => c.json({ ok: true as const }, 200));
