/**
 * Which webhook URLs Orgo may POST to. A tenant chooses the URL, so in
 * production a URL must not reach the platform's own network (SSRF): hosts
 * that are loopback, private, link-local, unique-local, shared (CGNAT),
 * multicast, reserved or unspecified addresses, and names that only resolve
 * inside a network (`localhost`, `*.local`, `*.internal`, single labels), are
 * refused; so are plain http and non-standard ports. Development allows any
 * http(s) URL, so local receivers keep working.
 *
 * Hosts are judged as the WHATWG URL parser (the one `fetch` uses) sees them:
 * it already turns `http://2130706433/`, `http://0x7f.1/` or `http://0177.0.0.1/`
 * into `127.0.0.1` and IPv6 literals into their compressed form, so no
 * spelling of an address slips past. What a public DNS name resolves to is not
 * checked here (Workers cannot resolve names; their `fetch` does not reach
 * private networks).
 */
import { DomainError } from "../errors";

export type DeploymentMode = "development" | "production";

/** `ORGO_ENV` is "development" under wrangler dev; anything else, or nothing, is production. */
export function deploymentMode(orgoEnv: string | undefined): DeploymentMode {
  return orgoEnv === "development" ? "development" : "production";
}

export type HostClass = "public" | "loopback" | "private" | "link_local" | "unique_local" | "shared" | "multicast" | "reserved" | "unspecified" | "local_name";

const DESCRIBED: Record<Exclude<HostClass, "public">, string> = {
  loopback: "a loopback address",
  private: "a private address",
  link_local: "a link-local address",
  unique_local: "a unique-local address",
  shared: "a shared (carrier-grade NAT) address",
  multicast: "a multicast address",
  reserved: "a reserved or special-purpose address",
  unspecified: "an unspecified address",
  local_name: "a name that resolves only inside a network",
};

// --- IPv4 -------------------------------------------------------------------

type Range4 = [base: string, bits: number, cls: HostClass];

/** RFC 6890 special-purpose blocks and friends; first match wins. */
const IPV4_RANGES: Range4[] = [
  ["0.0.0.0", 8, "unspecified"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "shared"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link_local"],
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "reserved"],
  ["192.0.2.0", 24, "reserved"],
  ["192.88.99.0", 24, "reserved"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "reserved"],
  ["198.51.100.0", 24, "reserved"],
  ["203.0.113.0", 24, "reserved"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved"],
];

const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function ipv4ToInt(text: string): number | null {
  const m = DOTTED_QUAD.exec(text);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

const IPV4_TABLE = IPV4_RANGES.map(([base, bits, cls]) => ({ base: ipv4ToInt(base) as number, size: 2 ** (32 - bits), cls }));

function classifyIpv4(value: number): HostClass {
  for (const r of IPV4_TABLE) if (value >= r.base && value < r.base + r.size) return r.cls;
  return "public";
}

// --- IPv6 -------------------------------------------------------------------

/** 128-bit value of an IPv6 literal (with or without `::` and a dotted IPv4 tail), or null. */
function ipv6ToBigInt(text: string): bigint | null {
  let head = text;
  const groups: number[] = [];
  const tail4 = /(?:^|:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(head);
  let tailGroups: number[] = [];
  if (tail4) {
    const v4 = ipv4ToInt(tail4[1] as string);
    if (v4 === null) return null;
    tailGroups = [Math.floor(v4 / 65536), v4 % 65536];
    head = head.slice(0, head.length - (tail4[1] as string).length);
    if (head.endsWith(":") && !head.endsWith("::")) head = head.slice(0, -1);
  }
  const halves = head.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN)));
  const left = parse(halves[0] as string);
  const right = halves.length === 2 ? parse(halves[1] as string) : [];
  if ([...left, ...right].some(Number.isNaN)) return null;
  const known = left.length + right.length + tailGroups.length;
  if (halves.length === 2 ? known > 7 : known !== 8) return null;
  groups.push(...left, ...new Array(8 - known).fill(0), ...right, ...tailGroups);
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

type Range6 = [base: string, bits: number, cls: HostClass | "embedded_ipv4"];

/** First match wins; "embedded_ipv4" judges the IPv4 address carried in the low 32 bits (or bits 16–48 for 6to4). */
const IPV6_RANGES: Range6[] = [
  ["::", 128, "unspecified"],
  ["::1", 128, "loopback"],
  ["::ffff:0:0", 96, "embedded_ipv4"], // IPv4-mapped
  ["64:ff9b::", 96, "embedded_ipv4"], // NAT64 well-known prefix
  ["64:ff9b:1::", 48, "private"], // local-use NAT64
  ["::", 96, "reserved"], // IPv4-compatible (deprecated)
  ["::ffff:0:0:0", 96, "reserved"], // IPv4-translated
  ["100::", 64, "reserved"], // discard-only
  ["2001:db8::", 32, "reserved"], // documentation
  ["2001::", 23, "reserved"], // IETF protocol assignments (Teredo, benchmarking, ORCHID)
  ["2002::", 16, "embedded_ipv4"], // 6to4
  ["3fff::", 20, "reserved"], // documentation
  ["5f00::", 16, "reserved"], // SRv6 SIDs
  ["fc00::", 7, "unique_local"],
  ["fe80::", 10, "link_local"],
  ["fec0::", 10, "private"], // site-local (deprecated)
  ["ff00::", 8, "multicast"],
];

const IPV6_TABLE = IPV6_RANGES.map(([base, bits, cls]) => ({
  base: ipv6ToBigInt(base) as bigint,
  mask: ((1n << BigInt(bits)) - 1n) << BigInt(128 - bits),
  cls,
}));
const GLOBAL_UNICAST = { base: 0x2000n << 112n, mask: 0xe000n << 112n };

function classifyIpv6(value: bigint): HostClass {
  for (const r of IPV6_TABLE) {
    if ((value & r.mask) !== r.base) continue;
    if (r.cls !== "embedded_ipv4") return r.cls;
    const is6to4 = value >> 112n === 0x2002n;
    const v4 = Number(is6to4 ? (value >> 80n) & 0xffffffffn : value & 0xffffffffn);
    return classifyIpv4(v4);
  }
  // Outside 2000::/3 nothing is allocated for global unicast.
  return (value & GLOBAL_UNICAST.mask) === GLOBAL_UNICAST.base ? "public" : "reserved";
}

// --- names --------------------------------------------------------------------

const LOCAL_SUFFIXES = ["localhost", "local", "internal", "home.arpa", "localdomain"];

function classifyName(name: string): HostClass {
  if (!name.includes(".")) return "local_name";
  for (const suffix of LOCAL_SUFFIXES) if (name === suffix || name.endsWith(`.${suffix}`)) return "local_name";
  return "public";
}

/**
 * Classifies a host as `URL.hostname` gives it (IPv6 in brackets). Other
 * spellings are normalised through the URL parser first, so a caller holding
 * `0x7f.1` gets the same answer as for `127.0.0.1`.
 */
export function classifyHost(hostname: string): HostClass {
  let host = hostname.toLowerCase();
  if (!host.startsWith("[")) {
    try {
      host = new URL(`http://${host}/`).hostname;
    } catch {
      return "reserved";
    }
  }
  if (host.endsWith(".")) host = host.slice(0, -1);
  if (host.startsWith("[") && host.endsWith("]")) {
    const v6 = ipv6ToBigInt(host.slice(1, -1));
    return v6 === null ? "reserved" : classifyIpv6(v6);
  }
  const v4 = ipv4ToInt(host);
  if (v4 !== null) return classifyIpv4(v4);
  return classifyName(host);
}

/** Why this URL may not receive webhooks in this mode, or null when it may. */
export function webhookUrlProblem(url: string, mode: DeploymentMode): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "is not a valid URL";
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return mode === "development" ? "must use http or https" : "must use https";
  if (mode === "development") return null;
  if (parsed.protocol !== "https:") return "must use https outside development";
  if (parsed.port !== "") return `must use the standard https port, not ${parsed.port}`;
  const cls = classifyHost(parsed.hostname);
  if (cls !== "public") return `may not point at ${parsed.hostname}: ${DESCRIBED[cls]}`;
  return null;
}

/** Refuses a profile whose webhook URL may not receive webhooks in this mode (422 naming the URL's path). */
export function requireSafeWebhookUrl(url: string, mode: DeploymentMode, path: string): void {
  const problem = webhookUrlProblem(url, mode);
  if (problem) throw new DomainError("invalid_profile", `the webhook URL ${problem}`, [{ path, message: problem }]);
}
