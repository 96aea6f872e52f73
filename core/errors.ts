/**
 * Domain errors with a closed set of codes. The core throws or returns these;
 * the HTTP layer maps them to problem+json in exactly one place
 * (workers/http/problem.ts). Only plain data crosses a Durable Object RPC
 * call, so every error has a serialisable form.
 */
import type { ZodError } from "zod";

export const ERROR_CODES = [
  "bad_request", // malformed body or wrong content type
  "unauthorized", // missing or bad credentials
  "forbidden", // authenticated but not allowed
  "not_found", // unknown resource or another organization's
  "version_conflict", // stale If-Match / expected_version
  "duplicate", // unique key already taken (slug, email)
  "payload_too_large",
  "validation", // valid JSON breaking a field rule
  "invalid_label",
  "invalid_transition",
  "invalid_profile",
  "rate_limited",
  "unavailable", // a dependency (D1) failed; nothing was changed, a retry may succeed
  "internal",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldProblem {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

export interface DomainErrorData {
  code: ErrorCode;
  message: string;
  errors?: FieldProblem[];
  /** Seconds before a retry may succeed (rate limiting). */
  retryAfter?: number;
}

/** A zod failure as field problems (`path` joined with dots). */
export function problemsFromZod(error: ZodError, prefix: string[] = []): FieldProblem[] {
  return error.issues.flatMap((issue) => {
    const at = [...prefix, ...issue.path.map(String)];
    // An unknown key is the client's mistake at that key, not at its parent object.
    if (issue.code === "unrecognized_keys") return issue.keys.map((key) => ({ path: [...at, key].join("."), message: "is not a known field" }));
    return [{ path: at.join("."), message: issue.message }];
  });
}

export class DomainError extends Error {
  override readonly name = "DomainError";
  readonly code: ErrorCode;
  readonly errors: FieldProblem[];
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, message: string, errors: FieldProblem[] = [], retryAfter?: number) {
    super(message);
    this.code = code;
    this.errors = errors;
    this.retryAfter = retryAfter;
  }

  toData(): DomainErrorData {
    const data: DomainErrorData = { code: this.code, message: this.message };
    if (this.errors.length > 0) data.errors = this.errors;
    if (this.retryAfter !== undefined) data.retryAfter = this.retryAfter;
    return data;
  }

  static fromData(data: DomainErrorData): DomainError {
    return new DomainError(data.code, data.message, data.errors ?? [], data.retryAfter);
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;

/** Result of a command: what a Durable Object method returns across RPC. */
export type Result<T> = { ok: true; value: T; bookmark?: string | null } | { ok: false; error: DomainErrorData };

export const fail = (error: DomainError): Result<never> => ({ ok: false, error: error.toData() });

/** The one way to say a resource is unknown, so every such answer reads the same. */
export const notFound = (what: string) => new DomainError("not_found", `${what} not found`);
