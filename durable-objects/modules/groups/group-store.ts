/**
 * Groups as the organization's object keeps them: one row per group in its
 * own SQLite (the source of truth), and a full copy queued for D1 on every
 * change (version-guarded there, so a replay never goes back in time).
 */
import { notFound } from "../../../core/errors";
import type { Group } from "../../../core/modules/groups/model";
import type { OrgStore } from "../../store/org-store";

export const GROUP_TABLES = ["CREATE TABLE IF NOT EXISTS group_records (group_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, data TEXT NOT NULL)"] as const;

export function getGroup(store: OrgStore, groupId: string): Group | null {
  const row = store.sql.exec<{ data: string }>("SELECT data FROM group_records WHERE group_id = ?", groupId).toArray()[0];
  return row ? (JSON.parse(row.data) as Group) : null;
}

export function requireGroup(store: OrgStore, groupId: string): Group {
  const group = getGroup(store, groupId);
  if (!group) throw notFound("group");
  return group;
}

export function putGroup(store: OrgStore, group: Group): void {
  const existing = store.sql.exec<{ seq: number }>("SELECT seq FROM group_records WHERE group_id = ?", group.group_id).toArray()[0];
  const seq = existing?.seq ?? store.nextSeq("groups");
  store.sql.exec(
    "INSERT INTO group_records (group_id, seq, data) VALUES (?, ?, ?) ON CONFLICT (group_id) DO UPDATE SET data = excluded.data",
    group.group_id,
    seq,
    JSON.stringify(group),
  );
  const org = store.org();
  if (!org) throw new Error("organization not initialised");
  store.enqueue({ kind: "group", row: { ...group, org_id: org.org_id, seq } });
}

/** Whether the organization has this person or user (a roster never points outside it). */
export function memberExists(store: OrgStore, kind: "person_id" | "user_id", id: string): boolean {
  return kind === "person_id" ? store.getPerson(id) !== null : store.getUser(id) !== null;
}

/** The name a member's task is titled with. */
export function memberName(store: OrgStore, member: { person_id: string | null; user_id: string | null }): string {
  if (member.person_id) return store.getPerson(member.person_id)?.display_name ?? "a member";
  if (member.user_id) return store.getUser(member.user_id)?.display_name ?? "a member";
  return "a member";
}

/** An erased person leaves every roster they were on (each group's version rises, so D1 follows). Returns how many groups changed. */
export function dropFromRosters(store: OrgStore, personId: string, at: string): number {
  const rows = store.sql.exec<{ data: string }>("SELECT data FROM group_records WHERE instr(data, ?) > 0", `"person_id":${JSON.stringify(personId)}`).toArray();
  let changed = 0;
  for (const row of rows) {
    const group = JSON.parse(row.data) as Group;
    const members = group.members.filter((m) => m.person_id !== personId);
    if (members.length === group.members.length) continue;
    putGroup(store, { ...group, members, updated_at: at, version: group.version + 1 });
    changed++;
  }
  return changed;
}
