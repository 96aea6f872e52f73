// The offline queue on disk. A site that has lost connectivity must accept a
// signal at any moment and hand it to the server exactly once, whatever
// happens in between (crash, power loss, Ctrl-C, a push killed half-way).
//
// Two append-only NDJSON files in the queue directory do it:
//   journal.ndjson  what was queued. One enqueue is written as its signal
//                   lines followed by a commit line, in a single append:
//                     {"op":"enqueue","txn":T,"signal":{..., "idempotency_key":K}}
//                     {"op":"commit","txn":T,"count":N,"at":...}
//   acks.ndjson     what the server answered, one line per signal:
//                     {"op":"ack","key":K,"status":"created"|"duplicate"|"rejected",...}
//                   plus, after a compaction, {"op":"compacted","created":n,"duplicate":n}.
// A signal is pending while its idempotency key has no ack. Because the key
// is fixed when the signal is queued, sending it again after any failure is
// answered "duplicate" by the server instead of creating a second signal.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export const JOURNAL = "journal.ndjson";
export const ACKS = "acks.ndjson";
const MAX_KEY_LENGTH = 200; // the server's limit for idempotency_key

export class QueueBusy extends Error {}

export function newKey() {
  return `sync-${randomUUID()}`;
}

/**
 * Checks the minimal shape the server cannot do without and completes the
 * signal for queueing. Returns { signal, givenKey } or { error }.
 */
export function prepareSignal(value, now = new Date()) {
  if (!value || typeof value !== "object" || Array.isArray(value)) return { error: "a signal must be a JSON object" };
  if (typeof value.title !== "string" || value.title.trim() === "") return { error: 'a signal needs a non-empty "title"' };
  const key = value.idempotency_key;
  if (key !== undefined && (typeof key !== "string" || key.length === 0 || key.length > MAX_KEY_LENGTH)) {
    return { error: `"idempotency_key" must be a string of 1 to ${MAX_KEY_LENGTH} characters` };
  }
  const signal = { ...value, idempotency_key: key ?? newKey() };
  const givenKey = key !== undefined;
  // Without it the server would take the upload time as the time of the
  // event, and a site that was offline for two days would report every
  // incident as having just happened.
  if (signal.occurred_at === undefined) signal.occurred_at = now.toISOString();
  return { signal, givenKey };
}

// --- durable file primitives ------------------------------------------------

function fsyncDir(dir) {
  // The directory entry of a new or renamed file is only durable once the
  // directory itself is synced; some platforms cannot open a directory.
  let fd;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    /* best effort */
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Appends complete lines and returns only once they are on disk. */
function appendDurable(file, text) {
  const existed = fs.existsSync(file);
  const fd = fs.openSync(file, "a+");
  try {
    // A crash mid-write can leave a last line without its newline; writing
    // straight after it would glue our first record to the fragment and make
    // both unreadable, so the fragment is closed off first.
    const { size } = fs.fstatSync(fd);
    let prefix = "";
    if (size > 0) {
      const last = Buffer.alloc(1);
      fs.readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = "\n";
    }
    fs.appendFileSync(fd, prefix + text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  if (!existed) fsyncDir(path.dirname(file));
}

/** Replaces a file's content atomically: readers see the old or the new file, never a mix. */
function replaceDurable(file, text) {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, "w");
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

/**
 * Parsed records of an NDJSON file; lines that do not parse are counted, not
 * fatal, since the only way to get one is a write torn by a crash. Read in
 * chunks and split on bytes so that neither the file size nor a multi-byte
 * character across a chunk boundary is a problem.
 */
function readRecords(file) {
  const records = [];
  let torn = 0;
  let fd;
  try {
    fd = fs.openSync(file, "r");
  } catch (e) {
    if (e.code === "ENOENT") return { records, torn };
    throw e;
  }
  try {
    const chunk = Buffer.alloc(1 << 20);
    let carry = Buffer.alloc(0);
    const take = (bytes) => {
      const line = bytes.toString("utf8").trim();
      if (!line) return;
      try {
        const value = JSON.parse(line);
        if (value && typeof value === "object" && !Array.isArray(value)) records.push(value);
        else torn++;
      } catch {
        torn++;
      }
    };
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      let data = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      let start = 0;
      for (let nl = data.indexOf(0x0a, start); nl !== -1; nl = data.indexOf(0x0a, start)) {
        take(data.subarray(start, nl));
        start = nl + 1;
      }
      carry = Buffer.from(data.subarray(start));
      data = null;
    }
    take(carry);
  } finally {
    fs.closeSync(fd);
  }
  return { records, torn };
}

// --- locks ------------------------------------------------------------------

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === "EPERM";
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * An exclusive lock file holding the owner's pid. A lock left by a process
 * that no longer exists (kill -9, power loss) is taken over, so a crash never
 * wedges the queue.
 */
export function acquireLock(dir, name, { waitMs = 0 } = {}) {
  const file = path.join(dir, `${name}.lock`);
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      const fd = fs.openSync(file, "wx");
      fs.writeSync(fd, `${process.pid}\n`);
      fs.closeSync(fd);
      return () => {
        try {
          if (fs.readFileSync(file, "utf8").trim() === String(process.pid)) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
    }
    let owner = NaN;
    try {
      owner = Number.parseInt(fs.readFileSync(file, "utf8"), 10);
    } catch {
      continue; // released between our two calls
    }
    if (!Number.isInteger(owner) || !alive(owner)) {
      try {
        fs.unlinkSync(file);
      } catch {
        /* someone else took it over first */
      }
      continue;
    }
    if (Date.now() >= until) {
      throw new QueueBusy(`${name} lock is held by process ${owner} (${file}; delete it if that process is not orgo-sync)`);
    }
    Atomics.wait(sleeper, 0, 0, 50);
  }
}

// --- the queue --------------------------------------------------------------

/** Committed signals in queue order, each key once. */
export function readJournal(dir) {
  const { records, torn } = readRecords(path.join(dir, JOURNAL));
  const open = new Map();
  const items = [];
  const seen = new Set();
  let invalid = 0;
  for (const r of records) {
    if (r.op === "enqueue" && typeof r.txn === "string") {
      const key = r.signal?.idempotency_key;
      if (typeof key !== "string" || !key) {
        invalid++;
        continue;
      }
      if (!open.has(r.txn)) open.set(r.txn, []);
      open.get(r.txn).push(r.signal);
    } else if (r.op === "commit" && open.has(r.txn)) {
      for (const signal of open.get(r.txn)) {
        if (seen.has(signal.idempotency_key)) continue;
        seen.add(signal.idempotency_key);
        items.push(signal);
      }
      open.delete(r.txn);
    } else {
      invalid++;
    }
  }
  // Lines of an enqueue whose commit never reached the disk: that enqueue
  // failed as a whole and said so, and rerunning it must not queue half a
  // file twice.
  let uncommitted = 0;
  for (const lines of open.values()) uncommitted += lines.length;
  return { items, torn: torn + invalid, uncommitted };
}

export function readAcks(dir) {
  const { records, torn } = readRecords(path.join(dir, ACKS));
  const byKey = new Map();
  const compacted = { created: 0, duplicate: 0 };
  let invalid = 0;
  for (const r of records) {
    if (r.op === "ack" && typeof r.key === "string" && ["created", "duplicate", "rejected"].includes(r.status)) {
      // Two pushes racing can both get an answer for a key; an acceptance
      // outranks a rejection, and the first acceptance is the real one.
      const prev = byKey.get(r.key);
      if (!prev || (prev.status === "rejected" && r.status !== "rejected")) byKey.set(r.key, r);
    } else if (r.op === "compacted") {
      compacted.created += Number(r.created) || 0;
      compacted.duplicate += Number(r.duplicate) || 0;
    } else {
      invalid++;
    }
  }
  return { byKey, compacted, torn: torn + invalid };
}

/** Everything `status` and `push` need, from one read of both files. */
export function loadQueue(dir) {
  const journal = readJournal(dir);
  const acks = readAcks(dir);
  const pending = journal.items.filter((s) => !acks.byKey.has(s.idempotency_key));
  const titles = new Map(journal.items.map((s) => [s.idempotency_key, s.title]));
  let created = acks.compacted.created;
  let duplicate = acks.compacted.duplicate;
  const rejected = [];
  for (const a of acks.byKey.values()) {
    if (a.status === "created") created++;
    else if (a.status === "duplicate") duplicate++;
    else rejected.push({ key: a.key, title: titles.get(a.key) ?? null, error: a.error ?? null, at: a.at ?? null });
  }
  return {
    dir,
    pending,
    created,
    duplicate,
    acknowledged: created + duplicate,
    rejected,
    tornLines: journal.torn + acks.torn,
    uncommitted: journal.uncommitted,
  };
}

/**
 * Queues prepared signals as one all-or-nothing append. Signals whose
 * caller-given key is already queued or answered are skipped: that is the
 * same signal offered twice. `givenKeys: false` says every key was generated
 * by prepareSignal. Returns { queued, skipped }.
 */
export function enqueueSignals(dir, signals, { givenKeys = true } = {}) {
  fs.mkdirSync(dir, { recursive: true });
  const release = acquireLock(dir, "journal", { waitMs: 30_000 });
  try {
    const known = new Set();
    // Generated keys are random and cannot collide, so the files are only
    // read when a caller supplied keys of its own.
    if (givenKeys) {
      for (const s of readJournal(dir).items) known.add(s.idempotency_key);
      for (const k of readAcks(dir).byKey.keys()) known.add(k);
    }
    const fresh = [];
    for (const s of signals) {
      if (known.has(s.idempotency_key)) continue;
      known.add(s.idempotency_key);
      fresh.push(s);
    }
    if (fresh.length) {
      const txn = randomUUID();
      const lines = fresh.map((signal) => JSON.stringify({ op: "enqueue", txn, signal }));
      lines.push(JSON.stringify({ op: "commit", txn, count: fresh.length, at: new Date().toISOString() }));
      appendDurable(path.join(dir, JOURNAL), `${lines.join("\n")}\n`);
    }
    return { queued: fresh, skipped: signals.length - fresh.length };
  } finally {
    release();
  }
}

/** Records the server's answers for one batch; on disk before it returns. */
export function recordAcks(dir, acks) {
  if (!acks.length) return;
  const at = new Date().toISOString();
  const text = acks.map((a) => JSON.stringify({ op: "ack", at, ...a })).join("\n");
  appendDurable(path.join(dir, ACKS), `${text}\n`);
}

/**
 * Drops acknowledged (created/duplicate) signals from the journal and their
 * acks from the ack log, keeping their counts. Rejected signals stay, with
 * their errors, until someone has looked at them.
 */
export function compactQueue(dir) {
  if (!fs.existsSync(dir)) return { removed: 0, kept: 0 };
  const releaseJournal = acquireLock(dir, "journal", { waitMs: 30_000 });
  let releasePush = () => {};
  try {
    releasePush = acquireLock(dir, "push");
    const journal = readJournal(dir);
    const acks = readAcks(dir);
    const accepted = (s) => {
      const a = acks.byKey.get(s.idempotency_key);
      return a && a.status !== "rejected";
    };
    const kept = journal.items.filter((s) => !accepted(s));
    const txn = randomUUID();
    const lines = kept.map((signal) => JSON.stringify({ op: "enqueue", txn, signal }));
    if (kept.length) lines.push(JSON.stringify({ op: "commit", txn, count: kept.length, at: new Date().toISOString() }));
    // Journal first: if we die between the two renames, the old ack log still
    // covers every key, so nothing looks pending that was already answered.
    replaceDurable(path.join(dir, JOURNAL), lines.length ? `${lines.join("\n")}\n` : "");

    const counts = { ...acks.compacted };
    const ackLines = [];
    for (const a of acks.byKey.values()) {
      if (a.status === "rejected") ackLines.push(JSON.stringify(a));
      else counts[a.status]++;
    }
    ackLines.unshift(JSON.stringify({ op: "compacted", ...counts, at: new Date().toISOString() }));
    replaceDurable(path.join(dir, ACKS), `${ackLines.join("\n")}\n`);
    return { removed: journal.items.length - kept.length, kept: kept.length };
  } finally {
    releasePush();
    releaseJournal();
  }
}
