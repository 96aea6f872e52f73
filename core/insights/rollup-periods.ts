/**
 * Rollup periods: a fact belongs to the UTC calendar month (YYYY-MM) of its
 * created_at. By default a rollup covers this month and the previous one,
 * since late changes (a case resolved on the 2nd) still touch last month's
 * facts. Each organization's object rolls itself up once a day at a moment
 * spread by its id, so no single instant or invocation grows with the number
 * of organizations.
 */

export const PERIOD_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

const DAY_MS = 86_400_000;
/** The daily rollup runs in the quiet hours, 01:00–05:00 UTC, spread by organization. */
const ROLLUP_WINDOW_START_MS = 3_600_000;
const ROLLUP_WINDOW_MS = 4 * 3_600_000;

export function isPeriod(value: string): boolean {
  return PERIOD_PATTERN.test(value);
}

export function periodOf(at: Date | number): string {
  return new Date(at).toISOString().slice(0, 7);
}

/** The period's half-open range [from, to) in epoch milliseconds, UTC. */
export function periodRange(period: string): { from: number; to: number } {
  if (!isPeriod(period)) throw new RangeError(`not a period (YYYY-MM): ${period}`);
  const year = Number(period.slice(0, 4));
  const month = Number(period.slice(5, 7)) - 1;
  return { from: Date.UTC(year, month, 1), to: Date.UTC(year, month + 1, 1) };
}

/** The dim_time keys (YYYY-MM-DD) bounding the period: [first day, first day of the next month). */
export function periodDates(period: string): { from: string; to: string } {
  const { from, to } = periodRange(period);
  return { from: new Date(from).toISOString().slice(0, 10), to: new Date(to).toISOString().slice(0, 10) };
}

/** The period asked for, or the current and the previous month (oldest first). */
export function periodsToRoll(now: Date, period?: string): string[] {
  if (period !== undefined) {
    if (!isPeriod(period)) throw new RangeError(`not a period (YYYY-MM): ${period}`);
    return [period];
  }
  const current = periodOf(now);
  const previous = periodOf(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return [previous, current];
}

/** A stable spread in [0, 1) from the organization id (FNV-1a), so objects do not all wake at once. */
function spreadOf(orgId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < orgId.length; i++) {
    h ^= orgId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h / 0x1_0000_0000;
}

/** When the organization's next daily rollup is due: its own moment in the window, strictly after `now`. */
export function nextRollupAt(orgId: string, now: Date | number): number {
  const t = typeof now === "number" ? now : now.getTime();
  const offset = ROLLUP_WINDOW_START_MS + Math.floor(spreadOf(orgId) * ROLLUP_WINDOW_MS);
  const today = Math.floor(t / DAY_MS) * DAY_MS;
  const due = today + offset;
  return due > t ? due : due + DAY_MS;
}
