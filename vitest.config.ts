import { defineConfig } from 'vitest/config';

/**
 * `*.unit.test.ts` files open no database (pure logic, HTTP helpers without the app): CI runs the
 * suite twice, once per database, and these need running only once, on the embedded half.
 */
const onPostgres = Boolean(process.env.DATABASE_URL);

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'console/src/**/*.test.ts', 'console/tools/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', ...(onPostgres ? ['**/*.unit.test.ts'] : [])],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // Each test file opens its own database copy; two at a time suits a 2-core machine.
    maxWorkers: 2,
    // Each file in a fresh process: sharing a worker's modules across files (isolate: false) was
    // measured slower on ten heavy files (129 s against 111 s): the worker's heap grows with every
    // file's embedded database and the collector's pauses cost more than the imports saved
    // (docs/decisions/0022).
    isolate: true,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
