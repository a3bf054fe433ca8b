import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default is one worker per core minus one — a single worker on the 2-core CI machine,
    // while much of the suite waits on PostgreSQL, child processes or Chromium. Two overlap that.
    maxWorkers: 2,
  },
});
