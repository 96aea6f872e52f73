/**
 * A crisis case (label category 9) as an OASIS Common Alerting Protocol 1.2
 * alert, so that public warning systems, dashboards and other agencies can
 * take it without knowing Orgo. Each version of a case is one message: the
 * first is an `Alert`, later ones `Update` it (naming the first in
 * `references`), and closing the case `Cancel`s it. The mapping of Orgo's
 * fields to CAP's closed vocabularies:
 *
 * | Orgo | CAP |
 * | --- | --- |
 * | severity critical / high / medium / low | severity Extreme / Severe / Moderate / Minor |
 * | severity critical / high / medium / low (case not done) | urgency Immediate / Expected / Future / Unknown |
 * | status resolved or closed | urgency Past, responseType AllClear |
 * | privacy open / need_to_know | scope Public / Restricted (with a restriction naming who may see it) |
 * | `metadata.cap_category`, else the label's role and the task owners' roles | category (Safety, Health, Fire, …; Other when nothing names one) |
 * | open tasks' titles | instruction |
 * | site (and its Wikidata item from `linked_data.sites`) | area: areaDesc and a `wikidata` geocode |
 *
 * Pure: the caller passes the case, its visible tasks and where it lives.
 */
import type { LinkedData } from "../modules/config";
import { parseLabel } from "../labels";
import type { Case, Privacy, Task } from "../model";
import { clip, element } from "./xml";

export const CAP_NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2";
export const CAP_MEDIA_TYPE = "application/cap+xml";
export const CRISIS_CATEGORY = 9;

export const CAP_CATEGORIES = ["Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra", "CBRNE", "Other"] as const;
export type CapCategory = (typeof CAP_CATEGORIES)[number];

const SEVERITY = { critical: "Extreme", high: "Severe", medium: "Moderate", low: "Minor" } as const;
const URGENCY = { critical: "Immediate", high: "Expected", medium: "Future", low: "Unknown" } as const;

/** Words in role names that name a CAP category; the first rule that matches a role wins. */
const ROLE_CATEGORIES: ReadonlyArray<[RegExp, CapCategory]> = [
  [/cbrn|hazmat|chemical|nuclear|radiolog/i, "CBRNE"],
  [/fire/i, "Fire"],
  [/rescue/i, "Rescue"],
  [/medic|health|nurs|clinic|care|first.?aid/i, "Health"],
  [/secur|police|guard/i, "Security"],
  [/safety/i, "Safety"],
  [/transport|traffic|fleet|logistic/i, "Transport"],
  [/infra|maintenance|facilit|utilit/i, "Infra"],
  [/environment|ecolog|pollut/i, "Env"],
  [/weather|meteo/i, "Met"],
  [/^geo|seism|earthquake/i, "Geo"],
];

export interface CapContext {
  org: { slug: string; name: string; privacy: Privacy };
  /** The organization's mail domain (`ORGO_EMAIL_DOMAIN`): the sender is `<slug>@<domain>`. */
  emailDomain: string;
  /** Where the case can be read (the API's case URL). */
  caseUrl: string;
  linkedData?: LinkedData;
  /** An RFC 3066 language tag for the `info` block. */
  language?: string;
}

/** Does this label put the case in the crisis category (the only cases CAP speaks for)? */
export function isCrisisLabel(label: string): boolean {
  const parsed = parseLabel(label);
  return parsed.ok && parsed.label.category === CRISIS_CATEGORY;
}

/** CAP forbids `Z`: `2026-11-25T14:00:00+00:00`, seconds only. */
export function capDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new Error(`not a date-time: ${iso}`);
  return `${d.toISOString().slice(0, 19)}+00:00`;
}

/** CAP identifiers may not hold spaces, commas, `<` or `&`; ours keep to a safe alphabet. */
function capToken(value: string): string {
  return value.replace(/[^A-Za-z0-9._:@-]/g, "-");
}

export function capIdentifier(orgSlug: string, kase: Pick<Case, "ref" | "case_id">, version: number): string {
  return capToken(`orgo-${orgSlug}-${kase.ref || kase.case_id}-v${version}`);
}

export function capSender(orgSlug: string, emailDomain: string): string {
  return capToken(`${orgSlug}@${emailDomain}`);
}

function roleOf(label: string): string | null {
  const parsed = parseLabel(label);
  return parsed.ok ? parsed.label.role : null;
}

/** The case's CAP categories: an explicit `metadata.cap_category` (one or a list), else what its roles name, else Other. */
export function capCategories(kase: Pick<Case, "label" | "metadata">, tasks: ReadonlyArray<Pick<Task, "owner_role">>): CapCategory[] {
  const explicit = kase.metadata.cap_category;
  const given = (Array.isArray(explicit) ? explicit : [explicit]).filter((v): v is CapCategory => CAP_CATEGORIES.includes(v as CapCategory));
  if (given.length > 0) return [...new Set(given)];
  const roles = [roleOf(kase.label), ...tasks.map((t) => t.owner_role)].filter((r): r is string => !!r);
  const found: CapCategory[] = [];
  for (const role of roles) {
    // The most specific segment speaks first: Operations.Safety is about safety, not operations.
    const segments = role.split(".").reverse();
    const hit = segments.map((s) => ROLE_CATEGORIES.find(([re]) => re.test(s))?.[1]).find((c) => c !== undefined);
    if (hit && !found.includes(hit)) found.push(hit);
  }
  return found.length > 0 ? found : ["Other"];
}

type MsgType = "Alert" | "Update" | "Cancel";

function msgTypeOf(kase: Pick<Case, "status" | "version">): MsgType {
  if (kase.status === "closed") return "Cancel";
  return kase.version <= 1 ? "Alert" : "Update";
}

function areaDescOf(location: Case["location"]): string {
  const parts = [location.site, location.area].filter((p): p is string => !!p && p.trim() !== "");
  return parts.length > 0 ? parts.join(" / ") : "Unspecified";
}

/** The CAP 1.2 alert for one version of a case. */
export function buildCapAlert(kase: Case, tasks: ReadonlyArray<Task>, ctx: CapContext): string {
  const sender = capSender(ctx.org.slug, ctx.emailDomain);
  const msgType = msgTypeOf(kase);
  const done = kase.status === "resolved" || kase.status === "closed";
  const first = capIdentifier(ctx.org.slug, kase, 1);
  const references = msgType === "Alert" ? null : `${sender},${first},${capDateTime(kase.created_at)}`;
  const restricted = ctx.org.privacy !== "open";
  const role = roleOf(kase.label);
  const openTasks = tasks.filter((t) => t.status === "pending" || t.status === "in_progress");
  const siteQid = kase.location.site ? ctx.linkedData?.sites?.[kase.location.site] : undefined;

  const i = "    ";
  const a = "      ";
  let info = "";
  info += element("language", ctx.language ?? "en", i);
  for (const category of capCategories(kase, tasks)) info += element("category", category, i);
  info += element("event", kase.title, i);
  if (done) info += element("responseType", "AllClear", i);
  info += element("urgency", done ? "Past" : URGENCY[kase.severity], i);
  info += element("severity", SEVERITY[kase.severity], i);
  info += element("certainty", "Observed", i);
  info += element("senderName", ctx.org.name, i);
  info += element("headline", clip(kase.title, 160), i);
  info += element("description", kase.description ?? kase.title, i);
  info += element("instruction", openTasks.length > 0 ? openTasks.map((t) => t.title).join("\n") : null, i);
  info += element("web", ctx.caseUrl, i);
  info += parameter("label", kase.label, i);
  info += parameter("status", kase.status, i);
  if (kase.reactivity_deadline) info += parameter("reactivity_deadline", capDateTime(kase.reactivity_deadline), i);
  info += `${i}<area>\n`;
  info += element("areaDesc", areaDescOf(kase.location), a);
  if (siteQid) info += `${a}<geocode>\n${element("valueName", "wikidata", `${a}  `)}${element("value", siteQid, `${a}  `)}${a}</geocode>\n`;
  info += `${i}</area>\n`;

  const s = "  ";
  let xml = `<?xml version="1.0" encoding="UTF-8"?>\n<alert xmlns="${CAP_NAMESPACE}">\n`;
  xml += element("identifier", capIdentifier(ctx.org.slug, kase, kase.version), s);
  xml += element("sender", sender, s);
  xml += element("sent", capDateTime(kase.updated_at), s);
  xml += element("status", "Actual", s);
  xml += element("msgType", msgType, s);
  xml += element("source", "Orgo", s);
  xml += element("scope", restricted ? "Restricted" : "Public", s);
  if (restricted) {
    xml += element("restriction", `Members of ${ctx.org.name} whose positions cover ${role ?? "the case's role"}`, s);
  }
  xml += element("references", references, s);
  xml += element("incidents", capToken(kase.ref || kase.case_id), s);
  xml += `${s}<info>\n${info}${s}</info>\n</alert>\n`;
  return xml;
}

function parameter(name: string, value: string, indent: string): string {
  const inner = `${indent}  `;
  return `${indent}<parameter>\n${element("valueName", name, inner)}${element("value", value, inner)}${indent}</parameter>\n`;
}
