import { describe, expect, it } from 'vitest';
import { waitFor } from './browser';
import { useLensEnvironment, waitForAnalytics } from './environment';

const env = useLensEnvironment();

/** Stops the extension's MV3 service worker the way Chrome does when it idles out. */
async function stopServiceWorker(): Promise<boolean> {
  const browser = env.lens.context.browser();
  if (!browser) throw new Error('No browser-level CDP session available to stop the service worker');
  const cdp = await browser.newBrowserCDPSession();
  const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: Array<{ targetId: string; type: string; url: string }> };
  const worker = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${env.lens.extensionId}/`));
  if (worker) await cdp.send('Target.closeTarget', { targetId: worker.targetId });
  await cdp.detach();
  return worker !== undefined;
}

describe('the MV3 service worker stops mid-burst', () => {
  it('stores every call exactly once', async () => {
    const wk = 'e2e-sw-restart';
    const page = await env.lens.context.newPage();
    await page.goto(`${env.server.origin}/?wk=${wk}`);
    await waitForAnalytics(page);
    const total = 400;
    const chunk = 100;
    let stops = 0;
    for (let start = 0; start < total; start += chunk) {
      await page.evaluate(
        ([from, count]) => {
          const analytics = (window as unknown as { analytics: { track: (e: string, p: object) => unknown } }).analytics;
          for (let i = from; i < from + count; i += 1) void analytics.track('Burst', { i });
        },
        [start, chunk] as const,
      );
      // Stop the worker while the bridge is relaying this chunk.
      if (await stopServiceWorker()) stops += 1;
    }
    expect(stops).toBeGreaterThanOrEqual(3);
    const burst = await waitFor(
      'every burst call to be stored',
      async () => {
        const { records } = await env.lens.readStore();
        const calls = records.filter((r) => r.kind === 'call' && r.args[0] === 'Burst' && r.instance.writeKey === wk);
        return calls.length >= total ? calls : undefined;
      },
      30_000,
    );
    const indexes = burst.map((c) => (c.kind === 'call' ? (c.args[1] as { i: number }).i : -1)).sort((a, b) => a - b);
    expect(indexes).toEqual(Array.from({ length: total }, (_, i) => i));
    await page.close();
  });
});
