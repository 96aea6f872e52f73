/**
 * The dashboard build: a static app in dist/, served by the Worker's static
 * assets (wrangler.toml [assets]) or any static host. public/ (the _headers
 * security policy) is copied as is.
 */
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { defineConfig, type Plugin } from "vite";

const FIRST_SCREEN_BUDGET_BYTES = 100 * 1024;

/**
 * Prints the gzipped size of what the first screen loads (the entry chunk and
 * everything it imports statically, plus its CSS) and fails the build over
 * budget, so a heavy dependency cannot slip in unnoticed.
 */
function firstScreenBudget(): Plugin {
  return {
    name: "orgo-first-screen-budget",
    apply: "build",
    generateBundle(_options, bundle) {
      const pending = Object.values(bundle)
        .filter((item) => item.type === "chunk" && item.isEntry)
        .map((item) => item.fileName);
      const loaded = new Set<string>();
      const css = new Set<string>();
      while (pending.length > 0) {
        const name = pending.pop() as string;
        const item = bundle[name];
        if (loaded.has(name) || item?.type !== "chunk") continue;
        loaded.add(name);
        pending.push(...item.imports);
        for (const file of item.viteMetadata?.importedCss ?? []) css.add(file);
      }
      const gz = (text: string | Uint8Array) => gzipSync(text).length;
      let js = 0;
      for (const name of loaded) {
        const item = bundle[name];
        if (item?.type === "chunk") js += gz(item.code);
      }
      let styles = 0;
      for (const name of css) {
        const item = bundle[name];
        if (item?.type === "asset") styles += gz(item.source);
      }
      const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
      this.info(`first screen: ${kb(js)} of JavaScript gzipped (budget ${kb(FIRST_SCREEN_BUDGET_BYTES)}), ${kb(styles)} of CSS gzipped`);
      if (js > FIRST_SCREEN_BUDGET_BYTES) this.error(`the first screen's JavaScript is ${kb(js)} gzipped, over its ${kb(FIRST_SCREEN_BUDGET_BYTES)} budget`);
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  publicDir: "public",
  // Never read a .env into the bundle: the app has no build-time secrets.
  envPrefix: "ORGO_DASHBOARD_",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // No inline module-preload polyfill or data: URLs: the CSP allows only this origin's files.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  plugins: [firstScreenBudget()],
  // `npx vite --config dashboard/vite.config.ts` during development, against `npm start` on 8787.
  server: { proxy: { "/v1": { target: "http://127.0.0.1:8787", ws: true }, "/health": "http://127.0.0.1:8787" } },
});
