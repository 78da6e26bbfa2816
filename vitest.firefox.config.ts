import { defineConfig } from 'vitest/config';

// Firefox ESR with the Firefox build installed as a temporary add-on, over WebDriver BiDi.
// Never alongside the Chromium tests: one browser at a time on a two-core machine.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/firefox/**/*.test.ts'],
    globalSetup: ['test/firefox/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
