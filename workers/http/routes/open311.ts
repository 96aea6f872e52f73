/**
 * Open311 GeoReport v2 routes: the service list from the profile, and
 * service requests as signals (source `open311`) read back with their case's
 * status. Requests may be posted form-encoded, as the standard sends them, or
 * as JSON. Errors are problem+json like everywhere in the API: the standard's
 * `[{ code, description }]` maps to the problem's status and its `errors`
 * (`path` names the field, `message` says why).
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { DomainError } from "../../../core/errors";
import { IdempotencyKey } from "../../../core/model";
import { gatherFields, MAX_ATTRIBUTES, MAX_DESCRIPTION, open311Signal, parseOpen311Request, serviceDefinition } from "../../../core/modules/open311/request";
import { MAX_REQUESTS, RequestsQuery, ServiceRequest, requestsFilter, serviceRequestOf } from "../../../core/modules/open311/service-request";
import type { Open311Service } from "../../../core/modules/open311/settings";
import { getOpen311Request, listOpen311Requests } from "../../db/queries";
import type { AppEnv } from "../../env";
import { bodyText } from "../content-type";
import { requireModule } from "../modules";
import { stubOf, unwrap } from "../org-client";
import { ERRORS, OrgParam, SECURITY, json, router } from "../openapi";
import { visibleTo } from "../visibility";

const tag = { tags: ["Open311"], security: SECURITY };

const ServiceDefinition = z.object({
  service_code: z.string(),
  service_name: z.string(),
  description: z.string().nullable(),
  metadata: z.literal(false),
  type: z.literal("realtime"),
  keywords: z.string().openapi({ description: "comma-separated" }),
  group: z.string().nullable(),
});

const RequestCreated = z.object({ service_request_id: z.string(), service_notice: z.string().nullable(), account_id: z.string().nullable() });

const FormFields = z
  .object({
    service_code: z.string(),
    lat: z.number().optional(),
    long: z.number().optional(),
    address_string: z.string().optional(),
    address_id: z.string().optional(),
    description: z.string().max(MAX_DESCRIPTION).optional(),
    media_url: z.string().optional(),
    email: z.string().optional(),
    device_id: z.string().optional(),
    account_id: z.string().optional(),
    first_name: z.string().optional(),
    last_name: z.string().optional(),
    phone: z.string().optional(),
  })
  .catchall(z.string())
  .openapi({
    description: `GeoReport v2 fields; one location (lat and long, address_string or address_id) is required; custom answers as attribute[<code>] (at most ${MAX_ATTRIBUTES}).`,
  });

const services = createRoute({
  ...tag,
  method: "get",
  path: "/v1/orgs/{org}/open311/services.json",
  summary: "The GeoReport v2 service list (from the profile's modules.open311.services)",
  request: { params: OrgParam },
  responses: { 200: json(z.array(ServiceDefinition), "The services"), ...ERRORS },
});

// Documented here, parsed by the handler: a form body's values are all strings, and `attribute[<code>]` keys gather.
const create = {
  ...tag,
  method: "post" as const,
  path: "/v1/orgs/{org}/open311/requests.json",
  summary: "Submit a service request (form-encoded or JSON); it becomes a signal and its case",
  description:
    "GeoReport v2 `POST requests.json`. The service's label and severity route the request (the flow rules decide when the service names none). The reporter's email, names, phone and device id are kept under the case's `metadata.reporter` only. Errors are problem+json: where a GeoReport client expects `[{ code, description }]`, `code` is the problem's `status` and each entry of `errors` gives the field (`path`) and the reason (`message`); an unknown `service_code` is a 422 at `service_code`, a request without a location a 422 at `location`.",
  request: {
    params: OrgParam,
    headers: z.object({ "idempotency-key": IdempotencyKey.optional().describe("Makes a retried submission answer its first result") }),
    body: {
      required: true,
      content: { "application/x-www-form-urlencoded": { schema: FormFields }, "application/json": { schema: FormFields } },
    },
  },
  responses: {
    201: json(z.array(RequestCreated), "The request was received; service_request_id is its signal's id"),
    200: json(z.array(RequestCreated), "A replay of an Idempotency-Key: the first result"),
    ...ERRORS,
  },
};

const list = createRoute({
  ...tag,
  method: "get",
  path: "/v1/orgs/{org}/open311/requests.json",
  summary: `Service requests, newest first (ids override other filters; otherwise a window of at most 90 days, the last 90 by default; at most ${MAX_REQUESTS})`,
  request: {
    params: OrgParam,
    query: RequestsQuery,
  },
  responses: { 200: json(z.array(ServiceRequest), "The requests the caller may see"), ...ERRORS },
});

const RequestParams = OrgParam.extend({
  service_request_id: z
    .string()
    .max(100)
    .openapi({ param: { name: "service_request_id", in: "path" } }),
});

async function configuredServices(c: Context<AppEnv>): Promise<Open311Service[]> {
  const current = await stubOf(c).getProfile();
  if (!current) throw new DomainError("not_found", "organization not found");
  return current.profile.modules.open311?.services ?? [];
}

/** The `Idempotency-Key` header: a structured-field string, or a bare value. */
function idempotencyKey(c: Context<AppEnv>): string | null {
  const header = c.req.header("idempotency-key");
  if (header === undefined) return null;
  const raw = header.trim();
  const quoted = /^"((?:[^"\\]|\\["\\])*)"$/.exec(raw);
  const key = IdempotencyKey.safeParse(quoted ? (quoted[1] ?? "").replace(/\\(["\\])/g, "$1") : raw);
  if (!key.success)
    throw new DomainError("validation", "the Idempotency-Key header is not a valid key", [{ path: "Idempotency-Key", message: "1 to 200 characters" }]);
  return key.data;
}

async function requestFields(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const text = await bodyText(c);
  if (/^application\/x-www-form-urlencoded/i.test(c.req.header("content-type") ?? "")) return gatherFields(new URLSearchParams(text).entries());
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new DomainError("bad_request", "the body is not valid JSON");
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new DomainError("validation", "send the request's fields as one object", [{ path: "body", message: "must be an object" }]);
  }
  return gatherFields(Object.entries(body));
}

export const open311Routes = router();
open311Routes.use("/v1/orgs/:org/open311/*", requireModule("open311"));

open311Routes
  .openapi(services, async (c) => c.json((await configuredServices(c)).map(serviceDefinition), 200))
  .openapi(list, async (c) => {
    const filter = requestsFilter(c.req.valid("query"), new Date());
    const org = c.get("org");
    const rows = await listOpen311Requests(c.get("db"), org.org_id, filter, visibleTo(c));
    return c.json(
      rows.map((r) => serviceRequestOf(r.signal, r.case, org.name)),
      200,
    );
  });

open311Routes.openAPIRegistry.registerPath(create);
open311Routes.post("/v1/orgs/:org/open311/requests.json", async (c) => {
  const fields = await requestFields(c);
  const { input, service } = parseOpen311Request(fields, await configuredServices(c));
  const signal = open311Signal(input, service, idempotencyKey(c));
  const [result] = unwrap(c, await stubOf(c).ingestSignals(c.get("actor"), [signal], "open311"));
  if (!result) throw new DomainError("internal", "no result");
  if (!result.ok) throw DomainError.fromData(result.error);
  const answer = [{ service_request_id: result.outcome.signal_id, service_notice: null, account_id: input.account_id ?? null }];
  return c.json(answer, result.outcome.duplicate ? 200 : 201);
});

// `{id}.json` is one path segment with a suffix, which hono's path parameters do not split: the route matches the
// segment and the document declares the standard's template.
open311Routes.openAPIRegistry.registerPath({
  ...tag,
  method: "get",
  path: "/v1/orgs/{org}/open311/requests/{service_request_id}.json",
  summary: "One service request (as a one-item list, like the standard)",
  request: { params: RequestParams },
  responses: { 200: json(z.array(ServiceRequest).length(1), "The request"), ...ERRORS },
});

open311Routes.get("/v1/orgs/:org/open311/requests/:file{[^/]+\\.json}", async (c) => {
  const id = c.req.param("file").slice(0, -".json".length);
  const parsed = RequestParams.shape.service_request_id.min(1).safeParse(id);
  if (!parsed.success) throw new DomainError("not_found", "service request not found");
  const org = c.get("org");
  const row = await getOpen311Request(c.get("db"), org.org_id, parsed.data);
  if (!row || !visibleTo(c)(row.case)) throw new DomainError("not_found", "service request not found");
  return c.json([serviceRequestOf(row.signal, row.case, org.name)], 200);
});
