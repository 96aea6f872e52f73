// A small closed-loop load generator: `concurrency` clients, each sending its
// next request when the previous answered, for a fixed time. Latencies are
// kept per request (bounded by the run's length) for exact percentiles.

/** @param {number[]} sorted @param {number} q */
export function quantile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * @param {{ concurrency: number, durationMs: number, request: (client: number, i: number) => Promise<Response | boolean> , warmupMs?: number }} opts
 */
export async function runLoad({ concurrency, durationMs, request, warmupMs = 500 }) {
  const latencies = [];
  let errors = 0;
  let firstError = null;
  let counting = false;
  const start = performance.now();
  const warmEnd = start + warmupMs;
  const end = warmEnd + durationMs;
  let i = 0;
  const client = async (c) => {
    while (performance.now() < end) {
      const t = performance.now();
      let ok = false;
      try {
        const r = await request(c, i++);
        if (typeof r === "boolean") ok = r;
        else {
          ok = r.ok;
          if (!ok && firstError === null) firstError = `${r.status} ${(await r.text()).slice(0, 200)}`;
          else await r.arrayBuffer();
        }
      } catch (e) {
        if (firstError === null) firstError = String(e);
      }
      const done = performance.now();
      counting = t >= warmEnd;
      if (counting && done <= end) {
        if (ok) latencies.push(done - t);
        else errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, c) => client(c)));
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    first_error: firstError,
    rps: latencies.length / (durationMs / 1000),
    p50_ms: quantile(latencies, 0.5),
    p99_ms: quantile(latencies, 0.99),
    max_ms: latencies.at(-1) ?? Number.NaN,
  };
}

/** Median and spread (min–max) of repeated runs' figures. */
export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: quantile(sorted, 0.5), min: sorted[0], max: sorted.at(-1), runs: sorted.length };
}
