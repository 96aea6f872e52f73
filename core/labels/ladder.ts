/**
 * The escalation ladder. A label's BASE is its place in the vertical
 * hierarchy; work nobody picks up climbs one rung at a time (1001→101→11→1,
 * broadcasts 1000→100→10→1) until the top, which is level 1 unless the
 * profile's `top_level` stops the climb lower. Labels, the escalation planner,
 * visibility and notifications all read the ladder here, so they cannot
 * disagree about what "one level up" or "higher than" means.
 */
import { z } from "zod";

/** Vertical levels, top first: executive, department head, team lead, staff. */
export const LEVELS = [1, 11, 101, 1001] as const;

export const Level = z.literal([...LEVELS]).describe("A vertical level: 1 executive, 11 department head, 101 team lead, 1001 staff.");
export type Level = z.infer<typeof Level>;

/** Broadcast variants: addressed to everyone at that scope rather than to one owner. */
export const BROADCAST_LEVELS = [10, 100, 1000] as const;

// Rank 0 is the top of the hierarchy; comparing ranks is how visibility and
// escalation decide "higher than". Each broadcast base ranks beside the level
// at the same place on its own chain (1000→100→10→1 beside 1001→101→11→1):
// 1000 is the staff broadcast, 100 the team leads', 10 the department heads'.
const RANK: ReadonlyMap<number, number> = new Map([
  [1, 0],
  [10, 1],
  [11, 1],
  [100, 2],
  [101, 2],
  [1000, 3],
  [1001, 3],
]);

// Both chains end at 1: broadcasts lose their broadcast nature only at the very
// top, where there is a single executive level left to notify.
const ONE_UP: ReadonlyMap<number, number> = new Map([
  [1001, 101],
  [101, 11],
  [11, 1],
  [1000, 100],
  [100, 10],
  [10, 1],
]);

/** The allowed BASEs, as refusals name them. */
export const BASE_CHOICES = `${LEVELS.join(", ")} (or broadcast ${BROADCAST_LEVELS.join(", ")})`;

export const isValidBase = (base: number): boolean => RANK.has(base);

export const isBroadcastBase = (base: number): boolean => (BROADCAST_LEVELS as readonly number[]).includes(base);

// Callers only hold bases that came out of parseLabel or a validated profile;
// anything else is a bug in the caller, not bad input, hence RangeError.
const assertBase = (base: number): void => {
  if (!RANK.has(base)) throw new RangeError(`${base} is not a label BASE; expected one of ${BASE_CHOICES}`);
};

/** 0 for 1/10 (top), 1 for 11/100, 2 for 101/1000, 3 for 1001. Lower is higher up. */
export function levelRank(base: number): number {
  assertBase(base);
  return RANK.get(base) as number;
}

/** The level whose holders a label at `base` addresses: a broadcast base the level at its own rank (1000 → 1001). */
export function levelOf(base: number): Level {
  return LEVELS[levelRank(base)] as Level;
}

/**
 * The BASE one rung up, or null when `base` is at the top: level 1, or the
 * profile's `top_level` (with top_level 11, both 11 and its broadcast 10 stay).
 */
export function escalateBase(base: Level, topLevel?: number): Level | null;
export function escalateBase(base: number, topLevel?: number): number | null;
export function escalateBase(base: number, topLevel = 1): number | null {
  assertBase(base);
  if (levelRank(base) <= levelRank(topLevel)) return null;
  return ONE_UP.get(base) ?? null;
}
