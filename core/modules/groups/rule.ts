/**
 * Reading an RFC 5545 recurrence as a group's schedule gives it: an RRULE,
 * alone or after a DTSTART line. The rrule package reads leniently (an
 * unknown weekday becomes undefined, BYHOUR=99 passes), so every part is
 * checked here first, against the vocabulary a timetable needs and within
 * bounds: nothing finer than hourly, no BYSECOND (sessions start on whole
 * minutes), lists and counts of a sane size.
 */
import { DomainError } from "../../errors";

export const MAX_RULE_TEXT = 1_000;

export type Frequency = "YEARLY" | "MONTHLY" | "WEEKLY" | "DAILY" | "HOURLY";
const FREQUENCIES: readonly string[] = ["YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY"];
const TOO_FINE = ["MINUTELY", "SECONDLY"];
const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/** The earliest and latest years a start or end may name: far inside what Intl and Date handle. */
export const FIRST_YEAR = 1970;
export const LAST_YEAR = 2200;

/** A DTSTART as written: its local reading (floating), and the zone it names or UTC. */
export interface RuleStart {
  wall: number;
  tzid: string | null;
  utc: boolean;
}

export interface ParsedRule {
  start: RuleStart | null;
  /** The RRULE parts, upper case, in the order written. */
  parts: [string, string][];
  freq: Frequency;
  /** UNTIL as written: a UTC instant (with Z) or a local reading (without). */
  until: { ms: number; utc: boolean } | null;
}

const fail = (message: string): never => {
  throw new DomainError("validation", `rrule ${message}`, [{ path: "rrule", message }]);
};

const int =
  (min: number, max: number, nonZero = false) =>
  (v: string) => {
    if (!/^[+-]?\d{1,4}$/.test(v)) return false;
    const n = Number(v);
    return n >= min && n <= max && !(nonZero && n === 0);
  };

/** Each list part: how many values it may hold, and what each may be. */
const LISTS: Record<string, { max: number; ok: (v: string) => boolean; what: string }> = {
  BYDAY: {
    max: 7 * 6,
    ok: (v) => /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.test(v) && int(-53, 53, true)(v.slice(0, -2) || "1"),
    what: "weekdays such as TU or 1MO or -1FR",
  },
  BYMONTHDAY: { max: 62, ok: int(-31, 31, true), what: "days of the month from 1 to 31 (or -31 to -1)" },
  BYMONTH: { max: 12, ok: int(1, 12), what: "months from 1 to 12" },
  BYHOUR: { max: 24, ok: int(0, 23), what: "hours from 0 to 23" },
  BYMINUTE: { max: 60, ok: int(0, 59), what: "minutes from 0 to 59" },
  BYSETPOS: { max: 50, ok: int(-366, 366, true), what: "positions from 1 to 366 (or -366 to -1)" },
  BYYEARDAY: { max: 50, ok: int(-366, 366, true), what: "days of the year from 1 to 366 (or -366 to -1)" },
  BYWEEKNO: { max: 53, ok: int(-53, 53, true), what: "weeks from 1 to 53 (or -53 to -1)" },
};
const SINGLE = new Set(["FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST"]);

/** `20260105T180000` (with an optional Z) as a floating reading; null when it is not one, or out of range. */
function readDateTime(text: string): { ms: number; utc: boolean; date_only: boolean } | null {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(text);
  if (!m) return null;
  const [y, mo, d, h = "0", mi = "0", s = "0"] = m.slice(1, 7).map((x) => x ?? "0") as string[];
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const back = new Date(ms);
  // Date.UTC rolls 20260231 over into March: a day or time that does not exist is refused, not moved.
  if (back.getUTCFullYear() !== Number(y) || back.getUTCMonth() !== Number(mo) - 1 || back.getUTCDate() !== Number(d)) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  if (Number(y) < FIRST_YEAR || Number(y) > LAST_YEAR) return null;
  return { ms, utc: m[7] === "Z", date_only: m[4] === undefined };
}

function readStart(line: string): RuleStart {
  const m = /^DTSTART(?:;TZID=([^:;]{1,64}))?(?:;VALUE=DATE-TIME)?:(\d{8}T\d{6}Z?)$/.exec(line);
  if (!m) return fail("DTSTART must read DTSTART:20260105T180000, DTSTART;TZID=Europe/Paris:20260105T180000 or end in Z for UTC");
  const at = readDateTime(m[2] as string);
  if (!at) return fail(`DTSTART names no real date and time between ${FIRST_YEAR} and ${LAST_YEAR}`);
  if (m[1] !== undefined && at.utc) fail("DTSTART cannot name a TZID and end in Z");
  return { wall: at.ms, tzid: m[1] ?? null, utc: at.utc };
}

function readParts(body: string): Pick<ParsedRule, "parts" | "freq" | "until"> {
  const parts: [string, string][] = [];
  const seen = new Set<string>();
  for (const item of body.split(";")) {
    const eq = item.indexOf("=");
    if (eq <= 0) fail(`part ${JSON.stringify(item.slice(0, 40))} is not KEY=VALUE`);
    const key = item.slice(0, eq).toUpperCase();
    const value = item.slice(eq + 1).toUpperCase();
    if (seen.has(key)) fail(`names ${key} twice`);
    seen.add(key);
    if (key === "BYSECOND") fail("BYSECOND is not supported: sessions start on whole minutes");
    const list = LISTS[key];
    if (list) {
      const values = value.split(",");
      if (values.length > list.max) fail(`${key} lists at most ${list.max} values`);
      for (const v of values) if (!list.ok(v)) fail(`${key} takes ${list.what}, not ${JSON.stringify(v.slice(0, 20))}`);
    } else if (!SINGLE.has(key)) {
      fail(`part ${key.slice(0, 40)} is not supported (FREQ, INTERVAL, COUNT, UNTIL, WKST, ${Object.keys(LISTS).join(", ")})`);
    }
    parts.push([key, value]);
  }
  const get = (k: string) => parts.find(([key]) => key === k)?.[1];
  const freq = get("FREQ");
  if (freq === undefined) fail("needs FREQ (YEARLY, MONTHLY, WEEKLY, DAILY or HOURLY)");
  if (TOO_FINE.includes(freq as string)) fail(`FREQ=${freq} is finer than a schedule may be: HOURLY at the finest`);
  if (!FREQUENCIES.includes(freq as string)) fail("FREQ must be YEARLY, MONTHLY, WEEKLY, DAILY or HOURLY");
  const interval = get("INTERVAL");
  if (interval !== undefined && !int(1, 1_000)(interval)) fail("INTERVAL must be a whole number from 1 to 1000");
  const count = get("COUNT");
  if (count !== undefined && !int(1, 10_000)(count)) fail("COUNT must be a whole number from 1 to 10000");
  const wkst = get("WKST");
  if (wkst !== undefined && !WEEKDAYS.includes(wkst)) fail("WKST must be a weekday (MO … SU)");
  checkPlacement(freq as Frequency, get);
  const untilText = get("UNTIL");
  let until: ParsedRule["until"] = null;
  if (untilText !== undefined) {
    if (count !== undefined) fail("cannot name both COUNT and UNTIL");
    const read = readDateTime(untilText);
    // A date alone ends the rule with that day, whose sessions all still count.
    until = read && { ms: read.date_only ? read.ms + 86_399_000 : read.ms, utc: read.utc };
    if (!until) fail(`UNTIL must be a date (20261231) or a date and time (20261231T235959Z) between ${FIRST_YEAR} and ${LAST_YEAR}`);
  }
  return { parts, freq: freq as Frequency, until };
}

/** RFC 5545 §3.3.10 ties some parts to some frequencies; elsewhere they would mean nothing or loop. */
function checkPlacement(freq: Frequency, get: (k: string) => string | undefined): void {
  const byday = get("BYDAY");
  if (byday !== undefined && /\d/.test(byday) && freq !== "MONTHLY" && freq !== "YEARLY")
    fail("BYDAY takes a number (1MO, -1FR) only with FREQ=MONTHLY or YEARLY");
  if (get("BYWEEKNO") !== undefined && freq !== "YEARLY") fail("BYWEEKNO needs FREQ=YEARLY");
  if (get("BYYEARDAY") !== undefined && ["DAILY", "WEEKLY", "MONTHLY"].includes(freq)) fail("BYYEARDAY cannot go with FREQ=DAILY, WEEKLY or MONTHLY");
  if (get("BYMONTHDAY") !== undefined && freq === "WEEKLY") fail("BYMONTHDAY cannot go with FREQ=WEEKLY");
}

/** Reads and checks a rule's text; throws a 422 naming `rrule` with the reason. */
export function parseRule(text: string): ParsedRule {
  if (text.length > MAX_RULE_TEXT) fail(`is longer than ${MAX_RULE_TEXT} characters`);
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "");
  let start: RuleStart | null = null;
  let body: string | null = null;
  for (const line of lines) {
    const upper = line.toUpperCase();
    if (upper.startsWith("DTSTART")) {
      if (start) fail("names DTSTART twice");
      start = readStart(line.replace(/^DTSTART/i, "DTSTART").replace(/;TZID=/i, ";TZID="));
    } else if (upper.startsWith("RRULE:") || upper.startsWith("FREQ=") || /^[A-Z]+=/.test(upper)) {
      if (body !== null) fail("holds one RRULE only");
      body = line.replace(/^RRULE:/i, "");
    } else {
      fail(`line ${JSON.stringify(line.slice(0, 40))} is neither DTSTART nor RRULE`);
    }
  }
  if (body === null || body === "") return fail("needs an RRULE such as FREQ=WEEKLY;BYDAY=TU,TH;BYHOUR=18;BYMINUTE=0");
  return { start, ...readParts(body) };
}

/** The RRULE line's text, as checked (upper case). */
export function ruleBody(rule: ParsedRule): string {
  return rule.parts.map(([k, v]) => `${k}=${v}`).join(";");
}

/** `20260105T180000` for a floating reading. */
export function compactWall(wallMs: number): string {
  return new Date(wallMs).toISOString().slice(0, 19).replace(/[-:]/g, "");
}
