/**
 * Date headers as sent, not as RFC 5322 wishes: folded, commented, two-digit years, missing seconds,
 * named zones, month-first or ISO order. Returns null rather than a guess when nothing fits.
 */

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  cet: 60,
  cest: 120,
  met: 60,
  mest: 120,
  bst: 60,
  eet: 120,
  eest: 180,
  jst: 540,
  kst: 540,
  ist: 330,
  hkt: 480,
  sgt: 480,
  aest: 600,
  aedt: 660,
  nzst: 720,
  nzdt: 780,
};

const DAY_FIRST = /^(?:[a-z]+\.?,?\s*)?(\d{1,2})[\s-]+([a-z]{3,9})\.?[\s,-]+(\d{2,4}),?\s+(\d{1,2})[:.](\d{1,2})(?:[:.](\d{1,2}))?(?:\.\d+)?\s*(.*)$/i;
const MONTH_FIRST = /^(?:[a-z]+\.?,?\s*)?([a-z]{3,9})\.?\s+(\d{1,2}),?\s+(?:(\d{4})\s+)?(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?\s*(.*?)(?:\s+(\d{4}))?$/i;

function stripComments(value: string): string {
  let out = "";
  let depth = 0;
  for (const c of value) {
    if (c === "(") depth++;
    else if (c === ")" && depth > 0) depth--;
    else if (depth === 0) out += c;
  }
  return out;
}

function zoneMinutes(zone: string): number | null {
  const z = zone.trim().toLowerCase();
  if (!z) return 0;
  const numeric = z.match(/^(?:gmt|utc|ut)?\s*([+-])(\d{1,2}):?(\d{2})?/);
  if (numeric) {
    const minutes = Number(numeric[2]) * 60 + Number(numeric[3] ?? 0);
    return numeric[1] === "-" ? -minutes : minutes;
  }
  const word = z.match(/^[a-z]+/)?.[0] ?? "";
  const known = ZONES[word];
  if (known !== undefined) return known;
  // RFC 5322 4.3: military and unknown zones carry no information, read as -0000.
  return /^[a-z]{1,5}$/.test(word) ? 0 : null;
}

function build(year: number, monthName: string, day: number, h: number, m: number, s: number, zone: string): Date | null {
  const month = MONTHS.indexOf(monthName.slice(0, 3).toLowerCase());
  const offset = zoneMinutes(zone);
  if (month < 0 || offset === null || day < 1 || day > 31 || h > 24 || m > 59 || s > 60) return null;
  const fullYear = year < 50 ? 2000 + year : year < 1000 ? 1900 + year : year;
  const ms = Date.UTC(fullYear, month, day, h, m, Math.min(s, 59)) - offset * 60_000;
  return Number.isNaN(ms) ? null : new Date(ms);
}

export function parseDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  const text = stripComments(value.slice(0, 300)).replace(/\s+/g, " ").trim();
  if (!text) return null;
  const a = text.match(DAY_FIRST);
  if (a) {
    const d = build(Number(a[3]), a[2] ?? "", Number(a[1]), Number(a[4]), Number(a[5]), Number(a[6] ?? 0), a[7] ?? "");
    if (d) return d;
  }
  const b = text.match(MONTH_FIRST);
  if (b && (b[3] || b[8])) {
    const d = build(Number(b[3] ?? b[8]), b[1] ?? "", Number(b[2]), Number(b[4]), Number(b[5]), Number(b[6] ?? 0), b[7] ?? "");
    if (d) return d;
  }
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms);
}
