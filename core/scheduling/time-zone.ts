/**
 * Wall-clock time in an IANA time zone, from the platform's Intl data alone
 * (working hours, recurring sessions). A "wall" value is a number of
 * milliseconds whose UTC reading is the local reading (a floating time):
 * 18:00 in Paris is `Date.UTC(…, 18, 0)`; the zone's offset on that very day
 * decides the instant.
 */

const MAX_ZONE_NAME = 64;
// An IANA name (Area/Location, UTC, Etc/GMT+3), never a bare offset such as +02:00.
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,2}$/;
/** Formatters are costly to build and zones are few; the cache is bounded all the same. */
const MAX_CACHED_ZONES = 200;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      // h23: some engines print midnight as "24" with hour12:false.
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      era: "short",
    });
    if (formatters.size >= MAX_CACHED_ZONES) formatters.clear();
    formatters.set(zone, f);
  }
  return f;
}

/** True when the platform knows this IANA zone name. */
export function isTimeZone(zone: string): boolean {
  if (zone.length > MAX_ZONE_NAME || !ZONE_NAME.test(zone)) return false;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The local wall-clock reading of an instant, as a floating time. */
export function toWall(instant: number, zone: string): number {
  let y = 0;
  let mo = 0;
  let d = 0;
  let h = 0;
  let mi = 0;
  let s = 0;
  let bc = false;
  for (const p of formatter(zone).formatToParts(new Date(instant))) {
    switch (p.type) {
      case "year":
        y = Number(p.value);
        break;
      case "month":
        mo = Number(p.value);
        break;
      case "day":
        d = Number(p.value);
        break;
      case "hour":
        h = Number(p.value);
        break;
      case "minute":
        mi = Number(p.value);
        break;
      case "second":
        s = Number(p.value);
        break;
      case "era":
        bc = p.value.startsWith("B");
        break;
    }
  }
  const date = new Date(0);
  date.setUTCFullYear(bc ? 1 - y : y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  return date.getTime() + (((instant % 1000) + 1000) % 1000);
}

/** The zone's offset from UTC at an instant, in milliseconds (Paris in summer: +7,200,000). */
export const offsetAt = (instant: number, zone: string): number => toWall(instant, zone) - instant;

/**
 * The instant at which the local clock reads `wall`. Around a change of
 * offset (RFC 5545 §3.3.5, Temporal's "compatible"): a reading that happens
 * twice (clocks going back) is its first occurrence; one that never happens
 * (clocks going forward) is read with the offset from before the change, so
 * 02:30 on a Berlin spring-forward day is 03:30. Zones change their offset
 * at most once within a day either side.
 */
export function fromWall(wall: number, zone: string): number {
  const before = offsetAt(wall - DAY_MS, zone);
  const after = offsetAt(wall + DAY_MS, zone);
  const fits = [wall - before, wall - after].filter((utc) => toWall(utc, zone) === wall);
  if (fits.length > 0) return Math.min(...fits);
  return wall - before;
}

/** RFC 3339 with the zone's offset at that instant: `2026-10-27T18:00:00+01:00`. */
export function localTimestamp(instant: number, zone: string): string {
  const offset = offsetAt(Math.floor(instant / 1000) * 1000, zone);
  const wall = new Date(Math.floor(instant / 1000) * 1000 + offset).toISOString().slice(0, 19);
  const sign = offset < 0 ? "-" : "+";
  const minutes = Math.abs(offset) / 60_000;
  const hh = String(Math.floor(minutes / 60)).padStart(2, "0");
  const mm = String(minutes % 60).padStart(2, "0");
  return `${wall}${sign}${hh}:${mm}`;
}
