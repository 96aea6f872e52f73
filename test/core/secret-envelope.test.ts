/**
 * Organization secrets at rest: AES-GCM under an HKDF-derived key, bound to
 * the organization and the name, with the key source recorded.
 */
import { describe, expect, it } from "vitest";
import { SecretName, SecretPut } from "../../core/security/org-secret";
import { keyringFrom, openSecret, sealSecret } from "../../core/security/secret-envelope";

const ORG_A = "0b6c3f7e-0000-4000-8000-00000000000a";
const ORG_B = "0b6c3f7e-0000-4000-8000-00000000000b";
const VALUE = "whsec_correct-horse-battery-staple";

describe("sealing and opening", () => {
  it("round-trips, and the stored form holds neither the value nor a fixed IV", async () => {
    const ring = (await keyringFrom({ ORGO_SECRETS_KEY: "k".repeat(32) }))!;
    const a = await sealSecret(ring, ORG_A, "HOOK", VALUE);
    const b = await sealSecret(ring, ORG_A, "HOOK", VALUE);
    expect(a).toMatch(/^v1\.secrets-key\.[\w-]+\.[\w-]+$/);
    expect(a).not.toContain(VALUE);
    expect(a).not.toBe(b);
    expect(await openSecret(ring, ORG_A, "HOOK", a)).toEqual({ ok: true, value: VALUE });
    expect(await openSecret(ring, ORG_A, "HOOK", b)).toEqual({ ok: true, value: VALUE });
  });

  it("a ciphertext copied to another organization or another name does not open", async () => {
    const ring = (await keyringFrom({ ORGO_SECRETS_KEY: "k".repeat(32) }))!;
    const sealed = await sealSecret(ring, ORG_A, "HOOK", VALUE);
    expect(await openSecret(ring, ORG_B, "HOOK", sealed)).toMatchObject({ ok: false, reason: expect.stringMatching(/does not decrypt/) });
    expect(await openSecret(ring, ORG_A, "OTHER", sealed)).toMatchObject({ ok: false });
  });

  it("a tampered ciphertext, a foreign format or garbage does not open (and does not throw)", async () => {
    const ring = (await keyringFrom({ ORGO_SECRETS_KEY: "k".repeat(32) }))!;
    const sealed = await sealSecret(ring, ORG_A, "HOOK", VALUE);
    const parts = sealed.split(".");
    const data = parts[3]!;
    const flipped = [...parts.slice(0, 3), (data[0] === "A" ? "B" : "A") + data.slice(1)].join(".");
    expect(await openSecret(ring, ORG_A, "HOOK", flipped)).toMatchObject({ ok: false });
    for (const junk of ["", "v2.secrets-key.a.b", "v1.other.a.b", "v1.secrets-key.!!!.???", `${sealed}.extra`]) {
      expect(await openSecret(ring, ORG_A, "HOOK", junk), junk).toMatchObject({ ok: false });
    }
  });

  it("ORGO_SECRETS_KEY is preferred; the admin-token fallback derives a different key", async () => {
    const both = (await keyringFrom({ ORGO_SECRETS_KEY: "same-material-for-both-0123456789", ORGO_ADMIN_TOKEN: "same-material-for-both-0123456789" }))!;
    expect(both.sealWith).toBe("secrets-key");
    const fallbackOnly = (await keyringFrom({ ORGO_ADMIN_TOKEN: "same-material-for-both-0123456789" }))!;
    expect(fallbackOnly.sealWith).toBe("admin-token");
    // Same material, distinct HKDF info: a value sealed under one key source does not open under the other.
    const sealed = await sealSecret(fallbackOnly, ORG_A, "HOOK", VALUE);
    const relabelled = sealed.replace(".admin-token.", ".secrets-key.");
    expect(await openSecret(both, ORG_A, "HOOK", relabelled)).toMatchObject({ ok: false });
    // Adding ORGO_SECRETS_KEY later keeps values sealed under the fallback readable.
    expect(await openSecret(both, ORG_A, "HOOK", sealed)).toEqual({ ok: true, value: VALUE });
  });

  it("a value sealed under a key that is no longer configured says which one to restore", async () => {
    const ring = (await keyringFrom({ ORGO_SECRETS_KEY: "k".repeat(32) }))!;
    const sealed = await sealSecret(ring, ORG_A, "HOOK", VALUE);
    const withoutIt = (await keyringFrom({ ORGO_ADMIN_TOKEN: "admin" }))!;
    expect(await openSecret(withoutIt, ORG_A, "HOOK", sealed)).toMatchObject({ ok: false, reason: expect.stringMatching(/ORGO_SECRETS_KEY/) });
    expect(await openSecret(null, ORG_A, "HOOK", sealed)).toMatchObject({ ok: false });
  });

  it("no key material at all gives no keyring", async () => {
    expect(await keyringFrom({})).toBeNull();
    expect(await keyringFrom({ ORGO_SECRETS_KEY: "", ORGO_ADMIN_TOKEN: "" })).toBeNull();
  });
});

describe("secret names and values", () => {
  it("names are capitals, digits and underscores, bounded", () => {
    for (const ok of ["WEBHOOK_SECRET", "A", "HOOK_2", "A".repeat(64)]) expect(SecretName.safeParse(ok).success, ok).toBe(true);
    for (const bad of ["", "webhook", "_HOOK", "2HOOK", "HOOK-SECRET", "HOOK SECRET", "A".repeat(65)])
      expect(SecretName.safeParse(bad).success, bad).toBe(false);
  });

  it("values are 16 to 4096 bytes of UTF-8, and nothing but the value is accepted", () => {
    expect(SecretPut.safeParse({ value: "x".repeat(16) }).success).toBe(true);
    expect(SecretPut.safeParse({ value: "x".repeat(4096) }).success).toBe(true);
    expect(SecretPut.safeParse({ value: "x".repeat(15) }).success).toBe(false);
    expect(SecretPut.safeParse({ value: "x".repeat(4097) }).error?.issues).toHaveLength(1);
    // 2,000 characters of 3 bytes each: within the character bound, over the byte bound.
    expect(SecretPut.safeParse({ value: "€".repeat(2000) }).success).toBe(false);
    // 6 characters, 18 bytes.
    expect(SecretPut.safeParse({ value: "€".repeat(6) }).success).toBe(true);
    expect(SecretPut.safeParse({ value: "x".repeat(20), name: "HOOK" }).success).toBe(false);
    expect(SecretPut.safeParse({}).success).toBe(false);
  });
});
