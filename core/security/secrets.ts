/**
 * Tokens and passwords with WebCrypto only (available in workerd and Node).
 * Tokens carry 256 random bits and are stored as SHA-256 hashes, so a leaked
 * table grants nothing; passwords use PBKDF2-SHA-256 at the highest iteration
 * count the Workers runtime accepts, with a per-user salt, compared in
 * constant time.
 */
import { fromBase64url, toBase64url } from "./base64url";

export const PBKDF2_ITERATIONS = 100_000;
const TOKEN_PREFIX = "orgo_";

const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");

export function newToken(): string {
  return TOKEN_PREFIX + toBase64url(crypto.getRandomValues(new Uint8Array(32)));
}

export async function hashToken(token: string): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
}

/** Equal-length comparison whose time does not depend on where the inputs differ. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

export function constantTimeEqualText(a: string, b: string): boolean {
  const enc = new TextEncoder();
  return constantTimeEqual(enc.encode(a), enc.encode(b));
}

async function pbkdf2(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

/** `pbkdf2-sha256$<iterations>$<salt>$<hash>`: self-describing so the count can rise later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await pbkdf2(password, salt, PBKDF2_ITERATIONS);
  return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${toBase64url(salt)}$${toBase64url(hash)}`;
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  // Without a stored hash the work is still done, so timing does not reveal unknown users.
  const [scheme, iter, salt, hash] = (stored ?? `pbkdf2-sha256$${PBKDF2_ITERATIONS}$AAAAAAAAAAAAAAAAAAAAAA$`).split("$");
  if (scheme !== "pbkdf2-sha256" || !iter || salt === undefined || hash === undefined) return false;
  const derived = await pbkdf2(password, fromBase64url(salt), Number(iter));
  return constantTimeEqual(derived, fromBase64url(hash)) && stored !== null;
}
