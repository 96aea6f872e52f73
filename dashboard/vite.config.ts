/**
 * The dashboard build: a static app in dist/, served by the Worker's static
 * assets (wrangler.toml [assets]) or any static host. public/ (the _headers
 * security policy, the /docs/ page) is copied as is.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
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

/**
 * The API reference at /docs/ (public/docs/: a page and its init script) runs
 * Swagger UI from this origin, so it works offline and under the CSP: its
 * bundle, stylesheet and licence files are copied from the pinned
 * swagger-ui-dist package into dist/docs/ (served by the dev server too).
 * Source-map comments are dropped, the maps are not shipped. It is a separate
 * page: none of it counts towards the app's first screen.
 */
function apiReferenceAssets(): Plugin {
  const dir = path.dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  const files: Record<string, string> = {
    "swagger-ui-bundle.js": "swagger-ui-bundle.js",
    "swagger-ui.css": "swagger-ui.css",
    "swagger-ui-bundle.js.LICENSE.txt": "swagger-ui-bundle.js.LICENSE.txt",
    "swagger-ui-LICENSE.txt": "LICENSE",
    "swagger-ui-NOTICE.txt": "NOTICE",
  };
  const read = (name: string) => readFileSync(path.join(dir, files[name] as string), "utf8").replace(/\n?\/[*/]# sourceMappingURL=[^\n]*\s*$/, "\n");
  const types: Record<string, string> = { js: "text/javascript", css: "text/css", txt: "text/plain" };
  return {
    name: "orgo-api-reference-assets",
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = /^\/docs\/([^/?#]+)/.exec(req.url ?? "")?.[1];
        if (!name || !(name in files)) return next();
        res.setHeader("content-type", `${types[name.split(".").pop() as string]}; charset=utf-8`);
        res.end(read(name));
      });
    },
    generateBundle() {
      let gzipped = 0;
      for (const name of Object.keys(files)) {
        const source = read(name);
        if (!name.endsWith(".txt")) gzipped += gzipSync(source).length;
        this.emitFile({ type: "asset", fileName: `docs/${name}`, source });
      }
      const { version } = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { version: string };
      this.info(`API reference (/docs/): swagger-ui-dist ${version}, ${(gzipped / 1024).toFixed(1)} KB gzipped, loaded only by /docs/`);
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
  plugins: [firstScreenBudget(), apiReferenceAssets()],
  // `npx vite --config dashboard/vite.config.ts` during development, against `npm start` on 8787.
  server: { proxy: { "/v1": { target: "http://127.0.0.1:8787", ws: true }, "/health": "http://127.0.0.1:8787" } },
});
