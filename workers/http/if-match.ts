/** Optimistic concurrency on writes: the `If-Match` header names the version the client last read. */
import { z } from "@hono/zod-openapi";
import { DomainError } from "../../core/errors";

/** The header as routes declare it (so the OpenAPI document lists it). */
export const IfMatchHeader = z.object({ "if-match": z.string().max(40).optional() });

/** `If-Match: 3`, `If-Match: "3"` or `W/"3"` all name version 3; absent means "whatever the version". */
export function parseIfMatch(header: string | undefined): number | null {
  if (header === undefined) return null;
  const m = /^(?:W\/)?"?(\d{1,12})"?$/.exec(header.trim());
  if (!m) throw new DomainError("validation", "If-Match must be a version number", [{ path: "If-Match", message: "expected a version such as 3" }]);
  return Number(m[1]);
}
