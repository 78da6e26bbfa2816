import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { waitFor } from './browser';
import { useLensEnvironment, waitForAnalytics, tabIdOf } from './environment';

const env = useLensEnvironment();


async function openPanel(tabId: number): Promise<Page> {
  const panel = await env.lens.context.newPage();
  await panel.goto(`chrome-extension://${env.lens.extensionId}/devtools-panel.html?tab=${tabId}`);
  return panel;
}

describe('the Identity panel, opened as a tab on the demo shop', () => {
  it('shows the calls, the identity now, findings with their records, and page data as text; and stays live across a worker restart', async () => {
    const wk = 'panel';
    const shop = await env.lens.context.newPage();
    const dialogs: string[] = [];
    shop.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await shop.goto(`${env.server.origin}/?wk=${wk}`);
    await waitForAnalytics(shop);
    await shop.evaluate(() => {
      const analytics = (window as unknown as { analytics: Record<string, (...a: unknown[]) => unknown> }).analytics;
      analytics.identify?.({ firstName: '<img src=x onerror=alert(1)>' });
    });
    await shop.click('#signup');
    await shop.click('#login-other');
    const tabId = await tabIdOf(env, `${env.server.origin}/?wk=${wk}`);

    const panel = await openPanel(tabId);
    panel.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await expect.poll(() => panel.locator('.call-row').count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(6);
    const methods = await panel.locator('.call-row .method').allTextContents();
    expect(methods.slice(0, 6)).toEqual(['page', 'track', 'identify', 'identify', 'track', 'identify']);
    await expect.poll(() => panel.locator('.identity-bar [data-field="userId"] .identity-value').textContent()).toBe('user-2-b6f1');

    // A finding, and the records it rests on.
    await panel.click('role=tab[name=/findings/]');
    const overwrite = panel.locator('[data-rule="userid-overwrite"]');
    await expect.poll(() => overwrite.count(), { timeout: 10_000 }).toBe(1);
    expect(await overwrite.locator('.finding-message').textContent()).toContain('"97980cfea0067" → "user-2-b6f1"');
    await overwrite.locator('.record-link').first().click();
    expect(await panel.locator('.detail h3').first().textContent()).toBe('identify()');

    // The trait that looks like HTML is text, in the list and in the detail.
    await panel.locator('.call-row').nth(2).click();
    expect(await panel.locator('.detail').textContent()).toContain('<img src=x onerror=alert(1)>');
    expect(await panel.locator('img').count()).toBe(0);

    // Live: a new call appears; then the worker restarts and the panel reconnects with nothing missing or doubled.
    await shop.click('#add-to-cart');
    await expect.poll(() => panel.locator('.call-row .label').allTextContents(), { timeout: 5_000 }).toContain('Product Added');
    const browser = env.lens.context.browser();
    if (!browser) throw new Error('no browser-level CDP session');
    const cdp = await browser.newBrowserCDPSession();
    const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: Array<{ targetId: string; type: string; url: string }> };
    const worker = targetInfos.find((t) => t.type === 'service_worker' && t.url.includes(env.lens.extensionId));
    if (worker) await cdp.send('Target.closeTarget', { targetId: worker.targetId });
    await cdp.detach();
    await shop.click('#visit');
    await expect.poll(() => panel.locator('.call-row .method').allTextContents(), { timeout: 15_000 }).toHaveLength(methods.length + 2);
    const ids = await panel.locator('.call-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')));
    expect(new Set(ids).size).toBe(ids.length);
    expect(dialogs).toEqual([]);
    await panel.close();
    await shop.close();
  });

  it('says what to do on a tab without Segment calls', async () => {
    const page = await env.lens.context.newPage();
    await page.goto(`${env.server.origin}/collector/received`);
    const panel = await openPanel(await tabIdOf(env, `${env.server.origin}/collector/received`));
    await expect.poll(() => panel.locator('.empty-session').textContent()).toContain('No Segment calls captured on this tab yet');
    await panel.close();
    await page.close();
  });
});
