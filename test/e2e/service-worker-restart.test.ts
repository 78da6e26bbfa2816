import { describe, expect, it } from 'vitest';
import { waitFor } from './browser';
import { useLensEnvironment } from './environment';

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
  it('stores every call of a 10,000-call burst exactly once', async () => {
    const wk = 'e2e-sw-restart';
    const page = await env.lens.context.newPage();
    // The snippet stub alone: what is counted is capture, not delivery.
    await page.goto(`${env.server.origin}/cart.html?wk=${wk}&no-load=1`);
    const total = 10_000;
    const chunk = 2_000;
    let stops = 0;
    for (let start = 0; start < total; start += chunk) {
      await page.evaluate(
        ([from, count]) => {
          const analytics = (window as unknown as { analytics: { track: (e: string, p: object) => unknown } }).analytics;
          for (let i = from; i < from + count; i += 1) void analytics.track('Burst', { i });
        },
        [start, chunk] as const,
      );
      // Stop the worker while the hook is still sending this chunk in slices and the bridge relaying them.
      if (await stopServiceWorker()) stops += 1;
    }
    // The worker is woken by the bridge's next resend; stopped at least once per chunk after the first.
    expect(stops).toBeGreaterThanOrEqual(4);
    const burst = await waitFor(
      'every burst call to be stored',
      async () => {
        const { records } = await env.lens.readStore();
        const calls = records.filter((r) => r.kind === 'call' && r.args[0] === 'Burst' && r.frameUrl.includes(`wk=${wk}`));
        return calls.length >= total ? calls : undefined;
      },
      60_000,
    );
    // Exactly once: a duplicate would lengthen the list, a loss would leave a hole.
    const indexes = burst.map((c) => (c.kind === 'call' ? (c.args[1] as { i: number }).i : -1)).sort((a, b) => a - b);
    expect(indexes).toEqual(Array.from({ length: total }, (_, i) => i));
    const { sessions } = await env.lens.readStore();
    const session = sessions.find((s) => s.id === burst[0]?.sessionId);
    expect(session?.recordCount).toBeGreaterThanOrEqual(total);
    await page.close();
  });
});
