/**
 * Who hears about what. Given an event (a new case, an escalation step, an
 * assignment, a pattern alert, a stale reminder) and the profile, decide the
 * channels and audiences; the Durable Object turns audiences into records and
 * deliveries. Pure, so the rules of every profile can be tested as data.
 */
import { Level, escalateBase, levelOf, parseLabel, roleCovers } from "../labels";
import { SEVERITY_RANK, type Severity } from "../model/enums";
import type { Position } from "../model/records";
import type { ChannelName, NotificationEvent, Profile } from "../profiles";

/** Holders of one level in a role (and its sub-roles' holders are not included), or everyone in a role. */
export type Audience = ({ kind: "level" } & Position) | { kind: "role"; role: string };

export interface NoticeEvent {
  on: NotificationEvent;
  severity: Severity;
  label: string;
  owner_role: string | null;
  /** Labels the item held before this escalation step (for `previous_levels`). */
  previous_labels?: string[];
  /** Stale reminders: 0 reminds the owner, 1 the level above. */
  stale_step?: number;
}

export interface PlannedNotice {
  channel: ChannelName;
  audience: Audience;
}

type LevelAudience = Extract<Audience, { kind: "level" }>;

// A broadcast label is held by the level at its own rank (1000 → 1001).
function labelHolders(label: string): LevelAudience | null {
  const parsed = parseLabel(label);
  if (!parsed.ok) return null;
  return { kind: "level", level: levelOf(parsed.label.base), role: parsed.label.role };
}

// The second stale reminder goes one rung up the ladder; the top reminds itself again.
const levelAbove = (level: Level): Level => escalateBase(level) ?? level;

/** The audience an event has when a rule names none. */
export function naturalAudience(e: NoticeEvent): Audience[] {
  const holders = labelHolders(e.label);
  switch (e.on) {
    case "assignment":
      return e.owner_role ? [{ kind: "role", role: e.owner_role }] : holders ? [holders] : [];
    case "stale":
      if ((e.stale_step ?? 0) === 0) return e.owner_role ? [{ kind: "role", role: e.owner_role }] : holders ? [holders] : [];
      return holders ? [{ ...holders, level: levelAbove(holders.level) }] : [];
    default:
      return holders ? [holders] : [];
  }
}

const key = (n: PlannedNotice) => `${n.channel}|${JSON.stringify(n.audience)}`;

export function planNotifications(e: NoticeEvent, profile: Profile): PlannedNotice[] {
  const out = new Map<string, PlannedNotice>();
  const add = (channel: ChannelName, audience: Audience) => {
    if (!profile.notifications.channels[channel]) return;
    const n = { channel, audience };
    out.set(key(n), n);
  };
  const holders = labelHolders(e.label);

  for (const rule of profile.notifications.rules) {
    if (rule.on !== e.on) continue;
    if (rule.min_severity && SEVERITY_RANK[e.severity] < SEVERITY_RANK[rule.min_severity]) continue;
    const audiences: Audience[] = [];
    if (rule.to_levels && holders) audiences.push(...rule.to_levels.map((level) => ({ kind: "level" as const, level, role: holders.role })));
    if (rule.to_roles) audiences.push(...rule.to_roles.map((role) => ({ kind: "role" as const, role })));
    if (!rule.to_levels && !rule.to_roles) audiences.push(...naturalAudience(e));
    for (const channel of rule.channels) for (const a of audiences) add(channel, a);
  }

  if (e.on === "escalation") {
    const notify = profile.escalation.notify;
    const audiences: Audience[] = [];
    for (const who of notify.levels) {
      if (who === "new_level" && holders) audiences.push(holders);
      if (who === "owner_role" && e.owner_role) audiences.push({ kind: "role", role: e.owner_role });
      if (who === "previous_levels")
        for (const l of e.previous_labels ?? []) {
          const h = labelHolders(l);
          if (h) audiences.push(h);
        }
    }
    for (const channel of notify.channels) for (const a of audiences) add(channel, a);
  }
  return [...out.values()];
}

/** Does a person holding these positions belong to the audience? */
export function inAudience(audience: Audience, positions: ReadonlyArray<Position>): boolean {
  return positions.some((p) => {
    if (!roleCovers(p.role, audience.role)) return false;
    return audience.kind === "role" || p.level === audience.level;
  });
}

/** Stored form of an in-app audience, e.g. `level:101:Operations.Safety` or `role:Facilities`. */
export function audienceKey(a: Audience): string {
  return a.kind === "level" ? `level:${a.level}:${a.role}` : `role:${a.role}`;
}

export function parseAudienceKey(text: string): Audience | null {
  const level = /^level:(\d+):(.+)$/.exec(text);
  if (level) {
    // A level off the ladder could match no position; it is no audience at all.
    const parsed = Level.safeParse(Number(level[1]));
    return parsed.success ? { kind: "level", level: parsed.data, role: level[2] as string } : null;
  }
  const role = /^role:(.+)$/.exec(text);
  return role ? { kind: "role", role: role[1] as string } : null;
}
