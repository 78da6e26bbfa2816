import { describe, expect, it } from 'vitest';
import { waitFor } from './browser';
import { forgetVisitor, useLensEnvironment, waitForAnalytics, tabIdOf } from './environment';

const env = useLensEnvironment();


const sessionOf = async (wk: string) => (await env.lens.readStore()).sessions.find((s) => s.pages.some((p) => p.url.includes(`wk=${wk}`)));

/** One visit of the shop in its own tab, with Segment calls, then the tab closes and its session ends. */
async function visit(wk: string): Promise<string> {
  await forgetVisitor(env);
  const shop = await env.lens.context.newPage();
  await shop.goto(`${env.server.origin}/?wk=${wk}`);
  await waitForAnalytics(shop);
  await shop.click('#signup');
  const session = await waitFor(`the session of ${wk} with its calls`, async () => {
    const { sessions, records } = await env.lens.readStore();
    const found = sessions.find((s) => s.pages.some((p) => p.url.includes(`wk=${wk}`)));
    return found && records.some((r) => r.sessionId === found.id && r.kind === 'call' && r.method === 'identify') ? found : undefined;
  });
  await shop.close();
  await waitFor(`the session of ${wk} to end`, async () => (await sessionOf(wk))?.endedAt != null || (await sessionOf(wk)) === undefined);
  return session.id;
}

describe('retention', () => {
  it('keeps the 2 newest sessions when the user sets 2 in Options, and says so in the library and the popup until dismissed', async () => {
    const options = await env.lens.context.newPage();
    await options.goto(`chrome-extension://${env.lens.extensionId}/options.html`);
    await options.fill('#max-sessions', '2.5');
    await options.click('text=Save limits');
    await expect.poll(() => options.textContent('.error')).toBe('Sessions to keep: enter a whole number, like 100.');
    await options.fill('#max-sessions', '2');
    await options.click('text=Save limits');
    await expect.poll(() => options.textContent('.saved')).toBe('Saved: up to 2 sessions and 500 MB.');
    await options.close();

    const ids: string[] = [];
    for (const wk of ['ret-1', 'ret-2', 'ret-3', 'ret-4']) ids.push(await visit(wk));

    // The two oldest go, with everything stored for them; the two newest stay whole.
    const left = await waitFor('the two oldest sessions to be evicted', async () => {
      const store = await env.lens.readStore();
      return store.sessions.length === 2 ? store : undefined;
    });
    expect(left.sessions.map((s) => s.id).sort()).toEqual([ids[2], ids[3]].sort());
    expect(left.records.filter((r) => r.sessionId === ids[0] || r.sessionId === ids[1])).toEqual([]);
    expect(left.findings.filter((f) => f.sessionId === ids[0] || f.sessionId === ids[1])).toEqual([]);
    expect(left.records.some((r) => r.sessionId === ids[3] && r.kind === 'call')).toBe(true);

    const library = await env.lens.context.newPage();
    await library.goto(`chrome-extension://${env.lens.extensionId}/sessions.html`);
    await expect.poll(() => library.locator('.retention-notice').textContent(), { timeout: 10_000 }).toContain('The 2 oldest sessions were removed to keep within 2 sessions / 500 MB.');
    expect(await library.locator('.session-table tbody tr').count()).toBe(2);

    const page = await env.lens.context.newPage();
    await page.goto(`${env.server.origin}/collector/received`);
    const popup = await env.lens.context.newPage();
    await popup.goto(`chrome-extension://${env.lens.extensionId}/popup.html?tab=${await tabIdOf(env, `${env.server.origin}/collector/received`)}`);
    await expect.poll(() => popup.locator('.retention-notice').textContent(), { timeout: 10_000 }).toContain('The 2 oldest sessions were removed to keep within 2 sessions / 500 MB.');
    await popup.click('.retention-notice >> text=Dismiss');
    await expect.poll(() => popup.locator('.retention-notice').count()).toBe(0);
    await library.reload();
    await expect.poll(() => library.locator('.session-table tbody tr').count()).toBe(2);
    expect(await library.locator('.retention-notice').count()).toBe(0);
    await Promise.all([popup.close(), page.close(), library.close()]);
  });
});
