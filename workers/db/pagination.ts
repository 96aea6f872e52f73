/**
 * Keyset pagination over the per-organization sequence: newest first, stable
 * under concurrent inserts (a new record never shifts a page already served).
 *
 * The sequence is shared by everything an organization records, so a cursor
 * that showed it would let a caller measure activity they may not see (the
 * gap between two pages). Cursors are therefore sealed: AES-256-GCM over the
 * position, with a key derived from `ORGO_CURSOR_KEY` (or, when that is not
 * set, from `ORGO_ADMIN_TOKEN` under its own HKDF label). A cursor that was
 * not issued by this deployment, or was altered, is a 422.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { env } from "cloudflare:workers";
import { z } from "zod";
import { DomainError } from "../../core/errors";

export const Limit = z.coerce.number().int().min(1).max(200).default(50);

const IV_BYTES = 12;
const TAG_BYTES = 16;
const POSITION_BYTES = 8;

let key: Buffer | null = null;

function cursorKey(): Buffer {
  if (key) return key;
  const vars = env as unknown as { ORGO_CURSOR_KEY?: string; ORGO_ADMIN_TOKEN?: string };
  const secret = vars.ORGO_CURSOR_KEY || vars.ORGO_ADMIN_TOKEN;
  if (!secret) throw new Error("ORGO_CURSOR_KEY or ORGO_ADMIN_TOKEN must be set to seal list cursors");
  key = Buffer.from(hkdfSync("sha256", secret, "orgo", "orgo list cursor v1", 32));
  return key;
}

export function encodeCursor(seq: number): string {
  const iv = randomBytes(IV_BYTES);
  const plain = Buffer.alloc(POSITION_BYTES);
  plain.writeBigUInt64BE(BigInt(seq));
  const cipher = createCipheriv("aes-256-gcm", cursorKey(), iv);
  const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return sealed.toString("base64url");
}

export function decodeCursor(cursor: string | undefined): number | null {
  if (cursor === undefined) return null;
  const sealed = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, "base64url") : Buffer.alloc(0);
  if (sealed.length === IV_BYTES + POSITION_BYTES + TAG_BYTES) {
    try {
      const decipher = createDecipheriv("aes-256-gcm", cursorKey(), sealed.subarray(0, IV_BYTES));
      decipher.setAuthTag(sealed.subarray(IV_BYTES + POSITION_BYTES));
      const plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, IV_BYTES + POSITION_BYTES)), decipher.final()]);
      const seq = plain.readBigUInt64BE();
      if (seq <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(seq);
    } catch {
      /* a forged or altered cursor: answered below */
    }
  }
  throw new DomainError("validation", "invalid cursor", [{ path: "cursor", message: "not a cursor returned by this API" }]);
}

/** Takes one extra row to know whether another page exists. */
export function page<T extends { seq: number }, R>(rows: T[], limit: number, map: (row: T) => R) {
  const more = rows.length > limit;
  const items = (more ? rows.slice(0, limit) : rows).map(map);
  const last = more ? rows[limit - 1] : undefined;
  return { items, next_cursor: last ? encodeCursor(last.seq) : null };
}
