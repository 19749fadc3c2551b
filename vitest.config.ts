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
    // A worker keeps its modules from one test file to the next: each file imported the whole app
    // afresh (~4–5 s apiece), which cost more than the collector's pauses over a worker's growing
    // heap on the full suite (PGlite half 750 s → 649 s; decision 0022). Test files share nothing
    // through modules; a test that changes process-wide state restores it.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
