/**
 * The D1 schema: the queryable copy of every organization's records.
 * Each organization's Durable Object is the source of truth and feeds these
 * tables through its outbox with idempotent, version-guarded upserts, so a
 * flush replayed after a crash changes nothing. Every list or filter query
 * has an index below (a query without one stalls the local runtime).
 */
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { Position } from "../core/model";

export const orgs = sqliteTable(
  "orgs",
  {
    org_id: text("org_id").primaryKey(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    profile: text("profile").notNull(),
    /** Copied from the active profile by the organization's object, so reads can filter without asking it. */
    privacy: text("privacy", { enum: ["open", "need_to_know"] })
      .notNull()
      .default("open"),
    /** The modules the active profile enables (JSON array), copied like privacy: a disabled module's routes answer 404 without asking the object. */
    modules: text("modules", { mode: "json" }).notNull().$type<string[]>().default([]),
    created_at: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("orgs_slug").on(t.slug)],
);

export const roles = sqliteTable(
  "roles",
  {
    role_id: text("role_id").primaryKey(),
    org_id: text("org_id").notNull(),
    name: text("name").notNull(),
    parent: text("parent"),
    seq: integer("seq").notNull(),
  },
  (t) => [uniqueIndex("roles_org_name").on(t.org_id, t.name), index("roles_org_seq").on(t.org_id, t.seq)],
);

export const users = sqliteTable(
  "users",
  {
    user_id: text("user_id").primaryKey(),
    org_id: text("org_id").notNull(),
    seq: integer("seq").notNull(),
    email: text("email").notNull(),
    display_name: text("display_name").notNull(),
    admin: integer("admin", { mode: "boolean" }).notNull(),
    positions: text("positions", { mode: "json" }).notNull().$type<Position[]>(),
    password_hash: text("password_hash"),
    active: integer("active", { mode: "boolean" }).notNull(),
    created_at: text("created_at").notNull(),
    updated_at: text("updated_at").notNull(),
    version: integer("version").notNull(),
  },
  (t) => [uniqueIndex("users_org_email").on(t.org_id, t.email), index("users_org_seq").on(t.org_id, t.seq)],
);

export const tokens = sqliteTable(
  "tokens",
  {
    token_id: text("token_id").primaryKey(),
    org_id: text("org_id").notNull(),
    token_hash: text("token_hash").notNull(),
    kind: text("kind", { enum: ["api", "session"] }).notNull(),
    name: text("name").notNull(),
    user_id: text("user_id"),
    admin: integer("admin", { mode: "boolean" }).notNull(),
    positions: text("positions", { mode: "json" }).notNull().$type<Position[]>(),
    expires_at: text("expires_at"),
    revoked_at: text("revoked_at"),
    created_at: text("created_at").notNull(),
    version: integer("version").notNull(),
  },
  (t) => [uniqueIndex("tokens_hash").on(t.token_hash), index("tokens_org").on(t.org_id, t.created_at)],
);

const caseColumns = {
  case_id: text("case_id").primaryKey(),
  org_id: text("org_id").notNull(),
  ref: text("ref").notNull(),
  seq: integer("seq").notNull(),
  /** The maintenance asset the case is about, if any. */
  asset_id: text("asset_id"),
  title: text("title").notNull(),
  description: text("description"),
  label: text("label").notNull(),
  origin_label: text("origin_label"),
  status: text("status").notNull(),
  severity: text("severity").notNull(),
  reactivity_time: text("reactivity_time").notNull(),
  reactivity_deadline: text("reactivity_deadline"),
  origin_role: text("origin_role"),
  site: text("site"),
  area: text("area"),
  tags: text("tags", { mode: "json" }).notNull().$type<string[]>(),
  metadata: text("metadata", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
  person_id: text("person_id"),
  /** Only a trusted link opens the person's sensitive attributes (core/privacy/person-sight.ts). */
  person_link_trusted: integer("person_link_trusted", { mode: "boolean" }).notNull().default(false),
  escalation_level: integer("escalation_level").notNull(),
  reacted_at: text("reacted_at"),
  created_by: text("created_by"),
  created_at: text("created_at").notNull(),
  updated_at: text("updated_at").notNull(),
  version: integer("version").notNull(),
  profile_version: integer("profile_version").notNull().default(1),
};

export const cases = sqliteTable("cases", caseColumns, (t) => [
  uniqueIndex("cases_org_seq").on(t.org_id, t.seq),
  uniqueIndex("cases_org_ref").on(t.org_id, t.ref),
  index("cases_org_person_seq").on(t.org_id, t.person_id, t.seq),
  index("cases_org_status_seq").on(t.org_id, t.status, t.seq),
  index("cases_org_label_seq").on(t.org_id, t.label, t.seq),
  index("cases_org_severity_seq").on(t.org_id, t.severity, t.seq),
  index("cases_org_asset_seq").on(t.org_id, t.asset_id, t.seq),
]);

export const tasks = sqliteTable(
  "tasks",
  {
    task_id: text("task_id").primaryKey(),
    org_id: text("org_id").notNull(),
    case_id: text("case_id").notNull(),
    seq: integer("seq").notNull(),
    title: text("title").notNull(),
    type: text("type"),
    subtype: text("subtype"),
    status: text("status").notNull(),
    label: text("label").notNull(),
    origin_label: text("origin_label"),
    asset_id: text("asset_id"),
    /** Whose task it is within its role, when one member was named (a broadcast's task per member). */
    assignee_user_id: text("assignee_user_id"),
    assignee_person_id: text("assignee_person_id"),
    owner_role_id: text("owner_role_id"),
    owner_role: text("owner_role"),
    severity: text("severity").notNull(),
    reactivity_time: text("reactivity_time").notNull(),
    reactivity_deadline: text("reactivity_deadline"),
    reacted_at: text("reacted_at"),
    due_at: text("due_at"),
    escalation_level: integer("escalation_level").notNull(),
    site: text("site"),
    area: text("area"),
    created_by: text("created_by"),
    created_at: text("created_at").notNull(),
    updated_at: text("updated_at").notNull(),
    version: integer("version").notNull(),
    profile_version: integer("profile_version").notNull().default(1),
  },
  (t) => [
    uniqueIndex("tasks_org_seq").on(t.org_id, t.seq),
    index("tasks_org_status_seq").on(t.org_id, t.status, t.seq),
    index("tasks_org_label_seq").on(t.org_id, t.label, t.seq),
    index("tasks_org_case_seq").on(t.org_id, t.case_id, t.seq),
    index("tasks_org_asset_seq").on(t.org_id, t.asset_id, t.seq),
  ],
);

/** Subjects of cases (students, patients, employees) who may never log in. */
export const persons = sqliteTable(
  "persons",
  {
    person_id: text("person_id").primaryKey(),
    org_id: text("org_id").notNull(),
    seq: integer("seq").notNull(),
    display_name: text("display_name").notNull(),
    kind: text("kind"),
    external_ref: text("external_ref"),
    attributes: text("attributes", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    created_at: text("created_at").notNull(),
    updated_at: text("updated_at").notNull(),
    version: integer("version").notNull(),
  },
  (t) => [uniqueIndex("persons_org_seq").on(t.org_id, t.seq), index("persons_org_ref").on(t.org_id, t.external_ref)],
);

export const signals = sqliteTable(
  "signals",
  {
    signal_id: text("signal_id").primaryKey(),
    org_id: text("org_id").notNull(),
    seq: integer("seq").notNull(),
    source: text("source").notNull(),
    idempotency_key: text("idempotency_key"),
    title: text("title").notNull(),
    body: text("body"),
    severity: text("severity"),
    label: text("label"),
    site: text("site"),
    area: text("area"),
    metadata: text("metadata", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    person_id: text("person_id"),
    occurred_at: text("occurred_at").notNull(),
    received_at: text("received_at").notNull(),
    case_id: text("case_id"),
    matched_rules: text("matched_rules", { mode: "json" }).notNull().$type<string[]>(),
    /** How the signal was routed when it arrived: the baseline a profile dry run compares with. */
    routed_label: text("routed_label"),
    routed_severity: text("routed_severity"),
    routed_reactivity_time: text("routed_reactivity_time"),
    routed_tasks: integer("routed_tasks"),
  },
  (t) => [
    uniqueIndex("signals_org_seq").on(t.org_id, t.seq),
    index("signals_org_case_seq").on(t.org_id, t.case_id, t.seq),
    index("signals_org_received").on(t.org_id, t.received_at),
    index("signals_org_source_seq").on(t.org_id, t.source, t.seq),
  ],
);

export const audit_events = sqliteTable(
  "audit_events",
  {
    event_id: text("event_id").primaryKey(),
    org_id: text("org_id").notNull(),
    seq: integer("seq").notNull(),
    at: text("at").notNull(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    entity_type: text("entity_type").notNull(),
    entity_id: text("entity_id").notNull(),
    case_id: text("case_id"),
    changes: text("changes", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
  },
  (t) => [
    uniqueIndex("audit_org_seq").on(t.org_id, t.seq),
    index("audit_org_entity_seq").on(t.org_id, t.entity_id, t.seq),
    index("audit_org_case_seq").on(t.org_id, t.case_id, t.seq),
    index("audit_org_at").on(t.org_id, t.at),
  ],
);

export const notifications = sqliteTable(
  "notifications",
  {
    notification_id: text("notification_id").primaryKey(),
    org_id: text("org_id").notNull(),
    seq: integer("seq").notNull(),
    at: text("at").notNull(),
    event: text("event").notNull(),
    channel: text("channel").notNull(),
    recipient: text("recipient").notNull(),
    entity_type: text("entity_type").notNull(),
    entity_id: text("entity_id").notNull(),
    case_id: text("case_id"),
    status: text("status").notNull(),
    attempts: integer("attempts").notNull(),
    payload: text("payload", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    version: integer("version").notNull(),
  },
  (t) => [
    uniqueIndex("notifications_org_seq").on(t.org_id, t.seq),
    index("notifications_org_recipient_seq").on(t.org_id, t.recipient, t.seq),
    index("notifications_org_channel_seq").on(t.org_id, t.channel, t.seq),
  ],
);

/**
 * Mail in and out. Inbound: every message once (by Message-ID), on its case's
 * timeline or, for loop-safe mail that threads nowhere, recorded alone. The
 * raw message and each attachment are in R2 under the keys kept here.
 */
export const email_messages = sqliteTable(
  "email_messages",
  {
    email_id: text("email_id").primaryKey(),
    org_id: text("org_id").notNull(),
    seq: integer("seq").notNull(),
    case_id: text("case_id"),
    direction: text("direction", { enum: ["inbound", "outbound"] }).notNull(),
    /** inbound: opened (a case), joined (a case's thread), recorded (loop-safe mail); outbound: queued, sent, failed */
    status: text("status").notNull(),
    message_id: text("message_id").notNull(),
    from_address: text("from_address").notNull(),
    from_name: text("from_name"),
    to: text("to", { mode: "json" }).notNull().$type<string[]>(),
    cc: text("cc", { mode: "json" }).notNull().$type<string[]>(),
    subject: text("subject").notNull(),
    /** The author's new text only (quotes and signature removed). */
    text: text("text").notNull(),
    /** The whole body as text, quotes included. */
    full_text: text("full_text").notNull(),
    sent_at: text("sent_at"),
    received_at: text("received_at").notNull(),
    in_reply_to: text("in_reply_to", { mode: "json" }).notNull().$type<string[]>(),
    references: text("references", { mode: "json" }).notNull().$type<string[]>(),
    /** Why the message opened no case (auto-reply, bounce, list…), when that is so. */
    loop_reason: text("loop_reason"),
    mailbox_hint: text("mailbox_hint"),
    raw_key: text("raw_key"),
    version: integer("version").notNull(),
  },
  (t) => [
    uniqueIndex("email_org_seq").on(t.org_id, t.seq),
    index("email_org_case_seq").on(t.org_id, t.case_id, t.seq),
    index("email_org_message").on(t.org_id, t.message_id),
  ],
);

export const email_attachments = sqliteTable(
  "email_attachments",
  {
    attachment_id: text("attachment_id").primaryKey(),
    org_id: text("org_id").notNull(),
    email_id: text("email_id").notNull(),
    case_id: text("case_id"),
    position: integer("position").notNull(),
    filename: text("filename"),
    content_type: text("content_type").notNull(),
    size: integer("size").notNull(),
    content_id: text("content_id"),
    disposition: text("disposition").notNull(),
    r2_key: text("r2_key").notNull(),
  },
  (t) => [index("email_attachments_org_case").on(t.org_id, t.case_id), index("email_attachments_org_email").on(t.org_id, t.email_id, t.position)],
);

/*
 * Insights: a star schema over cases and tasks, kept current by the outbox
 * (each case or task row written to D1 writes its fact in the same batch).
 * Facts carry what a review groups and filters by, and what visibility is
 * judged on (label, origin label, owner role, creator), so a member's review
 * counts only what they may see.
 */
const factColumns = {
  org_id: text("org_id").notNull(),
  label: text("label").notNull(),
  origin_label: text("origin_label"),
  base: integer("base").notNull(),
  category: integer("category").notNull(),
  subcategory: integer("subcategory").notNull(),
  role: text("role").notNull(),
  /** The first segment of the horizontal role. */
  department: text("department").notNull(),
  site: text("site"),
  area: text("area"),
  severity: text("severity").notNull(),
  status: text("status").notNull(),
  created_at: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  /** dim_time's key (YYYY-MM-DD, UTC). */
  created_date: text("created_date").notNull(),
  reacted_at: integer("reacted_at", { mode: "timestamp_ms" }),
  resolved_at: integer("resolved_at", { mode: "timestamp_ms" }),
  closed_at: integer("closed_at", { mode: "timestamp_ms" }),
  reactivity_deadline: integer("reactivity_deadline", { mode: "timestamp_ms" }),
  /** Reacted by the deadline (true), reacted late or escalated unreacted (false), not known yet (null). */
  reactivity_met: integer("reactivity_met", { mode: "boolean" }),
  escalation_count: integer("escalation_count").notNull(),
  profile_version: integer("profile_version").notNull(),
  created_by: text("created_by"),
  version: integer("version").notNull(),
};

export const fact_cases = sqliteTable(
  "fact_cases",
  {
    case_id: text("case_id").primaryKey(),
    ...factColumns,
    /** The pattern rule whose firing opened the case, if one did. */
    pattern_rule: text("pattern_rule"),
  },
  (t) => [
    index("fact_cases_org_created").on(t.org_id, t.created_at),
    index("fact_cases_org_status").on(t.org_id, t.status, t.created_at),
    // A review counts the cases resolved in its period, whenever they were created.
    index("fact_cases_org_resolved").on(t.org_id, t.resolved_at),
  ],
);

export const fact_tasks = sqliteTable(
  "fact_tasks",
  {
    task_id: text("task_id").primaryKey(),
    case_id: text("case_id").notNull(),
    ...factColumns,
    owner_role: text("owner_role"),
    type: text("type"),
    subtype: text("subtype"),
  },
  (t) => [index("fact_tasks_org_created").on(t.org_id, t.created_at), index("fact_tasks_org_status").on(t.org_id, t.status, t.created_at)],
);

export const dim_time = sqliteTable("dim_time", {
  date: text("date").primaryKey(),
  year: integer("year").notNull(),
  quarter: integer("quarter").notNull(),
  month: integer("month").notNull(),
  iso_year: integer("iso_year").notNull(),
  iso_week: integer("iso_week").notNull(),
  day_of_week: integer("day_of_week").notNull(),
});

export const dim_location = sqliteTable(
  "dim_location",
  {
    org_id: text("org_id").notNull(),
    /** "" stands for no site or area, so the pair can be a key. */
    site: text("site").notNull(),
    area: text("area").notNull(),
  },
  (t) => [primaryKey({ columns: [t.org_id, t.site, t.area] })],
);

export const dim_role = sqliteTable(
  "dim_role",
  {
    org_id: text("org_id").notNull(),
    role: text("role").notNull(),
    parent: text("parent"),
    department: text("department").notNull(),
  },
  (t) => [primaryKey({ columns: [t.org_id, t.role] })],
);

export const dim_category = sqliteTable(
  "dim_category",
  {
    category: integer("category").notNull(),
    subcategory: integer("subcategory").notNull(),
    category_name: text("category_name").notNull(),
    subcategory_name: text("subcategory_name").notNull(),
  },
  (t) => [primaryKey({ columns: [t.category, t.subcategory] })],
);

export const schema = {
  orgs,
  roles,
  users,
  tokens,
  persons,
  cases,
  tasks,
  signals,
  audit_events,
  notifications,
  email_messages,
  email_attachments,
  fact_cases,
  fact_tasks,
  dim_time,
  dim_location,
  dim_role,
  dim_category,
};

// ---------------------------------------------------------------------------
// Modules (thin adapters over the same records): maintenance, care/HR, groups.
// Each row is a copy of a record the organization's object owns, versioned.

/** Maintenance: the place hierarchy site → building → floor → area. */
export const locations = sqliteTable(
  "locations",
  {
    location_id: text("location_id").primaryKey(),
    org_id: text("org_id").notNull(),
    seq: integer("seq").notNull(),
    parent_id: text("parent_id"),
    kind: text("kind", { enum: ["site", "building", "floor", "area"] }).notNull(),
    name: text("name").notNull(),
    /** Names from the site down, joined by " / ": what lists and exports show. */
    path: text("path").notNull(),
    wikidata: text("wikidata"),
    created_at: text("created_at").notNull(),
    updated_at: text("updated_at").notNull(),
    version: integer("version").notNull(),
  },
  (t) => [uniqueIndex("locations_org_seq").on(t.org_id, t.seq), index("locations_org_parent").on(t.org_id, t.parent_id)],
);

/** Maintenance: things that break. */
export const assets = sqliteTable(
  "assets",
  {
    asset_id: text("asset_id").primaryKey(),
    org_id: text("org_id").notNull(),
    seq: integer("seq").notNull(),
    name: text("name").notNull(),
    type: text("type").notNull(),
    serial: text("serial"),
    status: text("status").notNull(),
    location_id: text("location_id"),
    site: text("site"),
    area: text("area"),
    wikidata: text("wikidata"),
    attributes: text("attributes", { mode: "json" }).notNull().$type<Record<string, unknown>>(),
    created_at: text("created_at").notNull(),
    updated_at: text("updated_at").notNull(),
    version: integer("version").notNull(),
  },
  (t) => [
    uniqueIndex("assets_org_seq").on(t.org_id, t.seq),
    index("assets_org_location_seq").on(t.org_id, t.location_id, t.seq),
    index("assets_org_type_seq").on(t.org_id, t.type, t.seq),
    index("assets_org_serial").on(t.org_id, t.serial),
  ],
);

/** Care/HR: a person's staff record (position, team, dates), linked to their user account if they have one. */
export const personnel = sqliteTable(
  "personnel",
  {
    person_id: text("person_id").primaryKey(),
    org_id: text("org_id").notNull(),
    seq: integer("seq").notNull(),
    user_id: text("user_id"),
    role: text("role"),
    position: text("position"),
    employment_status: text("employment_status").notNull(),
    started_on: text("started_on"),
    ended_on: text("ended_on"),
    created_at: text("created_at").notNull(),
    updated_at: text("updated_at").notNull(),
    version: integer("version").notNull(),
  },
  (t) => [uniqueIndex("personnel_org_seq").on(t.org_id, t.seq), index("personnel_org_role_seq").on(t.org_id, t.role, t.seq)],
);

/** Care/HR: what a person agreed to, purpose by purpose (the latest statement counts). */
export const consents = sqliteTable(
  "consents",
  {
    consent_id: text("consent_id").primaryKey(),
    org_id: text("org_id").notNull(),
    person_id: text("person_id").notNull(),
    purpose: text("purpose").notNull(),
    granted: integer("granted", { mode: "boolean" }).notNull(),
    recorded_at: text("recorded_at").notNull(),
    recorded_by: text("recorded_by"),
    version: integer("version").notNull(),
  },
  (t) => [uniqueIndex("consents_org_person_purpose").on(t.org_id, t.person_id, t.purpose)],
);

/** Groups: teams, classes, units, with their roster and recurring schedule. */
export const groups = sqliteTable(
  "groups",
  {
    group_id: text("group_id").primaryKey(),
    org_id: text("org_id").notNull(),
    seq: integer("seq").notNull(),
    name: text("name").notNull(),
    kind: text("kind").notNull(),
    description: text("description"),
    role: text("role"),
    members: text("members", { mode: "json" }).notNull().$type<{ person_id: string | null; user_id: string | null; role: string | null }[]>(),
    schedule: text("schedule", { mode: "json" }).$type<{ rrule: string; duration: string; timezone: string } | null>(),
    wikidata: text("wikidata"),
    created_at: text("created_at").notNull(),
    updated_at: text("updated_at").notNull(),
    version: integer("version").notNull(),
  },
  (t) => [uniqueIndex("groups_org_seq").on(t.org_id, t.seq), index("groups_org_kind_seq").on(t.org_id, t.kind, t.seq)],
);
