import { beforeEach, describe, expect, it } from 'vitest';
import type { StoredRecord } from '../../src/capture/db';
import type { CallRecord, Provenance } from '../../src/protocol/records';
import { waitFor } from './browser';
import { forgetVisitor, useLensEnvironment, waitForAnalytics } from './environment';

const env = useLensEnvironment();

// Each scenario starts as a first-time visitor: the tests share one origin and one profile.
beforeEach(async () => {
  await forgetVisitor(env);
});

const callsFor = (records: StoredRecord[], wk: string) =>
  records.filter((r): r is CallRecord & Provenance => r.kind === 'call' && r.frameUrl.includes(`wk=${wk}`));

async function storedCalls(wk: string, until: (calls: CallRecord[]) => boolean): Promise<{ calls: CallRecord[]; records: StoredRecord[] }> {
  return waitFor(`calls of ${wk}`, async () => {
    const { records } = await env.lens.readStore();
    const calls = callsFor(records, wk);
    return until(calls) ? { calls, records } : undefined;
  });
}

describe('where identity comes from', () => {
  it("records the page's user().anonymousId() read with what storage held before it", async () => {
    const wk = 'e2e-read';
    const page = await env.lens.context.newPage();
    await page.goto(`${env.server.origin}/?wk=${wk}`);
    await waitForAnalytics(page);
    await page.click('#read-anon');
    await expect.poll(() => page.textContent('#anon-output')).toMatch(/[0-9a-f-]{36}/);
    const shown = (await page.textContent('#anon-output'))?.trim();
    const { calls } = await storedCalls(wk, (c) => c.some((x) => x.method === 'user.anonymousId'));
    const reads = calls.filter((c) => c.method === 'user.anonymousId');
    // Exactly the page's one read: the library's own reads for every event are not recorded.
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ returned: shown, storedBefore: JSON.stringify(shown) });
    await page.close();
  });

  it('records an anonymousId passed in the query string, and the setAnonymousId the library makes from it', async () => {
    const wk = 'e2e-query';
    const page = await env.lens.context.newPage();
    await page.goto(`${env.server.origin}/?wk=${wk}&ajs_aid=from-email-link&ajs_uid=u-77`);
    await waitForAnalytics(page);
    const { calls, records } = await storedCalls(wk, (c) => c.some((x) => x.method === 'setAnonymousId'));
    const installed = records.find((r) => r.kind === 'lifecycle' && r.event === 'hook-installed' && r.frameUrl.includes(`wk=${wk}`));
    expect(installed).toMatchObject({ queryIdentity: { anonymousId: 'from-email-link', userId: 'u-77', event: null } });
    expect(calls.find((c) => c.method === 'setAnonymousId')?.args).toEqual(['from-email-link']);
    await page.close();
  });

  it('records a server-given anonymousId adopted with setAnonymousId, and the cookie it overwrote', async () => {
    const wk = 'e2e-server-anon';
    const page = await env.lens.context.newPage();
    await page.goto(`${env.server.origin}/?wk=${wk}`);
    await waitForAnalytics(page);
    await page.click('#server-anon');
    const { calls, records } = await storedCalls(wk, (c) => c.some((x) => x.method === 'setAnonymousId'));
    const given = calls.find((c) => c.method === 'setAnonymousId')?.args[0];
    expect(given).toMatch(/^server-/);
    const overwrite = await waitFor('the cookie overwrite', async () => {
      const store = await env.lens.readStore();
      return store.records.find((r) => r.kind === 'cookie' && r.change === 'set' && r.cookies[0]?.value === given);
    });
    expect(overwrite).toMatchObject({ cause: 'overwrite', cookies: [{ name: 'ajs_anonymous_id' }] });
    expect(overwrite.kind === 'cookie' && overwrite.previous?.value).toMatch(/^[0-9a-f-]{36}$/);
    expect(records.length).toBeGreaterThan(0);
    await page.close();
  });

  it('sees every instance when a page runs the snippet and an npm build side by side', async () => {
    const wk = 'e2e-two';
    const page = await env.lens.context.newPage();
    await page.goto(`${env.server.origin}/?wk=${wk}`);
    await waitForAnalytics(page);
    await page.addScriptTag({ url: '/npm-app.js' });
    await waitFor('the npm instance', () => page.evaluate(() => Boolean((window as unknown as { shop?: { analytics?: { instance?: unknown } } }).shop?.analytics?.instance)));
    await page.evaluate(() => {
      const w = window as unknown as { analytics: { track: (e: string) => void }; shop: { analytics: { track: (e: string) => Promise<unknown> } } };
      w.analytics.track('From snippet');
      void w.shop.analytics.track('From npm');
    });
    const { calls } = await storedCalls(wk, (c) => c.some((x) => x.args[0] === 'From npm') && c.some((x) => x.args[0] === 'From snippet'));
    const snippetCall = calls.find((c) => c.args[0] === 'From snippet');
    const npmCall = calls.find((c) => c.args[0] === 'From npm');
    expect(snippetCall?.instance.global).toBe('analytics');
    expect(npmCall?.instance.global).toBeNull();
    expect(snippetCall?.instance.key).not.toBe(npmCall?.instance.key);
    await page.close();
  });

  it('records the requests a redirect cut off, or their completion when they won the race', async () => {
    const wk = 'e2e-redirect';
    const page = await env.lens.context.newPage();
    await page.goto(`${env.server.origin}/?wk=${wk}`);
    await waitForAnalytics(page);
    await Promise.all([page.waitForURL(/cart\.html/), page.click('#signup-redirect')]);
    const { records } = await waitFor('the sign-up calls and their requests to settle', async () => {
      const store = await env.lens.readStore();
      const signup = callsFor(store.records, wk).filter((c) => c.args[0] === '97980cfea0067' || c.args[0] === 'Signed Up');
      const wires = store.records.filter((r) => r.kind === 'wire' && r.messages.some((m) => m.writeKey === wk && (m.type === 'identify' || m.event === 'Signed Up')));
      const navigated = store.records.some((r) => r.kind === 'navigation' && r.url.includes(`/cart.html?wk=${wk}`));
      return navigated && signup.length === 2 && wires.every((w) => w.kind === 'wire' && w.state !== 'pending') ? store : undefined;
    });
    // The session went on across the redirect.
    const sessionIds = new Set(records.filter((r) => (r.kind === 'navigation' && r.url.includes(`wk=${wk}`)) || (r.kind === 'call' && r.frameUrl.includes(`wk=${wk}`))).map((r) => r.sessionId));
    expect(sessionIds.size).toBe(1);
    // Each sign-up call is either on the wire (completed or failed with the network's reason) or never left the page.
    const wires = records.filter((r) => r.kind === 'wire' && r.messages.some((m) => m.writeKey === wk && (m.type === 'identify' || m.event === 'Signed Up')));
    for (const wire of wires) {
      if (wire.kind !== 'wire') continue;
      expect(['completed', 'failed']).toContain(wire.state);
      if (wire.state === 'failed') expect(wire.error).toMatch(/^net::/);
    }
    await page.close();
  });
});
