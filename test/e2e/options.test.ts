import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../fixtures/server';
import { launchWithExtension, waitFor, type LensBrowser } from './browser';

let server: FixtureServer;
let lens: LensBrowser;

beforeAll(async () => {
  server = await startFixtureServer();
  lens = await launchWithExtension();
});

afterAll(async () => {
  await lens?.close();
  await server?.close();
});

describe('options page', () => {
  it('adds a proxy host that the background then recognises as the user’s', async () => {
    const options = await lens.context.newPage();
    await options.goto(`chrome-extension://${lens.extensionId}/options.html`);
    await options.fill('#new-host', '<img src=x onerror=alert(1)>');
    await options.click('button[type=submit]');
    // Rendered as text: the input comes back in the message, and no element was created from it.
    await expect.poll(() => options.textContent('.error')).toContain('<img src=x onerror=alert(1)>');
    expect(await options.locator('.error img').count()).toBe(0);

    const host = `${new URL(server.origin).host}/collect`;
    await options.fill('#new-host', host);
    await options.click('button[type=submit]');
    await expect.poll(() => options.locator('.host-list li code').allTextContents()).toEqual([host]);

    const page = await lens.context.newPage();
    await page.goto(`${server.origin}/cart.html?wk=e2e-options&no-load=1`);
    await page.evaluate(() =>
      fetch('/collect/t', {
        method: 'POST',
        body: JSON.stringify({ type: 'track', event: 'Proxied', messageId: 'proxied-1', anonymousId: 'a', writeKey: 'e2e-options' }),
      }).catch(() => undefined),
    );
    const wire = await waitFor('the proxied request to be stored', async () => {
      const { records } = await lens.readStore();
      return records.find((r) => r.kind === 'wire' && r.messageIds.includes('proxied-1') && r.state !== 'pending');
    });
    expect(wire).toMatchObject({ recognisedBy: 'user-host', state: 'completed', statusCode: 404 });
    await page.close();
    await options.close();
  });
});
