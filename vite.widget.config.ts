import { defineConfig, type Plugin } from 'vite';
import { ISOLATION_HEADERS } from './hosting/securityHeaders';

// The browser half of the npm package in dist/widget/: the embeddable widget (widget/index.ts) as
// cprec-widget.js and the runtime alone (src/runtime/index.ts) as cprec.js, ES modules that share
// their chunks, plus the recommender worker and the tfjs WASM binaries as separate assets. It is
// built after the storefront (`vite build`) into the storefront's dist/, so `vite preview` serves
// both.

// Same as vite.config.ts: tfjs-backend-wasm's pthread workers break when the code is renamed.
const noMangle = { mangle: false, compress: false };

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
  plugins: [ownPreloadHelper],
  // public/ (the models) is the storefront build's to copy.
  publicDir: false,
  // Asset URLs relative to the bundle (import.meta.url), so the folder can be served anywhere.
  base: './',
  // Cross-origin isolation lets the WASM backend use threads.
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  worker: { format: 'es', rolldownOptions: { output: { minify: noMangle } } },
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
        minify: noMangle,
      },
    },
  },
});
