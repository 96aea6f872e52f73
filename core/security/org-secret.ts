/**
 * An organization's own secrets (today: webhook signing keys). A profile names
 * one by `secret_name`; the value is set through the API and kept encrypted
 * in the organization's Durable Object, so a tenant can only ever sign with
 * keys it stored itself, never with the Worker's environment.
 */
import { z } from "zod";

export const SECRET_NAME_MAX = 64;
export const SECRET_VALUE_MIN_BYTES = 16;
export const SECRET_VALUE_MAX_BYTES = 4096;
/** Enough for every channel an organization could sign, small enough to list in one answer. */
export const MAX_SECRETS_PER_ORG = 50;

export const SecretName = z
  .string()
  .max(SECRET_NAME_MAX)
  .regex(/^[A-Z][A-Z0-9_]*$/, { message: "must be capitals, digits and underscores, starting with a capital, such as WEBHOOK_SECRET" })
  .describe("Name of one of the organization's secrets (PUT /v1/orgs/{org}/secrets/{name}).");
export type SecretName = z.infer<typeof SecretName>;

const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

export const SecretValue = z
  .string()
  // A cheap bound on characters first, so an oversized string is never encoded (and reported once).
  .max(SECRET_VALUE_MAX_BYTES, { abort: true, message: `must be ${SECRET_VALUE_MIN_BYTES} to ${SECRET_VALUE_MAX_BYTES} bytes (UTF-8)` })
  .refine((v) => utf8Bytes(v) >= SECRET_VALUE_MIN_BYTES && utf8Bytes(v) <= SECRET_VALUE_MAX_BYTES, {
    message: `must be ${SECRET_VALUE_MIN_BYTES} to ${SECRET_VALUE_MAX_BYTES} bytes (UTF-8)`,
  })
  .describe("The secret itself; stored encrypted and never returned.");

export const SecretPut = z.object({ value: SecretValue }).strict();
export type SecretPut = z.infer<typeof SecretPut>;

export const SecretSummary = z.object({
  name: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type SecretSummary = z.infer<typeof SecretSummary>;
