/**
 * Which organization a message is for: `<slug>@<domain>` or
 * `<slug>+<hint>@<domain>`. The hint (a team, a topic) travels with the
 * signal as metadata, so flow rules can route on it deterministically.
 */
export interface Mailbox {
  slug: string;
  hint: string | null;
}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/;
const HINT = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** The mailbox an envelope recipient names at our domain, or null when it names none. */
export function mailboxOf(recipient: string, domain: string): Mailbox | null {
  const address = recipient.trim().replace(/^<|>$/g, "").toLowerCase();
  if (address.length > 320) return null;
  const at = address.lastIndexOf("@");
  if (at <= 0 || address.slice(at + 1) !== domain.toLowerCase()) return null;
  const local = address.slice(0, at);
  const plus = local.indexOf("+");
  const slug = plus < 0 ? local : local.slice(0, plus);
  const hint = plus < 0 ? null : local.slice(plus + 1);
  if (!SLUG.test(slug)) return null;
  if (hint !== null && !HINT.test(hint)) return null;
  return { slug, hint };
}
