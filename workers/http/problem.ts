/**
 * The one place where errors become HTTP: RFC 9457 problem+json with the
 * field and reason of each problem. Everything the core, validation or hono
 * throws passes through here; unknown errors become an opaque 500.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ZodError } from "zod";
import { DomainError, problemsFromZod, type ErrorCode, type FieldProblem } from "../../core/errors";

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  version_conflict: 409,
  duplicate: 409,
  payload_too_large: 413,
  validation: 422,
  invalid_label: 422,
  invalid_transition: 422,
  invalid_profile: 422,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

const TITLE: Record<ErrorCode, string> = {
  bad_request: "Malformed request",
  unauthorized: "Missing or invalid credentials",
  forbidden: "Not allowed",
  not_found: "Not found",
  version_conflict: "Version conflict",
  duplicate: "Already exists",
  payload_too_large: "Request body too large",
  validation: "Validation failed",
  invalid_label: "Invalid label",
  invalid_transition: "Transition not allowed",
  invalid_profile: "Invalid profile",
  rate_limited: "Too many requests",
  unavailable: "Temporarily unavailable",
  internal: "Internal error",
};

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldProblem[];
  request_id?: string;
}

export function toDomainError(err: unknown): DomainError {
  if (err instanceof DomainError) return err;
  if (err instanceof ZodError) return new DomainError("validation", "the request does not match the schema", problemsFromZod(err));
  if (err instanceof HTTPException) {
    const code: ErrorCode = err.status === 413 ? "payload_too_large" : err.status === 401 ? "unauthorized" : err.status === 404 ? "not_found" : "bad_request";
    return new DomainError(code, err.message || TITLE[code]);
  }
  return new DomainError("internal", "internal error");
}

export function problemResponse(c: Context, err: unknown): Response {
  const e = toDomainError(err);
  const status = STATUS[e.code];
  const body: ProblemBody = {
    type: `https://orgo.dev/problems/${e.code.replace(/_/g, "-")}`,
    title: TITLE[e.code],
    status,
    detail: e.message,
  };
  if (e.errors.length > 0) body.errors = e.errors;
  const requestId = c.get("requestId" as never) as string | undefined;
  if (requestId) body.request_id = requestId;
  const headers: Record<string, string> = { "content-type": "application/problem+json" };
  if (e.retryAfter !== undefined) headers["retry-after"] = String(Math.ceil(e.retryAfter));
  return new Response(JSON.stringify(body), { status, headers });
}
