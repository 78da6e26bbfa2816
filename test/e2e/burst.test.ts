import { describe, expect, it } from 'vitest';
import { waitFor } from './browser';
import { useLensEnvironment } from './environment';

const env = useLensEnvironment();

describe('a burst of 10,000 calls in one task', () => {
  it('stores every call exactly once', async () => {
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
        const { records } = await env.lens.readStore();
        const burst = records.filter((r) => r.kind === 'call' && r.args[0] === 'Burst' && r.frameUrl.includes(`wk=${wk}`));
        return burst.length >= calls ? burst : undefined;
      },
      60_000,
    );
    const indexes = stored.map((r) => (r.kind === 'call' ? (r.args[1] as { i: number }).i : -1)).sort((a, b) => a - b);
    expect(indexes).toEqual(Array.from({ length: calls }, (_, i) => i));
    await page.close();
  });
});
