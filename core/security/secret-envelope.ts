/**
 * Encryption at rest for organization secrets, with WebCrypto only.
 *
 * The key is derived with HKDF-SHA-256 from a Worker secret: `ORGO_SECRETS_KEY`
 * when set, otherwise `ORGO_ADMIN_TOKEN` under a distinct HKDF `info`, so the
 * two never yield the same key. Each value is sealed with AES-256-GCM under a
 * fresh 96-bit IV; the additional data binds the ciphertext to its
 * organization and name, so a row copied into another organization (or under
 * another name) does not decrypt.
 *
 * A sealed value records which key sealed it (`secrets-key` or
 * `admin-token`): adding `ORGO_SECRETS_KEY` later seals new values with it
 * while values sealed under the fallback stay readable as long as the admin
 * token is unchanged.
 */
import { fromBase64url, toBase64url } from "./base64url";

export type KeySource = "secrets-key" | "admin-token";

export const SECRETS_KEY_INFO = "orgo/org-secrets/v1/secrets-key";
export const ADMIN_TOKEN_KEY_INFO = "orgo/org-secrets/v1/admin-token";
const HKDF_SALT = new TextEncoder().encode("orgo/org-secrets/salt/v1");
const FORMAT = "v1";
const IV_BYTES = 12;

export interface KeyMaterial {
  ORGO_SECRETS_KEY?: string | undefined;
  ORGO_ADMIN_TOKEN?: string | undefined;
}

export interface SecretKeyring {
  /** The key new values are sealed with. */
  sealWith: KeySource;
  keys: Partial<Record<KeySource, CryptoKey>>;
}

export type Opened = { ok: true; value: string } | { ok: false; reason: string };

export async function deriveSecretsKey(material: string, info: string): Promise<CryptoKey> {
  const ikm = await crypto.subtle.importKey("raw", new TextEncoder().encode(material), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: HKDF_SALT, info: new TextEncoder().encode(info) },
    ikm,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** The keys the environment provides, or null when it provides none (nothing can be sealed). */
export async function keyringFrom(env: KeyMaterial): Promise<SecretKeyring | null> {
  const keys: SecretKeyring["keys"] = {};
  if (env.ORGO_SECRETS_KEY) keys["secrets-key"] = await deriveSecretsKey(env.ORGO_SECRETS_KEY, SECRETS_KEY_INFO);
  if (env.ORGO_ADMIN_TOKEN) keys["admin-token"] = await deriveSecretsKey(env.ORGO_ADMIN_TOKEN, ADMIN_TOKEN_KEY_INFO);
  if (keys["secrets-key"]) return { sealWith: "secrets-key", keys };
  if (keys["admin-token"]) return { sealWith: "admin-token", keys };
  return null;
}

const additionalData = (orgId: string, name: string) => new TextEncoder().encode(`orgo-secret\u0000${FORMAT}\u0000${orgId}\u0000${name}`);

/** `v1.<key source>.<iv>.<ciphertext and tag>`, base64url parts. */
export async function sealSecret(ring: SecretKeyring, orgId: string, name: string, value: string): Promise<string> {
  const key = ring.keys[ring.sealWith] as CryptoKey;
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: additionalData(orgId, name) }, key, new TextEncoder().encode(value));
  return [FORMAT, ring.sealWith, toBase64url(iv), toBase64url(new Uint8Array(sealed))].join(".");
}

/** Never throws: a value that cannot be opened comes back with the reason (for the delivery log). */
export async function openSecret(ring: SecretKeyring | null, orgId: string, name: string, sealed: string): Promise<Opened> {
  const [format, source, iv, data, ...rest] = sealed.split(".");
  if (format !== FORMAT || !iv || !data || rest.length > 0 || (source !== "secrets-key" && source !== "admin-token")) {
    return { ok: false, reason: `secret ${name} is stored in an unknown format` };
  }
  const key = ring?.keys[source];
  if (!key) {
    const variable = source === "secrets-key" ? "ORGO_SECRETS_KEY" : "ORGO_ADMIN_TOKEN";
    return { ok: false, reason: `secret ${name} was sealed with a key derived from ${variable}, which is not configured; set the secret again` };
  }
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromBase64url(iv), additionalData: additionalData(orgId, name) },
      key,
      fromBase64url(data),
    );
    return { ok: true, value: new TextDecoder().decode(plain) };
  } catch {
    return { ok: false, reason: `secret ${name} does not decrypt (the key changed, or it belongs elsewhere); set the secret again` };
  }
}
