import { defineConfig } from 'vite';

// The package's Node side, lib/: the `cprec` bin (every training command) and `cprec/model`.
// An SSR build leaves the dependencies (tfjs) as imports, resolved in the installing project.
export default defineConfig({
  publicDir: false,
  build: {
    ssr: true,
    target: 'node20',
    outDir: 'lib',
    emptyOutDir: true,
    rolldownOptions: {
      input: { cli: 'src/train/cprecCli.ts', model: 'src/model/index.ts' },
      output: {
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/[name]-[hash].js',
        banner: (chunk) => (chunk.name === 'cli' ? '#!/usr/bin/env node' : ''),
      },
    },
  },
});
