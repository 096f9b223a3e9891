import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

// Cross-origin isolation lets the WASM backend use threads where the browser allows them.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// The built app runs under a strict Content-Security-Policy: scripts only from the app itself,
// WebAssembly compilation allowed, no eval and no inline script. tfjs's WASM threads are workers
// whose code the app hands over as blob: URLs (worker-src and, for their importScripts,
// script-src). Inline styles are allowed (the widget's Shadow DOM styles); inline scripts are not.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

// tfjs-backend-wasm's threaded build starts pthread workers from source text inside the bundle;
// renaming or rewriting that code breaks them ("e is not defined"), so minify whitespace only.
const noMangle = { mangle: false, compress: false };

export default defineConfig(({ mode }) => ({
  plugins: [
    react(),
    // Offline after one visit: the service worker precaches the app shell, the WASM binaries and
    // the shipped model. Precache entries carry content hashes, so a new deployment (a new model
    // version included) installs a new worker, which takes over at once; app/main.tsx then
    // reloads the page so that it runs the new files.
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false, // app/main.tsx registers it: the CSP allows no inline script
      workbox: {
        globPatterns: ['**/*.{js,css,html,wasm,json,bin,svg,png,webmanifest}'],
        globIgnores: ['e2e/**', 'examples/**', 'widget/**'],
        // The model shard and the WASM binaries exceed Workbox's 2 MiB default.
        maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
        navigateFallback: 'index.html',
        // Set by hand: the plugin sets these only when it injects its own registration.
        skipWaiting: true,
        clientsClaim: true,
        navigateFallbackDenylist: [/^\/e2e\//, /^\/examples\//],
      },
      manifest: {
        name: 'Reel Corner: on-device movie recommendations',
        short_name: 'Reel Corner',
        description:
          'A demo shop whose recommendations are computed in the browser; clicks never leave the device.',
        start_url: '/',
        display: 'standalone',
        background_color: '#f6f3ee',
        theme_color: '#c2410c',
        icons: [{ src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
    }),
  ],
  server: { headers: isolationHeaders },
  preview: {
    headers: { ...isolationHeaders, 'Content-Security-Policy': CONTENT_SECURITY_POLICY },
  },
  worker: { format: 'es', rolldownOptions: { output: { minify: noMangle } } },
  build: {
    target: 'es2022',
    rolldownOptions: {
      // The storefront is the app; `--mode e2e` adds the browser-test harness page, which never
      // ships otherwise.
      input: {
        main: 'index.html',
        ...(mode === 'e2e' ? { harness: 'e2e/harness.html' } : {}),
      },
      output: { minify: noMangle },
    },
  },
}));
