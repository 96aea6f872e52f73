/**
 * Fault injection and the object's own state, for the reliability soak
 * (test/reliability/soak.mjs). Development only: unless ORGO_ENV is
 * "development" (wrangler dev, the workerd tests) these paths answer 404 as
 * if they did not exist, and so they do for anyone but the platform admin.
 * A plain Hono router on purpose: they stay out of the OpenAPI document.
 *
 *   POST /v1/orgs/{org}/_faults  {kind: "reset"} | {kind: "reset_in_alarm", after_timers} | {kind: "d1_down", ms} (ms 0 ends an outage)
 *   GET  /v1/orgs/{org}/_state   the object's cases, tasks, signals, escalation timers, audit count, outbox
 */
import { z } from "@hono/zod-openapi";
import { Hono, type Context } from "hono";
import { DomainError, problemsFromZod } from "../../../core/errors";
import type { AppEnv } from "../../env";
import { stubOf } from "../org-client";

const Fault = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("reset") }).strict(),
  z.object({ kind: z.literal("reset_in_alarm"), after_timers: z.number().int().min(0).max(10_000) }).strict(),
  z.object({ kind: z.literal("d1_down"), ms: z.number().int().min(0).max(120_000) }).strict(),
]);

function requireDevelopmentPlatform(c: Context<AppEnv>): void {
  if (c.env.ORGO_ENV !== "development" || c.get("caller").kind !== "platform") {
    throw new DomainError("not_found", `no route for ${c.req.method} ${c.req.path}`);
  }
}

export const faultRoutes = new Hono<AppEnv>()
  .post("/v1/orgs/:org/_faults", async (c) => {
    requireDevelopmentPlatform(c);
    const parsed = Fault.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw new DomainError("validation", "the request does not match the schema", problemsFromZod(parsed.error));
    const fault = parsed.data;
    try {
      await stubOf(c).injectFault(fault);
    } catch (e) {
      // A reset breaks the call that asked for it: that is the fault taking effect.
      if (fault.kind !== "reset") throw e;
    }
    return c.json({ injected: fault.kind }, 200);
  })
  .get("/v1/orgs/:org/_state", async (c) => {
    requireDevelopmentPlatform(c);
    return c.json(await stubOf(c).faultState(), 200);
  });
