import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The console is built into dist/console; the server serves index.html and the hashed files under /static/. */
export default defineConfig({
  root: here,
  base: '/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'static',
    // Offline and self-contained: no inlined data: fonts or workers beyond what MapLibre makes itself.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1200,
    target: 'es2022',
    sourcemap: false,
    rolldownOptions: {
      checks: { pluginTimings: false },
      // MapLibre in a chunk of its own: cached across console releases, and measured apart (docs/console.md).
      // Not its worker's URL (`?worker&url`, a string the page's first chunk carries to start that fetch early).
      output: { codeSplitting: { groups: [{ name: 'maplibre', test: /node_modules[\\/]maplibre-gl[\\/][^?]*$/ }, { name: 'uplot', test: /node_modules[\\/]uplot/ }] } },
    },
  },
  worker: { format: 'es' },
  server: { proxy: Object.fromEntries(['/v1', '/v2', '/api', '/organizations', '/openapi.json', '/docs'].map((p) => [p, 'http://127.0.0.1:3000'])) },
});
