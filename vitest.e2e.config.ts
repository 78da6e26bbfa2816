import { defineConfig } from 'vitest/config';

// Real Chromium with the built extension. One browser at a time: the machine has two cores,
// and a second Chromium makes timings (and so flakiness) worse for both.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
