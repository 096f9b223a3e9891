import { defineConfig } from 'vitest/config';

export default defineConfig({
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
    testTimeout: 60_000,
  },
});
