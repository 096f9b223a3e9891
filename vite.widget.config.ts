import { defineConfig, type Plugin } from 'vite';
import { ISOLATION_HEADERS } from './hosting/securityHeaders.ts';
import { tfjsBundle } from './tfjsBundle.ts';

// The browser half of the npm package in dist/widget/: the embeddable widget (widget/index.ts) as
// cprec-widget.js and the runtime alone (src/runtime/index.ts) as cprec.js, ES modules that share
// their chunks, plus the recommender worker and the tfjs WASM binaries as separate assets. It is
// built after the storefront (`vite build`) into the storefront's dist/, so `vite preview` serves
// both.

/**
 * Renames vite's dynamic-import helper in these files: an app that installs the package and
 * bundles them with its own vite adds its own `__vitePreload` to every module with an import(),
 * and the two declarations would clash.
 */
const ownPreloadHelper: Plugin = {
  name: 'cprec-own-preload-helper',
  renderChunk: (code) => ({ code: code.replaceAll('__vitePreload', '__cprecPreload'), map: null }),
};

export default defineConfig({
  plugins: [ownPreloadHelper, tfjsBundle()],
  // public/ (the models) is the storefront build's to copy.
  publicDir: false,
  // Asset URLs relative to the bundle (import.meta.url), so the folder can be served anywhere.
  base: './',
  // Cross-origin isolated like the storefront: the widget must work under COEP too.
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  worker: {
    format: 'es',
    plugins: () => [tfjsBundle()],
    // Each worker one file, its backends inlined: an app's bundler copies the worker script as
    // an asset, without the chunks it would import. Hence two workers (src/runtime/
    // workerRecommender.ts), so that only visitors with a WebGPU adapter download WebGPU's code.
    rolldownOptions: { output: { codeSplitting: false } },
  },
  build: {
    target: 'es2022',
    outDir: 'dist/widget',
    // Only its own folder: stale hashed chunks would otherwise pile up in the package.
    emptyOutDir: true,
    // Not library mode: that inlines the worker's WASM binaries as base64 data URLs (3 MB of
    // JavaScript). An app build of the one entry keeps them as files next to the bundle.
    rolldownOptions: {
      // The widget, and the runtime alone (the package's main entry), sharing their chunks.
      input: { 'cprec-widget': 'widget/index.ts', cprec: 'src/runtime/index.ts' },
      // Keep the entry's exports (app builds drop them): hosts may import the class.
      preserveEntrySignatures: 'strict',
      output: {
        format: 'es',
        entryFileNames: '[name].js',
      },
    },
  },
});
