/** Test helpers: requests through the real Worker, and organizations made through the real API. */
import { exports } from "cloudflare:workers";

export const ADMIN = "test-admin-token";
export const BASE = "https://orgo.test";

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export async function api<T = any>(
  method: string,
  path: string,
  opts: { token?: string | null; body?: unknown; raw?: string; type?: string; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const token = opts.token === undefined ? ADMIN : opts.token;
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers["content-type"] = opts.type ?? "application/json";
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] = opts.type ?? "application/json";
  }
  const res = await exports.default.fetch(new Request(`${BASE}${path}`, { method, headers, body }));
  const text = await res.text();
  let parsed: unknown = text;
  if (text && /json/.test(res.headers.get("content-type") ?? "")) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed as T };
}

let counter = 0;
export function uniqueSlug(prefix = "org"): string {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

export async function createOrg(opts: { slug?: string; profile?: string; profile_yaml?: string } = {}) {
  const slug = opts.slug ?? uniqueSlug();
  const body: Record<string, unknown> = { slug, name: `Org ${slug}` };
  if (opts.profile_yaml) body.profile_yaml = opts.profile_yaml;
  else body.profile = opts.profile ?? "retail_ops";
  const r = await api("POST", "/v1/orgs", { body });
  if (r.status !== 201) throw new Error(`createOrg failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { slug, org: r.body.org, token: r.body.token as string, admin: r.body.admin };
}
