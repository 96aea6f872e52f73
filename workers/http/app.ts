/**
 * The HTTP API. Middleware order: request id and log line, security headers, body limit,
 * body format, a D1 read session, authentication, then organization scoping;
 * one app.route per resource; every error leaves through problem.ts.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { apiHeaders } from "./security-headers";
import { DomainError } from "../../core/errors";
import { d1Session } from "../db/read-db";
import type { AppEnv } from "../env";
import { asUndeferred, authenticate, scopeToOrg } from "./auth";
import { requireBodyType, requireWellFormedText } from "./content-type";
import { requestLog } from "./logger";
import { problemResponse } from "./problem";
import { auditRoutes } from "./routes/audit";
import { caseRoutes } from "./routes/cases";
import { dryRunRoutes } from "./routes/dry-run";
import { eventRoutes } from "./routes/events";
import { faultRoutes } from "./routes/faults";
import { openApiDocument } from "./openapi-document";
import { healthRoutes } from "./routes/health";
import { insightsFileRoutes } from "./routes/insights-files";
import { insightsReviewRoutes } from "./routes/insights-review";
import { mailRoutes } from "./routes/mail";
import { notificationRoutes } from "./routes/notifications";
import { orgRoutes } from "./routes/orgs";
import { peopleRoutes } from "./routes/people";
import { personRoutes } from "./routes/persons";
import { profileRoutes } from "./routes/profile";
import { roleRoutes } from "./routes/roles";
import { secretRoutes } from "./routes/secrets";
import { sessionRoutes } from "./routes/session";
import { signalRoutes } from "./routes/signals";
import { taskRoutes } from "./routes/tasks";
import { careRoutes } from "./routes/care";
import { groupRoutes } from "./routes/groups";
import { maintenanceRoutes } from "./routes/maintenance";
import { open311Routes } from "./routes/open311";
import { standardsRoutes } from "./routes/standards";

export const MAX_BODY_BYTES = 1024 * 1024;
/** Offline nodes send up to 1,000 signals at once; their batches get more room. */
export const MAX_BATCH_BODY_BYTES = 16 * 1024 * 1024;
const PUBLIC_PATHS = new Set(["/v1/openapi.json", "/v1/auth/login"]);
/** Operations the document marks as needing no token (as written in the document, with its path templates). */
const OPENAPI_PUBLIC_PATHS = new Set(["/health", "/v1/auth/login"]);

export function createApp() {
  const app = new OpenAPIHono<AppEnv>();

  app.use("*", requestLog);
  app.use("*", apiHeaders);
  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: (c) => problemResponse(c, new DomainError("payload_too_large", `this request body is limited to ${maxSize} bytes`)),
    });
  const [small, large] = [limit(MAX_BODY_BYTES), limit(MAX_BATCH_BODY_BYTES)];
  app.use("/v1/*", (c, next) => (c.req.path.endsWith("/signals/batch") ? large(c, next) : small(c, next)));
  app.use("/v1/*", requireBodyType);
  app.use("/v1/*", requireWellFormedText);
  app.use("/v1/*", d1Session);
  // Live updates authenticate themselves (the token may come as ?token=, on that route only): mounted ahead of the global check.
  app.route("/", eventRoutes);
  app.use("/v1/*", async (c, next) => (PUBLIC_PATHS.has(c.req.path) ? next() : authenticate(c, next)));
  app.use("/v1/orgs/:org", scopeToOrg);
  app.use("/v1/orgs/:org/*", scopeToOrg);

  app.route("/", healthRoutes);
  app.route("/", orgRoutes);
  app.route("/", peopleRoutes);
  app.route("/", sessionRoutes);
  app.route("/", roleRoutes);
  app.route("/", caseRoutes);
  app.route("/", mailRoutes);
  app.route("/", taskRoutes);
  app.route("/", auditRoutes);
  app.route("/", profileRoutes);
  app.route("/", dryRunRoutes);
  app.route("/", signalRoutes);
  app.route("/", personRoutes);
  app.route("/", notificationRoutes);
  app.route("/", secretRoutes);
  app.route("/", insightsFileRoutes);
  app.route("/", insightsReviewRoutes);
  // Domain modules: each answers 404 where the organization's profile does not enable it.
  app.route("/", maintenanceRoutes);
  app.route("/", careRoutes);
  app.route("/", groupRoutes);
  app.route("/", open311Routes);
  app.route("/", standardsRoutes);
  // Development only (404 elsewhere) and outside the OpenAPI document.
  app.route("/", faultRoutes);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  app.get("/v1/openapi.json", (c) => c.json(openApiDocument(app, OPENAPI_PUBLIC_PATHS)));

  app.notFound((c) => problemResponse(c, new DomainError("not_found", `no route for ${c.req.method} ${c.req.path}`)));
  app.onError(async (err, c) => {
    const response = problemResponse(c, await asUndeferred(c, err));
    if (response.status >= 500) {
      console.error(
        JSON.stringify({ msg: "unhandled error", request_id: c.get("requestId"), error: String(err), stack: err instanceof Error ? err.stack : undefined }),
      );
    }
    return response;
  });
  return app;
}
