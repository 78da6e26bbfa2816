/**
 * `npm run screenshots`: the Identity panel on the demo shop's flows, light and
 * dark, for the README and docs/. Runs the real extension in headless Chromium.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchWithExtension, waitFor } from '../test/e2e/browser';
import { startFixtureServer } from '../test/fixtures/server';
import { findRepoRoot } from '../test/repo-root';

const loaded = (page: import('playwright-core').Page) =>
  waitFor('analytics.js', () => page.evaluate(() => (window as unknown as { analytics?: { initialized?: boolean } }).analytics?.initialized === true));

const server = await startFixtureServer();
const lens = await launchWithExtension();
try {
  const shop = await lens.context.newPage();
  await shop.goto(`${server.origin}/?wk=demo-shop-key`);
  await loaded(shop);
  for (const flow of ['#newsletter', '#signup', '#add-to-cart', '#login-other']) {
    await shop.click(flow);
    await shop.waitForTimeout(250);
  }
  await shop.click('#go-cart');
  await shop.waitForURL(/cart\.html/);
  await loaded(shop);
  await shop.click('#add-to-cart');
  await shop.waitForTimeout(600);
  const worker = await lens.serviceWorker();
  const tabId = await worker.evaluate(async (url: string) => {
    const chromeApi = (globalThis as unknown as { chrome: { tabs: { query: (q: object) => Promise<Array<{ id: number }>> } } }).chrome;
    return (await chromeApi.tabs.query({ url }))[0]?.id;
  }, `${server.origin}/cart.html?wk=demo-shop-key`);
  const directory = join(findRepoRoot(), 'docs/images');
  mkdirSync(directory, { recursive: true });
  const panel = await lens.context.newPage();
  await panel.setViewportSize({ width: 1280, height: 720 });
  for (const theme of ['light', 'dark']) {
    await panel.goto(`chrome-extension://${lens.extensionId}/devtools-panel.html?tab=${tabId}&theme=${theme}`);
    await waitFor('the calls', async () => (await panel.locator('.call-row').count()) >= 8);
    await panel.locator('.call-row', { hasText: 'user-2-b6f1' }).first().click();
    await panel.waitForTimeout(200);
    const path = join(directory, `panel-${theme}.png`);
    await panel.screenshot({ path });
    console.log(`wrote ${path}`);
  }
  await panel.goto(`chrome-extension://${lens.extensionId}/devtools-panel.html?tab=${tabId}&theme=light`);
  await waitFor('the calls', async () => (await panel.locator('.call-row').count()) >= 8);
  await panel.click('role=tab[name=/findings/]');
  await panel.locator('[data-rule="userid-overwrite"] summary').click();
  await panel.waitForTimeout(200);
  const findingsPath = join(directory, 'panel-findings.png');
  await panel.screenshot({ path: findingsPath });
  console.log(`wrote ${findingsPath}`);

  const popup = await lens.context.newPage();
  await popup.setViewportSize({ width: 380, height: 420 });
  await popup.goto(`chrome-extension://${lens.extensionId}/popup.html?tab=${tabId}`);
  await waitFor('the summary', async () => (await popup.locator('[data-field="userId"] .identity-value').count()) > 0);
  const popupPath = join(directory, 'popup.png');
  await popup.screenshot({ path: popupPath });
  console.log(`wrote ${popupPath}`);

  const library = await lens.context.newPage();
  await library.setViewportSize({ width: 1280, height: 720 });
  await library.goto(`chrome-extension://${lens.extensionId}/sessions.html`);
  await waitFor('the sessions', async () => (await library.locator('.session-title').count()) > 0);
  await library.locator('.session-title').first().click();
  await waitFor('the calls', async () => (await library.locator('.call-row').count()) > 0);
  const libraryPath = join(directory, 'sessions.png');
  await library.screenshot({ path: libraryPath });
  console.log(`wrote ${libraryPath}`);
} finally {
  await lens.close();
  await server.close();
}
