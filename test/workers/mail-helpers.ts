/** Delivering raw mail through the Worker's real `email()` handler, as Email Routing would. */
import { env } from "cloudflare:workers";
import { type EmailResult, handleEmail } from "../../workers/email/handle-email";
import type { Bindings } from "../../workers/env";

export interface Delivered extends EmailResult {
  /** The reason given to `setReject`, if the message was refused. */
  rejected: string | null;
}

export async function deliverEmail(raw: string | Uint8Array, envelope: { from: string; to: string; rawSize?: number }): Promise<Delivered> {
  const bytes = typeof raw === "string" ? new TextEncoder().encode(raw) : raw;
  let rejected: string | null = null;
  const message = {
    from: envelope.from,
    to: envelope.to,
    raw: new Blob([bytes]).stream(),
    rawSize: envelope.rawSize ?? bytes.byteLength,
    headers: new Headers(),
    setReject(reason: string) {
      rejected = reason;
    },
    forward: async () => {},
    reply: async () => {},
  } as unknown as ForwardableEmailMessage;
  const result = await handleEmail(message, env as unknown as Bindings);
  return { ...result, rejected };
}

let n = 0;
/** A small, well-formed message; any header may be overridden or added. */
export function mail(opts: { from?: string; to?: string; subject?: string; body?: string; id?: string; headers?: Record<string, string> } = {}): string {
  n += 1;
  const headers: Record<string, string> = {
    From: opts.from ?? "Alice Example <alice@example.com>",
    To: opts.to ?? "acme@orgo.test",
    Subject: opts.subject ?? "Water leak in the basement",
    Date: "Tue, 01 Dec 2026 10:00:00 +0000",
    "Message-ID": `<${opts.id ?? `m${n}-${Math.random().toString(36).slice(2)}@example.com`}>`,
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=utf-8",
    ...opts.headers,
  };
  const head = Object.entries(headers)
    .filter(([, v]) => v !== "")
    .map(([k, v]) => `${k}: ${v}`)
    .join("\r\n");
  return `${head}\r\n\r\n${opts.body ?? "There is water on the floor of room B12."}\r\n`;
}
