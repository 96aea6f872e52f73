/** Test helpers: requests through the real Worker, and organizations made through the real API. */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { OrgObject } from "../../durable-objects/org-object";

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
  const text = new TextDecoder().decode(await res.arrayBuffer());
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

// --- added for the endpoint suites -------------------------------------------------

/** Asserts an RFC 9457 problem answer with the given status, and returns its body. */
export function expectProblem(r: Reply, status: number, slug?: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  const b = r.body as Record<string, unknown>;
  expect(typeof b).toBe("object");
  expect(b.type).toMatch(/^https:\/\/orgo\.dev\/problems\/[a-z-]+$/);
  if (slug) expect(b.type).toBe(`https://orgo.dev/problems/${slug}`);
  expect(typeof b.title).toBe("string");
  expect((b.title as string).length).toBeGreaterThan(0);
  expect(b.status).toBe(status);
  expect(typeof b.detail).toBe("string");
  expect((b.detail as string).length).toBeGreaterThan(0);
  return b as {
    type: string;
    title: string;
    status: number;
    detail: string;
    errors?: { path: string; message: string; line?: number; column?: number }[];
    request_id?: string;
  };
}

/** The paths of a problem's field errors. */
export function errorPaths(r: Reply): string[] {
  return ((r.body as { errors?: { path: string }[] }).errors ?? []).map((e) => e.path);
}

/** Raw fetch through the Worker, for requests the `api` helper cannot shape. */
export async function rawFetch(path: string, init: RequestInit): Promise<Reply<any>> {
  const res = await exports.default.fetch(new Request(`${BASE}${path}`, init));
  const text = new TextDecoder().decode(await res.arrayBuffer());
  let parsed: unknown = text;
  if (text && /json/.test(res.headers.get("content-type") ?? "")) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed };
}

export async function newCase(slug: string, token: string, body: Record<string, unknown> = {}) {
  const r = await api("POST", `/v1/orgs/${slug}/cases`, {
    token,
    body: { title: "A case", label: "1001.91.Operations.Maintenance", severity: "high", ...body },
  });
  if (r.status !== 201) throw new Error(`newCase failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function newTask(slug: string, token: string, caseId: string, body: Record<string, unknown> = {}) {
  const r = await api("POST", `/v1/orgs/${slug}/cases/${caseId}/tasks`, { token, body: { title: "A task", ...body } });
  if (r.status !== 201) throw new Error(`newTask failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export function transition(slug: string, token: string, taskId: string, body: Record<string, unknown>) {
  return api("POST", `/v1/orgs/${slug}/tasks/${taskId}/transition`, { token, body });
}

/** Follows next_cursor until the end; returns every page. */
export async function allPages(path: string, token: string, limit: number) {
  const pages: any[][] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 1000; i++) {
    const sep = path.includes("?") ? "&" : "?";
    const url: string = `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const r: Reply = await api("GET", url, { token });
    if (r.status !== 200) throw new Error(`page failed: ${r.status} ${JSON.stringify(r.body)}`);
    pages.push(r.body.items);
    cursor = r.body.next_cursor;
    if (cursor === null) return pages;
  }
  throw new Error("pagination did not end");
}

/** Every audit event of an organization (or of one entity), newest first. */
export async function auditOf(slug: string, token: string, entityId?: string) {
  const path = `/v1/orgs/${slug}/audit${entityId ? `?entity_id=${entityId}` : ""}`;
  return (await allPages(path, token, 200)).flat() as {
    event_id: string;
    at: string;
    actor: string;
    action: string;
    entity_type: string;
    entity_id: string;
    changes: Record<string, unknown>;
  }[];
}

/** The organization's Durable Object. */
export function orgStub(orgId: string): DurableObjectStub<OrgObject> {
  const ns = env.ORG as unknown as DurableObjectNamespace<OrgObject>;
  return ns.get(ns.idFromName(orgId));
}

/**
 * Sets the organization object's clock so that its "now" is `at` (epoch ms),
 * then runs its alarm as the runtime would once that time came: time moves
 * explicitly, with no sleeping and no rewriting of stored deadlines.
 */
export async function runAlarmAt(stub: DurableObjectStub<OrgObject>, at: number): Promise<void> {
  await runInDurableObject(stub, (instance: OrgObject) => {
    instance.clockOffsetMs = Math.max(instance.clockOffsetMs, at - Date.now());
  });
  if (!(await runDurableObjectAlarm(stub))) await runInDurableObject(stub, (instance: OrgObject) => instance.alarm());
}

/**
 * Takes the organization's daily round (its insights rollup, armed at a time
 * of night that differs by organization) off its schedule, for tests that
 * count timers or watch which one the alarm is armed for. `heal()` arms it again.
 */
export async function withoutDailyRound(stub: DurableObjectStub<OrgObject>): Promise<void> {
  await runInDurableObject(stub, async (instance: OrgObject, state: DurableObjectState) => {
    state.storage.sql.exec("DELETE FROM timers WHERE kind = 'daily'");
    const next = instance.stats().next_timer_at;
    if (next === null) await state.storage.deleteAlarm();
    else await state.storage.setAlarm(next);
    // biome-ignore lint/complexity/useLiteralKeys: `armedAt` is private; only an index access may set it.
    instance["armedAt"] = next;
  });
}

export const addMs = (iso: string, ms: number) => new Date(new Date(iso).getTime() + ms).toISOString();
export const MINUTE = 60_000;
