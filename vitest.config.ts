import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'console/src/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // Each test file opens its own database copy; two at a time suits a 2-core machine.
    maxWorkers: 2,
    // A worker keeps its imported modules from one test file to the next: every file imports the
    // whole app, and re-importing it per file cost ~2 s each (a third of the run). Test files share
    // no state through modules (each builds its own app and database); see docs/decisions/0022.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
