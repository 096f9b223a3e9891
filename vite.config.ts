import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Cross-origin isolation lets the WASM backend use threads where the browser allows them.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// tfjs-backend-wasm's threaded build starts pthread workers from source text inside the bundle;
// renaming or rewriting that code breaks them ("e is not defined"), so minify whitespace only.
const noMangle = { mangle: false, compress: false };

export default defineConfig(({ mode }) => ({
  plugins: [react()],
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
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
