import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../fixtures/server';
import { launchWithExtension, waitFor, type LensBrowser } from './browser';
import { waitForAnalytics, tabIdOf } from './environment';
import { createSmallDisk, type SmallDisk } from './small-disk';

let server: FixtureServer | undefined;
let lens: LensBrowser | undefined;
let disk: SmallDisk | undefined;

beforeAll(async () => {
  disk = createSmallDisk(32);
  server = await startFixtureServer();
  lens = await launchWithExtension({ userDataDir: disk.profileDir });
});

afterAll(async () => {
  disk?.free();
  await lens?.close();
  await server?.close();
  disk?.remove();
});

const env = () => {
  if (!server || !lens || !disk) throw new Error('the environment did not start');
  return { server, lens, disk };
};


/** The page's Product Added calls that Identity Lens stored. */
async function storedProductAdded(): Promise<number> {
  const { records } = await env().lens.readStore();
  return records.filter((r) => r.kind === 'call' && r.method === 'track' && r.args[0] === 'Product Added').length;
}

describe('a full disk', () => {
  it('pauses capture, says so in the popup and the panel, and stores the calls the page held once there is room', async () => {
    const { server, lens, disk } = env();
    const url = `${server.origin}/?wk=disk-full`;
    const shop = await lens.context.newPage();
    await shop.goto(url);
    await waitForAnalytics(shop);
    await shop.click('#signup');
    await waitFor('the sign-up to be stored', async () => (await lens.readStore()).records.some((r) => r.kind === 'call' && r.method === 'identify'));
    const tabId = await tabIdOf(env(), url);
    const panel = await lens.context.newPage();
    await panel.goto(`chrome-extension://${lens.extensionId}/devtools-panel.html?tab=${tabId}`);
    await expect.poll(() => panel.locator('.call-row').count(), { timeout: 10_000 }).toBeGreaterThan(0);

    // Another program fills the disk; the page goes on calling Segment.
    disk.fill();
    await shop.click('#add-to-cart');
    await shop.click('#add-to-cart');
    await waitFor('the page’s calls to reach the collector', async () => server.received.filter((r) => (r.body as { event?: string; writeKey?: string }).event === 'Product Added' && (r.body as { writeKey?: string }).writeKey === 'disk-full').length >= 2);

    await expect.poll(() => panel.locator('.capture-paused').textContent(), { timeout: 15_000 }).toContain('the browser has no room to store more');
    const popup = await lens.context.newPage();
    await popup.goto(`chrome-extension://${lens.extensionId}/popup.html?tab=${tabId}`);
    await expect.poll(() => popup.locator('.capture-paused').textContent(), { timeout: 10_000 }).toContain('Capture paused since');
    expect(await popup.locator('.capture-paused').textContent()).toContain('Delete sessions in the session library, or lower the storage limits in Options.');
    // The browser's own words are kept for a bug report.
    expect(await popup.locator('.capture-paused').getAttribute('title')).toMatch(/FILE_ERROR_NO_SPACE|QuotaExceededError|backing store|closing/);

    // Not stored meanwhile: IndexedDB cannot even be opened on the full disk, or holds none of them.
    expect(await storedProductAdded().catch(() => 0)).toBe(0);

    // Room again: the page's next resend is stored, nothing lost, and the status clears by itself.
    disk.free();
    await waitFor('the held calls to be stored', async () => ((await storedProductAdded()) >= 2 ? true : undefined), 20_000);
    await expect.poll(() => panel.locator('.capture-paused').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => panel.locator('.call-row', { hasText: 'Product Added' }).count()).toBe(2);
    await popup.reload();
    await expect.poll(() => popup.locator('[data-field="userId"]').count(), { timeout: 10_000 }).toBe(1);
    expect(await popup.locator('.capture-paused').count()).toBe(0);
    await Promise.all([popup.close(), panel.close(), shop.close()]);
  });
});
