import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// Tests never reach the network: the shipped profiles' webhook receivers
// (*.example) answer 503 here unless a test installs its own receiver.
const networkFetch = globalThis.fetch;
globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.hostname.endsWith(".example") || url.hostname.endsWith(".invalid")) {
    return new Response("no network in tests", { status: 503 });
  }
  return networkFetch(input, init);
}) as typeof fetch;
