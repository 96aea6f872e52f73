/**
 * Where mail lives in R2. Content-addressed (SHA-256), so a redelivered
 * message or a repeated attachment writes the same key: storing first and
 * deciding later can never leave two copies or a half-written one behind.
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

export const rawMessageKey = (orgId: string, sha: string) => `orgs/${orgId}/mail/raw/${sha}.eml`;
export const attachmentKey = (orgId: string, sha: string) => `orgs/${orgId}/mail/attachments/${sha}`;
