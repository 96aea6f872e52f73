/**
 * A case as linked data (JSON-LD over schema.org), so that open-data portals
 * and knowledge graphs can read it, and its place, category and roles join
 * the shared vocabulary of Wikidata through the profile's `linked_data`.
 *
 * Types, and why:
 * - The case is a `CreativeWork`: what an organization keeps about a
 *   situation is a record (a case file), not the situation itself. An `Event`
 *   would claim a happening with a start and an end, which a request for a
 *   repair is not; a bare `Thing` has no dates. A `CreativeWork` has
 *   `dateCreated`, `dateModified`, `creativeWorkStatus`, `contentLocation`
 *   (the place the record is about; schema.org's `location` belongs to events
 *   and actions) and `about` (the person the case concerns). Its Wikidata
 *   category (`linked_data.categories`) is an `additionalType`.
 * - Each task is an `Action` with `actionStatus` (pending → Potential,
 *   in_progress → Active, completed → Completed, cancelled → Failed), the
 *   case as its `object`, and the owning role as its `agent`: an
 *   `Organization` (a team of the organization), `sameAs` its Wikidata item
 *   from `linked_data.roles`. The tasks hang from the case as `potentialAction`.
 * - Orgo's own fields (label, severity, deadlines) use the `orgo:` vocabulary.
 *
 * A person appears by identifier only: their name and attributes may be
 * sensitive, and a published graph is no place to judge who may read them.
 * The case's free metadata stays out too (it may hold a reporter's contact).
 */
import type { LinkedData } from "../modules/config";
import { parseLabel } from "../labels";
import type { Case, Task, TaskStatus } from "../model";

export const JSON_LD_MEDIA_TYPE = "application/ld+json";
export const ORGO_VOCAB = "https://orgo.dev/ns#";
export const WIKIDATA_ENTITY = "https://www.wikidata.org/wiki/";

export const JSON_LD_CONTEXT = [
  "https://schema.org",
  {
    orgo: ORGO_VOCAB,
    wikidata: "orgo:wikidata",
    label: "orgo:label",
    severity: "orgo:severity",
    category: "orgo:category",
    ref: "orgo:ref",
    escalationLevel: "orgo:escalationLevel",
    reactivityTime: "orgo:reactivityTime",
    reactivityDeadline: { "@id": "orgo:reactivityDeadline", "@type": "DateTime" },
    reactedAt: { "@id": "orgo:reactedAt", "@type": "DateTime" },
  },
] as const;

const ACTION_STATUS: Record<TaskStatus, string> = {
  pending: "PotentialActionStatus",
  in_progress: "ActiveActionStatus",
  completed: "CompletedActionStatus",
  cancelled: "FailedActionStatus",
};

export interface JsonLdContext {
  org: { slug: string; name: string };
  /** The API's base URL (`https://host`): node ids are the records' API URLs. */
  baseUrl: string;
  linkedData?: LinkedData;
}

type Node = Record<string, unknown>;

const wikidataUrl = (qid: string) => `${WIKIDATA_ENTITY}${qid}`;

/** `sameAs` and `wikidata` for a node tied to a Wikidata item, nothing otherwise. */
function tie(qid: string | undefined): Node {
  return qid ? { sameAs: wikidataUrl(qid), wikidata: qid } : {};
}

function place(location: Case["location"], linkedData: LinkedData | undefined): Node | null {
  if (!location.site && !location.area) return null;
  const name = [location.site, location.area].filter(Boolean).join(" / ");
  const siteQid = location.site ? linkedData?.sites?.[location.site] : undefined;
  const node: Node = { "@type": "Place", name, ...tie(siteQid) };
  // The area is a part of the site: a place of its own, inside the site's.
  if (location.site && location.area) node.containedInPlace = { "@type": "Place", name: location.site, ...tie(siteQid) };
  return node;
}

function roleAgent(role: string | null, linkedData: LinkedData | undefined): Node | null {
  if (!role) return null;
  return { "@type": "Organization", name: role, ...tie(linkedData?.roles?.[role]) };
}

function taskNode(task: Task, caseId: string, ctx: JsonLdContext): Node {
  const node: Node = {
    "@type": "Action",
    "@id": `${ctx.baseUrl}/v1/orgs/${ctx.org.slug}/tasks/${task.task_id}`,
    identifier: task.task_id,
    name: task.title,
    actionStatus: ACTION_STATUS[task.status],
    object: { "@id": caseId },
    label: task.label,
    severity: task.severity,
    reactivityDeadline: task.reactivity_deadline,
  };
  const agent = roleAgent(task.owner_role, ctx.linkedData);
  if (agent) node.agent = agent;
  if (task.reacted_at) node.startTime = task.reacted_at;
  if (task.status === "completed" || task.status === "cancelled") node.endTime = task.updated_at;
  return node;
}

/** The JSON-LD document of a case and the tasks the caller may see. */
export function buildCaseJsonLd(kase: Case, tasks: ReadonlyArray<Task>, ctx: JsonLdContext): Node {
  const id = `${ctx.baseUrl}/v1/orgs/${ctx.org.slug}/cases/${kase.case_id}`;
  const parsed = parseLabel(kase.label);
  const category = parsed.ok ? parsed.label.category : null;
  const categoryQid = category === null ? undefined : ctx.linkedData?.categories?.[String(category)];

  const doc: Node = {
    "@context": JSON_LD_CONTEXT,
    "@type": "CreativeWork",
    "@id": id,
    url: id,
    identifier: kase.case_id,
    ref: kase.ref,
    name: kase.title,
    dateCreated: kase.created_at,
    dateModified: kase.updated_at,
    creativeWorkStatus: kase.status,
    label: kase.label,
    severity: kase.severity,
    reactivityTime: kase.reactivity_time,
    reactivityDeadline: kase.reactivity_deadline,
    escalationLevel: kase.escalation_level,
    keywords: kase.tags,
    sourceOrganization: { "@type": "Organization", name: ctx.org.name, identifier: ctx.org.slug },
  };
  if (kase.description) doc.description = kase.description;
  if (kase.reacted_at) doc.reactedAt = kase.reacted_at;
  if (category !== null) {
    doc.category = String(category);
    if (categoryQid) doc.additionalType = wikidataUrl(categoryQid);
  }
  const where = place(kase.location, ctx.linkedData);
  if (where) doc.contentLocation = where;
  if (kase.person_id) doc.about = { "@type": "Person", "@id": `urn:orgo:person:${kase.person_id}`, identifier: kase.person_id };
  const origin = roleAgent(parsed.ok ? parsed.label.role : null, ctx.linkedData);
  if (origin) doc.maintainer = origin;
  if (tasks.length > 0) doc.potentialAction = tasks.map((t) => taskNode(t, id, ctx));
  return doc;
}

/** Does an Accept header ask for JSON-LD (and prefer it to plain JSON)? */
export function wantsJsonLd(accept: string | null | undefined): boolean {
  if (!accept) return false;
  let ld = -1;
  let json = -1;
  for (const part of accept.split(",")) {
    const [type = "", ...params] = part.trim().toLowerCase().split(";");
    const q = Number(
      params
        .map((p) => p.trim())
        .find((p) => p.startsWith("q="))
        ?.slice(2) ?? 1,
    );
    const weight = Number.isFinite(q) ? q : 0;
    if (type.trim() === JSON_LD_MEDIA_TYPE) ld = Math.max(ld, weight);
    else if (type.trim() === "application/json") json = Math.max(json, weight);
  }
  return ld > 0 && ld >= json;
}
