import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { ISOLATION_HEADERS, SECURITY_HEADERS, securityHeaders } from './hosting/securityHeaders.ts';
import { tfjsBundle } from './tfjsBundle.ts';

export default defineConfig(({ mode }) => ({
  // The storefront routes by the URL hash, so no path needs index.html as a fallback: a missing
  // file is a 404, as on a static host (a wrong model URL in a shop's page says so).
  appType: 'mpa',
  plugins: [
    react(),
    tfjsBundle(),
    // The Content-Security-Policy as a <meta> tag in the built HTML and every header in _headers.
    securityHeaders(),
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
        // One installable app for every shop of public/models/index.json (the switch in the page).
        name: 'cprec demo shops: on-device recommendations',
        short_name: 'cprec shops',
        description:
          'Demo shops (movies, gifts) whose recommendations are computed in the browser; clicks never leave the device.',
        start_url: '/',
        display: 'standalone',
        background_color: '#f6f3ee',
        theme_color: '#c2410c',
        icons: [{ src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
    }),
  ],
  // The dev server cannot send the policy (React refresh's inline script); preview sends it all.
  // Preview's own CORS answer (any localhost origin) is off: like a production host, it sends
  // CORS headers only where securityHeaders() says, on the widget's and the models' files.
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: SECURITY_HEADERS, cors: false },
  worker: { format: 'es', plugins: () => [tfjsBundle()] },
  build: {
    target: 'es2022',
    rolldownOptions: {
      // The storefront is the app; `--mode e2e` adds the browser-test harness page, which never
      // ships otherwise.
      input: {
        main: 'index.html',
        ...(mode === 'e2e' ? { harness: 'e2e/harness.html' } : {}),
      },
    },
  },
}));
