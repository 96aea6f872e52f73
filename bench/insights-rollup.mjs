#!/usr/bin/env node
// Insights rollup encoder throughput and memory, printed as figures:
// synthetic fact_tasks rows arrive in pages of 10,000 (as keyset pages from
// D1 would), go through the same streaming Parquet encoder the Durable
// Object uses, and the bytes go to a sink that only counts them (the R2
// multipart upload holds at most one part besides). Each size runs in a
// fresh Node process so its peak RSS is its own.
// Run: npm run bench:insights       (SIZES=100000,1000000 by default; HEAP_MB=128; GROUP=rows per row group)
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { writeResult } from "./lib/platform.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const self = fileURLToPath(import.meta.url);
const PAGE = 10_000;
// The JS heap is capped like a Worker's 128 MB isolate: a run that needed more would fail, not just read high.
const HEAP_MB = Number(process.env.HEAP_MB ?? 128);

async function bundleEncoder(dir) {
  const outfile = path.join(dir, "encoder.mjs");
  // The Worker's build resolves hyparquet-writer's browser entry (no node:fs); so does this one.
  await build({
    stdin: {
      contents: 'export { ParquetStreamEncoder } from "./core/insights/parquet-stream.ts"; export { insightsTable } from "./core/insights/parquet-tables.ts";',
      resolveDir: root,
      loader: "ts",
    },
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    outfile,
    logLevel: "error",
  });
  return outfile;
}

const SEVERITIES = ["critical", "high", "medium", "low"];
const STATUSES = ["open", "in_progress", "completed", "cancelled"];
const ROLES = ["Operations.Safety", "Operations.Cleaning", "Logistics.Receiving", "Sales.Floor", "HR.Payroll"];
const T0 = Date.UTC(2026, 10, 1);

/** One page of task facts as drizzle hands them over (Date, boolean, null). */
function page(from, count) {
  const rows = new Array(count);
  for (let j = 0; j < count; j++) {
    const i = from + j;
    const created = T0 + i * 2_000;
    const role = ROLES[i % ROLES.length];
    const done = i % 3 === 0;
    rows[j] = {
      task_id: `task-${i.toString(36).padStart(8, "0")}`,
      case_id: `case-${Math.floor(i / 3)
        .toString(36)
        .padStart(8, "0")}`,
      org_id: "org-bench",
      label: `1001.${(i % 9) + 1}1.${role}`,
      origin_label: i % 4 ? null : `101.91.${role}`,
      base: 1001,
      category: (i % 9) + 1,
      subcategory: 1,
      role,
      department: role.split(".")[0],
      site: i % 5 ? `Store ${i % 40}` : null,
      area: i % 5 ? `Aisle ${i % 12}` : null,
      severity: SEVERITIES[i % 4],
      status: STATUSES[i % 4],
      created_at: new Date(created),
      created_date: new Date(created).toISOString().slice(0, 10),
      reacted_at: done ? new Date(created + 300_000 + (i % 997) * 1000) : null,
      resolved_at: done ? new Date(created + 7_200_000) : null,
      closed_at: done ? new Date(created + 7_200_000) : null,
      reactivity_deadline: new Date(created + 900_000),
      reactivity_met: done ? i % 7 !== 0 : null,
      escalation_count: i % 4,
      profile_version: 1 + (i % 3),
      created_by: i % 2 ? `user:${(i % 200).toString(36)}` : null,
      version: 1 + (i % 6),
      owner_role: i % 3 ? role : null,
      type: i % 2 ? "inspection" : null,
      subtype: null,
    };
  }
  return rows;
}

async function child(size, encoderPath) {
  const { ParquetStreamEncoder, insightsTable } = await import(pathToFileURL(encoderPath).href);
  let peakRss = process.memoryUsage().rss;
  let peakHeap = process.memoryUsage().heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const timer = setInterval(sample, 10);
  let bytes = 0;
  let chunks = 0;
  const sink = {
    write: async (chunk) => {
      bytes += chunk.byteLength;
      chunks++;
      sample();
    },
  };
  const t0 = performance.now();
  const encoder = new ParquetStreamEncoder(insightsTable("fact_tasks"), sink, ...(process.env.GROUP ? [Number(process.env.GROUP)] : []));
  for (let at = 0; at < size; at += PAGE) {
    await encoder.append(page(at, Math.min(PAGE, size - at)));
    // Let the sampler run between pages, as awaiting D1 would.
    await new Promise((r) => setImmediate(r));
  }
  const done = await encoder.finish();
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  sample();
  process.stdout.write(
    `${JSON.stringify({ size, rows: done.rows, bytes, chunks, seconds, rowsPerSecond: done.rows / seconds, peakRss, peakHeap, baseRss })}\n`,
  );
}

let baseRss = 0;
if (process.argv[2] === "--child") {
  baseRss = process.memoryUsage().rss;
  await child(Number(process.argv[3]), process.argv[4]);
} else {
  const sizes = (process.env.SIZES ?? "100000,1000000").split(",").map(Number);
  const work = mkdtempSync(path.join(tmpdir(), "orgo-insights-bench-"));
  try {
    const encoderPath = await bundleEncoder(work);
    console.log(`insights rollup: streaming Parquet encoding of fact_tasks rows (pages of 10,000, JS heap capped at ${HEAP_MB} MB)`);
    const figures = [];
    for (const size of sizes) {
      const run = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, self, "--child", String(size), encoderPath], { encoding: "utf8" });
      if (run.status !== 0) throw new Error(`bench child failed: ${run.stderr}`);
      const r = JSON.parse(run.stdout.trim().split("\n").at(-1));
      figures.push({
        rows: r.rows,
        seconds: r.seconds,
        rows_per_s: r.rowsPerSecond,
        mb: r.bytes / 1e6,
        peak_rss_mb: r.peakRss / 1e6,
        peak_heap_mb: r.peakHeap / 1e6,
      });
      console.log(`  ${size.toLocaleString("en-US")} rows:`);
      console.log(`    time:          ${r.seconds.toFixed(2)} s, ${Math.round(r.rowsPerSecond).toLocaleString("en-US")} rows/s`);
      console.log(`    file:          ${(r.bytes / 1e6).toFixed(1)} MB in ${r.chunks} chunks`);
      console.log(`    peak RSS:      ${(r.peakRss / 1e6).toFixed(0)} MB (Node at start: ${(r.baseRss / 1e6).toFixed(0)} MB)`);
      console.log(`    peak JS heap:  ${(r.peakHeap / 1e6).toFixed(0)} MB`);
    }
    writeResult("insights", { heap_cap_mb: HEAP_MB, sizes: figures });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
