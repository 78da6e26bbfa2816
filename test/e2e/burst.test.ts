import { describe, expect, it } from 'vitest';
import { waitFor } from './browser';
import { useLensEnvironment } from './environment';

const env = useLensEnvironment();

describe('a burst of 10,000 calls in one task', () => {
  it('stores every call exactly once', { timeout: 120_000 }, async () => {
    const wk = 'e2e-burst';
    const calls = 10_000;
    const page = await env.lens.context.newPage();
    // The stub alone (no library load): what is counted is capture, not delivery.
    await page.goto(`${env.server.origin}/cart.html?wk=${wk}&no-load=1`);
    await page.evaluate((n) => {
      const analytics = (window as unknown as { analytics: { track: (e: string, p: object) => unknown } }).analytics;
      for (let i = 0; i < n; i += 1) analytics.track('Burst', { i });
    }, calls);
    const stored = await waitFor(
      'the burst to be stored',
      async () => {
        const found = await env.lens.burstIndexes(`wk=${wk}`);
        return found.indexes.length >= calls ? found : undefined;
      },
      90_000,
    );
    // Exactly once: a duplicate would lengthen the list, a loss would leave a hole.
    expect(stored.indexes).toEqual(Array.from({ length: calls }, (_, i) => i));
    await page.close();
  });
});
