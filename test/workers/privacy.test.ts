/**
 * Need-to-know privacy (issue 3 §4-5, "Done when" #2), through the real API.
 *
 * The truth tables below are written by hand from the rules of issue 3, not
 * computed with core/privacy/visibility.ts:
 *  - a position {level, role} sees and may act on an item when its role is the
 *    label's horizontal role or a role above it, at the label's level or
 *    above (ranks, top first: 1, 11, 101, 1001);
 *  - broadcast labels (10/100/1000) are seen by everyone at or below their
 *    level, whatever their role; a broadcast BASE is its level's BASE minus
 *    one (1000 is the staff broadcast, 100 the team leads', 10 the heads');
 *    seeing a broadcast is not the right to act on it;
 *  - the creator of an item sees it; the task's owner (an explicitly assigned
 *    owner_role) sees it and may act on it; org admins see and do everything;
 *  - an item the caller may not see is 404 and absent from every list;
 *    seen but not actionable is 403.
 * Escalation widens, never narrows. Under `privacy: open` every member sees
 * everything (acting still needs a matching position).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, allPages, api, createOrg, expectProblem, newCase, newTask, orgStub, runAlarmAt, transition, type Reply } from "./helpers";

type Position = { level: number; role: string };
type Org = Awaited<ReturnType<typeof createOrg>>;

// `base` notifies in-app only, so no webhook or mail delivery runs behind the tests.
const PROFILE = (name: string, privacy: "open" | "need_to_know") =>
  `name: ${name}\nextends: base\nprivacy: ${privacy}\nroles: [Operations, Operations.Safety, Operations.Maintenance, Facilities, IT]\nsensitive_person_fields: [diagnosis, mrn]\n`;

const LABELS = {
  safetyStaff: "1001.91.Operations.Safety",
  safetyLead: "101.14.Operations.Safety",
  opsHead: "11.14.Operations",
  facilitiesStaff: "1001.11.Facilities",
  opsBroadcast: "1000.15.Operations",
  maintenanceStaff: "1001.91.Operations.Maintenance",
} as const;
type LabelKey = keyof typeof LABELS;
const LABEL_KEYS = Object.keys(LABELS) as LabelKey[];

const POSITIONS = {
  staffSafety: [{ level: 1001, role: "Operations.Safety" }],
  leadSafety: [{ level: 101, role: "Operations.Safety" }],
  leadOps: [{ level: 101, role: "Operations" }],
  headFacilities: [{ level: 11, role: "Facilities" }],
  execOps: [{ level: 1, role: "Operations" }],
  staffMaintenance: [{ level: 1001, role: "Operations.Maintenance" }],
  mixed: [
    { level: 1001, role: "Facilities" },
    { level: 11, role: "Operations.Safety" },
  ],
  noPosition: [],
} satisfies Record<string, Position[]>;
type Who = keyof typeof POSITIONS;
const WHO = Object.keys(POSITIONS) as Who[];

/** A = sees and may act; S = sees, may not act (403); "-" = does not see (404). */
type Cell = "A" | "S" | "-";
//                         safetyStaff safetyLead opsHead facilitiesStaff opsBroadcast maintenanceStaff
const NEED_TO_KNOW: Record<Who, Cell[]> = {
  staffSafety: /*      */ ["A", "-", "-", "-", "S", "-"],
  leadSafety: /*       */ ["A", "A", "-", "-", "-", "-"],
  leadOps: /*          */ ["A", "A", "-", "-", "A", "A"],
  headFacilities: /*   */ ["-", "-", "-", "A", "-", "-"],
  execOps: /*          */ ["A", "A", "A", "-", "A", "A"],
  staffMaintenance: /* */ ["-", "-", "-", "-", "S", "A"],
  mixed: /*            */ ["A", "A", "-", "A", "S", "-"],
  noPosition: /*       */ ["-", "-", "-", "-", "-", "-"],
};
/** Open privacy: everyone sees everything; acting is still a matter of positions. */
const OPEN: Record<Who, Cell[]> = Object.fromEntries(WHO.map((w) => [w, NEED_TO_KNOW[w].map((c) => (c === "-" ? "S" : c))])) as Record<Who, Cell[]>;

const cell = (table: Record<Who, Cell[]>, who: Who, label: LabelKey): Cell => table[who][LABEL_KEYS.indexOf(label)] as Cell;
const sees = (table: Record<Who, Cell[]>, who: Who, label: LabelKey) => cell(table, who, label) !== "-";
const statusFor = (c: Cell) => (c === "A" ? 200 : c === "S" ? 403 : 404);

const strip = (b: Record<string, unknown>) => {
  const { request_id: _r, ...rest } = b;
  return rest;
};

interface World extends Org {
  tokens: Record<Who, string>;
  userIds: Record<Who, string>;
  cases: Record<LabelKey, any>;
  tasks: Record<LabelKey, any>;
}

async function addMember(o: Org, name: string, positions: Position[]) {
  const email = `${name.toLowerCase()}@${o.slug}.example`;
  const password = `pw-${name}-0123`;
  const u = await api("POST", `/v1/orgs/${o.slug}/users`, { token: o.token, body: { email, display_name: name, password, positions } });
  expect(u.status, JSON.stringify(u.body)).toBe(201);
  const l = await api("POST", "/v1/auth/login", { token: null, body: { org: o.slug, email, password } });
  expect(l.status, JSON.stringify(l.body)).toBe(200);
  return { token: l.body.token as string, user_id: u.body.user_id as string };
}

async function members(o: Org, who: readonly Who[]) {
  const tokens = {} as Record<Who, string>;
  const userIds = {} as Record<Who, string>;
  for (const w of who) {
    const m = await addMember(o, w, POSITIONS[w]);
    tokens[w] = m.token;
    userIds[w] = m.user_id;
  }
  return { tokens, userIds };
}

/** One case per label, each with one task of the same label owned by a role no member holds (IT). */
async function world(privacy: "open" | "need_to_know"): Promise<World> {
  const o = await createOrg({ profile_yaml: PROFILE(privacy === "open" ? "open_matrix" : "ntk_matrix", privacy) });
  const m = await members(o, WHO);
  const cases = {} as Record<LabelKey, any>;
  const tasks = {} as Record<LabelKey, any>;
  for (const k of LABEL_KEYS) {
    cases[k] = await newCase(o.slug, o.token, { title: `case ${k}`, label: LABELS[k], severity: "low" });
    tasks[k] = await newTask(o.slug, o.token, cases[k].case_id, { title: `task ${k}`, owner_role: "IT" });
    expect(tasks[k]).toMatchObject({ label: LABELS[k], owner_role: "IT" });
  }
  return { ...o, ...m, cases, tasks };
}

const ids = (items: { case_id?: string; task_id?: string }[], field: "case_id" | "task_id") => items.map((i) => i[field]).sort();

async function list(path: string, token: string): Promise<any[]> {
  const r = await api("GET", path, { token });
  expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBe(200);
  return r.body.items;
}

/**
 * Every assertion about what each member can see in `w`. Requests are kept
 * few: the test harness slows down with every request a file makes
 * (cloudflare/workers-sdk#15446).
 */
async function checkVisibility(w: World, table: Record<Who, Cell[]>) {
  const ghostCase = await api("GET", `/v1/orgs/${w.slug}/cases/${crypto.randomUUID()}`, { token: w.tokens.noPosition });
  const ghostTask = await api("GET", `/v1/orgs/${w.slug}/tasks/${crypto.randomUUID()}`, { token: w.tokens.noPosition });
  for (const who of WHO) {
    const token = w.tokens[who];
    const visible = LABEL_KEYS.filter((k) => sees(table, who, k));
    const msg = (what: string) => `${who} ${what}`;
    // Lists: exactly the visible items, nothing more, whatever the page size.
    const cases = await list(`/v1/orgs/${w.slug}/cases?limit=200`, token);
    expect(ids(cases, "case_id"), msg("list cases")).toEqual(
      ids(
        visible.map((k) => w.cases[k]),
        "case_id",
      ),
    );
    const tasks = await list(`/v1/orgs/${w.slug}/tasks?status=pending&limit=200`, token);
    expect(ids(tasks, "task_id"), msg("list tasks")).toEqual(
      ids(
        visible.map((k) => w.tasks[k]),
        "task_id",
      ),
    );
    const paged = (await allPages(`/v1/orgs/${w.slug}/cases`, token, 2)).flat();
    expect(ids(paged, "case_id"), msg("cases paged by 2")).toEqual(
      ids(
        visible.map((k) => w.cases[k]),
        "case_id",
      ),
    );

    for (const k of LABEL_KEYS) {
      const c = w.cases[k];
      const t = w.tasks[k];
      const can = sees(table, who, k);
      const at = (what: string) => msg(`${what} ${LABELS[k]}`);
      // Searches by label.
      expect(ids(await list(`/v1/orgs/${w.slug}/cases?label=${LABELS[k]}`, token), "case_id"), at("cases?label=")).toEqual(can ? [c.case_id] : []);
      expect(ids(await list(`/v1/orgs/${w.slug}/tasks?label=${LABELS[k]}`, token), "task_id"), at("tasks?label=")).toEqual(can ? [t.task_id] : []);
      // Reads.
      const gc = await api("GET", `/v1/orgs/${w.slug}/cases/${c.case_id}`, { token });
      const gt = await api("GET", `/v1/orgs/${w.slug}/tasks/${t.task_id}`, { token });
      if (can) {
        expect(gc.status, at("GET case")).toBe(200);
        expect(
          gc.body.tasks.map((x: any) => x.task_id),
          at("case's tasks"),
        ).toEqual([t.task_id]);
        expect(gt.status, at("GET task")).toBe(200);
      } else {
        for (const [r, ghost, what] of [
          [gc, ghostCase, "GET case"],
          [gt, ghostTask, "GET task"],
        ] as [Reply, Reply, string][]) {
          expectProblem(r, 404, "not-found");
          // Indistinguishable from an id that never existed.
          expect(strip(r.body), at(what)).toEqual(strip(ghost.body));
          expect(JSON.stringify(r.body), at(what)).not.toContain(`${k}`);
        }
      }
    }
  }
}

/**
 * Who may act, by the table: adding a task to the case (201, else 403/404),
 * moving a task (200, else 403/404), and, with `patch`, changing the case.
 * The task a member moves is the one they just added; a refusal is tried on
 * the shared pending task, which must stay as it was.
 */
async function checkActing(w: World, table: Record<Who, Cell[]>, patch: boolean) {
  for (const who of WHO) {
    for (const k of LABEL_KEYS) {
      const expected = statusFor(cell(table, who, k));
      const where = `${who} on ${LABELS[k]}`;
      const added = await api("POST", `/v1/orgs/${w.slug}/cases/${w.cases[k].case_id}/tasks`, {
        token: w.tokens[who],
        body: { title: `by ${who}`, owner_role: "IT" },
      });
      expect(added.status, `${where}: add a task ${JSON.stringify(added.body)}`).toBe(expected === 200 ? 201 : expected);
      const target = expected === 200 ? added.body.task_id : w.tasks[k].task_id;
      const r = await transition(w.slug, w.tokens[who], target, { to: "in_progress" });
      expect(r.status, `${where}: move a task ${JSON.stringify(r.body)}`).toBe(expected);
      if (expected === 200) expect(r.body).toMatchObject({ task_id: target, status: "in_progress", version: 2 });
      else expectProblem(r, expected, expected === 403 ? "forbidden" : "not-found");
      if (patch) {
        const p = await api("PATCH", `/v1/orgs/${w.slug}/cases/${w.cases[k].case_id}`, { token: w.tokens[who], body: { tags: [`touched-by-${who}`] } });
        expect(p.status, `${where}: change the case ${JSON.stringify(p.body)}`).toBe(expected);
      }
    }
  }
  // Every refused move left the shared tasks pending at version 1.
  const shared = await list(`/v1/orgs/${w.slug}/tasks?status=pending&limit=200`, w.token);
  expect(ids(shared, "task_id")).toEqual(
    ids(
      LABEL_KEYS.map((k) => w.tasks[k]),
      "task_id",
    ),
  );
  for (const t of shared) expect(t.version).toBe(1);
}

describe("need_to_know: 8 members × 6 labels", () => {
  let w: World;
  beforeAll(async () => {
    w = await world("need_to_know");
  }, 240_000);

  it("the hand-written table has 8 members and 6 labels, and covers act, see-only and hidden cells", () => {
    expect(WHO.length).toBeGreaterThanOrEqual(4);
    expect(LABEL_KEYS.length).toBeGreaterThanOrEqual(6);
    const cells = WHO.flatMap((who) => NEED_TO_KNOW[who]);
    expect(cells.length).toBe(WHO.length * LABEL_KEYS.length);
    expect(new Set(cells)).toEqual(new Set(["A", "S", "-"]));
  });

  it("each member sees exactly the items of the table in get, list, paged list and label search; others are 404", async () => {
    await checkVisibility(w, NEED_TO_KNOW);
  }, 240_000);

  it("org admins see every item", async () => {
    expect(await list(`/v1/orgs/${w.slug}/cases?limit=200`, w.token)).toHaveLength(LABEL_KEYS.length);
    expect(await list(`/v1/orgs/${w.slug}/tasks?limit=200`, w.token)).toHaveLength(LABEL_KEYS.length);
  });

  it("only matching positions (or admins) add work, move a task or change a case: 2xx, else 403 if seen, else 404", async () => {
    await checkActing(w, NEED_TO_KNOW, true);
    const t = await newTask(w.slug, w.token, w.cases.opsHead.case_id, { title: "admin moves", owner_role: "IT" });
    expect((await transition(w.slug, w.token, t.task_id, { to: "in_progress" })).status).toBe(200);
  }, 240_000);
});

describe("open privacy: the same data, every member sees everything", () => {
  let w: World;
  beforeAll(async () => {
    w = await world("open");
  }, 240_000);

  it("every member sees all cases and tasks in get, list and label search", async () => {
    for (const who of WHO) expect(OPEN[who].every((c) => c !== "-")).toBe(true);
    await checkVisibility(w, OPEN);
  }, 240_000);

  it("acting still needs a matching position: 2xx or 403, never 404", async () => {
    await checkActing(w, OPEN, false);
  }, 240_000);
});

describe("creator and owner", () => {
  let o: Org;
  let m: Awaited<ReturnType<typeof members>>;
  beforeAll(async () => {
    o = await createOrg({ profile_yaml: PROFILE("ntk_owner", "need_to_know") });
    m = await members(o, ["staffSafety", "staffMaintenance", "headFacilities", "leadOps"]);
  }, 240_000);

  it("the creator sees the case they opened outside their scope (get, list, search), but may not act on it", async () => {
    const r = await api("POST", `/v1/orgs/${o.slug}/cases`, {
      token: m.tokens.staffSafety,
      body: { title: "Reported by staff", label: LABELS.opsHead, severity: "low" },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const c = r.body;
    expect((await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: m.tokens.staffSafety })).status).toBe(200);
    expect(ids(await list(`/v1/orgs/${o.slug}/cases?limit=200`, m.tokens.staffSafety), "case_id")).toEqual([c.case_id]);
    expect(ids(await list(`/v1/orgs/${o.slug}/cases?label=${LABELS.opsHead}`, m.tokens.staffSafety), "case_id")).toEqual([c.case_id]);
    expectProblem(await api("PATCH", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: m.tokens.staffSafety, body: { title: "x" } }), 403);
    // Another staff member of another team does not see it; the 101 Operations lead does not either (an 11 item).
    expectProblem(await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: m.tokens.staffMaintenance }), 404);
    expectProblem(await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: m.tokens.leadOps }), 404);
    expect(await list(`/v1/orgs/${o.slug}/cases?limit=200`, m.tokens.leadOps)).toEqual([]);
  });

  it("a task's explicitly assigned owner role sees it and may move it, though the label is another team's", async () => {
    const c = await newCase(o.slug, o.token, { title: "Biohazard", label: LABELS.safetyStaff, severity: "low" });
    const t = await newTask(o.slug, o.token, c.case_id, { title: "Facilities cleans up", owner_role: "Facilities" });
    // Facilities head: owner of the task, not of the case.
    expect((await api("GET", `/v1/orgs/${o.slug}/tasks/${t.task_id}`, { token: m.tokens.headFacilities })).status).toBe(200);
    expect(ids(await list(`/v1/orgs/${o.slug}/tasks?limit=200`, m.tokens.headFacilities), "task_id")).toEqual([t.task_id]);
    expectProblem(await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: m.tokens.headFacilities }), 404);
    expect(await list(`/v1/orgs/${o.slug}/cases?limit=200`, m.tokens.headFacilities)).toEqual([]);
    expect((await transition(o.slug, m.tokens.headFacilities, t.task_id, { to: "in_progress" })).status).toBe(200);
    // Maintenance staff: neither label nor owner.
    expectProblem(await api("GET", `/v1/orgs/${o.slug}/tasks/${t.task_id}`, { token: m.tokens.staffMaintenance }), 404);
    // The case's own team sees the case with both of its tasks... and the safety staff sees this task through its label.
    const asSafety = await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: m.tokens.staffSafety });
    expect(asSafety.body.tasks.map((x: any) => x.task_id)).toEqual([t.task_id]);
  });

  it("a task without an explicit owner is judged by its label: staff do not see a higher-level task of their team", async () => {
    // Whatever owner a task gets by default, it must not lift the level rule ("staff do not see 11-level items").
    const c = await newCase(o.slug, o.token, { title: "Department matter", label: LABELS.safetyLead, severity: "low" });
    const t = await newTask(o.slug, o.token, c.case_id, { title: "Team-lead work" });
    expect(t).toMatchObject({ label: LABELS.safetyLead });
    expectProblem(await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token: m.tokens.staffSafety }), 404);
    expectProblem(await api("GET", `/v1/orgs/${o.slug}/tasks/${t.task_id}`, { token: m.tokens.staffSafety }), 404);
    expect((await list(`/v1/orgs/${o.slug}/tasks?label=${LABELS.safetyLead}`, m.tokens.staffSafety)).map((x) => x.task_id)).toEqual([]);
    expectProblem(await transition(o.slug, m.tokens.staffSafety, t.task_id, { to: "in_progress" }), 404);
    // The team's lead does.
    expect((await api("GET", `/v1/orgs/${o.slug}/tasks/${t.task_id}`, { token: m.tokens.leadOps })).status).toBe(200);
  });
});

describe("a case the caller sees does not reveal its tasks the caller may not see", () => {
  it("GET case, task lists and the case's timeline all leave out a hidden task", async () => {
    const o = await createOrg({ profile_yaml: PROFILE("ntk_timeline", "need_to_know") });
    const m = await members(o, ["staffSafety", "execOps"]);
    const c = await newCase(o.slug, o.token, { title: "Near miss", label: LABELS.safetyStaff, severity: "low" });
    const open = await newTask(o.slug, o.token, c.case_id, { title: "Visible follow-up", owner_role: "IT" });
    const HIDDEN_TITLE = "Disciplinary review of the shift lead 5521";
    const hidden = await newTask(o.slug, o.token, c.case_id, { title: HIDDEN_TITLE, label: LABELS.opsHead, owner_role: "IT" });
    await transition(o.slug, o.token, hidden.task_id, { to: "in_progress", note: "confidential note 5521" });

    const token = m.tokens.staffSafety;
    const kase = await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}`, { token });
    expect(kase.status).toBe(200);
    expect(kase.body.tasks.map((t: any) => t.task_id)).toEqual([open.task_id]);
    expect(ids(await list(`/v1/orgs/${o.slug}/tasks?case_id=${c.case_id}`, token), "task_id")).toEqual([open.task_id]);
    expectProblem(await api("GET", `/v1/orgs/${o.slug}/tasks/${hidden.task_id}`, { token }), 404);

    const timeline = await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}/timeline`, { token });
    expect(timeline.status).toBe(200);
    const text = JSON.stringify(timeline.body);
    expect(text).toContain(open.task_id);
    expect(text, "the timeline names the hidden task").not.toContain(hidden.task_id);
    expect(text, "the timeline shows the hidden task's title").not.toContain(HIDDEN_TITLE);
    expect(text, "the timeline shows the hidden task's note").not.toContain("confidential note 5521");
    // The executive of Operations sees it all.
    const full = JSON.stringify((await api("GET", `/v1/orgs/${o.slug}/cases/${c.case_id}/timeline`, { token: m.tokens.execOps })).body);
    expect(full).toContain(hidden.task_id);
  }, 240_000);
});

describe("escalation widens visibility, never narrows it", () => {
  let o: Org;
  let m: Awaited<ReturnType<typeof members>>;
  const TEAM: Who[] = ["staffSafety", "leadSafety", "headFacilities", "staffMaintenance", "execOps", "noPosition"];

  beforeAll(async () => {
    o = await createOrg({ profile_yaml: PROFILE("ntk_escalation", "need_to_know") });
    m = await members(o, TEAM);
  }, 240_000);

  /** Whether `who` sees the case and its task, asserting that get and list agree. */
  async function seen(who: Who, kase: any, task: any) {
    const token = m.tokens[who];
    const gc = (await api("GET", `/v1/orgs/${o.slug}/cases/${kase.case_id}`, { token })).status;
    const gt = (await api("GET", `/v1/orgs/${o.slug}/tasks/${task.task_id}`, { token })).status;
    const lc = (await list(`/v1/orgs/${o.slug}/cases?limit=200`, token)).some((x) => x.case_id === kase.case_id);
    const lt = (await list(`/v1/orgs/${o.slug}/tasks?case_id=${kase.case_id}`, token)).some((x) => x.task_id === task.task_id);
    expect([gc === 200, gt === 200, lc, lt], `${who}: get case ${gc}, get task ${gt}, in lists ${lc}/${lt}`).toEqual([
      gc === 200,
      gc === 200,
      gc === 200,
      gc === 200,
    ]);
    return gc === 200;
  }

  it("after a staff item and a broadcast escalate, everyone who saw them still does, and the broadcast reaches the next level", async () => {
    // Long enough for the "before" checks to finish before anything climbs.
    const escalating = { severity: "critical", reactivity_time: "PT8S" };
    const staffCase = await newCase(o.slug, o.token, { title: "Unsafe ladder", label: LABELS.safetyStaff, ...escalating });
    const staffTask = await newTask(o.slug, o.token, staffCase.case_id, { title: "Remove ladder", owner_role: "IT", ...escalating });
    const bcCase = await newCase(o.slug, o.token, { title: "Drill today", label: LABELS.opsBroadcast, ...escalating });
    const bcTask = await newTask(o.slug, o.token, bcCase.case_id, { title: "Confirm drill", owner_role: "IT", ...escalating });

    // Before: by the table.
    const before: Record<string, Record<Who, boolean>> = { staff: {} as any, broadcast: {} as any };
    for (const who of TEAM) {
      before.staff![who] = await seen(who, staffCase, staffTask);
      before.broadcast![who] = await seen(who, bcCase, bcTask);
      expect(before.staff![who], `${who} staff item before`).toBe(sees(NEED_TO_KNOW, who, "safetyStaff"));
      expect(before.broadcast![who], `${who} broadcast before`).toBe(sees(NEED_TO_KNOW, who, "opsBroadcast"));
    }

    const lastDeadline = Math.max(...[staffCase, staffTask, bcCase, bcTask].map((x) => Date.parse(x.reactivity_deadline)));
    await runAlarmAt(orgStub(o.org.org_id), lastDeadline + 200);

    const get = async (path: string) => (await api("GET", path, { token: ADMIN })).body;
    expect(await get(`/v1/orgs/${o.slug}/tasks/${staffTask.task_id}`)).toMatchObject({ label: "101.91.Operations.Safety", escalation_level: 1 });
    expect(await get(`/v1/orgs/${o.slug}/cases/${staffCase.case_id}`)).toMatchObject({ label: "101.91.Operations.Safety", escalation_level: 1 });
    expect(await get(`/v1/orgs/${o.slug}/tasks/${bcTask.task_id}`)).toMatchObject({ label: "100.15.Operations", escalation_level: 1 });
    expect(await get(`/v1/orgs/${o.slug}/cases/${bcCase.case_id}`)).toMatchObject({ label: "100.15.Operations", escalation_level: 1 });

    // After: nobody lost sight; the staff who saw the staff item still sees it (and still may act on it).
    for (const who of TEAM) {
      if (before.staff![who]) expect(await seen(who, staffCase, staffTask), `${who} lost the escalated staff item`).toBe(true);
      if (before.broadcast![who]) expect(await seen(who, bcCase, bcTask), `${who} lost the escalated broadcast`).toBe(true);
    }
    expect((await list(`/v1/orgs/${o.slug}/tasks?label=101.91.Operations.Safety`, m.tokens.staffSafety)).map((x) => x.task_id)).toEqual([staffTask.task_id]);
    expect((await transition(o.slug, m.tokens.staffSafety, staffTask.task_id, { to: "in_progress" })).status).toBe(200);
    // The team lead (the level it climbed to) and the executive see the staff item.
    expect(await seen("leadSafety", staffCase, staffTask)).toBe(true);
    expect(await seen("execOps", staffCase, staffTask)).toBe(true);
    // Escalation gives nothing to those outside the item's team, or without any position.
    expect(await seen("noPosition", bcCase, bcTask)).toBe(false);
    expect(await seen("staffMaintenance", staffCase, staffTask)).toBe(false);
    expect(await seen("headFacilities", staffCase, staffTask)).toBe(false);
    // A broadcast at 100 is addressed to everyone at the team-lead level and below: a lead of another team now sees it,
    // while a department head of another team (above that level) still does not.
    expect(before.broadcast!.leadSafety).toBe(false);
    expect(await seen("leadSafety", bcCase, bcTask), "a 100 broadcast is visible to a 101-level member").toBe(true);
    expect(await seen("headFacilities", bcCase, bcTask)).toBe(false);
  }, 240_000);
});

describe("persons: sensitive attributes", () => {
  let o: Org;
  let m: Awaited<ReturnType<typeof members>>;
  let person: any;
  const DIAGNOSIS = "diagnosis-asthma-7731";
  const MRN = "MRN-55501234";

  beforeAll(async () => {
    o = await createOrg({ profile_yaml: PROFILE("ntk_persons", "need_to_know") });
    m = await members(o, ["staffSafety", "staffMaintenance", "leadOps"]);
    const p = await api("POST", `/v1/orgs/${o.slug}/persons`, {
      token: o.token,
      body: { display_name: "Pat Subject", kind: "patient", attributes: { diagnosis: DIAGNOSIS, mrn: MRN, ward: "3B" } },
    });
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    person = p.body;
    await newCase(o.slug, o.token, { title: "Fall in ward 3B", label: LABELS.safetyStaff, severity: "low", person_id: person.person_id });
  }, 240_000);

  const read = (token: string) => api("GET", `/v1/orgs/${o.slug}/persons/${person.person_id}`, { token });

  it("shows sensitive attributes to the org admin", async () => {
    const r = await read(o.token);
    expect(r.status).toBe(200);
    expect(r.body.attributes).toEqual({ diagnosis: DIAGNOSIS, mrn: MRN, ward: "3B" });
    const l = await list(`/v1/orgs/${o.slug}/persons?limit=200`, o.token);
    expect(l.find((x) => x.person_id === person.person_id).attributes.diagnosis).toBe(DIAGNOSIS);
  });

  it("shows them to a member who may act on a linked case (its team, staff or lead)", async () => {
    for (const who of ["staffSafety", "leadOps"] as const) {
      const r = await read(m.tokens[who]);
      expect(r.status).toBe(200);
      expect(r.body.attributes, who).toEqual({ diagnosis: DIAGNOSIS, mrn: MRN, ward: "3B" });
    }
  });

  it("answers [restricted] for them to other members, in reads and lists, and lets them change nothing", async () => {
    const r = await read(m.tokens.staffMaintenance);
    expect(r.status).toBe(200);
    expect(r.body.attributes).toEqual({ diagnosis: "[restricted]", mrn: "[restricted]", ward: "3B" });
    expect(JSON.stringify(r.body)).not.toContain(DIAGNOSIS);
    expect(JSON.stringify(r.body)).not.toContain(MRN);
    const l = await api("GET", `/v1/orgs/${o.slug}/persons?limit=200`, { token: m.tokens.staffMaintenance });
    expect(l.status).toBe(200);
    expect(JSON.stringify(l.body)).not.toContain(DIAGNOSIS);
    expect(JSON.stringify(l.body)).not.toContain(MRN);
    expect(l.body.items.find((x: any) => x.person_id === person.person_id).attributes).toMatchObject({ diagnosis: "[restricted]", mrn: "[restricted]" });
    expectProblem(
      await api("PATCH", `/v1/orgs/${o.slug}/persons/${person.person_id}`, { token: m.tokens.staffMaintenance, body: { attributes: { diagnosis: "x" } } }),
      403,
    );
    expect((await read(o.token)).body.attributes.diagnosis).toBe(DIAGNOSIS);
  });
});
