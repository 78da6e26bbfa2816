import { describe, expect, it } from 'vitest';
import { waitFor } from './browser';
import { useLensEnvironment } from './environment';

const env = useLensEnvironment();

describe('options page', () => {
  it('adds a proxy host that the background then recognises as the user’s', async () => {
    const options = await env.lens.context.newPage();
    await options.goto(`chrome-extension://${env.lens.extensionId}/options.html`);
    await options.fill('#new-host', '<img src=x onerror=alert(1)>');
    await options.click('button[type=submit]');
    // Rendered as text: the input comes back in the message, and no element was created from it.
    await expect.poll(() => options.textContent('.error')).toContain('<img src=x onerror=alert(1)>');
    expect(await options.locator('.error img').count()).toBe(0);

    const host = `${new URL(env.server.origin).host}/collect`;
    await options.fill('#new-host', host);
    await options.click('button[type=submit]');
    await expect.poll(() => options.locator('.host-list li code').allTextContents()).toEqual([host]);

    const page = await env.lens.context.newPage();
    await page.goto(`${env.server.origin}/cart.html?wk=e2e-options&no-load=1`);
    await page.evaluate(() =>
      fetch('/collect/t', {
        method: 'POST',
        body: JSON.stringify({ type: 'track', event: 'Proxied', messageId: 'proxied-1', anonymousId: 'a', writeKey: 'e2e-options' }),
      }).catch(() => undefined),
    );
    const wire = await waitFor('the proxied request to be stored', async () => {
      const { records } = await env.lens.readStore();
      return records.find((r) => r.kind === 'wire' && r.messageIds.includes('proxied-1') && r.state !== 'pending');
    });
    expect(wire).toMatchObject({ recognisedBy: 'user-host', state: 'completed', statusCode: 404 });
    await page.close();
    await options.close();
  });
});
