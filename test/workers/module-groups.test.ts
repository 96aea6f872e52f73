/**
 * The groups module through the API: a team with a roster of persons and a
 * user, a weekly schedule read in Paris time across the end of summer time,
 * and a broadcast that opens one case with one task per member. Refusals:
 * an unknown person, a stale If-Match, another organization's token, an
 * organization without the module.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, auditOf, createOrg, errorPaths, expectProblem } from "./helpers";

const PROFILE = [
  "name: club",
  "extends: base",
  "roles: [Operations, Operations.Safety, Operations.Maintenance, Facilities, Coaching]",
  "modules:",
  "  groups: { kinds: [team] }",
  "",
].join("\n");

type Org = Awaited<ReturnType<typeof createOrg>>;

describe("groups module", () => {
  let o: Org;
  let people: { person_id?: string; user_id?: string; name: string }[];
  let groupId: string;

  const path = (rest = "") => `/v1/orgs/${o.slug}/groups${rest}`;

  beforeAll(async () => {
    o = await createOrg({ profile_yaml: PROFILE });
    people = [];
    for (const name of ["Ada Player", "Bo Player"]) {
      const r = await api("POST", `/v1/orgs/${o.slug}/persons`, { token: o.token, body: { display_name: name } });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      people.push({ person_id: r.body.person_id, name });
    }
    const coach = await api("POST", `/v1/orgs/${o.slug}/users`, {
      token: o.token,
      body: { email: `coach-${o.slug}@club.example`, display_name: "Cy Coach", positions: [{ level: 1001, role: "Coaching" }] },
    });
    expect(coach.status, JSON.stringify(coach.body)).toBe(201);
    people.push({ user_id: coach.body.user_id, name: "Cy Coach" });
  });

  it("creates a team of a kind the profile lists, for one of its roles", async () => {
    const r = await api("POST", path(), { token: o.token, body: { name: "U12 Tigers", kind: "team", role: "Coaching", wikidata: "Q12973014" } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ name: "U12 Tigers", kind: "team", role: "Coaching", members: [], schedule: null, version: 1, wikidata: "Q12973014" });
    groupId = r.body.group_id;
    const choir = await api("POST", path(), { token: o.token, body: { name: "X", kind: "choir" } });
    expectProblem(choir, 422);
    expect(errorPaths(choir)).toEqual(["kind"]);
    expect(errorPaths(await api("POST", path(), { token: o.token, body: { name: "X", kind: "team", role: "Nowhere" } }))).toEqual(["role"]);
    const listed = await api("GET", path("?kind=team"), { token: o.token });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((g: { group_id: string }) => g.group_id)).toEqual([groupId]);
    const read = await api("GET", path(`/${groupId}`), { token: o.token });
    expect(read.status).toBe(200);
    expect(read.headers.get("etag")).toBe('"1"');
  });

  it("replaces the roster with persons and a user, refusing unknown, doubled and stale", async () => {
    const members = [
      { person_id: people[0]!.person_id, role: "captain" },
      { person_id: people[1]!.person_id, role: "player" },
      { user_id: people[2]!.user_id, role: "coach" },
    ];
    const unknown = await api("PUT", path(`/${groupId}/members`), { token: o.token, body: { members: [{ person_id: crypto.randomUUID() }] } });
    expectProblem(unknown, 422);
    expect(errorPaths(unknown)).toEqual(["members.0.person_id"]);
    const doubled = await api("PUT", path(`/${groupId}/members`), { token: o.token, body: { members: [members[0], members[1], members[0]] } });
    expectProblem(doubled, 422);
    expect(errorPaths(doubled)).toEqual(["members.2.person_id"]);
    const both = await api("PUT", path(`/${groupId}/members`), { token: o.token, body: { members: [{ ...members[0], user_id: people[2]!.user_id }] } });
    expect(errorPaths(both)).toEqual(["members.0"]);

    const r = await api("PUT", path(`/${groupId}/members`), { token: o.token, body: { members }, headers: { "if-match": '"1"' } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.version).toBe(2);
    expect(r.body.members).toEqual([
      { person_id: people[0]!.person_id, user_id: null, role: "captain" },
      { person_id: people[1]!.person_id, user_id: null, role: "player" },
      { person_id: null, user_id: people[2]!.user_id, role: "coach" },
    ]);
    expectProblem(await api("PUT", path(`/${groupId}/members`), { token: o.token, body: { members }, headers: { "if-match": "1" } }), 409);
    expect((await api("GET", path(`/${groupId}`), { token: o.token })).body.members).toHaveLength(3);
  });

  it("sets a weekly Tue/Thu 18:00 Paris schedule and lists its sessions across the end of summer time", async () => {
    const body = { rrule: "FREQ=WEEKLY;BYDAY=TU,TH;BYHOUR=18;BYMINUTE=0", duration: "PT90M", timezone: "Europe/Paris", starts_at: "2026-10-01T09:30:00Z" };
    expect(errorPaths(await api("PUT", path(`/${groupId}/schedule`), { token: o.token, body: { ...body, rrule: "FREQ=MINUTELY" } }))).toEqual(["rrule"]);
    expect(errorPaths(await api("PUT", path(`/${groupId}/schedule`), { token: o.token, body: { ...body, timezone: "Mars/Olympus" } }))).toEqual(["timezone"]);
    expect(errorPaths(await api("PUT", path(`/${groupId}/schedule`), { token: o.token, body: { ...body, duration: "P2D" } }))).toEqual(["duration"]);
    const r = await api("PUT", path(`/${groupId}/schedule`), { token: o.token, body, headers: { "if-match": "2" } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.version).toBe(3);
    expect(r.body.schedule).toEqual({
      rrule: "DTSTART;TZID=Europe/Paris:20261001T000000\nRRULE:FREQ=WEEKLY;BYDAY=TU,TH;BYHOUR=18;BYMINUTE=0",
      duration: "PT90M",
      timezone: "Europe/Paris",
    });
    const s = await api("GET", path(`/${groupId}/sessions?from=2026-10-19T00:00:00Z&to=2026-11-02T00:00:00Z`), { token: o.token });
    expect(s.status, JSON.stringify(s.body)).toBe(200);
    expect(s.body.truncated).toBe(false);
    expect(s.body.items.map((x: { starts_at: string; ends_at: string }) => [x.starts_at, x.ends_at])).toEqual([
      ["2026-10-20T16:00:00Z", "2026-10-20T17:30:00Z"],
      ["2026-10-22T16:00:00Z", "2026-10-22T17:30:00Z"],
      // Summer time ended on Sunday 25 October: the same 18:00 is an hour later in UTC.
      ["2026-10-27T17:00:00Z", "2026-10-27T18:30:00Z"],
      ["2026-10-29T17:00:00Z", "2026-10-29T18:30:00Z"],
    ]);
    expect(s.body.items.map((x: { local_start: string }) => x.local_start)).toEqual([
      "2026-10-20T18:00:00+02:00",
      "2026-10-22T18:00:00+02:00",
      "2026-10-27T18:00:00+01:00",
      "2026-10-29T18:00:00+01:00",
    ]);
    expectProblem(await api("GET", path(`/${groupId}/sessions?from=2026-01-01T00:00:00Z&to=2027-06-01T00:00:00Z`), { token: o.token }), 422);
    expectProblem(await api("GET", path(`/${groupId}/sessions?from=soon`), { token: o.token }), 422);
  });

  it("broadcasts to the roster: one case, one task per member, assigned and owned by the group's role", async () => {
    const r = await api("POST", path(`/${groupId}/broadcast`), { token: o.token, body: { title: "Practice moved to the big gym", body: "Thursday only." } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const kase = r.body.case;
    expect(kase.label).toBe("1000.15.Coaching");
    expect(r.body.tasks).toHaveLength(3);
    const byAssignee = r.body.tasks.map((t: Record<string, unknown>) => [t.title, t.assignee_person_id ?? null, t.assignee_user_id ?? null, t.owner_role]);
    expect(byAssignee).toEqual(people.map((p) => [`Practice moved to the big gym — ${p.name}`, p.person_id ?? null, p.user_id ?? null, "Coaching"]));
    const read = await api("GET", `/v1/orgs/${o.slug}/cases/${kase.case_id}`, { token: o.token });
    expect(read.status).toBe(200);
    expect(read.body.tasks.map((t: { task_id: string }) => t.task_id).sort()).toEqual(r.body.tasks.map((t: { task_id: string }) => t.task_id).sort());
    const tasks = await api("GET", `/v1/orgs/${o.slug}/tasks?case_id=${kase.case_id}`, { token: o.token });
    expect(tasks.status).toBe(200);
    expect(tasks.body.items).toHaveLength(3);
    const bad = await api("POST", path(`/${groupId}/broadcast`), { token: o.token, body: { title: "x", body: "y", label: "1000.15.Nowhere" } });
    expectProblem(bad, 422);
    expect(errorPaths(bad)).toEqual(["label"]);

    const audit = await auditOf(o.slug, o.token, groupId);
    expect(audit.map((e) => e.action).reverse()).toEqual(["group.created", "group.members_replaced", "group.schedule_set", "group.broadcast"]);
  });

  it("refuses a broadcast to an empty roster", async () => {
    const g = await api("POST", path(), { token: o.token, body: { name: "Empty", kind: "team" } });
    expect(g.status).toBe(201);
    expect(g.body.role).toBe("Operations");
    expectProblem(await api("POST", path(`/${g.body.group_id}/broadcast`), { token: o.token, body: { title: "Anyone?", body: "" } }), 422);
  });

  it("answers 404 to another organization's token and in an organization without the module", async () => {
    const other = await createOrg({ profile_yaml: PROFILE.replace("name: club", "name: club_b") });
    expectProblem(await api("GET", path(`/${groupId}`), { token: other.token }), 404);
    expectProblem(await api("PUT", path(`/${groupId}/members`), { token: other.token, body: { members: [] } }), 404);
    // Its own admin naming this organization's group in its own organization: not there either.
    expectProblem(await api("GET", `/v1/orgs/${other.slug}/groups/${groupId}`, { token: other.token }), 404);
    expectProblem(await api("POST", `/v1/orgs/${other.slug}/groups/${groupId}/broadcast`, { token: other.token, body: { title: "x", body: "y" } }), 404);
    const plain = await createOrg({ profile: "base" });
    expectProblem(await api("GET", `/v1/orgs/${plain.slug}/groups`, { token: plain.token }), 404);
    expectProblem(await api("POST", `/v1/orgs/${plain.slug}/groups`, { token: plain.token, body: { name: "X", kind: "team" } }), 404);
  });

  it("an erased person leaves every roster they were on, and the group's version rises", async () => {
    const g = await api("POST", path(), { token: o.token, body: { name: "Erasure squad", kind: "team", role: "Coaching" } });
    const members = people.map((p) => (p.person_id ? { person_id: p.person_id } : { user_id: p.user_id }));
    const put = await api("PUT", path(`/${g.body.group_id}/members`), { token: o.token, body: { members } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const erased = people[0]?.person_id as string;
    expect((await api("DELETE", `/v1/orgs/${o.slug}/persons/${erased}`, { token: o.token })).status).toBe(204);
    const after = await api("GET", path(`/${g.body.group_id}`), { token: o.token });
    expect(after.body.version).toBe(put.body.version + 1);
    expect(after.body.members.map((m: { person_id: string | null }) => m.person_id)).not.toContain(erased);
    expect(after.body.members).toHaveLength(members.length - 1);
  });
});
