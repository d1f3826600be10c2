import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/fixtures/temp-root.ts'],
    // The end-to-end tests run the real CLI several times; give them room on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
