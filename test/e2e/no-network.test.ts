import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startFixtureServer } from '../fixtures/server';
import { launchWithExtension, waitFor } from './browser';
import { tabIdOf, waitForAnalytics } from './environment';
import { readNetLog, type NetRequest } from './net-log';

// Issue 7, "nothing gets in" (and nothing goes out): Identity Lens makes no request of its own.
// Chromium's NetLog records every request its network service starts, the service worker's and
// the extension pages' included (Playwright's request events miss the service worker's).

/**
 * Chromium's own housekeeping, made by the browser with or without any extension loaded, which
 * the test cannot switch off by flag in every Chromium version. Only background requests of the
 * browser itself (no initiating origin, not a navigation) may go to these hosts.
 */
const BROWSER_OWN_HOSTS: Readonly<Record<string, string>> = {
  'update.googleapis.com': "the component updater (the Optimization Guide models' manifest), in spite of --disable-component-update",
  'accounts.google.com': "sign-in's check of the Google account cookies (ListAccounts)",
  'clients2.google.com': 'the network time service',
};

const isLocal = (url: string): boolean => {
  const parsed = new URL(url);
  return ['chrome-extension:', 'data:', 'blob:', 'about:'].includes(parsed.protocol) || parsed.hostname === '127.0.0.1';
};

const describeRequest = (r: NetRequest): string => `${r.method} ${r.url} (initiator ${r.initiator}, ${r.requestType})`;

async function download(page: Page, click: () => Promise<void>): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  return file.suggestedFilename();
}

describe('network', () => {
  it('records every request of a full run (shop flows, panel, popup, library, export, import, options) and none is the extension\'s or leaves 127.0.0.1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'identity-lens-netlog-'));
    const netLogPath = join(dir, 'netlog.json');
    const server = await startFixtureServer();
    const lens = await launchWithExtension({ netLogPath });
    const env = { server, lens };
    const canaries = { worker: `${server.origin}/net-log-canary/service-worker`, page: `${server.origin}/net-log-canary/extension-page` };
    const extensionPage = (path: string) => `chrome-extension://${lens.extensionId}/${path}`;
    try {
      // The demo shop: every flow of the snippet build, the redirect, the npm build and the embedded frame.
      const shop = await lens.context.newPage();
      await shop.goto(`${server.origin}/?wk=net`);
      await waitForAnalytics(shop);
      for (const flow of ['visit', 'newsletter', 'add-to-cart', 'signup', 'login', 'login-other', 'logout', 'server-anon', 'read-anon']) await shop.click(`#${flow}`);
      await waitFor('the anonymousId read', async () => (await shop.textContent('#anon-output')) !== '—');
      await shop.click('#signup-redirect');
      await shop.waitForURL(/\/cart\.html\?wk=net$/);
      await shop.goto(`${server.origin}/npm.html?wk=net`);
      await waitFor('the npm build', () => shop.evaluate(() => document.querySelector('#signup') !== null));
      await shop.click('#signup');
      await shop.goto(`${server.origin}/frame.html?wk=net&frame-wk=net-frame`);
      await waitFor('the frame to send', async () => server.received.some((r) => JSON.stringify(r.body).includes('net-frame')));
      const tabId = await tabIdOf(env, `${server.origin}/frame.html`);

      // The panel, with a call's details, the findings and the storage pane.
      const panel = await lens.context.newPage();
      await panel.goto(extensionPage(`devtools-panel.html?tab=${tabId}`));
      await expect.poll(() => panel.locator('.call-row').count(), { timeout: 10_000 }).toBeGreaterThan(15);
      await panel.locator('.call-row').first().click();
      await panel.click('role=tab[name=/findings/]');
      await panel.click('role=tab[name="storage"]');

      // The popup: its export, and its way to the library.
      const popup = await lens.context.newPage();
      await popup.goto(extensionPage(`popup.html?tab=${tabId}`));
      await expect.poll(() => popup.locator('[data-field="userId"] .identity-value').count(), { timeout: 10_000 }).toBe(1);
      expect(await download(popup, () => popup.click('text=Export'))).toMatch(/\.identity-lens\.json$/);
      const [libraryTab] = await Promise.all([lens.context.waitForEvent('page'), popup.click('text=Open in session library')]);
      await libraryTab.waitForLoadState();

      // The library: open a session, export every format (one redacted), import the export back.
      const library = await lens.context.newPage();
      await library.goto(extensionPage('sessions.html'));
      await expect.poll(() => library.locator('.session-table tbody tr').count(), { timeout: 10_000 }).toBeGreaterThan(0);
      await library.locator('.session-title').first().click();
      await expect.poll(() => library.locator('.call-row').count()).toBeGreaterThan(0);
      const exported: string[] = [];
      for (const format of ['json', 'ndjson', 'har']) {
        await library.selectOption('select[aria-label="Export format"]', format);
        exported.push(await download(library, () => library.click('text=Export all')));
      }
      await library.selectOption('select[aria-label="Export format"]', 'json');
      await library.check('text=Redact');
      exported.push(await download(library, () => library.click('text=Export all')));
      expect(exported.map((name) => name.replace(/^.*?((\.identity-lens)?\.\w+)$/, '$1'))).toEqual(['.identity-lens.json', '.ndjson', '.har', '.identity-lens.json']);
      await library.uncheck('text=Redact');
      const [file] = await Promise.all([library.waitForEvent('download'), library.click('text=Export all')]);
      const rows = await library.locator('.session-table tbody tr').count();
      await library.setInputFiles('input[type=file]', (await file.path()) as string);
      await expect.poll(() => library.locator('.session-table tbody tr').count()).toBe(rows * 2);

      // The options page, with a host added.
      const options = await lens.context.newPage();
      await options.goto(extensionPage('options.html'));
      await options.fill('input[placeholder="collect.example.com/segment/v1"]', 'collect.shop.example/seg/v1');
      await options.click('button[type=submit]');
      await expect.poll(() => options.locator('.host-list li').count()).toBe(1);

      // And the run was captured whole: the bridge's and the background's checks (the frame's origin
      // among them) dropped none of the hook's own records, in frames, about:blank and redirects alike.
      expect((await lens.readStore()).records.filter((r) => r.kind === 'bridge-stats')).toEqual([]);

      // Positive controls: a request from the service worker and one from an extension page must
      // be seen and attributed to the extension, or the recorder is blind and this test proves nothing.
      const worker = await lens.serviceWorker();
      await worker.evaluate((url) => fetch(url).then((r) => r.status), canaries.worker);
      await library.evaluate((url) => fetch(url).then((r) => r.status), canaries.page);
    } finally {
      await lens.close();
      await server.close();
    }

    const log = readNetLog(netLogPath);
    rmSync(dir, { recursive: true, force: true });
    const fromExtension = log.requests.filter((r) => r.initiator === `chrome-extension://${lens.extensionId}`);

    // The recorder sees the pages' own requests and the extension's.
    const urls = new Set(log.requests.map((r) => r.url));
    for (const path of ['/?wk=net', '/analytics.js/v1/net/analytics.min.js', '/v1/projects/net/settings', '/npm-app.js', '/npm.html?wk=net-frame']) {
      expect(urls).toContain(`${server.origin}${path}`);
    }
    expect(log.requests.some((r) => r.method === 'POST' && /\/v1\/[tipb]$/.test(r.url))).toBe(true);
    expect(fromExtension.map((r) => r.url).sort()).toEqual(expect.arrayContaining([canaries.page, canaries.worker].sort()));

    // Nothing from the extension but the test's own controls.
    expect(fromExtension.filter((r) => r.url !== canaries.worker && r.url !== canaries.page).map(describeRequest)).toEqual([]);

    // Nothing leaves 127.0.0.1: no request of a page, of the extension, or navigation (a tab the
    // extension opened included), and no host resolved, but the browser's own housekeeping.
    const browserOwn = (r: NetRequest) => r.initiator === 'not an origin' && r.requestType === 'other' && Object.hasOwn(BROWSER_OWN_HOSTS, new URL(r.url).hostname);
    expect(log.requests.filter((r) => !isLocal(r.url) && !browserOwn(r)).map(describeRequest)).toEqual([]);
    expect([...new Set(log.resolvedHosts)].filter((host) => new URL(host).hostname !== '127.0.0.1' && !Object.hasOwn(BROWSER_OWN_HOSTS, new URL(host).hostname))).toEqual([]);
  });
});
