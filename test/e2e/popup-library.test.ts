import { Validator } from '@cfworker/json-schema';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import schema from '../../docs/identity-lens-sessions.schema.json';
import { waitFor } from './browser';
import { forgetVisitor, useLensEnvironment, waitForAnalytics, tabIdOf } from './environment';

const env = useLensEnvironment();

beforeEach(() => forgetVisitor(env));


async function demoFlow(wk: string): Promise<Page> {
  const shop = await env.lens.context.newPage();
  await shop.goto(`${env.server.origin}/?wk=${wk}`);
  await waitForAnalytics(shop);
  await shop.click('#signup');
  await shop.click('#login-other');
  await waitFor('the sends', async () => env.server.received.filter((r) => (r.body as { writeKey?: string }).writeKey === wk).length >= 5);
  return shop;
}

describe('popup', () => {
  it("summarises the tab's identity and findings, and switches capture off for the site", async () => {
    const wk = 'popup';
    const shop = await demoFlow(wk);
    const tabId = await tabIdOf(env, `${env.server.origin}/?wk=${wk}`);
    // The cookies API's view of the identity cookies (their expiry) is read after the page's storage changes.
    await waitFor('the identity cookies to be read', async () =>
      (await env.lens.readStore()).records.some((r) => r.kind === 'cookie' && r.change === 'snapshot' && r.url?.includes(`wk=${wk}`) && r.cookies.some((c) => c.name === 'ajs_user_id')),
    );
    const popup = await env.lens.context.newPage();
    await popup.goto(`chrome-extension://${env.lens.extensionId}/popup.html?tab=${tabId}`);
    await expect.poll(() => popup.locator('[data-field="userId"] .identity-value').textContent(), { timeout: 10_000 }).toBe('user-2-b6f1');
    expect(await popup.locator('[data-field="anonymousId"] .identity-note').textContent()).toMatch(/^cookie \+ localStorage · expires in 365 days$/);
    await expect.poll(() => popup.locator('.popup-findings li').first().textContent()).toContain('replaced userId "97980cfea0067" → "user-2-b6f1"');
    expect(await popup.locator('.count-error').textContent()).toBe('✖ 1');

    // Capture off: new calls on this site are not stored.
    await popup.click('text=Capture on this site');
    await expect.poll(() => popup.locator('.popup-capture input').isChecked()).toBe(false);
    const before = (await env.lens.readStore()).records.length;
    await shop.click('#add-to-cart');
    await waitFor('the call to reach the collector', async () => env.server.received.some((r) => (r.body as { writeKey?: string; event?: string }).writeKey === wk && (r.body as { event?: string }).event === 'Product Added'));
    await shop.waitForTimeout(300);
    const calls = (await env.lens.readStore()).records.filter((r) => r.kind === 'call' && r.args[0] === 'Product Added');
    expect(calls).toEqual([]);
    expect((await env.lens.readStore()).records.length).toBe(before);
    await popup.click('text=Capture on this site');
    await expect.poll(() => popup.locator('.popup-capture input').isChecked()).toBe(true);
    await popup.close();
    await shop.close();
  });

  it('says what to check on a tab without Segment', async () => {
    const page = await env.lens.context.newPage();
    await page.goto(`${env.server.origin}/collector/received`);
    const popup = await env.lens.context.newPage();
    await popup.goto(`chrome-extension://${env.lens.extensionId}/popup.html?tab=${await tabIdOf(env, `${env.server.origin}/collector/received`)}`);
    await expect.poll(() => popup.locator('.popup-empty').textContent()).toContain('No Segment calls on this tab yet');
    await popup.close();
    await page.close();
  });
});

describe('session library', () => {
  it('lists sessions, opens one in the inspector, and "Export all" downloads a file that validates against the schema', async () => {
    const shop = await demoFlow('library');
    const library = await env.lens.context.newPage();
    await library.goto(`chrome-extension://${env.lens.extensionId}/sessions.html`);
    await expect.poll(() => library.locator('.session-table tbody tr').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const row = library.locator('.session-table tbody tr', { hasText: 'wk=library' });
    await expect.poll(() => row.locator('.count-error').textContent()).toBe('✖ 1');
    await row.locator('.session-title').click();
    await expect.poll(() => library.locator('.call-row').count()).toBeGreaterThanOrEqual(5);

    const [download] = await Promise.all([library.waitForEvent('download'), library.click('text=Export all')]);
    expect(download.suggestedFilename()).toMatch(/\.identity-lens\.json$/);
    const text = readFileSync((await download.path()) as string, 'utf8');
    const file = JSON.parse(text) as { sessions: Array<{ pages: Array<{ url: string }>; findings: Array<{ rule: string }> }> };
    expect(new Validator(schema as object, '7').validate(file).valid).toBe(true);
    const ours = file.sessions.find((s) => s.pages.some((p) => p.url.includes('wk=library')));
    expect(ours?.findings.map((f) => f.rule)).toContain('userid-overwrite');

    // Import: a bad file is refused with its first problem; the good one comes back as imported.
    await library.setInputFiles('input[type=file]', { name: 'broken.identity-lens.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"identity-lens/sessions","version":1,') });
    await expect.poll(() => library.locator('.notice-error').textContent()).toMatch(/^broken\.identity-lens\.json: Not valid JSON at line 1, column \d+/);
    const count = await library.locator('.session-table tbody tr').count();
    await library.setInputFiles('input[type=file]', { name: 'export.identity-lens.json', mimeType: 'application/json', buffer: Buffer.from(text) });
    await expect.poll(() => library.locator('.session-table tbody tr').count()).toBe(count * 2);
    expect(await library.locator('.session-table .queued', { hasText: 'imported' }).count()).toBe(count);
    await library.close();
    await shop.close();
  });
});
