/**
 * The periods a review covers, in UTC: the ISO 8601 week (Monday 00:00 to the
 * next Monday), the calendar month or the calendar year containing an
 * instant, and the period just before it. `to` is exclusive, so consecutive
 * periods tile time with no instant counted twice.
 */
export type ReviewCycle = "weekly" | "monthly" | "yearly";
export const REVIEW_CYCLES = ["weekly", "monthly", "yearly"] as const;

export interface Period {
  from: Date;
  /** Exclusive. */
  to: Date;
  /** `2026-W53`, `2026-12` or `2026`. */
  name: string;
}

const DAY_MS = 86_400_000;
const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** The ISO week-numbering year and week of a UTC day (the week's Thursday decides the year). */
export function isoWeekOf(at: Date): { year: number; week: number } {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  const dow = new Date(day).getUTCDay() || 7;
  const thursday = new Date(day + (4 - dow) * DAY_MS);
  const year = thursday.getUTCFullYear();
  return { year, week: Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1 };
}

function week(at: Date): Period {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  const monday = day - ((new Date(day).getUTCDay() || 7) - 1) * DAY_MS;
  const { year, week: n } = isoWeekOf(at);
  return { from: new Date(monday), to: new Date(monday + 7 * DAY_MS), name: `${year}-W${pad(n)}` };
}

function month(year: number, m: number): Period {
  // Date.UTC carries month -1 and 12 into the neighbouring years.
  const from = new Date(Date.UTC(year, m, 1));
  return { from, to: new Date(Date.UTC(year, m + 1, 1)), name: `${from.getUTCFullYear()}-${pad(from.getUTCMonth() + 1)}` };
}

function year(y: number): Period {
  return { from: new Date(Date.UTC(y, 0, 1)), to: new Date(Date.UTC(y + 1, 0, 1)), name: pad(y, 4) };
}

/**
 * The period of the cycle containing `at`, and the one before it. Years
 * before 1970 are not meant (Date.UTC reads 0–99 as 1900–1999); the route
 * refuses them.
 */
export function reviewPeriod(cycle: ReviewCycle, at: Date): { period: Period; previous: Period } {
  switch (cycle) {
    case "weekly": {
      const period = week(at);
      return { period, previous: week(new Date(period.from.getTime() - DAY_MS)) };
    }
    case "monthly":
      return { period: month(at.getUTCFullYear(), at.getUTCMonth()), previous: month(at.getUTCFullYear(), at.getUTCMonth() - 1) };
    case "yearly":
      return { period: year(at.getUTCFullYear()), previous: year(at.getUTCFullYear() - 1) };
  }
}
