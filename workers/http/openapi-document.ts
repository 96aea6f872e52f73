/**
 * The OpenAPI 3.1 document, generated from the routes' zod schemas and then
 * completed with what an interactive reference (and a client generator)
 * needs and the routes do not each repeat: an `operationId` for every
 * operation, the server, security stated on every operation (public ones say
 * `[]`), and the refusals every operation can meet — 413 for a body over its
 * limit, 429 when throttled, 503 when a dependency failed before anything
 * changed. Built once per isolate: the routes do not change while it runs.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";

type Doc = ReturnType<OpenAPIHono<AppEnv>["getOpenAPI31Document"]>;
type Operation = { operationId?: string; security?: unknown[]; responses?: Record<string, unknown>; requestBody?: unknown };

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } });

/** `POST /v1/orgs/{org}/cases/{case_id}/replies` → `postOrgsCasesReplies` (the readable part of the path, camelCased). */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .split("/")
    .filter((s) => s !== "" && s !== "v1" && !s.startsWith("{"))
    .flatMap((s) => s.split(/[^A-Za-z0-9]+/))
    .filter(Boolean);
  const pascal = words.map((w) => w[0]?.toUpperCase() + w.slice(1)).join("");
  const byId = /\}$/.test(path) ? "ById" : "";
  return `${method}${pascal}${byId}`;
}

let built: Doc | null = null;

export function openApiDocument(app: OpenAPIHono<AppEnv>, publicPaths: ReadonlySet<string>): Doc {
  if (built) return built;
  const doc = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Orgo API",
      version: "1.0.0",
      description:
        "Case and task routing for organizations. Every operation under /v1/orgs/{org} is scoped to that organization: a token of another organization gets 404, never data. Errors are RFC 9457 problem+json with `errors: [{ path, message }]`.",
    },
    servers: [{ url: "/", description: "This deployment" }],
    security: [{ bearer: [] }],
  });
  doc.components ??= {};
  doc.components.schemas ??= {};
  doc.components.schemas.Problem ??= {
    type: "object",
    properties: {
      type: { type: "string" },
      title: { type: "string" },
      status: { type: "integer" },
      detail: { type: "string" },
      errors: { type: "array", items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } } },
      request_id: { type: "string" },
    },
    required: ["type", "title", "status", "detail"],
  };
  const seen = new Map<string, number>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = (item as Record<string, Operation | undefined>)[method];
      if (!op) continue;
      let id = op.operationId ?? operationIdOf(method, path);
      const n = (seen.get(id) ?? 0) + 1;
      seen.set(id, n);
      if (n > 1) id = `${id}${n}`;
      op.operationId = id;
      op.security ??= publicPaths.has(path) ? [] : [{ bearer: [] }];
      op.responses ??= {};
      if (op.requestBody) op.responses["413"] ??= problem("The body is over its size limit");
      op.responses["429"] ??= problem("Too many requests; retry after `Retry-After` seconds");
      op.responses["503"] ??= problem("A dependency failed before anything changed; retry");
    }
  }
  built = doc;
  return doc;
}
