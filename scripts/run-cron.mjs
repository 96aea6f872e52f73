#!/usr/bin/env node
// Runs the Worker's cron once against a platform started with `npm start`
// (which runs wrangler dev with --test-scheduled): the same scheduled()
// handler production runs, for the expression given.
//   npm run cron                 # every-15-minutes work
//   npm run cron -- "0 3 * * *"  # the daily retention purge
const cron = process.argv[2] ?? "*/15 * * * *";
const port = Number(process.env.PORT ?? 8787);
const url = `http://127.0.0.1:${port}/__scheduled?cron=${encodeURIComponent(cron)}`;
try {
  const res = await fetch(url);
  const text = await res.text();
  if (!res.ok || /<html/i.test(text)) {
    console.error(`cron "${cron}" was not run: ${res.status} ${text.slice(0, 200)}`);
    process.exit(1);
  }
  console.log(`cron "${cron}" ran (${res.status} ${text.trim()})`);
} catch (e) {
  console.error(`cron "${cron}" was not run: is the platform running on port ${port} (npm start)? ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
