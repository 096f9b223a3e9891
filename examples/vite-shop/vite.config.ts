import { defineConfig } from 'vite';

export default defineConfig({
  // The dev server's pre-bundling moves cprec's files away from its worker and WASM assets;
  // a production build needs nothing.
  optimizeDeps: { exclude: ['cprec'] },
});
