import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Node runs tfjs's Node bundles, which src/testing/backends.ts loads whole; the runtime's
    // backend modules import the browser builds' entry (dist/base), a second copy here.
    alias: [
      {
        find: /^@tensorflow\/tfjs-backend-(cpu|wasm|webgpu)\/dist\/base$/,
        replacement: '@tensorflow/tfjs-backend-$1',
      },
    ],
  },
  test: {
    include: [
      'src/**/*.test.ts',
      'app/**/*.test.ts',
      'app/**/*.test.tsx',
      'widget/**/*.test.ts',
      'hosting/**/*.test.ts',
    ],
    // tfjs tests are CPU-heavy and the machine has 2 cores.
    fileParallelism: true,
    maxWorkers: 2,
    // A guard against hangs, not a speed limit: the tests that spawn trainings take over 60 s
    // when training runs share the cores, as they do while `npm test` runs beside a sweep.
    testTimeout: 240_000,
  },
});
