/**
 * An Open311 GeoReport v2 service request (POST requests.json) as a signal.
 * Clients send the standard's flat fields, form-encoded or as JSON, with
 * custom answers as `attribute[<code>]` keys; this file checks them and
 * turns them into the signal the organization's object routes. A reporter's
 * contact details are personal data: they go to `metadata.reporter` only, the
 * one place erasure looks for them, never into the title, body or location.
 */
import { z } from "zod";
import { DomainError, problemsFromZod } from "../../errors";
import type { Open311Service } from "./settings";

export const MAX_DESCRIPTION = 4_000;
export const MAX_ATTRIBUTES = 50;
const MAX_ATTRIBUTE_VALUE = 500;
const MAX_ATTRIBUTE_VALUES = 20;

/** A field that came empty from a form is a field not given. */
const blankless = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const Str = (max: number) => z.preprocess(blankless, z.string().trim().max(max).optional());
const Coordinate = (min: number, max: number) =>
  z.preprocess((v) => {
    const given = blankless(v);
    return typeof given === "string" ? Number(given) : given;
  }, z.number({ message: "a number" }).finite().min(min).max(max).optional());

const AttributeValue = z.union([z.string().max(MAX_ATTRIBUTE_VALUE), z.array(z.string().max(MAX_ATTRIBUTE_VALUE)).max(MAX_ATTRIBUTE_VALUES)]);
const AttributeCode = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "letters, digits, _ . - (at most 64)");

export const Open311RequestInput = z
  .object({
    jurisdiction_id: Str(200),
    service_code: z.preprocess(blankless, z.string({ message: "required" }).trim().min(1).max(64)),
    lat: Coordinate(-90, 90),
    long: Coordinate(-180, 180),
    address_string: Str(200),
    address_id: Str(200),
    email: z.preprocess(blankless, z.string().trim().max(254).email().optional()),
    device_id: Str(200),
    account_id: Str(200),
    first_name: Str(200),
    last_name: Str(200),
    phone: Str(64),
    description: Str(MAX_DESCRIPTION),
    media_url: z.preprocess(blankless, z.string().trim().max(2_000).url().optional()),
    attribute: z
      .record(AttributeCode, AttributeValue)
      .refine((a) => Object.keys(a).length <= MAX_ATTRIBUTES, `at most ${MAX_ATTRIBUTES} attributes`)
      .optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if ((r.lat === undefined) !== (r.long === undefined)) {
      ctx.addIssue({ code: "custom", path: [r.lat === undefined ? "lat" : "long"], message: "lat and long go together" });
    }
    if (r.lat === undefined && r.address_string === undefined && r.address_id === undefined) {
      ctx.addIssue({ code: "custom", path: ["location"], message: "give lat and long, address_string or address_id" });
    }
  });
export type Open311RequestInput = z.infer<typeof Open311RequestInput>;

/**
 * The flat fields of a request as a plain object: `attribute[code]` keys (and
 * `attribute[code][]` for several values) gather under `attribute`. Form
 * bodies give every value as a string; JSON bodies may already nest.
 */
export function gatherFields(entries: Iterable<[string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const attributes: Record<string, unknown> = {};
  let count = 0;
  for (const [key, value] of entries) {
    count += 1;
    if (count > 200) throw new DomainError("validation", "too many fields", [{ path: "body", message: "at most 200 fields" }]);
    const m = /^attribute\[([^\]]*)\](\[\])?$/.exec(key);
    if (!m) {
      if (key === "attribute" && value && typeof value === "object" && !Array.isArray(value)) Object.assign(attributes, value);
      else out[key] = value;
      continue;
    }
    const code = m[1] ?? "";
    if (m[2]) {
      const list = attributes[code];
      attributes[code] = Array.isArray(list) ? [...list, value] : [value];
    } else attributes[code] = value;
  }
  if (Object.keys(attributes).length > 0) out.attribute = attributes;
  return out;
}

/** Checks a request's fields; an unknown `service_code` is a 422 naming it. */
export function parseOpen311Request(
  fields: Record<string, unknown>,
  services: ReadonlyArray<Open311Service>,
): { input: Open311RequestInput; service: Open311Service } {
  const parsed = Open311RequestInput.safeParse(fields);
  if (!parsed.success) throw new DomainError("validation", "the service request does not match GeoReport v2", problemsFromZod(parsed.error));
  const service = services.find((s) => s.service_code === parsed.data.service_code);
  if (!service) {
    throw new DomainError("validation", `service_code ${parsed.data.service_code} is not a service of this organization`, [
      { path: "service_code", message: "not listed in services.json" },
    ]);
  }
  return { input: parsed.data, service };
}

const TITLE_DESCRIPTION = 120;
const MAX_TITLE = 300;

/** At most `max` characters (code points), with an ellipsis when cut. */
function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

function titleOf(service: Open311Service, description: string | undefined): string {
  if (!description) return service.service_name;
  return clip(`${service.service_name}: ${clip(description.replace(/\s+/g, " ").trim(), TITLE_DESCRIPTION)}`, MAX_TITLE);
}

/** What a request's signal records about it, under `metadata.open311`. */
export interface Open311Record {
  service_code: string;
  service_name: string;
  lat: number | null;
  long: number | null;
  address_string: string | null;
  address_id: string | null;
  media_url: string | null;
  account_id: string | null;
  attributes?: Record<string, string | string[]>;
}

/** The signal a service request becomes (the object's SignalInput, source `open311`). */
export function open311Signal(input: Open311RequestInput, service: Open311Service, idempotencyKey: string | null): Record<string, unknown> {
  const site = input.address_string ?? (input.lat !== undefined && input.long !== undefined ? `${input.lat},${input.long}` : (input.address_id ?? null));
  const open311: Open311Record = {
    service_code: service.service_code,
    service_name: service.service_name,
    lat: input.lat ?? null,
    long: input.long ?? null,
    address_string: input.address_string ?? null,
    address_id: input.address_id ?? null,
    media_url: input.media_url ?? null,
    account_id: input.account_id ?? null,
    ...(input.attribute ? { attributes: input.attribute } : {}),
  };
  const reporter = Object.fromEntries(
    Object.entries({
      email: input.email,
      first_name: input.first_name,
      last_name: input.last_name,
      phone: input.phone,
      device_id: input.device_id,
    }).filter(([, v]) => v !== undefined),
  );
  return {
    source: "open311",
    ...(idempotencyKey ? { idempotency_key: idempotencyKey } : {}),
    title: titleOf(service, input.description),
    body: input.description ?? null,
    ...(service.label ? { label: service.label } : {}),
    ...(service.severity ? { severity: service.severity } : {}),
    location: { site, area: null },
    metadata: { open311, ...(Object.keys(reporter).length > 0 ? { reporter } : {}) },
  };
}

/** The GeoReport v2 service list entry of a configured service. */
export function serviceDefinition(service: Open311Service) {
  return {
    service_code: service.service_code,
    service_name: service.service_name,
    description: service.description ?? null,
    metadata: false as const,
    type: "realtime" as const,
    // The standard's keywords are one comma-separated string.
    keywords: (service.keywords ?? []).join(","),
    group: service.group ?? null,
  };
}
