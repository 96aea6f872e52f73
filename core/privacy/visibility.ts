/**
 * Who may see and who may act on a case or task. Under `open` privacy every
 * member sees everything; under `need_to_know` a position sees an item when
 * its role covers the item's horizontal role at the item's level or above
 * (a 101 team lead sees the 1001 items of their team; staff do not see 11
 * items). Visibility is judged at the item's origin label, the label it was
 * routed to before any escalation: escalation moves the BASE up and must
 * widen the audience, never narrow it. Broadcast labels (10/100/1000) reach
 * everyone at or below their level. Acting (transitions, patches) always
 * needs a matching position, an owning role or admin rights.
 */
import { isBroadcastBase, isValidBase, levelRank, parseLabel, roleCovers } from "../labels";
import type { Position, Privacy } from "../model";

export interface Viewer {
  admin: boolean;
  user_id: string | null;
  positions: ReadonlyArray<Position>;
}

/** Whoever a command runs for: a viewer with the name the audit log records. */
export interface Actor extends Viewer {
  /** Audit form: `user:<id>`, `token:<id>`, `platform`, `system` or `pattern`. */
  ref: string;
  positions: Position[];
}

export interface Guarded {
  label: string;
  origin_label?: string | null;
  owner_role?: string | null;
  created_by?: string | null;
}

interface Scope {
  role: string;
  rank: number;
  broadcast: boolean;
}

function scopeOf(label: string): Scope | null {
  const parsed = parseLabel(label);
  if (!parsed.ok) return null;
  return { role: parsed.label.role, rank: levelRank(parsed.label.base), broadcast: isBroadcastBase(parsed.label.base) };
}

/**
 * The scopes an item has had: its current label and its origin label. A
 * role-matched audience is widest at the origin (lower levels see it, and
 * everyone above does anyway); a broadcast audience is widest at the current
 * label (it reaches everyone at or below its level). Judging by both makes
 * escalation widen sight in either case.
 */
function scopes(item: Guarded): Scope[] {
  const out: Scope[] = [];
  const current = scopeOf(item.label);
  if (current) out.push(current);
  const origin = item.origin_label && item.origin_label !== item.label ? scopeOf(item.origin_label) : null;
  if (origin) out.push(origin);
  return out;
}

/**
 * A position's rank, or null for a level that is not on the ladder (such a
 * position matches nothing): positions come back from JSON columns, so the
 * type alone does not prove the level.
 */
function rankOf(level: number): number | null {
  return isValidBase(level) ? levelRank(level) : null;
}

function positionMatches(scope: Scope, position: Position): boolean {
  const rank = rankOf(position.level);
  return rank !== null && roleCovers(position.role, scope.role) && rank <= scope.rank;
}

function ownsIt(viewer: Viewer, item: Guarded): boolean {
  const owner = item.owner_role;
  return !!owner && viewer.positions.some((p) => roleCovers(p.role, owner));
}

/** May the viewer act on the item (transition it, change it, add work to it)? */
export function canAct(viewer: Viewer, item: Guarded): boolean {
  if (viewer.admin) return true;
  if (scopes(item).some((scope) => viewer.positions.some((p) => positionMatches(scope, p)))) return true;
  return ownsIt(viewer, item);
}

/** May the viewer know the item exists? */
export function canSee(viewer: Viewer, item: Guarded, privacy: Privacy): boolean {
  if (viewer.admin || privacy === "open") return true;
  if (canAct(viewer, item)) return true;
  if (item.created_by && viewer.user_id && item.created_by === viewer.user_id) return true;
  return scopes(item).some(
    (scope) =>
      scope.broadcast &&
      viewer.positions.some((p) => {
        const rank = rankOf(p.level);
        return rank !== null && rank >= scope.rank;
      }),
  );
}
