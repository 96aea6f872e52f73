/**
 * Tasks through the real Worker: create, list, read, the transition matrix,
 * expected_version, and the case status that aggregates its tasks (contract:
 * Tasks, Cases, "Versions and status").
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Task } from "../../core/model";
import { addMs, allPages, api, createOrg, errorPaths, expectProblem, MINUTE, newCase, newTask, transition } from "./helpers";

type Org = Awaited<ReturnType<typeof createOrg>>;
const STATUSES = ["pending", "in_progress", "completed", "cancelled"] as const;
type Status = (typeof STATUSES)[number];
const ALLOWED: Record<Status, Status[]> = {
  pending: ["in_progress", "cancelled"],
  in_progress: ["completed", "cancelled"],
  completed: [],
  cancelled: [],
};
/** How to bring a fresh (pending) task to each status. */
const PATH_TO: Record<Status, Status[]> = {
  pending: [],
  in_progress: ["in_progress"],
  completed: ["in_progress", "completed"],
  cancelled: ["cancelled"],
};

async function getCase(o: Org, caseId: string) {
  const r = await api("GET", `/v1/orgs/${o.slug}/cases/${caseId}`, { token: o.token });
  expect(r.status).toBe(200);
  return r.body;
}

async function getTask(o: Org, taskId: string) {
  const r = await api("GET", `/v1/orgs/${o.slug}/tasks/${taskId}`, { token: o.token });
  expect(r.status).toBe(200);
  return r.body;
}

describe("POST /v1/orgs/{org}/cases/{case_id}/tasks", () => {
  let o: Org;
  let roles: { role_id: string; name: string }[];
  beforeAll(async () => {
    o = await createOrg({ profile: "retail_ops" });
    roles = (await api("GET", `/v1/orgs/${o.slug}/roles`, { token: o.token })).body.items;
  });
  const roleId = (name: string) => roles.find((r) => r.name === name)!.role_id;

  it("creates a task that inherits its case's label and severity: 201 Task, pending, version 1, ETag", async () => {
    const c = await newCase(o.slug, o.token, { label: "1001.91.Operations.Maintenance", severity: "critical" });
    const r = await api("POST", `/v1/orgs/${o.slug}/cases/${c.case_id}/tasks`, {
      token: o.token,
      body: { title: "Fix it", type: "maintenance", subtype: "leak" },
    });
    expect(r.status).toBe(201);
    const parsed = Task.safeParse(r.body);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(r.body).toMatchObject({
      case_id: c.case_id,
      title: "Fix it",
      type: "maintenance",
      subtype: "leak",
      status: "pending",
      label: "1001.91.Operations.Maintenance",
      severity: "critical",
      reactivity_time: "PT10M",
      reacted_at: null,
      escalation_level: 0,
      version: 1,
    });
    expect(r.body.reactivity_deadline).toBe(addMs(r.body.created_at, 10 * MINUTE));
    // Ownership is never inferred from the label: it widens who may see and act.
    expect(r.body.owner_role).toBeNull();
    expect(r.body.owner_role_id).toBeNull();
    expect(r.headers.get("etag")).toBe('"1"');
  });

  it("takes an explicit label, severity and owner (by name or by id) over the case's", async () => {
    const c = await newCase(o.slug, o.token, { label: "1001.91.Operations.Maintenance", severity: "critical" });
    const byName = await newTask(o.slug, o.token, c.case_id, { label: "1001.91.Operations.Safety", severity: "high", owner_role: "StoreOps.Managers" });
    expect(byName).toMatchObject({
      label: "1001.91.Operations.Safety",
      severity: "high",
      owner_role: "StoreOps.Managers",
      owner_role_id: roleId("StoreOps.Managers"),
      reactivity_time: "PT30M",
    });
    expect(byName.reactivity_deadline).toBe(addMs(byName.created_at, 30 * MINUTE));
    const byId = await newTask(o.slug, o.token, c.case_id, { owner_role_id: roleId("Facilities") });
    expect(byId).toMatchObject({ owner_role: "Facilities", owner_role_id: roleId("Facilities"), label: c.label, severity: "critical" });
  });

  it("answers 422 naming the field for a bad label, unknown owner role or role id, and a missing title; creates nothing", async () => {
    const c = await newCase(o.slug, o.token);
    const label = await api("POST", `/v1/orgs/${o.slug}/cases/${c.case_id}/tasks`, { token: o.token, body: { title: "x", label: "1001.91.Ghost" } });
    expectProblem(label, 422);
    expect(errorPaths(label)).toEqual(["label"]);
    const owner = await api("POST", `/v1/orgs/${o.slug}/cases/${c.case_id}/tasks`, { token: o.token, body: { title: "x", owner_role: "Ghost" } });
    expectProblem(owner, 422);
    expect(errorPaths(owner)).toContain("owner_role");
    const ownerId = await api("POST", `/v1/orgs/${o.slug}/cases/${c.case_id}/tasks`, {
      token: o.token,
      body: { title: "x", owner_role_id: crypto.randomUUID() },
    });
    expectProblem(ownerId, 422);
    expect(errorPaths(ownerId)).toContain("owner_role_id");
    const title = await api("POST", `/v1/orgs/${o.slug}/cases/${c.case_id}/tasks`, { token: o.token, body: {} });
    expectProblem(title, 422);
    expect(errorPaths(title)).toContain("title");
    const read = await getCase(o, c.case_id);
    expect(read.tasks).toEqual([]);
    expect(read.version).toBe(1);
  });

  it("assigns a task to a user or a person of the organization, and refuses an unknown one at its field", async () => {
    const c = await newCase(o.slug, o.token);
    const person = await api("POST", `/v1/orgs/${o.slug}/persons`, { token: o.token, body: { display_name: "Assigned person" } });
    const path = `/v1/orgs/${o.slug}/cases/${c.case_id}/tasks`;
    const made = await api("POST", path, {
      token: o.token,
      body: { title: "Call back", assignee_user_id: o.admin.user_id, assignee_person_id: person.body.person_id },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({ assignee_user_id: o.admin.user_id, assignee_person_id: person.body.person_id });
    const read = await api("GET", `/v1/orgs/${o.slug}/tasks/${made.body.task_id}`, { token: o.token });
    expect(read.body).toMatchObject({ assignee_user_id: o.admin.user_id, assignee_person_id: person.body.person_id });
    for (const field of ["assignee_user_id", "assignee_person_id"]) {
      const r = await api("POST", path, { token: o.token, body: { title: "x", [field]: crypto.randomUUID() } });
      expectProblem(r, 422);
      expect(errorPaths(r)).toEqual([field]);
    }
    expect((await getCase(o, c.case_id)).tasks).toHaveLength(1);
  });

  it("answers 404 for an unknown case", async () => {
    expectProblem(await api("POST", `/v1/orgs/${o.slug}/cases/${crypto.randomUUID()}/tasks`, { token: o.token, body: { title: "x" } }), 404);
  });
});

describe("GET /v1/orgs/{org}/tasks and /tasks/{task_id}", () => {
  let o: Org;
  let c1: any;
  let c2: any;
  const made: any[] = [];
  beforeAll(async () => {
    o = await createOrg({ profile: "retail_ops" });
    c1 = await newCase(o.slug, o.token, { label: "1001.91.Operations.Maintenance" });
    c2 = await newCase(o.slug, o.token, { label: "1001.91.Operations.Safety" });
    made.push(await newTask(o.slug, o.token, c1.case_id, { title: "t0" }));
    made.push(await newTask(o.slug, o.token, c2.case_id, { title: "t1" }));
    made.push(await newTask(o.slug, o.token, c1.case_id, { title: "t2", label: "11.14.Facilities" }));
    made.push(await newTask(o.slug, o.token, c2.case_id, { title: "t3" }));
    made.push(await newTask(o.slug, o.token, c1.case_id, { title: "t4" }));
    expect((await transition(o.slug, o.token, made[1].task_id, { to: "in_progress" })).status).toBe(200);
    expect((await transition(o.slug, o.token, made[4].task_id, { to: "cancelled" })).status).toBe(200);
  });
  const ids = (items: { task_id: string }[]) => items.map((t) => t.task_id);

  it("lists tasks newest first", async () => {
    const r = await api("GET", `/v1/orgs/${o.slug}/tasks`, { token: o.token });
    expect(r.status).toBe(200);
    expect(r.body.next_cursor).toBeNull();
    expect(ids(r.body.items)).toEqual(ids(made).reverse());
    for (const t of r.body.items) expect(Task.safeParse(t).success).toBe(true);
  });

  it("filters by case_id, status and label", async () => {
    const byCase = await api("GET", `/v1/orgs/${o.slug}/tasks?case_id=${c1.case_id}`, { token: o.token });
    expect(ids(byCase.body.items)).toEqual(ids([made[4], made[2], made[0]]));
    const byStatus = await api("GET", `/v1/orgs/${o.slug}/tasks?status=pending`, { token: o.token });
    expect(ids(byStatus.body.items)).toEqual(ids([made[3], made[2], made[0]]));
    const inProgress = await api("GET", `/v1/orgs/${o.slug}/tasks?status=in_progress`, { token: o.token });
    expect(ids(inProgress.body.items)).toEqual([made[1].task_id]);
    const byLabel = await api("GET", `/v1/orgs/${o.slug}/tasks?label=11.14.Facilities`, { token: o.token });
    expect(ids(byLabel.body.items)).toEqual([made[2].task_id]);
    const combined = await api("GET", `/v1/orgs/${o.slug}/tasks?case_id=${c2.case_id}&status=pending`, { token: o.token });
    expect(ids(combined.body.items)).toEqual([made[3].task_id]);
    const none = await api("GET", `/v1/orgs/${o.slug}/tasks?case_id=${crypto.randomUUID()}`, { token: o.token });
    expect(none.body).toEqual({ items: [], next_cursor: null });
  });

  it("pages with limit and cursor, every task exactly once", async () => {
    const pages = await allPages(`/v1/orgs/${o.slug}/tasks`, o.token, 2);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    const all = ids(pages.flat());
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(ids(made).reverse());
  });

  it.each([["status=done"], ["limit=0"], ["limit=500"], ["cursor=%%%"], ["owner=me"]])("answers 422 for the invalid query %s", async (q) => {
    expectProblem(await api("GET", `/v1/orgs/${o.slug}/tasks?${q}`, { token: o.token }), 422);
  });

  it("reads one task with an ETag equal to its version, or 404", async () => {
    const r = await api("GET", `/v1/orgs/${o.slug}/tasks/${made[1].task_id}`, { token: o.token });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ task_id: made[1].task_id, status: "in_progress", version: 2 });
    expect(r.headers.get("etag")).toBe('"2"');
    expectProblem(await api("GET", `/v1/orgs/${o.slug}/tasks/${crypto.randomUUID()}`, { token: o.token }), 404);
  });
});

describe("POST /v1/orgs/{org}/tasks/{task_id}/transition", () => {
  let o: Org;
  let caseId: string;
  beforeAll(async () => {
    o = await createOrg({ profile: "retail_ops" });
    caseId = (await newCase(o.slug, o.token)).case_id;
  });

  const matrix = STATUSES.flatMap((from) => STATUSES.map((to) => [from, to, ALLOWED[from].includes(to)] as const));

  it.each(matrix)("%s → %s is allowed: %s", async (from, to, allowed) => {
    const t = await newTask(o.slug, o.token, caseId, { title: `${from}->${to}` });
    for (const step of PATH_TO[from]) expect((await transition(o.slug, o.token, t.task_id, { to: step })).status).toBe(200);
    const before = await getTask(o, t.task_id);
    expect(before.status).toBe(from);
    const r = await transition(o.slug, o.token, t.task_id, { to });
    if (allowed) {
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.status).toBe(to);
      expect(r.body.version).toBe(before.version + 1);
      expect(r.headers.get("etag")).toBe(`"${before.version + 1}"`);
      expect((await getTask(o, t.task_id)).status).toBe(to);
    } else {
      const p = expectProblem(r, 422);
      expect(errorPaths(r)).toContain("to");
      expect(p.detail.length).toBeGreaterThan(0);
      const after = await getTask(o, t.task_id);
      expect(after.status).toBe(from);
      expect(after.version).toBe(before.version);
    }
  });

  it("answers 422 for a status that does not exist", async () => {
    const t = await newTask(o.slug, o.token, caseId);
    const r = await transition(o.slug, o.token, t.task_id, { to: "done" });
    expectProblem(r, 422);
    expect(errorPaths(r)).toContain("to");
  });

  it("moving to in_progress is the first reaction: reacted_at is set once and kept", async () => {
    const t = await newTask(o.slug, o.token, caseId);
    const started = await transition(o.slug, o.token, t.task_id, { to: "in_progress" });
    expect(started.body.reacted_at).not.toBeNull();
    expect(started.body.reacted_at).toBe(started.body.updated_at);
    const done = await transition(o.slug, o.token, t.task_id, { to: "completed" });
    expect(done.body.reacted_at).toBe(started.body.reacted_at);
    const cancelled = await newTask(o.slug, o.token, caseId);
    expect((await transition(o.slug, o.token, cancelled.task_id, { to: "cancelled" })).body.reacted_at).toBeNull();
  });

  it("with the current expected_version succeeds; with a stale one answers 409 and changes nothing", async () => {
    const t = await newTask(o.slug, o.token, caseId);
    const ok = await transition(o.slug, o.token, t.task_id, { to: "in_progress", expected_version: 1 });
    expect(ok.status).toBe(200);
    expect(ok.body.version).toBe(2);
    const stale = await transition(o.slug, o.token, t.task_id, { to: "completed", expected_version: 1 });
    expectProblem(stale, 409);
    expect(errorPaths(stale)).toContain("expected_version");
    const after = await getTask(o, t.task_id);
    expect(after).toMatchObject({ status: "in_progress", version: 2 });
    const audit = await api("GET", `/v1/orgs/${o.slug}/audit?entity_id=${t.task_id}`, { token: o.token });
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(["task.transitioned", "task.created"]);
  });

  it("answers 404 for an unknown task and 422 for a body without `to`", async () => {
    expectProblem(await transition(o.slug, o.token, crypto.randomUUID(), { to: "in_progress" }), 404);
    const t = await newTask(o.slug, o.token, caseId);
    const r = await transition(o.slug, o.token, t.task_id, {});
    expectProblem(r, 422);
    expect(errorPaths(r)).toContain("to");
  });
});

describe("case status aggregates its tasks", () => {
  let o: Org;
  beforeAll(async () => {
    o = await createOrg({ profile: "retail_ops" });
  });

  it("a new task leaves an open case open and its version alone", async () => {
    const c = await newCase(o.slug, o.token);
    await newTask(o.slug, o.token, c.case_id);
    const read = await getCase(o, c.case_id);
    expect(read.status).toBe("open");
    expect(read.version).toBe(1);
  });

  it("moves to in_progress when one task starts (version + 1, reacted_at set)", async () => {
    const c = await newCase(o.slug, o.token);
    const a = await newTask(o.slug, o.token, c.case_id);
    await newTask(o.slug, o.token, c.case_id);
    expect((await transition(o.slug, o.token, a.task_id, { to: "in_progress" })).status).toBe(200);
    const read = await getCase(o, c.case_id);
    expect(read.status).toBe("in_progress");
    expect(read.version).toBe(2);
    expect(read.reacted_at).not.toBeNull();
  });

  it("moves to resolved when all tasks are completed or cancelled with at least one completed", async () => {
    const c = await newCase(o.slug, o.token);
    const a = await newTask(o.slug, o.token, c.case_id);
    const b = await newTask(o.slug, o.token, c.case_id);
    await transition(o.slug, o.token, a.task_id, { to: "in_progress" });
    await transition(o.slug, o.token, a.task_id, { to: "completed" });
    // One task still pending: not resolved yet.
    expect((await getCase(o, c.case_id)).status).toBe("in_progress");
    await transition(o.slug, o.token, b.task_id, { to: "cancelled" });
    const read = await getCase(o, c.case_id);
    expect(read.status).toBe("resolved");
    expect(read.version).toBe(3);
    const listed = await api("GET", `/v1/orgs/${o.slug}/cases?status=resolved`, { token: o.token });
    expect(listed.body.items.map((x: { case_id: string }) => x.case_id)).toContain(c.case_id);
  });

  it("is not resolved when every task was cancelled and none completed", async () => {
    const c = await newCase(o.slug, o.token);
    const a = await newTask(o.slug, o.token, c.case_id);
    const b = await newTask(o.slug, o.token, c.case_id);
    await transition(o.slug, o.token, a.task_id, { to: "cancelled" });
    await transition(o.slug, o.token, b.task_id, { to: "cancelled" });
    expect((await getCase(o, c.case_id)).status).not.toBe("resolved");
  });

  it("a new task on a resolved case reopens it", async () => {
    const c = await newCase(o.slug, o.token);
    const a = await newTask(o.slug, o.token, c.case_id);
    await transition(o.slug, o.token, a.task_id, { to: "in_progress" });
    await transition(o.slug, o.token, a.task_id, { to: "completed" });
    const resolved = await getCase(o, c.case_id);
    expect(resolved.status).toBe("resolved");
    const b = await newTask(o.slug, o.token, c.case_id, { title: "More work" });
    const reopened = await getCase(o, c.case_id);
    expect(["open", "in_progress"]).toContain(reopened.status);
    expect(reopened.version).toBe(resolved.version + 1);
    // And it resolves again when that work is done.
    await transition(o.slug, o.token, b.task_id, { to: "in_progress" });
    expect((await getCase(o, c.case_id)).status).toBe("in_progress");
    await transition(o.slug, o.token, b.task_id, { to: "completed" });
    expect((await getCase(o, c.case_id)).status).toBe("resolved");
  });

  it("a new task reopens a case that a person resolved by hand", async () => {
    const c = await newCase(o.slug, o.token);
    const res = await api("PATCH", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token, body: { status: "resolved" } });
    expect(res.body.status).toBe("resolved");
    await newTask(o.slug, o.token, c.case_id);
    const read = await getCase(o, c.case_id);
    expect(read.status).not.toBe("resolved");
    expect(read.version).toBe(3);
  });

  it("a closed case stays closed, at its version, while its tasks move", async () => {
    const c = await newCase(o.slug, o.token);
    const a = await newTask(o.slug, o.token, c.case_id);
    const closed = await api("PATCH", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token, body: { status: "closed" } });
    expect(closed.body.status).toBe("closed");
    await transition(o.slug, o.token, a.task_id, { to: "in_progress" });
    await transition(o.slug, o.token, a.task_id, { to: "completed" });
    const read = await getCase(o, c.case_id);
    expect(read.status).toBe("closed");
    expect(read.version).toBe(closed.body.version);
  });

  it("the case read with tasks agrees with the task records", async () => {
    const c = await newCase(o.slug, o.token);
    const a = await newTask(o.slug, o.token, c.case_id);
    await transition(o.slug, o.token, a.task_id, { to: "in_progress" });
    const read = await getCase(o, c.case_id);
    expect(read.tasks).toHaveLength(1);
    expect(read.tasks[0]).toEqual(await getTask(o, a.task_id));
  });
});
