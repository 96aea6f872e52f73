/**
 * Cases through the real Worker: create, labels, list with filters and
 * cursors, read with tasks, timeline and PATCH with If-Match (contract: Cases,
 * Labels, "Versions and status").
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Case, CaseWithTasks, Task } from "../../core/model";
import { addMs, allPages, api, createOrg, errorPaths, expectProblem, MINUTE, newCase, newTask, transition } from "./helpers";

type Org = Awaited<ReturnType<typeof createOrg>>;

async function countCases(o: Org): Promise<number> {
  return (await allPages(`/v1/orgs/${o.slug}/cases`, o.token, 200)).flat().length;
}

describe("POST /v1/orgs/{org}/cases", () => {
  let o: Org;
  beforeAll(async () => {
    o = await createOrg({ profile: "retail_ops" });
  });

  it("creates a case: 201 Case, version 1, open, ETag and request id headers", async () => {
    const person = await api("POST", `/v1/orgs/${o.slug}/persons`, { token: o.token, body: { display_name: "Pat Doe" } });
    expect(person.status, JSON.stringify(person.body)).toBe(201);
    const personId = person.body.person_id as string;
    const r = await api("POST", `/v1/orgs/${o.slug}/cases`, {
      token: o.token,
      body: {
        title: "Freezer 3 warm",
        description: "Reads -2C",
        label: "1001.91.Operations.Maintenance",
        severity: "high",
        location: { site: "Store 12", area: "Back" },
        tags: ["cold-chain"],
        metadata: { asset: "freezer-3" },
        person_id: personId,
        origin_role: "Operations",
      },
    });
    expect(r.status).toBe(201);
    const parsed = Case.safeParse(r.body);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(r.body).toMatchObject({
      title: "Freezer 3 warm",
      description: "Reads -2C",
      label: "1001.91.Operations.Maintenance",
      status: "open",
      severity: "high",
      location: { site: "Store 12", area: "Back" },
      tags: ["cold-chain"],
      metadata: { asset: "freezer-3" },
      person_id: personId,
      origin_role: "Operations",
      escalation_level: 0,
      reacted_at: null,
      version: 1,
    });
    expect(r.body.updated_at).toBe(r.body.created_at);
    expect(r.headers.get("etag")).toBe('"1"');
    expect(r.headers.get("x-request-id")).toBeTruthy();
  });

  it("refuses a person that is not one of the organization's: 422 naming person_id, nothing created", async () => {
    const before = await api("GET", `/v1/orgs/${o.slug}/cases?limit=200`, { token: o.token });
    const r = await api("POST", `/v1/orgs/${o.slug}/cases`, {
      token: o.token,
      body: { title: "Fall", label: "1001.91.Operations.Maintenance", person_id: "no-such-person" },
    });
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([{ path: "person_id", message: "no person with this id in the organization" }]);
    const after = await api("GET", `/v1/orgs/${o.slug}/cases?limit=200`, { token: o.token });
    expect(after.body.items.length).toBe(before.body.items.length);
  });

  it.each([
    ["critical", "PT10M", 10],
    ["high", "PT30M", 30],
  ] as const)("sets reactivity_deadline = created_at + the profile's %s window (%s)", async (severity, window, minutes) => {
    const c = await newCase(o.slug, o.token, { severity });
    expect(c.reactivity_time).toBe(window);
    expect(c.reactivity_deadline).toBe(addMs(c.created_at, minutes * MINUTE));
  });

  it("an explicit reactivity_time overrides the profile's window", async () => {
    const c = await newCase(o.slug, o.token, { severity: "high", reactivity_time: "PT7M" });
    expect(c.reactivity_time).toBe("PT7M");
    expect(c.reactivity_deadline).toBe(addMs(c.created_at, 7 * MINUTE));
  });

  it("without label or severity takes the profile's default_label and severity medium", async () => {
    const r = await api("POST", `/v1/orgs/${o.slug}/cases`, { token: o.token, body: { title: "Something" } });
    expect(r.status).toBe(201);
    expect(r.body.label).toBe("1001.14.Operations");
    expect(r.body.severity).toBe("medium");
    expect(r.body.reactivity_time).toBe("PT2H");
    expect(new Date(r.body.reactivity_deadline).getTime()).toBeGreaterThanOrEqual(new Date(r.body.created_at).getTime() + 2 * 60 * MINUTE);
  });

  it.each([
    ["1001.91.Operations.Safety"],
    ["1.11.Facilities"],
    ["11.54.IT.PointOfSale"],
    ["1000.15.Operations"],
    ["10.95.StoreOps"],
    ["1001.91.Operations.Safety.Night"],
  ])("accepts the label %s", async (label) => {
    const c = await newCase(o.slug, o.token, { label });
    expect(c.label).toBe(label);
  });

  it.each([
    ["bad BASE", "1002.91.Operations"],
    ["BASE 0", "0.91.Operations"],
    ["unknown role", "1001.91.Nope"],
    ["unknown sub-role parent", "1001.91.Ghost.Safety"],
    ["role differing in case", "1001.91.operations"],
    ["one digit only", "1001.9.Operations"],
    ["three digits", "1001.911.Operations"],
    ["no role", "1001.91"],
    ["empty role segment", "1001.91.Operations..Safety"],
    ["not a label", "fix the fridge"],
  ])("answers 422 with errors[].path 'label' for a label with %s (%s) and creates nothing", async (_why, label) => {
    const before = await countCases(o);
    const r = await api("POST", `/v1/orgs/${o.slug}/cases`, { token: o.token, body: { title: "x", label } });
    const p = expectProblem(r, 422);
    expect(errorPaths(r)).toEqual(["label"]);
    expect(p.errors?.[0]?.message.length).toBeGreaterThan(0);
    expect(await countCases(o)).toBe(before);
  });

  it("answers 422 naming the field for a missing title, a bad severity, a bad duration and an unknown field", async () => {
    const noTitle = await api("POST", `/v1/orgs/${o.slug}/cases`, { token: o.token, body: { label: "1001.91.Operations" } });
    expectProblem(noTitle, 422);
    expect(errorPaths(noTitle)).toContain("title");
    const sev = await api("POST", `/v1/orgs/${o.slug}/cases`, { token: o.token, body: { title: "x", severity: "urgent" } });
    expectProblem(sev, 422);
    expect(errorPaths(sev)).toContain("severity");
    const dur = await api("POST", `/v1/orgs/${o.slug}/cases`, { token: o.token, body: { title: "x", reactivity_time: "10 minutes" } });
    expectProblem(dur, 422);
    expect(errorPaths(dur)).toContain("reactivity_time");
    const extra = await api("POST", `/v1/orgs/${o.slug}/cases`, { token: o.token, body: { title: "x", status: "closed" } });
    expectProblem(extra, 422);
  });
});

describe("GET /v1/orgs/{org}/cases", () => {
  let o: Org;
  const made: any[] = [];
  beforeAll(async () => {
    o = await createOrg({ profile: "retail_ops" });
    const specs = [
      { label: "1001.91.Operations.Maintenance", severity: "high" },
      { label: "1001.91.Operations.Safety", severity: "critical" },
      { label: "1001.91.Operations.Maintenance", severity: "low" },
      { label: "11.14.Facilities", severity: "high" },
      { label: "1001.91.Operations.Maintenance", severity: "high" },
      { label: "1001.91.Operations.Safety", severity: "medium" },
      { label: "1001.91.Operations.Maintenance", severity: "critical" },
    ];
    for (const [i, s] of specs.entries()) made.push(await newCase(o.slug, o.token, { ...s, title: `Case ${i}` }));
    // Start a task on two of them, so their status becomes in_progress.
    for (const c of [made[1], made[4]]) {
      const t = await newTask(o.slug, o.token, c.case_id);
      expect((await transition(o.slug, o.token, t.task_id, { to: "in_progress" })).status).toBe(200);
    }
  });

  it("lists cases newest first as { items, next_cursor: null } when all fit", async () => {
    const r = await api("GET", `/v1/orgs/${o.slug}/cases`, { token: o.token });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(expect.arrayContaining(["items", "next_cursor"]));
    expect(r.body.next_cursor).toBeNull();
    expect(r.body.items.map((c: { case_id: string }) => c.case_id)).toEqual(made.map((c) => c.case_id).reverse());
    for (const c of r.body.items) expect(Case.safeParse(c).success).toBe(true);
  });

  it("filters by status", async () => {
    const r = await api("GET", `/v1/orgs/${o.slug}/cases?status=in_progress`, { token: o.token });
    expect(r.status).toBe(200);
    expect(r.body.items.map((c: { case_id: string }) => c.case_id)).toEqual([made[4].case_id, made[1].case_id]);
    for (const c of r.body.items) expect(c.status).toBe("in_progress");
    const open = await api("GET", `/v1/orgs/${o.slug}/cases?status=open`, { token: o.token });
    expect(open.body.items).toHaveLength(5);
    const closed = await api("GET", `/v1/orgs/${o.slug}/cases?status=closed`, { token: o.token });
    expect(closed.body).toEqual({ items: [], next_cursor: null });
  });

  it("filters by label and by severity, and combines filters", async () => {
    const byLabel = await api("GET", `/v1/orgs/${o.slug}/cases?label=1001.91.Operations.Maintenance`, { token: o.token });
    expect(byLabel.body.items.map((c: { case_id: string }) => c.case_id)).toEqual([made[6], made[4], made[2], made[0]].map((c) => c.case_id));
    const bySeverity = await api("GET", `/v1/orgs/${o.slug}/cases?severity=high`, { token: o.token });
    expect(bySeverity.body.items.map((c: { case_id: string }) => c.case_id)).toEqual([made[4], made[3], made[0]].map((c) => c.case_id));
    const both = await api("GET", `/v1/orgs/${o.slug}/cases?label=1001.91.Operations.Maintenance&severity=high&status=open`, { token: o.token });
    expect(both.body.items.map((c: { case_id: string }) => c.case_id)).toEqual([made[0].case_id]);
  });

  it("pages with limit and cursor: every case exactly once, in order, then next_cursor null", async () => {
    const pages = await allPages(`/v1/orgs/${o.slug}/cases`, o.token, 3);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    const ids = pages.flat().map((c: { case_id: string }) => c.case_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(made.map((c) => c.case_id).reverse());
  });

  it("pages a filtered list, and a page boundary that falls on the end gives next_cursor null", async () => {
    const pages = await allPages(`/v1/orgs/${o.slug}/cases?label=1001.91.Operations.Maintenance`, o.token, 2);
    expect(pages.map((p) => p.length)).toEqual([2, 2]);
    expect(pages.flat().map((c: { case_id: string }) => c.case_id)).toEqual([made[6], made[4], made[2], made[0]].map((c) => c.case_id));
    const exact = await api("GET", `/v1/orgs/${o.slug}/cases?limit=7`, { token: o.token });
    expect(exact.body.items).toHaveLength(7);
    expect(exact.body.next_cursor).toBeNull();
  });

  it("a case created between two pages does not shift the next page", async () => {
    const first = await api("GET", `/v1/orgs/${o.slug}/cases?limit=2`, { token: o.token });
    const extra = await newCase(o.slug, o.token, { title: "Late" });
    const second = await api("GET", `/v1/orgs/${o.slug}/cases?limit=2&cursor=${encodeURIComponent(first.body.next_cursor)}`, { token: o.token });
    const seen = [...first.body.items, ...second.body.items].map((c: { case_id: string }) => c.case_id);
    expect(seen).toEqual([made[6], made[5], made[4], made[3]].map((c) => c.case_id));
    expect(seen).not.toContain(extra.case_id);
    made.push(extra);
  });

  it.each([
    ["status=bogus", "status"],
    ["severity=urgent", "severity"],
    ["limit=0", "limit"],
    ["limit=201", "limit"],
    ["limit=abc", "limit"],
    ["cursor=not-a-cursor", "cursor"],
    ["unknown=1", null],
  ])("answers 422 for the invalid query parameter %s", async (query, path) => {
    const r = await api("GET", `/v1/orgs/${o.slug}/cases?${query}`, { token: o.token });
    expectProblem(r, 422);
    if (path) expect(errorPaths(r)).toContain(path);
  });

  it("accepts limit=200 (the maximum)", async () => {
    const r = await api("GET", `/v1/orgs/${o.slug}/cases?limit=200`, { token: o.token });
    expect(r.status).toBe(200);
  });
});

describe("list limits", () => {
  it("limit defaults to 50: 51 cases come back as 50, then 1", async () => {
    const o = await createOrg();
    const replies = await Promise.all(
      Array.from({ length: 51 }, (_, i) => api("POST", `/v1/orgs/${o.slug}/cases`, { token: o.token, body: { title: `bulk ${i}` } })),
    );
    expect(replies.every((r) => r.status === 201)).toBe(true);
    const first = await api("GET", `/v1/orgs/${o.slug}/cases`, { token: o.token });
    expect(first.body.items).toHaveLength(50);
    expect(typeof first.body.next_cursor).toBe("string");
    const second = await api("GET", `/v1/orgs/${o.slug}/cases?cursor=${encodeURIComponent(first.body.next_cursor)}`, { token: o.token });
    expect(second.body.items).toHaveLength(1);
    expect(second.body.next_cursor).toBeNull();
    const ids = [...first.body.items, ...second.body.items].map((c: { case_id: string }) => c.case_id);
    expect(new Set(ids)).toEqual(new Set(replies.map((r) => r.body.case_id)));
    const tasksDefault = await api("GET", `/v1/orgs/${o.slug}/audit`, { token: o.token });
    expect(tasksDefault.body.items).toHaveLength(50);
    expect(tasksDefault.body.next_cursor).not.toBeNull();
  });
});

describe("GET /v1/orgs/{org}/cases/{case_id}", () => {
  it("returns the case with its tasks, oldest task first, and an ETag equal to its version", async () => {
    const o = await createOrg();
    const c = await newCase(o.slug, o.token);
    const t1 = await newTask(o.slug, o.token, c.case_id, { title: "one" });
    const t2 = await newTask(o.slug, o.token, c.case_id, { title: "two" });
    const r = await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token });
    expect(r.status).toBe(200);
    const parsed = CaseWithTasks.safeParse(r.body);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(r.body.case_id).toBe(c.case_id);
    expect(r.body.tasks.map((t: { task_id: string }) => t.task_id)).toEqual([t1.task_id, t2.task_id]);
    for (const t of r.body.tasks) expect(Task.safeParse(t).success).toBe(true);
    expect(r.headers.get("etag")).toBe(`"${r.body.version}"`);
    const { tasks: _t, ...bare } = r.body;
    expect(bare).toEqual(c);
  });

  it("returns an empty tasks list for a case without tasks", async () => {
    const o = await createOrg();
    const c = await newCase(o.slug, o.token);
    const r = await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token });
    expect(r.body.tasks).toEqual([]);
  });

  it("answers 404 for an unknown case id and for a malformed one", async () => {
    const o = await createOrg();
    expectProblem(await api("GET", `/v1/orgs/${o.slug}/cases/${crypto.randomUUID()}`, { token: o.token }), 404);
    expectProblem(await api("GET", `/v1/orgs/${o.slug}/cases/not-a-uuid`, { token: o.token }), 404);
  });
});

describe("GET /v1/orgs/{org}/cases/{case_id}/timeline", () => {
  it("lists the case's creation, its tasks' changes and its own changes, oldest first", async () => {
    const o = await createOrg();
    const c = await newCase(o.slug, o.token);
    const t = await newTask(o.slug, o.token, c.case_id);
    expect((await transition(o.slug, o.token, t.task_id, { to: "in_progress", note: "on my way" })).status).toBe(200);
    expect((await api("PATCH", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token, body: { title: "Renamed" } })).status).toBe(200);
    // Another case's events stay out.
    const other = await newCase(o.slug, o.token, { title: "Other" });
    await newTask(o.slug, o.token, other.case_id);

    const r = await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}/timeline`, { token: o.token });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(expect.arrayContaining(["items"]));
    const items = r.body.items as { at: string; action: string; entity_id: string; details: Record<string, any> }[];
    expect(items.map((i) => i.action)).toEqual(["case.created", "task.created", "task.transitioned", "case.status_changed", "case.updated"]);
    expect(items.map((i) => i.entity_id)).toEqual([c.case_id, t.task_id, t.task_id, c.case_id, c.case_id]);
    for (let i = 1; i < items.length; i++) expect(items[i]!.at >= items[i - 1]!.at).toBe(true);
    expect(items[2]!.details.note).toBe("on my way");
    expect(items[3]!.details.status).toEqual({ from: "open", to: "in_progress" });
    expect(items[4]!.details.title).toEqual({ from: c.title, to: "Renamed" });
    expect(JSON.stringify(r.body)).not.toContain(other.case_id);
  });

  it("answers 404 for an unknown case", async () => {
    const o = await createOrg();
    expectProblem(await api("GET", `/v1/orgs/${o.slug}/cases/${crypto.randomUUID()}/timeline`, { token: o.token }), 404);
  });
});

describe("PATCH /v1/orgs/{org}/cases/{case_id}", () => {
  let o: Org;
  beforeAll(async () => {
    o = await createOrg({ profile: "retail_ops" });
  });
  const patch = (caseId: string, body: unknown, ifMatch?: string) =>
    api("PATCH", `/v1/orgs/${o.slug}/cases/${caseId}`, { token: o.token, body, headers: ifMatch === undefined ? {} : { "if-match": ifMatch } });

  it("with a matching If-Match changes the case: 200, version + 1, ETag, and the read shows it", async () => {
    const c = await newCase(o.slug, o.token);
    const r = await patch(c.case_id, { title: "New title", tags: ["a", "b"], metadata: { k: 1 }, location: { site: "S1", area: null } }, "1");
    expect(r.status).toBe(200);
    expect(Case.safeParse(r.body).success).toBe(true);
    expect(r.body).toMatchObject({ title: "New title", tags: ["a", "b"], metadata: { k: 1 }, location: { site: "S1", area: null }, version: 2 });
    expect(r.headers.get("etag")).toBe('"2"');
    expect(r.body.updated_at >= c.updated_at).toBe(true);
    expect(r.body.created_at).toBe(c.created_at);
    const read = await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token });
    expect(read.body.version).toBe(2);
    expect(read.body.title).toBe("New title");
    expect(read.headers.get("etag")).toBe('"2"');
  });

  it('accepts If-Match in ETag form ("2", W/"2") and no If-Match at all', async () => {
    const c = await newCase(o.slug, o.token);
    expect((await patch(c.case_id, { title: "v2" }, '"1"')).body.version).toBe(2);
    expect((await patch(c.case_id, { title: "v3" }, 'W/"2"')).body.version).toBe(3);
    expect((await patch(c.case_id, { title: "v4" })).body.version).toBe(4);
  });

  it("with a stale If-Match answers 409 and changes nothing", async () => {
    const c = await newCase(o.slug, o.token);
    expect((await patch(c.case_id, { title: "first" }, "1")).status).toBe(200);
    const stale = await patch(c.case_id, { title: "second" }, "1");
    expectProblem(stale, 409);
    const read = await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token });
    expect(read.body.version).toBe(2);
    expect(read.body.title).toBe("first");
    const audit = await api("GET", `/v1/orgs/${o.slug}/audit?entity_id=${c.case_id}`, { token: o.token });
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(["case.updated", "case.created"]);
  });

  it("answers 422 for a malformed If-Match", async () => {
    const c = await newCase(o.slug, o.token);
    expectProblem(await patch(c.case_id, { title: "x" }, "yesterday"), 422);
  });

  it("closes a case; a closed case is final: further changes get 422 and it stays closed", async () => {
    const c = await newCase(o.slug, o.token);
    const closed = await patch(c.case_id, { status: "closed" });
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe("closed");
    expect(closed.body.version).toBe(2);
    const again = await patch(c.case_id, { title: "reopen me" });
    expectProblem(again, 422);
    expectProblem(await patch(c.case_id, { status: "resolved" }), 422);
    const read = await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token });
    expect(read.body).toMatchObject({ status: "closed", version: 2, title: c.title });
    // No new work either.
    expectProblem(await api("POST", `/v1/orgs/${o.slug}/cases/${c.case_id}/tasks`, { token: o.token, body: { title: "late" } }), 422);
  });

  it("resolves a case by hand, which may then be closed", async () => {
    const c = await newCase(o.slug, o.token);
    const res = await patch(c.case_id, { status: "resolved" });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("resolved");
    expect((await patch(c.case_id, { status: "closed" })).body.status).toBe("closed");
  });

  it("answers 422 for a status a person may not set, a bad label, an empty patch and an unknown field", async () => {
    const c = await newCase(o.slug, o.token);
    const st = await patch(c.case_id, { status: "in_progress" });
    expectProblem(st, 422);
    expect(errorPaths(st)).toContain("status");
    const label = await patch(c.case_id, { label: "1001.91.Nobody" });
    expectProblem(label, 422);
    expect(errorPaths(label)).toEqual(["label"]);
    expectProblem(await patch(c.case_id, {}), 422);
    expectProblem(await patch(c.case_id, { version: 9 }), 422);
    const read = await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token });
    expect(read.body.version).toBe(1);
    expect(read.body.label).toBe(c.label);
  });

  it("a severity change recomputes the reactivity deadline from created_at", async () => {
    const c = await newCase(o.slug, o.token, { severity: "high" });
    expect(c.reactivity_deadline).toBe(addMs(c.created_at, 30 * MINUTE));
    const r = await patch(c.case_id, { severity: "critical" }, "1");
    expect(r.status).toBe(200);
    expect(r.body.severity).toBe("critical");
    expect(r.body.reactivity_time).toBe("PT10M");
    expect(r.body.reactivity_deadline).toBe(addMs(c.created_at, 10 * MINUTE));
    const read = await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token });
    expect(read.body.reactivity_deadline).toBe(addMs(c.created_at, 10 * MINUTE));
  });

  it("a severity change keeps the deadline of a case that already reacted", async () => {
    const c = await newCase(o.slug, o.token, { severity: "high" });
    const t = await newTask(o.slug, o.token, c.case_id);
    expect((await transition(o.slug, o.token, t.task_id, { to: "in_progress" })).status).toBe(200);
    const before = (await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: o.token })).body;
    expect(before.reacted_at).not.toBeNull();
    const r = await patch(c.case_id, { severity: "critical" }, String(before.version));
    expect(r.status).toBe(200);
    expect(r.body.severity).toBe("critical");
    expect(r.body.reactivity_deadline).toBe(before.reactivity_deadline);
    expect(r.body.reactivity_time).toBe(before.reactivity_time);
  });

  it("answers 404 for an unknown case", async () => {
    expectProblem(await patch(crypto.randomUUID(), { title: "x" }), 404);
  });
});
