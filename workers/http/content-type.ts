/**
 * A body in the wrong format is a 400 before any validation runs (hono's
 * validators would otherwise read it as an empty object and answer 422).
 */
import type { MiddlewareHandler } from "hono";
import { DomainError } from "../../core/errors";
import { NOT_WELL_FORMED, illFormedTextPath } from "../../core/model/well-formed";
import type { AppEnv } from "../env";

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;
const YAML_TYPE = /^(?:application|text)\/(?:x-)?yaml\s*(?:;|$)/i;
const NDJSON_TYPE = /^application\/(?:x-)?ndjson\s*(?:;|$)/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;

/** Which body formats a path accepts, beyond JSON. */
function accepted(method: string, path: string): RegExp[] {
  if (method === "PUT" && /\/profile$/.test(path)) return [YAML_TYPE];
  if (/\/profile\/dry-run$/.test(path)) return [YAML_TYPE, JSON_TYPE];
  if (/\/signals\/batch$/.test(path)) return [JSON_TYPE, NDJSON_TYPE];
  // Open311 GeoReport v2 clients post service requests as forms.
  if (method === "POST" && /\/open311\/requests\.json$/.test(path)) return [FORM_TYPE, JSON_TYPE];
  return [JSON_TYPE];
}

export const requireBodyType: MiddlewareHandler<AppEnv> = async (c, next) => {
  const method = c.req.method;
  if (method !== "POST" && method !== "PUT" && method !== "PATCH") return next();
  const length = c.req.header("content-length");
  const hasBody = c.req.header("transfer-encoding") !== undefined || (length !== undefined && length !== "0");
  const type = c.req.header("content-type") ?? "";
  const formats = accepted(method, c.req.path);
  if (!hasBody && type === "") return next();
  if (!formats.some((f) => f.test(type))) {
    throw new DomainError("bad_request", `send the body as ${formats.map(describe).join(" or ")}`, [
      { path: "content-type", message: type ? `${type} is not accepted here` : "missing" },
    ]);
  }
  return next();
};

/**
 * A JSON body whose text escapes a lone surrogate (`\ud800`) is refused with
 * the path of the offending field: stored as UTF-8 it would read back as
 * replacement characters. Raw text cannot hold one (it was decoded from
 * UTF-8), so only bodies with such an escape are parsed here; the validators
 * reuse hono's cached text.
 */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F][0-9a-fA-F]{2}/;

export const requireWellFormedText: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!JSON_TYPE.test(c.req.header("content-type") ?? "")) return next();
  const text = await c.req.text();
  if (!SURROGATE_ESCAPE.test(text)) return next();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return next(); // malformed JSON: the route's validator answers it
  }
  const path = illFormedTextPath(parsed);
  if (path !== null) {
    const at = path.length > 0 ? path.join(".") : "body";
    throw new DomainError("validation", `${at} ${NOT_WELL_FORMED}`, [{ path: at, message: NOT_WELL_FORMED }]);
  }
  return next();
};

function describe(f: RegExp): string {
  if (f === FORM_TYPE) return "application/x-www-form-urlencoded";
  return f === YAML_TYPE ? "application/yaml" : f === NDJSON_TYPE ? "application/x-ndjson" : "application/json";
}

/**
 * The body as UTF-8 text. Read as bytes and decoded here, because the
 * runtime warns on `.text()` for types it does not know to be text (YAML,
 * NDJSON); bytes that are not UTF-8 are a 400, not silently replaced.
 */
export async function bodyText(c: { req: { arrayBuffer(): Promise<ArrayBuffer> } }): Promise<string> {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(await c.req.arrayBuffer());
  } catch {
    throw new DomainError("bad_request", "the body is not UTF-8 text", [{ path: "body", message: "not valid UTF-8" }]);
  }
}
