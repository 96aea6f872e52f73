/**
 * Organization secrets: set, list, delete, and read one back for signing.
 * Values arrive here already sealed (the object seals them before the
 * transaction, since WebCrypto is asynchronous); the audit log records that a
 * secret changed, by name, never its value.
 */
import { DomainError, notFound } from "../../core/errors";
import { MAX_SECRETS_PER_ORG } from "../../core/security/org-secret";
import { openSecret, type Opened, type SecretKeyring } from "../../core/security/secret-envelope";
import type { SecretStore } from "../store/secret-store";
import { auditEvent, iso, type CommandContext } from "./context";

/** Creates or replaces a secret; the count bound applies to new names only. */
export function putSecret(ctx: CommandContext, secrets: SecretStore, name: string, sealed: string): "created" | "updated" {
  const before = secrets.get(name);
  if (!before && secrets.count() >= MAX_SECRETS_PER_ORG) {
    throw new DomainError("validation", `an organization holds at most ${MAX_SECRETS_PER_ORG} secrets; delete one first`, [
      { path: "name", message: `at most ${MAX_SECRETS_PER_ORG} secrets` },
    ]);
  }
  const now = iso(ctx.now);
  secrets.put({ name, sealed, created_at: before?.created_at ?? now, updated_at: now });
  const action = before ? "secret.updated" : "secret.created";
  ctx.store.audit(auditEvent(ctx, action, "secret", name, { name }), null);
  return before ? "updated" : "created";
}

export function deleteSecret(ctx: CommandContext, secrets: SecretStore, name: string): void {
  if (!secrets.delete(name)) throw notFound("secret");
  ctx.store.audit(auditEvent(ctx, "secret.deleted", "secret", name, { name }), null);
}

/** The plaintext of a secret for signing, or why it cannot be had (recorded in the delivery log). */
export async function readSecret(secrets: SecretStore, ring: SecretKeyring | null, orgId: string, name: string): Promise<Opened> {
  const stored = secrets.get(name);
  if (!stored) return { ok: false, reason: `secret ${name} is not set for this organization (PUT /v1/orgs/{org}/secrets/${name})` };
  return openSecret(ring, orgId, name, stored.sealed);
}
