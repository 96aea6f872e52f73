/**
 * Live updates (CONTRACT "Live updates"): `GET /v1/orgs/{org}/events` is a
 * WebSocket served by the organization's object with the Hibernation API.
 * Sockets are opened through the real Worker (`exports.default.fetch` with
 * `Upgrade: websocket`), accepted on the client side, and every test closes
 * its sockets and deletes its organization's alarm before it ends (an alarm
 * left armed, or a socket left open, can hang the pool: TOOLCHAIN.md).
 *
 * vitest-pool-workers does not evict objects, so hibernation itself is not
 * simulated; what makes a socket survive it is: its viewer lives in its
 * attachment (read back here from `ctx.getWebSockets()`), and an object
 * instance that knows nothing but the attachments (a fresh LiveEvents over
 * the same state) still sends each socket exactly what it may see.
 */
import { runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { LiveEvents, viewerOf } from "../../durable-objects/live/events";
import type { OrgObject } from "../../durable-objects/org-object";
import { OrgStore } from "../../durable-objects/store/org-store";
import { api, BASE, createOrg, expectProblem, newCase, newTask, orgStub, runAlarmAt, transition, withoutDailyRound } from "./helpers";

type Position = { level: number; role: string };
type Org = Awaited<ReturnType<typeof createOrg>>;
type Event = { type: "case" | "task" | "notification"; id: string; version: number; at: string };

// `base` notifies in-app only (a high-severity case notifies its level's role), so no delivery runs behind the tests.
const PROFILE = (privacy: "open" | "need_to_know") =>
  `name: live_${privacy}\nextends: base\nprivacy: ${privacy}\nroles: [Operations, Operations.Safety, Operations.Maintenance, Facilities]\n`;
const MAINTENANCE = "1001.91.Operations.Maintenance";
const FACILITIES = "1001.11.Facilities";

interface Live {
  ws: WebSocket;
  /** Every message, parsed when JSON. */
  messages: unknown[];
  events: () => Event[];
  closed: Promise<CloseEvent>;
  waitFor: (what: string, done: (events: Event[]) => boolean) => Promise<Event[]>;
}

const open: WebSocket[] = [];
const armed: Org[] = [];

afterEach(async () => {
  // Normally done by each test already; this only catches a test that failed halfway.
  for (const ws of open.splice(0)) {
    try {
      ws.close(1000, "test over");
    } catch {}
  }
  for (const o of armed.splice(0)) await quiet(o);
});

/** Deletes the organization's alarm: nothing may run behind the pool's back after the test. */
async function quiet(o: Org) {
  await runInDurableObject(orgStub(o.org.org_id), (_i, state) => state.storage.deleteAlarm());
}

async function org(privacy: "open" | "need_to_know"): Promise<Org> {
  const o = await createOrg({ profile_yaml: PROFILE(privacy) });
  armed.push(o);
  await withoutDailyRound(orgStub(o.org.org_id));
  return o;
}

async function member(o: Org, name: string, positions: Position[]) {
  const email = `${name}@${o.slug}.example`;
  const password = `pw-${name}-0123`;
  const u = await api("POST", `/v1/orgs/${o.slug}/users`, { token: o.token, body: { email, display_name: name, password, positions } });
  expect(u.status, JSON.stringify(u.body)).toBe(201);
  const l = await api("POST", "/v1/auth/login", { token: null, body: { org: o.slug, email, password } });
  expect(l.status, JSON.stringify(l.body)).toBe(200);
  return { token: l.body.token as string, user_id: u.body.user_id as string };
}

/** What a client might send to pose as someone else: the object's internal header. */
const FORGED = { "x-orgo-live-viewer": encodeURIComponent(JSON.stringify({ user_id: null, admin: true, positions: [], token_id: null })) };

function upgrade(slug: string, token: string | null, via: "header" | "query" = "header", extra: Record<string, string> = {}): Promise<Response> {
  const headers: Record<string, string> = { ...extra, Upgrade: "websocket" };
  if (token && via === "header") headers.authorization = `Bearer ${token}`;
  const query = token && via === "query" ? `?token=${encodeURIComponent(token)}` : "";
  return exports.default.fetch(new Request(`${BASE}/v1/orgs/${slug}/events${query}`, { headers }));
}

async function connect(slug: string, token: string, via: "header" | "query" = "header", extra: Record<string, string> = {}): Promise<Live> {
  const res = await upgrade(slug, token, via, extra);
  expect(res.status, await (res.status === 101 ? "" : res.text())).toBe(101);
  const ws = res.webSocket as WebSocket;
  expect(ws).toBeTruthy();
  const messages: unknown[] = [];
  const closed = new Promise<CloseEvent>((resolve) => ws.addEventListener("close", (e) => resolve(e)));
  ws.addEventListener("message", (e) => {
    const data = typeof e.data === "string" ? e.data : "";
    try {
      messages.push(JSON.parse(data));
    } catch {
      messages.push(data);
    }
  });
  ws.accept();
  open.push(ws);
  const events = () => messages.filter((m): m is Event => typeof m === "object" && m !== null && "type" in m);
  const waitFor = async (what: string, done: (events: Event[]) => boolean) => {
    const until = Date.now() + 5_000;
    while (!done(events())) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(messages)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return events();
  };
  return { ws, messages, events, closed, waitFor };
}

async function closeAll(...lives: Live[]) {
  for (const l of lives) {
    l.ws.close(1000, "done");
    const i = open.indexOf(l.ws);
    if (i >= 0) open.splice(i, 1);
  }
}

const of = (events: Event[], id: string) => events.filter((e) => e.id === id);
const versions = (events: Event[], id: string) => of(events, id).map((e) => e.version);
const increasing = (xs: number[]) => xs.every((x, i) => i === 0 || x > (xs[i - 1] as number));

describe("live updates: GET /v1/orgs/{org}/events", () => {
  it("sends a created case and a task's transitions (and an escalation by the alarm) in version order", async () => {
    const o = await org("need_to_know");
    const live = await connect(o.slug, o.token);
    const c = await newCase(o.slug, o.token, { title: "Leak", label: MAINTENANCE, severity: "high" });
    const t = await newTask(o.slug, o.token, c.case_id, { title: "Mop", severity: "critical" });
    const moved = await transition(o.slug, o.token, t.task_id, { to: "in_progress", expected_version: t.version });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);

    let events = await live.waitFor("the transition", (es) => es.some((e) => e.id === t.task_id && e.version === moved.body.version));
    // The message's shape is exactly the contract's.
    for (const e of events) {
      expect(Object.keys(e).sort()).toEqual(["at", "id", "type", "version"]);
      expect(["case", "task", "notification"]).toContain(e.type);
      expect(Number.isInteger(e.version)).toBe(true);
      expect(Number.isNaN(Date.parse(e.at))).toBe(false);
    }
    expect(of(events, c.case_id)[0]).toEqual({ type: "case", id: c.case_id, version: c.version, at: c.updated_at });
    expect(of(events, t.task_id).every((e) => e.type === "task")).toBe(true);
    expect(versions(events, t.task_id)).toEqual([t.version, moved.body.version]);
    expect(increasing(versions(events, c.case_id))).toBe(true);
    // The high-severity case notified in-app; the admin sees every in-app notice.
    expect(events.some((e) => e.type === "notification")).toBe(true);

    // A commit by the alarm (an escalation) is published too.
    const second = await newTask(o.slug, o.token, c.case_id, { title: "Call the plumber", severity: "critical" });
    await runAlarmAt(orgStub(o.org.org_id), Date.parse(second.reactivity_deadline) + 1_000);
    events = await live.waitFor("the escalation", (es) => versions(es, second.task_id).length >= 2);
    expect(versions(events, second.task_id).slice(0, 2)).toEqual([1, 2]);
    const escalated = await api("GET", `/v1/orgs/${o.slug}/tasks/${second.task_id}`, { token: o.token });
    expect(escalated.body.escalation_level).toBeGreaterThanOrEqual(1);
    expect(versions(events, second.task_id)).toContain(escalated.body.version);
    for (const id of [c.case_id, t.task_id, second.task_id]) expect(increasing(versions(events, id)), id).toBe(true);

    // A keep-alive is answered without a change.
    live.ws.send("ping");
    await live.waitFor("pong", () => live.messages.includes("pong"));
    await closeAll(live);
    await quiet(o);
  });

  it("takes the token as ?token= (this route only), and refuses what it must before upgrading", async () => {
    const o = await org("open");
    const other = await createOrg({ profile_yaml: PROFILE("open") });
    armed.push(other);
    const live = await connect(o.slug, o.token, "query");
    const c = await newCase(o.slug, o.token, { title: "By query token", label: MAINTENANCE, severity: "low" });
    await live.waitFor("the case", (es) => of(es, c.case_id).length > 0);

    // No token: 401; a token of another organization: 404, exactly like an unknown organization.
    const none = await upgrade(o.slug, null);
    expect(none.webSocket).toBeNull();
    expectProblem({ status: none.status, headers: none.headers, body: await none.json() }, 401, "unauthorized");
    for (const via of ["header", "query"] as const) {
      const foreign = await upgrade(o.slug, other.token, via);
      expect(foreign.webSocket, via).toBeNull();
      const body = await foreign.json();
      expectProblem({ status: foreign.status, headers: foreign.headers, body }, 404, "not-found");
      expect(JSON.stringify(body)).not.toContain(o.org.org_id);
    }
    const bad = await upgrade(o.slug, "orgo_not-a-token", "query");
    expect(bad.status).toBe(401);
    await bad.arrayBuffer();
    // The query token is for this route only.
    const elsewhere = await exports.default.fetch(new Request(`${BASE}/v1/orgs/${o.slug}/cases?token=${encodeURIComponent(o.token)}`));
    expect(elsewhere.status).toBe(401);
    await elsewhere.arrayBuffer();
    // A plain GET (no upgrade) with a good token: 426, problem+json.
    const plain = await api("GET", `/v1/orgs/${o.slug}/events`, { token: o.token });
    expect(plain.status).toBe(426);
    expect(plain.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(plain.body).toMatchObject({ type: "https://orgo.dev/problems/upgrade-required", status: 426 });
    // A client cannot speak for someone else through the object's internal header.
    const forged = await upgrade(o.slug, null, "header", FORGED);
    expect(forged.status).toBe(401);
    await forged.arrayBuffer();
    await closeAll(live);
    await quiet(o);
    await quiet(other);
  });

  it("need-to-know: a member hears only of what they may see (cases, tasks, notifications)", async () => {
    const o = await org("need_to_know");
    const facilities = await member(o, "fac", [{ level: 1001, role: "Facilities" }]);
    const maintenance = await member(o, "mnt", [{ level: 1001, role: "Operations.Maintenance" }]);
    // The facilities member also tries to pose as an admin through the object's internal header: dropped.
    const fac = await connect(o.slug, facilities.token, "header", FORGED);
    const mnt = await connect(o.slug, maintenance.token);
    const admin = await connect(o.slug, o.token);

    const hidden = await newCase(o.slug, o.token, { title: "Maintenance only", label: MAINTENANCE, severity: "high" });
    const hiddenTask = await newTask(o.slug, o.token, hidden.case_id, { title: "Maintenance task" });
    const seen = await newCase(o.slug, o.token, { title: "Facilities", label: FACILITIES, severity: "high" });
    const seenTask = await newTask(o.slug, o.token, seen.case_id, { title: "Facilities task" });

    await admin.waitFor("both cases", (es) => of(es, seenTask.task_id).length > 0 && of(es, hiddenTask.task_id).length > 0);
    // Messages on one socket keep their order: once the later, visible item arrived, the earlier hidden one would have.
    const facEvents = await fac.waitFor("the visible case's task", (es) => of(es, seenTask.task_id).length > 0);
    const mntEvents = await mnt.waitFor("the maintenance task", (es) => of(es, hiddenTask.task_id).length > 0);
    expect(of(facEvents, seen.case_id).length).toBeGreaterThan(0);
    expect(of(facEvents, hidden.case_id)).toEqual([]);
    expect(of(facEvents, hiddenTask.task_id)).toEqual([]);
    expect(of(mntEvents, seen.case_id)).toEqual([]);
    expect(of(mntEvents, seenTask.task_id)).toEqual([]);
    expect(of(mntEvents, hidden.case_id).length).toBeGreaterThan(0);
    expect(JSON.stringify(fac.messages)).not.toContain(hidden.case_id);

    // Notifications: exactly the in-app notices the member's own list shows (the admin: all of them).
    const listed = async (token: string) =>
      ((await api("GET", `/v1/orgs/${o.slug}/notifications?limit=200`, { token })).body.items as { notification_id: string }[])
        .map((n) => n.notification_id)
        .sort();
    const notices = (l: Live) =>
      l
        .events()
        .filter((e) => e.type === "notification")
        .map((e) => e.id)
        .sort();
    const facNotices = await listed(facilities.token);
    expect(facNotices.length).toBeGreaterThan(0);
    expect(notices(fac)).toEqual(facNotices);
    expect(notices(mnt)).toEqual(await listed(maintenance.token));
    expect(notices(admin)).toEqual(await listed(o.token));
    expect(notices(admin).length).toBeGreaterThan(facNotices.length);

    await closeAll(fac, mnt, admin);
    await quiet(o);
  });

  it("closes a socket when its token is revoked, and refuses a revoked token at connect", async () => {
    const o = await org("open");
    const m = await member(o, "leaver", [{ level: 1001, role: "Operations" }]);
    const stays = await member(o, "stayer", [{ level: 1001, role: "Operations" }]);
    const leaving = await connect(o.slug, m.token);
    const staying = await connect(o.slug, stays.token);
    const out = await api("POST", "/v1/auth/logout", { token: m.token });
    expect(out.status).toBe(204);
    const ended = await leaving.closed;
    expect(ended.code).toBe(1008);
    // The other member's socket is untouched and still hears changes.
    const c = await newCase(o.slug, o.token, { title: "After the logout", label: MAINTENANCE, severity: "low" });
    await staying.waitFor("the case", (es) => of(es, c.case_id).length > 0);
    expect(of(leaving.events(), c.case_id)).toEqual([]);

    const again = await upgrade(o.slug, m.token);
    expect(again.webSocket).toBeNull();
    expect(again.status).toBe(401);
    await again.arrayBuffer();
    await closeAll(staying);
    await quiet(o);
  });

  it("keeps each socket's viewer in its attachment, so a woken instance still judges by it", async () => {
    const o = await org("need_to_know");
    const facilities = await member(o, "fac", [{ level: 1001, role: "Facilities" }]);
    const fac = await connect(o.slug, facilities.token);
    const admin = await connect(o.slug, o.token, "query");
    const stub = orgStub(o.org.org_id);

    const viewers = await runInDurableObject(stub, (_i: OrgObject, state) => state.getWebSockets().map((ws) => viewerOf(ws)));
    expect(viewers).toHaveLength(2);
    expect(viewers).toContainEqual({
      user_id: facilities.user_id,
      admin: false,
      positions: [{ level: 1001, role: "Facilities" }],
      token_id: expect.any(String),
      expires_at: expect.any(String),
    });
    expect(viewers).toContainEqual({ user_id: o.admin.user_id, admin: true, positions: expect.any(Array), token_id: expect.any(String), expires_at: null });

    // As after hibernation: a new instance's LiveEvents, with no memory of its sockets but their attachments.
    await runInDurableObject(stub, (instance: OrgObject, state) => {
      const inner = instance as unknown as { live: LiveEvents; profile: () => never; now: () => Date };
      inner.live = new LiveEvents(
        state,
        new OrgStore(state.storage.sql),
        () => inner.profile(),
        () => inner.now(),
      );
    });
    const hidden = await newCase(o.slug, o.token, { title: "Maintenance only", label: MAINTENANCE, severity: "low" });
    const seen = await newCase(o.slug, o.token, { title: "Facilities", label: FACILITIES, severity: "low" });
    await admin.waitFor("both cases", (es) => of(es, hidden.case_id).length > 0 && of(es, seen.case_id).length > 0);
    const events = await fac.waitFor("the visible case", (es) => of(es, seen.case_id).length > 0);
    expect(of(events, hidden.case_id)).toEqual([]);
    expect(of(events, seen.case_id)[0]).toMatchObject({ type: "case", version: seen.version });

    await closeAll(fac, admin);
    await quiet(o);
  });
});
