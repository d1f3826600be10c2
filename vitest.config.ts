import { configDefaults, defineConfig } from 'vitest/config'

/**
 * Two projects: `unit` (library-level tests, no child process: `npm run test:unit`, well under a minute) and `e2e`
 * (the real CLI through test/helpers/cli.ts, and the report in headless Chromium: `npm run test:e2e`).
 * `npm test` runs both, as CI does.
 */
const E2E = ['test/**/*.e2e.test.ts', 'test/**/*.browser.test.ts']
/** Per project (a root-level globalSetup would run once more around them): one temporary root, removed at the end. */
const globalSetup = ['test/fixtures/temp-root.ts']

export default defineConfig({
  test: {
    // The end-to-end tests run the real CLI several times; give them room on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...E2E],
          globalSetup,
        },
      },
      { extends: true, test: { name: 'e2e', include: E2E, globalSetup } },
    ],
  },
})
