#!/usr/bin/env node
// orgo-sync: the offline node of Orgo. A site that loses connectivity keeps
// queueing signals on local disk and pushes them to the server in batches
// when it is back, resumable after a crash or Ctrl-C, never sending a signal
// twice and never losing one. Exit codes: 0 done, 1 failed, 2 usage.
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { parseArgs } from "node:util";
import { createProgress } from "./lib/progress.mjs";
import { Interrupted, MAX_BATCH, PushError, push } from "./lib/push.mjs";
import { QueueBusy, compactQueue, enqueueSignals, loadQueue, prepareSignal } from "./lib/queue.mjs";

const USAGE = `Usage: orgo-sync <command> [options]

Commands
  enqueue   queue signals: --file F.ndjson (- for stdin), --json '{...}' (an
            object or an array), or NDJSON piped on stdin. Each needs a
            non-empty "title"; "idempotency_key" and "occurred_at" are added
            when missing. All-or-nothing: one bad line queues nothing.
  push      send pending signals to POST /v1/orgs/{org}/signals/batch
              --url URL        server (env ORGO_URL), e.g. http://127.0.0.1:8787
              --org SLUG       organization (env ORGO_ORG)
              --token T        organization token (env ORGO_TOKEN; preferred,
                               a command line is visible to other users)
              --batch N        signals per request, 1-${MAX_BATCH} (default 500)
              --max-wait S     give up after S seconds without progress (default 600)
              --timeout S      per-request timeout (default 120)
              --backoff-min S  first retry delay (default 0.5)
              --backoff-max S  longest retry delay (default 30)
              --quiet          no progress on stderr
              --json           print the summary as JSON
  status    pending / acknowledged / rejected counts (--json for JSON)
  compact   rewrite the queue without acknowledged signals

Options for every command
  --dir DIR   queue directory (env ORGO_SYNC_DIR, default .orgo-sync)
  -h, --help  this text

Exit codes: 0 done, 1 failed (nothing is lost: rerun to continue), 2 usage, 130 interrupted.
`;

class UsageError extends Error {}

const COMMON = { dir: { type: "string" }, help: { type: "boolean", short: "h" } };
const OPTIONS = {
  enqueue: { file: { type: "string", short: "f" }, json: { type: "string" } },
  push: {
    url: { type: "string" },
    org: { type: "string" },
    token: { type: "string" },
    batch: { type: "string" },
    "max-wait": { type: "string" },
    timeout: { type: "string" },
    "backoff-min": { type: "string" },
    "backoff-max": { type: "string" },
    quiet: { type: "boolean" },
    json: { type: "boolean" },
  },
  status: { json: { type: "boolean" } },
  compact: {},
};

// Ctrl-C must not cut a push between the server's answer and writing it
// down: the first one only asks the running command to stop at the next
// safe point; a second one is an impatient user and ends at once (still
// safe: what is on disk is always consistent).
const stop = new AbortController();
let exitOnStop = 130;
for (const [sig, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
]) {
  process.on(sig, () => {
    if (stop.signal.aborted) process.exit(code);
    exitOnStop = code;
    stop.abort();
  });
}

function number(values, name, fallback, { min, max, integer = false }) {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} must be ${integer ? "an integer" : "a number"} from ${min} to ${max}, not "${raw}"`);
  }
  return n;
}

function queueDir(values) {
  return path.resolve(values.dir ?? process.env.ORGO_SYNC_DIR ?? ".orgo-sync");
}

/** Lines of NDJSON from a file or stdin, with their line numbers. */
async function* ndjsonLines(stream) {
  const rl = readline.createInterface({ input: stream, crlfDelay: Infinity });
  const onAbort = () => rl.close();
  stop.signal.addEventListener("abort", onAbort, { once: true });
  let n = 0;
  try {
    for await (const line of rl) {
      n++;
      if (line.trim()) yield { line, n };
    }
  } finally {
    stop.signal.removeEventListener("abort", onAbort);
  }
}

async function enqueueCommand(values) {
  if (values.file !== undefined && values.json !== undefined) throw new UsageError("give --file or --json, not both");
  const raw = [];
  const problems = [];
  if (values.json !== undefined) {
    let parsed;
    try {
      parsed = JSON.parse(values.json);
    } catch (e) {
      throw new UsageError(`--json is not valid JSON: ${e.message}`);
    }
    for (const [i, value] of (Array.isArray(parsed) ? parsed : [parsed]).entries()) raw.push({ value, where: Array.isArray(parsed) ? `item ${i}` : "--json" });
  } else {
    let stream;
    if (values.file !== undefined && values.file !== "-") {
      try {
        stream = fs.createReadStream(values.file);
        await new Promise((resolve, reject) => stream.once("open", resolve).once("error", reject));
      } catch (e) {
        throw new UsageError(`cannot read ${values.file}: ${e.message}`);
      }
    } else {
      if (values.file === undefined && process.stdin.isTTY) throw new UsageError("give --file F.ndjson, --json '{...}', or pipe NDJSON on stdin");
      stream = process.stdin;
    }
    const where = values.file && values.file !== "-" ? values.file : "stdin";
    for await (const { line, n } of ndjsonLines(stream)) {
      try {
        raw.push({ value: JSON.parse(line), where: `${where}:${n}` });
      } catch {
        raw.push({ notJson: true, where: `${where}:${n}` });
      }
    }
  }
  if (stop.signal.aborted) throw new Interrupted();

  const now = new Date();
  const signals = [];
  let givenKeys = false;
  for (const { value, where, notJson } of raw) {
    const r = notJson ? { error: "not JSON" } : prepareSignal(value, now);
    if (r.error) problems.push(`${where}: ${r.error}`);
    else {
      signals.push(r.signal);
      givenKeys ||= r.givenKey;
    }
  }
  if (problems.length) {
    for (const p of problems.slice(0, 20)) process.stderr.write(`orgo-sync: ${p}\n`);
    if (problems.length > 20) process.stderr.write(`orgo-sync: … and ${problems.length - 20} more\n`);
    process.stderr.write(`orgo-sync: nothing queued (${problems.length} bad item${problems.length === 1 ? "" : "s"}); fix the input and run again\n`);
    return 1;
  }
  if (!signals.length) {
    process.stdout.write("nothing to queue: the input holds no signals\n");
    return 0;
  }
  const dir = queueDir(values);
  const { queued, skipped } = enqueueSignals(dir, signals, { givenKeys });
  const one = queued.length === 1 ? ` (key ${queued[0].idempotency_key})` : "";
  const skip = skipped ? `; ${skipped} skipped, their idempotency_key is already queued` : "";
  process.stdout.write(`queued ${queued.length} signal${queued.length === 1 ? "" : "s"}${one}${skip} in ${dir}\n`);
  return 0;
}

async function pushCommand(values) {
  const url = values.url ?? process.env.ORGO_URL;
  const org = values.org ?? process.env.ORGO_ORG;
  const token = values.token ?? process.env.ORGO_TOKEN;
  const missing = [!url && "--url (or ORGO_URL)", !org && "--org (or ORGO_ORG)", !token && "--token (or ORGO_TOKEN)"].filter(Boolean);
  if (missing.length) throw new UsageError(`push needs ${missing.join(", ")}`);
  try {
    const u = new URL(url);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
  } catch {
    throw new UsageError(`--url must be an http(s) URL, not "${url}"`);
  }
  const options = {
    dir: queueDir(values),
    url,
    org,
    token,
    batchSize: number(values, "batch", 500, { min: 1, max: MAX_BATCH, integer: true }),
    maxWaitMs: number(values, "max-wait", 600, { min: 0, max: 7 * 86_400 }) * 1000,
    timeoutMs: number(values, "timeout", 120, { min: 0.1, max: 3600 }) * 1000,
    backoffMinMs: number(values, "backoff-min", 0.5, { min: 0, max: 3600 }) * 1000,
    backoffMaxMs: number(values, "backoff-max", 30, { min: 0, max: 3600 }) * 1000,
    abortSignal: stop.signal,
    progress: createProgress({ quiet: values.quiet }),
  };
  const report = (outcome, extra = {}) => {
    const q = loadQueue(options.dir);
    const summary = { outcome, pending: q.pending.length, acknowledged: q.acknowledged, rejected: q.rejected.length, ...extra };
    if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    return summary;
  };
  try {
    if (!fs.existsSync(options.dir)) {
      report("done", { created: 0, duplicate: 0, answered: 0 });
      if (!values.json) process.stdout.write(`nothing to push: no queue in ${options.dir}\n`);
      return 0;
    }
    const r = await push(options);
    options.progress.end();
    const s = report("done", { created: r.created, duplicate: r.duplicate, answered: r.answered, seconds: Number(r.seconds.toFixed(3)) });
    if (!values.json) {
      const rate = r.seconds > 0 ? ` (${Math.round(r.answered / r.seconds)}/s)` : "";
      process.stdout.write(
        r.answered
          ? `pushed ${r.answered} in ${r.seconds.toFixed(1)}s${rate}: ${r.created} created, ${r.duplicate} duplicate, ${r.rejected} rejected\n`
          : "nothing to push: the queue is empty\n",
      );
    }
    if (r.rejected) {
      process.stderr.write(
        `orgo-sync: the server rejected ${r.rejected} signal${r.rejected === 1 ? "" : "s"}; \`orgo-sync status\` shows why (${s.rejected} in total)\n`,
      );
      return 1;
    }
    return 0;
  } catch (e) {
    options.progress.end();
    if (e instanceof Interrupted) {
      const s = report("interrupted");
      process.stderr.write(`orgo-sync: interrupted; ${s.pending} signal${s.pending === 1 ? "" : "s"} still queued, run push again to continue\n`);
      return exitOnStop;
    }
    if (e instanceof PushError || e instanceof QueueBusy) {
      const s = report("failed", { error: e.message });
      process.stderr.write(`orgo-sync: ${e.message}\norgo-sync: ${s.pending} signal${s.pending === 1 ? "" : "s"} still queued; nothing was lost\n`);
      return 1;
    }
    throw e;
  }
}

function statusCommand(values) {
  const q = loadQueue(queueDir(values));
  if (values.json) {
    const out = {
      dir: q.dir,
      pending: q.pending.length,
      acknowledged: q.acknowledged,
      created: q.created,
      duplicate: q.duplicate,
      rejected: q.rejected.length,
      rejected_items: q.rejected,
      torn_lines: q.tornLines,
      uncommitted: q.uncommitted,
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `queue:         ${q.dir}`,
    `pending:       ${q.pending.length}`,
    `acknowledged:  ${q.acknowledged} (${q.created} created, ${q.duplicate} duplicate)`,
    `rejected:      ${q.rejected.length}`,
  ];
  for (const r of q.rejected.slice(0, 10)) {
    const err = r.error
      ? `${r.error.code}: ${r.error.detail}${r.error.errors?.length ? ` (${r.error.errors.map((p) => `${p.path}: ${p.message}`).join("; ")})` : ""}`
      : "rejected";
    lines.push(`  ${r.key}  ${r.title ? JSON.stringify(r.title) : ""}  ${err}`);
  }
  if (q.rejected.length > 10) lines.push(`  … and ${q.rejected.length - 10} more (status --json lists all)`);
  if (q.tornLines || q.uncommitted) {
    lines.push(`ignored:       ${q.tornLines} torn line(s), ${q.uncommitted} signal(s) of unfinished enqueues (crash while writing)`);
  }
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}

function compactCommand(values) {
  const dir = queueDir(values);
  try {
    const { removed, kept } = compactQueue(dir);
    process.stdout.write(`compacted ${dir}: ${removed} acknowledged signal${removed === 1 ? "" : "s"} removed, ${kept} kept (pending or rejected)\n`);
    return 0;
  } catch (e) {
    if (e instanceof QueueBusy) {
      process.stderr.write(`orgo-sync: cannot compact while another orgo-sync works on the queue: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

async function main(argv) {
  const command = argv[0];
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    (command === undefined ? process.stderr : process.stdout).write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (!Object.hasOwn(OPTIONS, command)) throw new UsageError(`unknown command "${command}"`);
  let values;
  try {
    ({ values } = parseArgs({ args: argv.slice(1), options: { ...COMMON, ...OPTIONS[command] }, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new UsageError(e.message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command === "enqueue") return enqueueCommand(values);
  if (command === "push") return pushCommand(values);
  if (command === "status") return statusCommand(values);
  return compactCommand(values);
}

// Exit explicitly (an idle keep-alive socket or stdin must not keep us
// alive), but only once what we printed has left: piped output is
// asynchronous on some platforms.
function exit(code) {
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}

main(process.argv.slice(2)).then(exit, (e) => {
  if (e instanceof UsageError) {
    process.stderr.write(`orgo-sync: ${e.message}\nRun \`orgo-sync --help\` for usage.\n`);
    return exit(2);
  }
  if (e instanceof Interrupted) return exit(exitOnStop);
  // A file-system error (full disk, no permission) is the user's to fix, not a bug: no stack.
  process.stderr.write(`orgo-sync: ${e?.code && e?.syscall ? e.message : (e?.stack ?? e)}\n`);
  exit(1);
});
