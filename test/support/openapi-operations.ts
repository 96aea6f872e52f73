/**
 * The operations of an OpenAPI 3.1 document, in the shape the generated
 * suites need: method, path template, parameters with their schemas, the
 * request body's media types and JSON schema, and whether it is secured.
 * Suites that enumerate operations from GET /v1/openapi.json cover an
 * endpoint added later without being edited.
 */
export interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  schema: Record<string, unknown>;
}

export interface Operation {
  method: string;
  /** The path template, e.g. /v1/orgs/{org}/cases/{case_id}. */
  path: string;
  /** "METHOD /path/template". */
  key: string;
  summary: string;
  secured: boolean;
  parameters: Parameter[];
  /** Media types of the request body (empty when it takes none). */
  bodyTypes: string[];
  /** The schema of an application/json body, when there is one. */
  jsonSchema: Record<string, unknown> | null;
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"];

export function operationsOf(doc: any): Operation[] {
  const ops: Operation[] = [];
  const globalSecured = Array.isArray(doc.security) && doc.security.length > 0;
  for (const [path, item] of Object.entries(doc.paths as Record<string, any>)) {
    const shared: any[] = Array.isArray(item.parameters) ? item.parameters : [];
    for (const m of METHODS) {
      const op = item[m];
      if (!op) continue;
      const byKey = new Map<string, Parameter>();
      for (const p of [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])]) {
        const resolved = p.$ref ? resolvePointer(doc, p.$ref) : p;
        byKey.set(`${resolved.in}:${resolved.name}`, {
          name: resolved.name,
          in: resolved.in,
          required: Boolean(resolved.required),
          schema: resolved.schema ?? {},
        });
      }
      // Path parameters the template names but the operation does not declare still need a value.
      for (const name of pathParams(path)) {
        if (!byKey.has(`path:${name}`)) byKey.set(`path:${name}`, { name, in: "path", required: true, schema: { type: "string" } });
      }
      const content = (op.requestBody?.$ref ? resolvePointer(doc, op.requestBody.$ref) : op.requestBody)?.content ?? {};
      ops.push({
        method: m.toUpperCase(),
        path,
        key: `${m.toUpperCase()} ${path}`,
        summary: String(op.summary ?? ""),
        secured: Array.isArray(op.security) ? op.security.length > 0 : globalSecured,
        parameters: [...byKey.values()],
        bodyTypes: Object.keys(content),
        jsonSchema: content["application/json"]?.schema ?? null,
      });
    }
  }
  return ops;
}

export function resolvePointer(doc: unknown, ref: string): any {
  let cur: any = doc;
  for (const raw of ref
    .replace(/^#\/?/, "")
    .split("/")
    .filter((s) => s !== ""))
    cur = cur?.[raw.replace(/~1/g, "/").replace(/~0/g, "~")];
  if (cur === undefined) throw new Error(`unresolvable ${ref}`);
  return cur;
}

/** The names of a path template's parameters, in order. */
export function pathParams(template: string): string[] {
  return [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
}

/** Lone surrogates cannot be percent-encoded; they travel as U+FFFD, as any client would send them. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The template with each parameter replaced by its (encoded) value. */
export function fillPath(template: string, value: (name: string) => string): string {
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(value(name).replace(LONE_SURROGATE, "\ufffd")));
}
