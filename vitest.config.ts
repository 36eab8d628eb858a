import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    coverage: {
      provider: 'v8',
      include: ['core/**/*.ts', 'lambdas/**/*.ts'],
      reporter: ['text-summary'],
      thresholds: { lines: 85 },
    },
  },
});
