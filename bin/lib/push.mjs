// Drains the offline queue into POST /v1/orgs/{org}/signals/batch once the
// server is reachable again. The link of a site that just came back is
// flaky, so transient failures (network errors, timeouts, 5xx, 429) are
// retried with capped exponential backoff until --max-wait passes without
// progress; the server's answers are written to the ack log after every
// batch, so a push stopped in any way resumes where it left off. Anything
// sent whose answer was lost is simply sent again: its idempotency key makes
// the server answer "duplicate" instead of creating it twice.
import { acquireLock, loadQueue, recordAcks } from "./queue.mjs";

export const MAX_BATCH = 1000; // the server's limit per request
// The server takes 16 MiB per batch; staying well under it leaves room for
// signals with long bodies without a round trip to find the limit.
const MAX_BATCH_BYTES = 8 * 1024 * 1024;
const STATUSES = new Set(["created", "duplicate", "rejected"]);

/** Stops the push for good: retrying cannot help (bad token, wrong org, refused request) or we gave up. */
export class PushError extends Error {}
export class Interrupted extends Error {}

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Interrupted());
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Interrupted());
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Yields batches of at most `limit` signals and MAX_BATCH_BYTES of JSON, pre-serialised. */
function* batches(pending, limit) {
  let items = [];
  let parts = [];
  let bytes = 0;
  for (const signal of pending) {
    const part = JSON.stringify(signal);
    const size = Buffer.byteLength(part) + 1;
    if (items.length && (items.length >= limit || bytes + size > MAX_BATCH_BYTES)) {
      yield { items, body: `{"signals":[${parts.join(",")}]}` };
      items = [];
      parts = [];
      bytes = 0;
    }
    items.push(signal);
    parts.push(part);
    bytes += size;
  }
  if (items.length) yield { items, body: `{"signals":[${parts.join(",")}]}` };
}

/** The results of a 200 answer, by index, or null if it is not a complete batch answer. */
function parseResults(text, count) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  const results = body?.results;
  if (!Array.isArray(results) || results.length !== count) return null;
  const byIndex = new Array(count);
  for (const r of results) {
    if (!r || !Number.isInteger(r.index) || r.index < 0 || r.index >= count || byIndex[r.index] || !STATUSES.has(r.status)) return null;
    byIndex[r.index] = r;
  }
  return byIndex;
}

function problemDetail(text) {
  try {
    const p = JSON.parse(text);
    return p.detail || p.title || "";
  } catch {
    return text.slice(0, 200).trim();
  }
}

/** Seconds or an HTTP date, as milliseconds from now. */
function retryAfterMs(header) {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

function networkReason(error, endpoint, timeoutMs) {
  if (error?.name === "TimeoutError") return `no answer within ${timeoutMs / 1000}s`;
  const why = error?.cause?.code ?? error?.code ?? error?.cause?.message ?? error?.message;
  return `cannot reach ${new URL(endpoint).origin}${why ? ` (${why})` : ""}`;
}

/**
 * Pushes every pending signal. Returns { created, duplicate, rejected,
 * answered, pending, seconds }; throws PushError or Interrupted, leaving
 * everything not yet answered in the queue.
 */
export async function push(options) {
  const { dir, url, org, token, batchSize, maxWaitMs, timeoutMs, backoffMinMs, backoffMaxMs, abortSignal, progress } = options;
  const endpoint = `${url.replace(/\/+$/, "")}/v1/orgs/${encodeURIComponent(org)}/signals/batch`;
  const headers = {
    authorization: `Bearer ${token}`,
    "content-type": "application/json",
    accept: "application/json",
    "user-agent": "orgo-sync",
  };
  const counts = { created: 0, duplicate: 0, rejected: 0 };
  let answered = 0;
  let lastProgress = Date.now();
  let limit = batchSize;

  async function send(batch) {
    for (let attempt = 0; ; attempt++) {
      if (abortSignal.aborted) throw new Interrupted();
      let reason;
      let wait = null;
      try {
        const res = await fetch(endpoint, {
          method: "POST",
          headers,
          body: batch.body,
          // A captive portal or proxy redirecting a POST must not turn it into a GET.
          redirect: "manual",
          signal: AbortSignal.any([abortSignal, AbortSignal.timeout(timeoutMs)]),
        });
        const text = await res.text();
        const status = `${res.status}${res.statusText ? ` ${res.statusText}` : ""}`;
        const detail = problemDetail(text);
        const why = detail ? `${status}: ${detail}` : status;
        if (res.status === 200) {
          const results = parseResults(text, batch.items.length);
          if (results) return results;
          reason = "the answer is not a batch result (is --url an Orgo server?)";
        } else if (res.status === 401) {
          throw new PushError(`the server refused the token (${why}); check --token or ORGO_TOKEN`);
        } else if (res.status === 403) {
          throw new PushError(`the token may not send signals to organization "${org}" (${why})`);
        } else if (res.status === 404) {
          throw new PushError(`no organization "${org}" at ${url} (${why}); check --org/ORGO_ORG and --url/ORGO_URL`);
        } else if (res.status === 413) {
          return "too_large";
        } else if (res.status === 408 || res.status === 429 || res.status >= 500 || (res.status >= 300 && res.status < 400)) {
          reason = res.headers.get("location") ? `${status} to ${res.headers.get("location")}` : why;
          wait = retryAfterMs(res.headers.get("retry-after"));
        } else {
          throw new PushError(`the server refused the batch (${why})`);
        }
      } catch (e) {
        if (e instanceof PushError) throw e;
        if (abortSignal.aborted) throw new Interrupted();
        reason = networkReason(e, endpoint, timeoutMs);
      }
      const left = lastProgress + maxWaitMs - Date.now();
      if (left <= 0 || (wait !== null && wait > left)) {
        const asked = wait !== null && wait > left ? `; the server asked to wait ${Math.ceil(wait / 1000)}s` : "";
        throw new PushError(`gave up after ${Math.round((Date.now() - lastProgress) / 1000)}s without progress (last error: ${reason}${asked})`);
      }
      // Jitter keeps many sites that come back at once from retrying in step.
      const backoff = Math.min(backoffMaxMs, backoffMinMs * 2 ** attempt) * (0.5 + Math.random() / 2);
      const delay = Math.min(wait ?? backoff, left);
      progress.waiting(reason, delay);
      await sleep(delay, abortSignal);
    }
  }

  const release = acquireLock(dir, "push");
  try {
    for (;;) {
      // Re-read after each pass: signals queued while we were pushing go too.
      const { pending } = loadQueue(dir);
      if (!pending.length) break;
      progress.setTotal(answered + pending.length);
      for (const batch of batches(pending, limit)) {
        const results = await send(batch);
        let acks;
        if (results === "too_large") {
          if (batch.items.length > 1) {
            // Re-batch what is left with the smaller size.
            limit = Math.max(1, Math.floor(batch.items.length / 2));
            break;
          }
          // One signal alone is too big: the server will never take it, which is a rejection.
          const error = { code: "payload_too_large", detail: `${Buffer.byteLength(batch.body)} bytes is more than the server accepts` };
          acks = [{ key: batch.items[0].idempotency_key, status: "rejected", error }];
        } else {
          acks = batch.items.map((s, i) => {
            const r = results[i];
            return {
              key: s.idempotency_key,
              status: r.status,
              ...(r.signal_id ? { signal_id: r.signal_id } : {}),
              ...(r.case_id ? { case_id: r.case_id } : {}),
              ...(r.error ? { error: r.error } : {}),
            };
          });
        }
        recordAcks(dir, acks);
        for (const a of acks) counts[a.status]++;
        answered += acks.length;
        lastProgress = Date.now();
        progress.advance(acks.length, counts);
        if (abortSignal.aborted) throw new Interrupted();
      }
    }
  } finally {
    release();
  }
  return { ...counts, answered, pending: 0, seconds: progress.elapsedSeconds() };
}
