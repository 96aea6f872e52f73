/**
 * The rules a group's changes follow, decided without storage: which kinds
 * and roles a group may take, what a roster may hold, who may change a group
 * and what a broadcast to it is labelled. The object checks that the people
 * a roster names exist; everything else is judged here.
 */
import { DomainError } from "../../errors";
import { formatLabel, requireLabel, roleCovers } from "../../labels";
import type { Actor } from "../../privacy/visibility";
import type { Profile } from "../../profiles/schema";
import type { Group, GroupCreate, GroupMember, GroupPatch, MemberInput } from "./model";

const invalid = (path: string, message: string): never => {
  throw new DomainError("validation", `${path} ${message}`, [{ path, message }]);
};

export function checkKind(kind: string, profile: Profile): void {
  const kinds = profile.modules?.groups?.kinds;
  if (kinds && !kinds.includes(kind)) invalid("kind", `must be one of the profile's kinds: ${kinds.join(", ")}`);
}

/** The group's role: one the profile lists (sub-roles included), else its first role. */
export function groupRole(role: string | undefined, profile: Profile): string {
  if (role === undefined) return profile.roles[0] as string;
  if (!profile.roles.includes(role)) invalid("role", `${role} is not a role of the profile`);
  return role;
}

/** Managing a group needs admin rights or a position at or above the group's role. */
export function requireManager(actor: Actor, role: string): void {
  if (actor.admin || actor.positions.some((p) => roleCovers(p.role, role))) return;
  throw new DomainError("forbidden", `changing this group needs admin rights or a position in ${role}`);
}

export function newGroup(input: GroupCreate, profile: Profile, groupId: string, now: string): Group {
  checkKind(input.kind, profile);
  return {
    group_id: groupId,
    name: input.name,
    kind: input.kind,
    description: input.description ?? null,
    role: groupRole(input.role, profile),
    members: [],
    schedule: null,
    wikidata: input.wikidata ?? null,
    created_at: now,
    updated_at: now,
    version: 1,
  };
}

export function patchedGroup(before: Group, patch: GroupPatch, profile: Profile, now: string): Group {
  if (patch.kind !== undefined) checkKind(patch.kind, profile);
  return {
    ...before,
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
    ...(patch.description !== undefined ? { description: patch.description } : {}),
    ...(patch.role !== undefined ? { role: groupRole(patch.role, profile) } : {}),
    ...(patch.wikidata !== undefined ? { wikidata: patch.wikidata } : {}),
    updated_at: now,
    version: before.version + 1,
  };
}

/** A stale If-Match is a conflict (409) that names the current version. */
export function requireVersion(group: Group, ifMatch: number | null): void {
  if (ifMatch !== null && ifMatch !== group.version) {
    throw new DomainError("version_conflict", `group is at version ${group.version}, not ${ifMatch}`, [
      { path: "If-Match", message: `current version is ${group.version}` },
    ]);
  }
}

/**
 * A roster as stored: each member names exactly one person or one user, and
 * no one twice. `exists` says whether the organization has that person or
 * user (the object's store answers).
 */
export function checkRoster(members: readonly MemberInput[], exists: (kind: "person_id" | "user_id", id: string) => boolean): GroupMember[] {
  const seen = new Map<string, number>();
  return members.map((m, i) => {
    const named = (["person_id", "user_id"] as const).filter((k) => m[k] !== undefined);
    if (named.length !== 1) return invalid(`members.${i}`, "must name exactly one of person_id and user_id");
    const key = named[0] as "person_id" | "user_id";
    const id = m[key] as string;
    const first = seen.get(`${key}:${id}`);
    if (first !== undefined) invalid(`members.${i}.${key}`, `is already member ${first} of the roster`);
    seen.set(`${key}:${id}`, i);
    if (!exists(key, id)) invalid(`members.${i}.${key}`, `no ${key === "person_id" ? "person" : "user"} with this id in the organization`);
    return { person_id: key === "person_id" ? id : null, user_id: key === "user_id" ? id : null, role: m.role ?? null };
  });
}

/** The label of a broadcast's case: the one given (checked against the profile), else the broadcast base 1000, category 1, subcategory 5 (broadcast), for the group's role. */
export function broadcastLabel(group: Group, label: string | undefined, profile: Profile): string {
  if (label !== undefined) {
    requireLabel(label, profile.roles, "label");
    return label;
  }
  return formatLabel(requireLabel(`1000.15.${group.role}`, profile.roles, "label"));
}

/** A member's task title: the broadcast's, with whom it is for. */
export function broadcastTaskTitle(title: string, memberName: string): string {
  const full = `${title} — ${memberName}`;
  return full.length <= 300 ? full : `${full.slice(0, 299)}…`;
}
