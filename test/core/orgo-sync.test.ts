/**
 * The offline node's promise is "never twice, never lost" across network
 * failures, crashes and Ctrl-C. These tests run the real CLI as a child
 * process against a small server with the batch endpoint's semantics
 * (idempotency by key, created/duplicate/rejected per item) that can be told
 * to misbehave, and check on the server's side what actually arrived.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../../bin/orgo-sync.mjs", import.meta.url));
const TOKEN = "test-token";
const ORG = "demo";

type Json = Record<string, unknown>;

interface Behaviour {
  /** Close the connection without an answer for the first N requests. */
  dropFirst?: number;
  /** Answer 503 to the N requests after the dropped ones. */
  fail503First?: number;
  retryAfter?: string;
  /** Answer every request with this status (401, 503…). */
  always?: number;
  /** Answer 413 to batches of more signals than this. */
  maxItems?: number;
  /** Runs after a batch is applied and before it is answered; "hold" never answers. */
  afterApply?: (batchNo: number) => undefined | "hold";
}

/** The batch endpoint of the contract, in memory. */
class FakeOrgo {
  readonly signals = new Map<string, Json>();
  creations = 0;
  requests = 0;
  readonly requestTimes: number[] = [];
  batchesApplied = 0;
  behaviour: Behaviour = {};
  url = "";
  private server: Server | null = null;

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  titles(): string[] {
    return [...this.signals.values()].map((s) => String(s.title));
  }

  private problem(res: ServerResponse, status: number, detail: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, { "content-type": "application/problem+json", ...headers });
    res.end(JSON.stringify({ type: "about:blank", title: detail, status, detail }));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const n = ++this.requests;
    this.requestTimes.push(Date.now());
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const b = this.behaviour;
    if (n <= (b.dropFirst ?? 0)) {
      req.socket.destroy();
      return;
    }
    if (n <= (b.dropFirst ?? 0) + (b.fail503First ?? 0) || b.always === 503) {
      return this.problem(res, 503, "down for maintenance", b.retryAfter ? { "retry-after": b.retryAfter } : {});
    }
    if (b.always) return this.problem(res, b.always, "refused");
    if (req.method !== "POST" || req.url !== `/v1/orgs/${ORG}/signals/batch`) return this.problem(res, 404, "not found");
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return this.problem(res, 401, "bad token");

    const text = Buffer.concat(chunks).toString("utf8");
    let items: unknown[];
    if (/ndjson/.test(req.headers["content-type"] ?? "")) {
      items = text
        .split("\n")
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as unknown);
    } else {
      const body = JSON.parse(text) as { signals?: unknown };
      if (!Array.isArray(body.signals)) return this.problem(res, 422, "send { signals: [...] }");
      items = body.signals;
    }
    if (items.length > 1000) return this.problem(res, 422, "at most 1000");
    if (b.maxItems !== undefined && items.length > b.maxItems) return this.problem(res, 413, "body too large");
    const results = items.map((raw, index) => {
      const s = raw as Json;
      const key = typeof s.idempotency_key === "string" ? s.idempotency_key : null;
      const seen = key ? this.signals.get(key) : undefined;
      if (seen) return { index, status: "duplicate", signal_id: seen.signal_id };
      if (typeof s.title !== "string" || s.title.startsWith("bad")) {
        return {
          index,
          status: "rejected",
          error: { code: "validation", detail: "the signal does not match the schema", errors: [{ path: "title", message: "bad title" }] },
        };
      }
      const signal_id = `sig-${++this.creations}`;
      this.signals.set(key ?? signal_id, { ...s, signal_id });
      return { index, status: "created", signal_id };
    });
    this.batchesApplied++;
    if (b.afterApply?.(this.batchesApplied) === "hold") return;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ results }));
  }
}

interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

// The CLI must see only what a test gives it.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^ORGO_/.test(k))) as NodeJS.ProcessEnv;

function runCli(args: string[], input = ""): { child: ChildProcess; done: Promise<CliResult> } {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], { env: cleanEnv, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stdin?.on("error", () => {}); // a CLI that does not read stdin may close it first
  child.stdin?.end(input);
  const done = new Promise<CliResult>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - started })));
  return { child, done };
}

const cli = (args: string[], input = "") => runCli(args, input).done;

const ndjson = (n: number, title = (i: number) => `signal #${i}`) =>
  `${Array.from({ length: n }, (_, i) => JSON.stringify({ title: title(i), body: `report ${i}`, location: { site: `Site ${i % 7}` } })).join("\n")}\n`;

let dir: string;
let srv: FakeOrgo;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "orgo-sync-test-"));
  srv = new FakeOrgo();
  await srv.start();
});

afterEach(async () => {
  await srv.stop();
  rmSync(dir, { recursive: true, force: true });
});

const q = () => path.join(dir, "queue");
const pushArgs = (...extra: string[]) => [
  "push",
  "--dir",
  q(),
  "--url",
  srv.url,
  "--org",
  ORG,
  "--token",
  TOKEN,
  "--backoff-min",
  "0.02",
  "--backoff-max",
  "0.2",
  ...extra,
];

async function status(): Promise<{
  pending: number;
  acknowledged: number;
  created: number;
  duplicate: number;
  rejected: number;
  rejected_items: Json[];
  torn_lines: number;
  uncommitted: number;
}> {
  const r = await cli(["status", "--dir", q(), "--json"]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

async function enqueue(n: number, title?: (i: number) => string): Promise<void> {
  const r = await cli(["enqueue", "--dir", q()], ndjson(n, title));
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
}

function expectExactlyOnce(n: number): void {
  expect(srv.signals.size).toBe(n);
  expect(srv.creations).toBe(n);
  const titles = new Set(srv.titles());
  expect(titles.size).toBe(n);
  const missing = Array.from({ length: n }, (_, i) => `signal #${i}`).filter((t) => !titles.has(t));
  expect(missing).toEqual([]);
}

describe("orgo-sync", { timeout: 20_000 }, () => {
  it("pushes 5,000 queued signals so that each arrives exactly once, and a second push sends nothing", async () => {
    const file = path.join(dir, "in.ndjson");
    writeFileSync(file, ndjson(5000));
    const e = await cli(["enqueue", "--dir", q(), "--file", file]);
    expect(e.code).toBe(0);
    expect(e.stdout).toMatch(/queued 5000 signals/);
    expect(await status()).toMatchObject({ pending: 5000, acknowledged: 0, rejected: 0 });

    const r = await cli(pushArgs("--batch", "500", "--json"));
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: "done", created: 5000, duplicate: 0, answered: 5000, pending: 0 });
    expect(srv.requests).toBe(10);
    // Not a TTY: one progress line per batch.
    expect(r.stderr.match(/^orgo-sync: \[.*\] .*\/5,000/gm)).toHaveLength(10);
    expectExactlyOnce(5000);
    for (const s of srv.signals.values()) {
      // Keys and event times are fixed at enqueue, not at upload.
      expect(s.idempotency_key).toMatch(/^sync-[0-9a-f-]{36}$/);
      expect(Date.parse(String(s.occurred_at))).toBeLessThanOrEqual(Date.now());
    }
    expect(await status()).toMatchObject({ pending: 0, acknowledged: 5000, created: 5000, rejected: 0 });

    const again = await cli(pushArgs());
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing to push/);
    expect(srv.requests).toBe(10);
  });

  it("retries dropped connections and 503s with backoff and still delivers exactly once", async () => {
    await enqueue(300);
    srv.behaviour = { dropFirst: 2, fail503First: 2 };
    const r = await cli(pushArgs("--batch", "100"));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/cannot reach .*retrying in/);
    expect(r.stderr).toMatch(/503.*retrying in/);
    expect(srv.requests).toBe(4 + 3);
    expectExactlyOnce(300);
  });

  it("honours Retry-After", async () => {
    await enqueue(5);
    srv.behaviour = { fail503First: 1, retryAfter: "1" };
    const r = await cli(pushArgs());
    expect(r.code).toBe(0);
    const [first, second] = srv.requestTimes;
    expect(second! - first!).toBeGreaterThanOrEqual(950);
    expectExactlyOnce(5);
  });

  it("halves the batch when the server answers 413", async () => {
    await enqueue(50);
    srv.behaviour = { maxItems: 10 };
    const r = await cli(pushArgs("--batch", "50"));
    expect(r.code).toBe(0);
    expect(srv.requests).toBe(3 + 9); // 50, 25 and 12 refused; then 6,6,…,2
    expectExactlyOnce(50);
  });

  it("gives up after --max-wait without progress, exits 1 and keeps the queue intact", async () => {
    await enqueue(20);
    srv.behaviour = { always: 503 };
    const r = await cli(pushArgs("--max-wait", "1"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/gave up after 1s without progress/);
    expect(r.stderr).toMatch(/20 signals still queued/);
    expect(r.ms).toBeLessThan(5000);
    expect(srv.requests).toBeGreaterThan(2);
    expect(await status()).toMatchObject({ pending: 20, acknowledged: 0 });

    srv.behaviour = {};
    expect((await cli(pushArgs())).code).toBe(0);
    expectExactlyOnce(20);
  });

  it.each([
    [401, /refused the token/],
    [403, /may not send signals to organization "demo"/],
    [404, /no organization "demo"/],
  ])("stops at once on %i with a clear message and no retry loop", async (code, message) => {
    await enqueue(10);
    srv.behaviour = { always: code };
    const r = await cli(pushArgs("--max-wait", "600"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/retrying/);
    expect(srv.requests).toBe(1);
    expect(r.ms).toBeLessThan(3000);
    expect(await status()).toMatchObject({ pending: 10 });
  });

  it.each([
    ["after the server applied batch 2 but before it answered", "before-answer"],
    ["right after the server answered batch 2, racing the ack write", "after-answer"],
  ])("survives SIGKILL %s: a rerun delivers every signal exactly once", async (_label, when) => {
    await enqueue(2000);
    let push: ReturnType<typeof runCli> | null = null;
    srv.behaviour = {
      afterApply: (batch) => {
        if (batch !== 2) return;
        if (when === "before-answer") {
          push?.child.kill("SIGKILL");
          return "hold";
        }
        setImmediate(() => push?.child.kill("SIGKILL"));
      },
    };
    push = runCli(pushArgs("--batch", "500"));
    const killed = await push.done;
    expect(killed.signal).toBe("SIGKILL");
    const mid = await status();
    expect(mid.pending).toBeGreaterThanOrEqual(1000);
    expect(mid.acknowledged).toBe(2000 - mid.pending);

    srv.behaviour = {};
    const r = await cli(pushArgs("--batch", "500", "--json"));
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    // What the dead CLI never wrote down is sent again and answered as a duplicate.
    if (when === "before-answer") expect(summary).toMatchObject({ duplicate: 500, created: 1000 });
    expect(summary.created + summary.duplicate).toBe(mid.pending);
    expectExactlyOnce(2000);
    expect(await status()).toMatchObject({ pending: 0, acknowledged: 2000 });
  });

  it("stops on Ctrl-C (SIGINT) with 130 after recording what was answered, and resumes", async () => {
    await enqueue(1500);
    let push: ReturnType<typeof runCli> | null = null;
    srv.behaviour = {
      afterApply: (batch) => {
        if (batch !== 2) return;
        push?.child.kill("SIGINT");
        return "hold"; // the answer never comes: the CLI must not wait for it
      },
    };
    push = runCli(pushArgs("--batch", "500"));
    const r = await push.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted; 1000 signals still queued/);
    expect(await status()).toMatchObject({ pending: 1000, acknowledged: 500 });

    srv.behaviour = {};
    const again = await cli(pushArgs("--batch", "500", "--json"));
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ created: 500, duplicate: 500 });
    expectExactlyOnce(1500);
  });

  it("ignores a torn final journal line and an enqueue whose commit never reached the disk", async () => {
    await enqueue(3);
    const journal = path.join(q(), "journal.ndjson");
    appendFileSync(journal, `${JSON.stringify({ op: "enqueue", txn: "lost", signal: { title: "never committed", idempotency_key: "k-lost" } })}\n`);
    appendFileSync(journal, '{"op":"enqueue","txn":"torn","signal":{"title":"torn wri');
    expect(await status()).toMatchObject({ pending: 3, torn_lines: 1, uncommitted: 1 });

    // The next append must not be glued to the fragment and lost with it.
    const r = await cli(["enqueue", "--dir", q(), "--json", JSON.stringify({ title: "signal #3" })]);
    expect(r.code).toBe(0);
    expect(await status()).toMatchObject({ pending: 4, torn_lines: 1 });

    expect((await cli(pushArgs())).code).toBe(0);
    expectExactlyOnce(4);
    expect(srv.titles()).not.toContain("never committed");
  });

  it("counts pending, acknowledged and rejected signals, and compaction keeps the counts", async () => {
    await enqueue(10, (i) => (i % 4 === 1 ? `bad signal #${i}` : `signal #${i}`));
    expect(await status()).toMatchObject({ pending: 10, acknowledged: 0, rejected: 0 });

    const r = await cli(pushArgs());
    expect(r.code).toBe(1); // finished, but the server refused some
    expect(r.stderr).toMatch(/rejected 3 signals/);
    const after = await status();
    expect(after).toMatchObject({ pending: 0, acknowledged: 7, created: 7, rejected: 3 });
    expect(after.rejected_items[0]).toMatchObject({ title: "bad signal #1", error: { code: "validation" } });
    const text = await cli(["status", "--dir", q()]);
    expect(text.stdout).toMatch(/pending: +0\nacknowledged: +7 \(7 created, 0 duplicate\)\nrejected: +3\n/);
    expect(text.stdout).toMatch(/"bad signal #5" +validation: .*title: bad title/);

    await enqueue(2, (i) => `signal #${10 + i}`);
    const c = await cli(["compact", "--dir", q()]);
    expect(c.code).toBe(0);
    expect(c.stdout).toMatch(/7 acknowledged signals removed, 5 kept/);
    const lines = readFileSync(path.join(q(), "journal.ndjson"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(5 + 1); // 3 rejected + 2 pending, and the commit
    expect(await status()).toMatchObject({ pending: 2, acknowledged: 7, rejected: 3 });

    expect((await cli(pushArgs())).code).toBe(0);
    expect(await status()).toMatchObject({ pending: 0, acknowledged: 9, rejected: 3 });
    expect(srv.signals.size).toBe(9);
  });

  it("queues nothing from input with a bad line, and skips a caller's key that is already queued", async () => {
    const bad = await cli(["enqueue", "--dir", q()], '{"title":"ok"}\nnot json\n{"title":""}\n');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/stdin:2: not JSON\n.*stdin:3: a signal needs a non-empty "title"/);
    expect(await status()).toMatchObject({ pending: 0 });

    const one = JSON.stringify({ title: "signal #0", idempotency_key: "site-7-0001" });
    expect((await cli(["enqueue", "--dir", q(), "--json", one])).stdout).toMatch(/queued 1 signal \(key site-7-0001\)/);
    expect((await cli(["enqueue", "--dir", q(), "--json", one])).stdout).toMatch(/queued 0 signals; 1 skipped/);
    expect(await status()).toMatchObject({ pending: 1 });
  });

  it.each([
    [[]],
    [["frobnicate"]],
    [["push", "--url", "http://127.0.0.1:1", "--org", "x"]],
    [["push", "--url", "http://x", "--org", "x", "--token", "t", "--batch", "1001"]],
    [["push", "--url", "ftp://x", "--org", "x", "--token", "t"]],
    [["status", "--bogus"]],
    [["enqueue", "--file", "a", "--json", "{}"]],
    [["enqueue", "--json", "{nope"]],
  ])("exits 2 on usage errors: %j", async (args) => {
    const r = await cli(args.length && args[0] !== "" ? [...args, "--dir", q()] : args);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toBe("");
  });
});
