#!/usr/bin/env node
// Email gateway throughput, printed as figures (no pass/fail timing in tests):
//   1. parse + clean alone, in this process, over the project's fixtures
//      (and the public MIME corpus beside the project when present):
//      messages/s and peak memory;
//   2. through the real `email()` handler into cases, against `npm start`
//      (local Email Routing endpoint /cdn-cgi/handler/email), each message
//      unique so every one is recorded: messages/s, beside a hello-world
//      baseline (/health) measured in the same run.
// Run: npm run bench:email      (N=messages for part 2, default 600; C=concurrency, default 16)
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { startPlatform, writeResult } from "./lib/platform.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const N = Number(process.env.N ?? 600);
const C = Number(process.env.C ?? 16);
const port = Number(process.env.PORT ?? 8797);
const base = `http://127.0.0.1:${port}`;

function emlFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? emlFiles(path.join(dir, e.name)) : e.name.endsWith(".eml") ? [path.join(dir, e.name)] : [],
  );
}

// --- 1. parse + clean in process -------------------------------------------------------
const work = mkdtempSync(path.join(tmpdir(), "orgo-email-bench-"));
const bundle = path.join(work, "adapter.mjs");
await build({ entryPoints: [path.join(root, "eval/email-adapter.ts")], bundle: true, format: "esm", platform: "neutral", outfile: bundle, logLevel: "error" });
const adapter = await import(pathToFileURL(bundle).href);

const fixtures = emlFiles(path.join(root, "test/email/fixtures")).map((f) => new Uint8Array(readFileSync(f)));
const corpus = emlFiles(path.join(root, "../shared/email-corpora/mime")).map((f) => new Uint8Array(readFileSync(f)));
const messages = [...fixtures, ...corpus];

let peakRss = process.memoryUsage().rss;
const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
async function parseAndClean(raw) {
  const m = await adapter.parse(raw);
  return m.text ? adapter.visibleText(m.text) : adapter.visibleHtml(m.html);
}
for (const raw of messages) await parseAndClean(raw); // warm up
const rounds = Math.max(1, Math.ceil(3000 / messages.length));
const t0 = performance.now();
for (let r = 0; r < rounds; r++) for (const raw of messages) await parseAndClean(raw);
const seconds = (performance.now() - t0) / 1000;
clearInterval(sample);
const bytes = messages.reduce((n, m) => n + m.byteLength, 0);
console.log("email: parse + clean (in process)");
console.log(`  messages:        ${messages.length} (${fixtures.length} fixtures, ${corpus.length} from the MIME corpus), ${rounds} rounds`);
const parseRate = (rounds * messages.length) / seconds;
const parseMbPerS = (rounds * bytes) / seconds / 1e6;
console.log(`  throughput:      ${parseRate.toFixed(0)} messages/s, ${parseMbPerS.toFixed(1)} MB/s`);
console.log(`  peak RSS:        ${(peakRss / 1e6).toFixed(0)} MB`);

// --- 2. through the handler into cases (npm start) ------------------------------------------
const platform = await startPlatform({ port, name: "bench-email" });
process.on("exit", () => rmSync(work, { recursive: true, force: true }));
const { admin } = platform;
const slug = `mail-${Date.now().toString(36)}`;
const created = await fetch(`${base}/v1/orgs`, {
  method: "POST",
  headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
  body: JSON.stringify({ slug, name: "Mail bench", profile: "retail_ops" }),
});
if (created.status !== 201) throw new Error(`org: ${created.status} ${await created.text()}`);
const token = (await created.json()).token;

const latin1 = (u8) => Buffer.from(u8).toString("latin1");
// Fixtures that open a case, each made unique (its own Message-ID, no threading headers) and addressed to the
// bench organization, with the envelope sender its From (the local endpoint logs a warning on every mismatch).
const templates = fixtures
  .map(latin1)
  .filter((t) => /^message-id:/im.test(t) && !/^(auto-submitted|precedence|list-id|x-autoreply):/im.test(t) && !/multipart\/report/i.test(t));
const senderOf = (t) => /^from:.*?<?([^\s<>"]+@[^\s<>"]+)>?\s*$/im.exec(t)?.[1] ?? "bench@example.com";
function unique(i) {
  const t = templates[i % templates.length]
    .replace(/^(message-id:\s*)<[^>]*>/im, `$1<bench-${i}-${Date.now()}@bench.example>`)
    .replace(/^(in-reply-to|references):.*(\r?\n[ \t].*)*$/gim, "X-Dropped: 1")
    .replace(/^to:.*(\r?\n[ \t].*)*$/im, `To: ${slug}@orgo.test`);
  return { body: Buffer.from(t, "latin1"), from: senderOf(t) };
}

async function pool(n, task) {
  let next = 0;
  const workers = Array.from({ length: C }, async () => {
    while (next < n) await task(next++);
  });
  await Promise.all(workers);
}

async function timed(n, task) {
  const t = performance.now();
  await pool(n, task);
  return n / ((performance.now() - t) / 1000);
}

const helloRate = await timed(N, async () => {
  const r = await fetch(`${base}/health`);
  await r.arrayBuffer();
});
// The local email endpoint's own cost: mail refused before any work (no such organization).
const refusedRate = await timed(Math.min(N, 300), async (i) => {
  const m = unique(i);
  const r = await fetch(
    `${base}/cdn-cgi/handler/email?from=${encodeURIComponent(m.from)}&to=${encodeURIComponent(`${slug}@orgo.test`).replace(encodeURIComponent(slug), "no-such-org")}`,
    {
      method: "POST",
      body: m.body,
    },
  );
  await r.arrayBuffer();
});
let failed = 0;
const mailRate = await timed(N, async (i) => {
  const m = unique(i);
  const r = await fetch(`${base}/cdn-cgi/handler/email?from=${encodeURIComponent(m.from)}&to=${encodeURIComponent(`${slug}@orgo.test`)}`, {
    method: "POST",
    body: m.body,
  });
  await r.arrayBuffer();
  if (!r.ok) failed++;
});
const cases = await fetch(`${base}/v1/orgs/${slug}/cases?limit=1`, { headers: { authorization: `Bearer ${token}` } });
console.log("email: through the email() handler into cases (npm start)");
console.log(`  messages:        ${N} unique, concurrency ${C}, ${failed} failed (cases listed: ${cases.status})`);
console.log(`  throughput:      ${mailRate.toFixed(0)} messages/s`);
console.log(`  refused at once: ${refusedRate.toFixed(0)} messages/s (unknown organization: the endpoint's own cost)`);
console.log(`  hello baseline:  ${helloRate.toFixed(0)} requests/s (/health, same run)`);
await platform.stop();
writeResult("email", {
  parse_clean: { messages_per_s: parseRate, mb_per_s: parseMbPerS, peak_rss_mb: peakRss / 1e6 },
  handler: { messages: N, concurrency: C, failed, messages_per_s: mailRate, refused_per_s: refusedRate, health_per_s: helloRate },
});
process.exit(failed ? 1 : 0);
