/**
 * Signals from the API and from offline nodes. Bodies are parsed here, not by
 * the zod middleware: the idempotency key must be looked up before
 * validation (a replay is a duplicate even if it would not validate today),
 * and in a batch one bad item must not reject the others. What is checked
 * here is only that an item can travel to the organization's object at all
 * (bounded depth and size); the object validates it after the key lookup.
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { DomainError, type DomainErrorData } from "../../../core/errors";
import { IdempotencyKey, jsonBoundsProblem, SIGNAL_ITEM_BOUNDS, SignalInput } from "../../../core/model";
import type { AppEnv } from "../../env";
import { bodyText } from "../content-type";
import { stubOf, unwrap } from "../org-client";
import { ERRORS, OrgParam, SECURITY, json, router } from "../openapi";

export const MAX_BATCH = 1_000;

const SignalResult = z.object({
  signal_id: z.string(),
  case: z.record(z.string(), z.unknown()).nullable(),
  tasks: z.array(z.record(z.string(), z.unknown())),
  matched_rules: z.array(z.string()),
  duplicate: z.boolean(),
});

const BatchResult = z.object({
  results: z.array(
    z.object({
      index: z.number().int(),
      status: z.enum(["created", "duplicate", "rejected"]),
      signal_id: z.string().optional(),
      case_id: z.string().optional(),
      error: z.object({ code: z.string(), detail: z.string(), errors: z.array(z.object({ path: z.string(), message: z.string() })).optional() }).optional(),
    }),
  ),
});

type Item = { raw: unknown } | { error: DomainErrorData };

/**
 * An item too deep or too large to be copied to the object safely is
 * rejected here, as that item alone; any other item travels as it came.
 */
function transportable(raw: unknown): Item {
  const problem = jsonBoundsProblem(raw, SIGNAL_ITEM_BOUNDS, 0);
  if (!problem) return { raw };
  const errors = [{ path: problem.path.join("."), message: problem.message }];
  return { error: { code: "validation", message: "the signal does not match the schema", errors } };
}

/**
 * The `Idempotency-Key` header (draft-ietf-httpapi-idempotency-key-header):
 * a structured-field string, so normally quoted; a bare value is taken as is.
 */
function headerKey(c: Context<AppEnv>): string | null {
  const header = c.req.header("idempotency-key");
  if (header === undefined) return null;
  const key = IdempotencyKey.safeParse(unquoted(header.trim()));
  if (!key.success) {
    throw new DomainError("validation", "the Idempotency-Key header is not a valid key", [
      { path: "Idempotency-Key", message: "a string of 1 to 200 characters" },
    ]);
  }
  return key.data;
}

/** The content of a structured-field string (RFC 8941 §3.3.3), a value that is not quoted as it is, or null if malformed. */
function unquoted(value: string): string | null {
  if (!value.startsWith('"')) return value;
  const m = /^"((?:[^"\\]|\\["\\])*)"$/.exec(value);
  return m?.[1] ? m[1].replace(/\\(["\\])/g, "$1") : null;
}

/** The header's key goes where the object looks for it; a body naming another key is a contradiction. */
function withHeaderKey(raw: unknown, key: string | null): unknown {
  if (key === null || !raw || typeof raw !== "object" || Array.isArray(raw)) return raw;
  const inBody = (raw as { idempotency_key?: unknown }).idempotency_key;
  if (inBody !== undefined && inBody !== key) {
    throw new DomainError("validation", "the Idempotency-Key header and idempotency_key differ", [
      { path: "idempotency_key", message: "differs from the Idempotency-Key header" },
    ]);
  }
  return { ...raw, idempotency_key: key };
}

async function parseJson(c: Context<AppEnv>): Promise<unknown> {
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new DomainError("bad_request", "the body is not valid JSON");
  }
}

/** NDJSON: one signal per line; a line that is not JSON becomes a rejected item of its own. */
function parseNdjson(text: string): Item[] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .map((line, i) => {
      try {
        return transportable(JSON.parse(line) as unknown);
      } catch {
        return { error: { code: "bad_request" as const, message: `line ${i + 1} is not JSON`, errors: [{ path: `${i}`, message: "not JSON" }] } };
      }
    });
}

async function batchItems(c: Context<AppEnv>): Promise<Item[]> {
  if (/ndjson/i.test(c.req.header("content-type") ?? "")) return parseNdjson(await bodyText(c));
  const body = await parseJson(c);
  const signals = body && typeof body === "object" ? (body as { signals?: unknown }).signals : undefined;
  if (!Array.isArray(signals)) {
    throw new DomainError("validation", 'send { "signals": [ … ] }', [{ path: "signals", message: "must be an array of signals" }]);
  }
  return signals.map(transportable);
}

export const signalRoutes = router();

signalRoutes.openAPIRegistry.registerPath({
  method: "post",
  path: "/v1/orgs/{org}/signals",
  tags: ["Signals"],
  summary: "Ingest one signal; it is routed by the profile's flow rules",
  security: SECURITY,
  request: {
    params: OrgParam,
    headers: z.object({
      "idempotency-key": IdempotencyKey.optional().describe(
        "The signal's idempotency key as a structured-field string (\"k-1\"), instead of or equal to the body's idempotency_key",
      ),
    }),
    body: { required: true, content: { "application/json": { schema: SignalInput } } },
  },
  responses: { 201: json(SignalResult, "Routed"), 200: json(SignalResult, "A replay of an idempotency key: the first result"), ...ERRORS },
});

signalRoutes.openAPIRegistry.registerPath({
  method: "post",
  path: "/v1/orgs/{org}/signals/batch",
  tags: ["Signals"],
  summary: `Ingest up to ${MAX_BATCH} signals (JSON { signals: [...] } or NDJSON), applied in occurred_at order`,
  security: SECURITY,
  request: {
    params: OrgParam,
    body: {
      required: true,
      content: {
        "application/json": { schema: z.object({ signals: z.array(SignalInput).max(MAX_BATCH) }) },
        "application/x-ndjson": { schema: z.string() },
      },
    },
  },
  responses: { 200: json(BatchResult, "One result per item, in request order"), ...ERRORS },
});

signalRoutes.post("/v1/orgs/:org/signals", async (c) => {
  const item = transportable(withHeaderKey(await parseJson(c), headerKey(c)));
  if ("error" in item) throw DomainError.fromData(item.error);
  const [result] = unwrap(c, await stubOf(c).ingestSignals(c.get("principal"), [item.raw], "api"));
  if (!result) throw new DomainError("internal", "no result");
  if (!result.ok) throw DomainError.fromData(result.error);
  return c.json(result.outcome, result.outcome.duplicate ? 200 : 201);
});

signalRoutes.post("/v1/orgs/:org/signals/batch", async (c) => {
  const items = await batchItems(c);
  if (items.length > MAX_BATCH) {
    throw new DomainError("validation", `a batch holds at most ${MAX_BATCH} signals`, [{ path: "signals", message: `${items.length} signals` }]);
  }
  const valid = items.flatMap((item, index) => ("raw" in item ? [{ index, raw: item.raw }] : []));
  const outcomes = unwrap(
    c,
    await stubOf(c).ingestSignals(
      c.get("principal"),
      valid.map((v) => v.raw),
      "offline",
    ),
  );
  const byIndex = new Map(valid.map((v, i) => [v.index, outcomes[i]]));
  const results = items.map((item, index) => {
    const r = byIndex.get(index);
    const error = "error" in item ? item.error : r && !r.ok ? r.error : null;
    if (error)
      return { index, status: "rejected" as const, error: { code: error.code, detail: error.message, ...(error.errors ? { errors: error.errors } : {}) } };
    const outcome = r?.ok ? r.outcome : null;
    return {
      index,
      status: outcome?.duplicate ? ("duplicate" as const) : ("created" as const),
      ...(outcome ? { signal_id: outcome.signal_id, ...(outcome.case ? { case_id: outcome.case.case_id } : {}) } : {}),
    };
  });
  return c.json({ results }, 200);
});
