/**
 * The groups module's commands, run inside the organization's transaction:
 * a group's record, its roster and schedule change here, and a broadcast
 * opens its case and one task per member through the core's planners, so
 * they are timed, escalated, audited and copied like any other work.
 */
import { planCaseCreate, planTaskCreate } from "../../../core/engine";
import { DomainError } from "../../../core/errors";
import type { Case, CaseCreate, Task, TaskCreate } from "../../../core/model";
import { broadcastLabel, broadcastTaskTitle, checkRoster, newGroup, patchedGroup, requireManager, requireVersion } from "../../../core/modules/groups/group";
import type { BroadcastInput, Group, GroupCreate, GroupPatch, MembersReplace, ScheduleInput } from "../../../core/modules/groups/model";
import { normalizeSchedule } from "../../../core/modules/groups/schedule";
import { auditEvent, iso, type CommandContext } from "../../commands/context";
import { applyPlan } from "../../store/apply-plan";
import { caseCreateSnapshot, lookupIn } from "../../store/snapshots";
import { memberExists, memberName, putGroup, requireGroup } from "./group-store";

/** A change to one group, with the version the caller read (If-Match), if any. */
interface GroupChange<T> {
  group_id: string;
  if_match: number | null;
  body: T;
}

function audit(ctx: CommandContext, action: string, groupId: string, changes: Record<string, unknown>, caseId: string | null = null): void {
  ctx.store.audit(auditEvent(ctx, action, "group", groupId, changes), caseId);
}

export function createGroup(ctx: CommandContext, input: GroupCreate): Group {
  const group = newGroup(input, ctx.profile, ctx.newId(), iso(ctx.now));
  requireManager(ctx.actor, group.role);
  putGroup(ctx.store, group);
  audit(ctx, "group.created", group.group_id, { group });
  return group;
}

export function patchGroup(ctx: CommandContext, change: GroupChange<GroupPatch>): Group {
  const before = requireGroup(ctx.store, change.group_id);
  requireManager(ctx.actor, before.role);
  requireVersion(before, change.if_match);
  const next = patchedGroup(before, change.body, ctx.profile, iso(ctx.now));
  // Handing the group to another role needs a say over that role too.
  requireManager(ctx.actor, next.role);
  putGroup(ctx.store, next);
  audit(ctx, "group.updated", next.group_id, { fields: Object.keys(change.body) });
  return next;
}

export function replaceMembers(ctx: CommandContext, change: GroupChange<MembersReplace>): Group {
  const before = requireGroup(ctx.store, change.group_id);
  requireManager(ctx.actor, before.role);
  requireVersion(before, change.if_match);
  const members = checkRoster(change.body.members, (kind, id) => memberExists(ctx.store, kind, id));
  const next: Group = { ...before, members, updated_at: iso(ctx.now), version: before.version + 1 };
  putGroup(ctx.store, next);
  audit(ctx, "group.members_replaced", next.group_id, { members: { from: before.members.length, to: members.length } });
  return next;
}

export function setSchedule(ctx: CommandContext, change: GroupChange<ScheduleInput>): Group {
  const before = requireGroup(ctx.store, change.group_id);
  requireManager(ctx.actor, before.role);
  requireVersion(before, change.if_match);
  const { starts_at, ...input } = change.body;
  const schedule = normalizeSchedule(input, new Date(starts_at ?? before.created_at));
  const next: Group = { ...before, schedule, updated_at: iso(ctx.now), version: before.version + 1 };
  putGroup(ctx.store, next);
  audit(ctx, "group.schedule_set", next.group_id, { schedule: { from: before.schedule, to: schedule } });
  return next;
}

/**
 * One case for the message, and one task per member assigned to them and
 * owned by the group's role.
 */
export function broadcast(ctx: CommandContext, change: GroupChange<BroadcastInput>): { case: Case; tasks: Task[] } {
  const group = requireGroup(ctx.store, change.group_id);
  requireManager(ctx.actor, group.role);
  if (group.members.length === 0)
    throw new DomainError("validation", "the group has no members to broadcast to", [{ path: "members", message: "the roster is empty" }]);
  const { title, body, severity } = change.body;
  const caseInput: CaseCreate = {
    title,
    description: body,
    label: broadcastLabel(group, change.body.label, ctx.profile),
    ...(severity ? { severity } : {}),
    origin_role: group.role,
    metadata: { group_id: group.group_id },
  };
  const opened = applyPlan(ctx.store, planCaseCreate(caseCreateSnapshot(ctx.store, caseInput), caseInput, ctx));
  const tasks: Task[] = [];
  for (const member of group.members) {
    const draft: TaskCreate = {
      title: broadcastTaskTitle(title, memberName(ctx.store, member)),
      type: "broadcast",
      owner_role: group.role,
      assignee_person_id: member.person_id,
      assignee_user_id: member.user_id,
    };
    // The case is read again each time: a plan may have changed it (its status follows its tasks).
    const snapshot = { case: ctx.store.getCase(opened.case_id), tasks, lookup: lookupIn(ctx.store) };
    tasks.push(applyPlan(ctx.store, planTaskCreate(snapshot, draft, ctx)));
  }
  audit(ctx, "group.broadcast", group.group_id, { case_id: opened.case_id, tasks: tasks.length }, opened.case_id);
  return { case: ctx.store.getCase(opened.case_id) ?? opened, tasks };
}
