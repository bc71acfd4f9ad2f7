import { defineConfig } from 'vitest/config';

// Three projects: fast unit tests beside the code, cross-package suites in test/ that start
// real servers and processes (longer timeouts, run one file at a time to fit two cores), and
// end-to-end tests of the web client in headless Chromium.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // apps/web: pure modules only (files without runes); components are tested in e2e.
          include: ['packages/*/src/**/*.test.ts', 'apps/server/src/**/*.test.ts', 'apps/web/src/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', '**/node_modules/**'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // Headless Chromium against a real server (builds apps/web first if its dist is stale).
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
