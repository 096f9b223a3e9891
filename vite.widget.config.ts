import { defineConfig } from 'vite';
import { ISOLATION_HEADERS } from './hosting/securityHeaders';

// The embeddable widget (widget/index.ts) as one ES module, dist/widget/cprec-widget.js, plus
// the recommender worker and the tfjs WASM binaries it loads as separate assets. It is built
// after the storefront (`vite build`) into the storefront's dist/, so `vite preview` serves both.

// Same as vite.config.ts: tfjs-backend-wasm's pthread workers break when the code is renamed.
const noMangle = { mangle: false, compress: false };

export default defineConfig({
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
    emptyOutDir: false,
    // Not library mode: that inlines the worker's WASM binaries as base64 data URLs (3 MB of
    // JavaScript). An app build of the one entry keeps them as files next to the bundle.
    rolldownOptions: {
      input: { 'cprec-widget': 'widget/index.ts' },
      // Keep the entry's exports (app builds drop them): hosts may import the class.
      preserveEntrySignatures: 'strict',
      output: {
        format: 'es',
        entryFileNames: 'cprec-widget.js',
        minify: noMangle,
      },
    },
  },
});
