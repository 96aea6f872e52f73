/** Request bodies, validated at the edge and again trusted by the core. */
import { z } from "zod";
import { IsoDuration } from "../scheduling/duration";
import { CaseStatus, Severity, SignalSource, TaskStatus } from "./enums";
import { Position, Timestamp } from "./records";
import { NOT_WELL_FORMED, isWellFormedText } from "./well-formed";

const Text = (max: number) => z.string().trim().min(1).max(max);

/**
 * Bounds for free-form JSON (metadata, a person's attributes). A value nested
 * thousands of levels deep overflows the stack where it is copied to the
 * organization's Durable Object, and an unbounded one costs every later read
 * of its record; so depth, entries, string length and size are all limited.
 */
export interface JsonBounds {
  /** Levels of objects and arrays; the bounded value itself is level 1. */
  depth: number;
  /** Keys and array items in all, counted at every level. */
  entries: number;
  /** Characters in one string or key. */
  string: number;
  /** UTF-8 bytes of the value serialized as JSON. */
  bytes: number;
}

export const FREE_JSON_BOUNDS: JsonBounds = { depth: 8, entries: 1_000, string: 10_000, bytes: 64 * 1024 };

export interface JsonBoundsProblem {
  path: (string | number)[];
  message: string;
}

const isPlainObject = (v: object) => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * The first way `value` breaks `bounds`, or null. `level` is the level of
 * `value` itself (0 for a container whose fields are the bounded values). The
 * walk is iterative, never descends past `bounds.depth` and stops at the
 * first problem, so it is safe on anything JSON.parse returns.
 */
export function jsonBoundsProblem(value: unknown, bounds: JsonBounds, level = 1): JsonBoundsProblem | null {
  const stack: { value: unknown; path: (string | number)[]; level: number }[] = [{ value, path: [], level }];
  let entries = 0;
  for (let next = stack.pop(); next; next = stack.pop()) {
    const { value: v, path } = next;
    if (v === null || typeof v === "boolean") continue;
    if (typeof v === "number") {
      if (!Number.isFinite(v)) return { path, message: "not a finite number" };
      continue;
    }
    if (typeof v === "string") {
      if (v.length > bounds.string) return { path, message: `longer than ${bounds.string} characters` };
      if (!isWellFormedText(v)) return { path, message: NOT_WELL_FORMED };
      continue;
    }
    if (typeof v !== "object" || (!Array.isArray(v) && !isPlainObject(v))) return { path, message: "not a JSON value" };
    if (next.level > bounds.depth) return { path, message: `nested more than ${bounds.depth} levels deep` };
    const keys = Array.isArray(v) ? null : Object.keys(v);
    const count = keys ? keys.length : (v as unknown[]).length;
    entries += count;
    if (entries > bounds.entries) return { path, message: `more than ${bounds.entries} keys and items in all` };
    // Reversed onto the stack so problems are found in document order.
    for (let i = count - 1; i >= 0; i--) {
      const key: string | number = keys ? (keys[i] as string) : i;
      if (typeof key === "string" && key.length > bounds.string) return { path, message: `a key is longer than ${bounds.string} characters` };
      if (typeof key === "string" && !isWellFormedText(key)) return { path: [...path, key], message: NOT_WELL_FORMED };
      stack.push({ value: (v as Record<string | number, unknown>)[key], path: [...path, key], level: next.level + 1 });
    }
  }
  // Only now is the value known to be shallow enough to serialize safely.
  const text = JSON.stringify(value) ?? "";
  if (text.length > bounds.bytes || new TextEncoder().encode(text).length > bounds.bytes) {
    return { path: [], message: `larger than ${bounds.bytes} bytes as JSON` };
  }
  return null;
}

/** A free-form JSON object within `bounds`; a breach is reported at the offending field's path. */
export const boundedJsonObject = (bounds: JsonBounds = FREE_JSON_BOUNDS) =>
  z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
    const problem = jsonBoundsProblem(value, bounds);
    if (problem) ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
  });

export const FreeJson = boundedJsonObject();
export type FreeJson = z.infer<typeof FreeJson>;

export const LocationInput = z.object({ site: Text(200).nullable().optional(), area: Text(200).nullable().optional() }).strict();

/** The maintenance asset a case, task or signal is about: one of the organization's assets (422 otherwise). */
const AssetIdInput = z.string().min(1).max(100).describe("The maintenance asset this is about (one of the organization's assets).");

export const CaseCreate = z
  .object({
    title: Text(300),
    description: z.string().max(20_000).nullable().optional(),
    label: z.string().max(200).optional(),
    severity: Severity.optional(),
    reactivity_time: IsoDuration.optional(),
    origin_role: z.string().max(200).nullable().optional(),
    location: LocationInput.optional(),
    tags: z.array(Text(64)).max(50).optional(),
    metadata: FreeJson.optional(),
    person_id: z.string().max(100).nullable().optional(),
    asset_id: AssetIdInput.nullable().optional(),
  })
  .strict();
export type CaseCreate = z.infer<typeof CaseCreate>;

export const CasePatch = z
  .object({
    title: Text(300).optional(),
    description: z.string().max(20_000).nullable().optional(),
    label: z.string().max(200).optional(),
    severity: Severity.optional(),
    tags: z.array(Text(64)).max(50).optional(),
    metadata: FreeJson.optional(),
    location: LocationInput.optional(),
    person_id: z.string().max(100).nullable().optional(),
    asset_id: AssetIdInput.nullable().optional(),
    status: CaseStatus.extract(["resolved", "closed"]).optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: "at least one field to change" });
export type CasePatch = z.infer<typeof CasePatch>;

export const TaskCreate = z
  .object({
    title: Text(300),
    type: Text(64).nullable().optional(),
    subtype: Text(64).nullable().optional(),
    label: z.string().max(200).optional(),
    severity: Severity.optional(),
    owner_role: z.string().max(200).optional(),
    owner_role_id: z.string().max(100).optional(),
    /** The member the task is for, within its owning role: a user of the organization, or a person (who may never log in). */
    assignee_user_id: z.string().max(100).nullable().optional(),
    assignee_person_id: z.string().max(100).nullable().optional(),
    reactivity_time: IsoDuration.optional(),
    due_at: Timestamp.nullable().optional(),
    asset_id: AssetIdInput.nullable().optional(),
  })
  .strict();
export type TaskCreate = z.infer<typeof TaskCreate>;

export const TaskTransition = z
  .object({
    to: TaskStatus,
    expected_version: z.number().int().min(1).optional(),
    note: z.string().max(5_000).optional(),
  })
  .strict();
export type TaskTransition = z.infer<typeof TaskTransition>;

/** Per organization and permanent; the body field and the `Idempotency-Key` header share these bounds. */
export const IdempotencyKey = z.string().min(1).max(200);

/**
 * What a raw signal may be to travel to the Durable Object at all (checked
 * before the idempotency lookup and the full schema, which run there). A
 * valid signal is always within it: its fields nest no deeper than free-form
 * JSON (the item's own braces are level 0), and `body` is its longest string.
 */
export const SIGNAL_ITEM_BOUNDS: JsonBounds = {
  depth: FREE_JSON_BOUNDS.depth,
  entries: FREE_JSON_BOUNDS.entries + 100,
  string: 100_000,
  bytes: 1024 * 1024,
};

export const SignalInput = z
  .object({
    source: SignalSource.default("api"),
    idempotency_key: IdempotencyKey.optional(),
    title: Text(300),
    body: z.string().max(100_000).nullable().optional(),
    severity: Severity.optional(),
    label: z.string().max(200).optional(),
    location: LocationInput.optional(),
    metadata: FreeJson.optional(),
    occurred_at: Timestamp.optional(),
    person_id: z.string().max(100).nullable().optional(),
    asset_id: AssetIdInput.nullable().optional(),
  })
  .strict();
export type SignalInput = z.infer<typeof SignalInput>;

export const OrgCreate = z
  .object({
    slug: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/, "lowercase letters, digits and dashes, 1-48 characters"),
    name: Text(200),
    profile: z
      .string()
      .regex(/^[a-z0-9_]+$/)
      .optional(),
    profile_yaml: z.string().max(200_000).optional(),
    admin: z
      .object({ email: z.string().email(), display_name: Text(200), password: z.string().min(8).max(200).optional() })
      .strict()
      .optional(),
  })
  .strict()
  .refine((o) => !(o.profile && o.profile_yaml), { message: "give profile or profile_yaml, not both", path: ["profile_yaml"] });
export type OrgCreate = z.infer<typeof OrgCreate>;

export const PersonCreate = z
  .object({
    display_name: Text(200),
    kind: Text(64).nullable().optional(),
    external_ref: Text(200).nullable().optional(),
    attributes: FreeJson.optional(),
  })
  .strict();
export type PersonCreate = z.infer<typeof PersonCreate>;

export const PersonPatch = PersonCreate.partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: "at least one field to change" });
export type PersonPatch = z.infer<typeof PersonPatch>;

export const UserPatch = z
  .object({
    display_name: Text(200).optional(),
    positions: z.array(Position).max(20).optional(),
    admin: z.boolean().optional(),
    active: z.boolean().optional(),
    password: z.string().min(8).max(200).optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: "at least one field to change" });
export type UserPatch = z.infer<typeof UserPatch>;

/** An answer by mail on a case: to the case's last correspondent unless `to` names someone. */
export const CaseReply = z
  .object({
    body: Text(100_000),
    to: z.string().trim().max(320).email().optional(),
  })
  .strict();
export type CaseReply = z.infer<typeof CaseReply>;
