import { describe, expect, it } from 'vitest';
import type { StoredRecord } from '../../src/capture/db';
import { linkRecords } from '../../src/core/link-records';
import type { CapturedRecord } from '../../src/protocol/records';
import { waitFor } from './browser';
import { useLensEnvironment, waitForAnalytics } from './environment';

const env = useLensEnvironment();

const byWriteKey = (records: StoredRecord[], wk: string) =>
  records.filter((r) => (r.kind === 'call' || r.kind === 'instance' || r.kind === 'event') && r.instance.writeKey === wk);

const receivedFor = (wk: string) => env.server.received.filter((r) => (r.body as { writeKey?: string } | null)?.writeKey === wk);

describe('npm build (no window.analytics)', () => {
  it('hooks in through __SEGMENT_INSPECTOR__, keeps another inspector working, and matches the wire', async () => {
    const wk = 'e2e-npm';
    const page = await env.lens.context.newPage();
    await page.goto(`${env.server.origin}/npm.html?wk=${wk}&other-inspector=1`);
    await waitFor('the npm build to send its first events', async () => receivedFor(wk).length >= 2);
    await page.click('#signup');
    await waitFor('Signed Up to reach the collector', async () => receivedFor(wk).some((r) => (r.body as { event?: string }).event === 'Signed Up'));
    const { records } = await waitFor('Signed Up to be matched on the wire', async () => {
      const store = await env.lens.readStore();
      const links = linkRecords(store.records as CapturedRecord[]);
      const matched = [...links.callByMessageId.values()].some((c) => c.args[0] === 'Signed Up');
      const ours = store.records.filter((r) => r.kind === 'wire' && r.messages.some((m) => m.writeKey === wk));
      const settled = ours.length === 4 && ours.every((r) => r.kind === 'wire' && r.state !== 'pending');
      return matched && settled ? store : undefined;
    });
    // The hook watches window.analytics with an accessor, so the property exists (holding undefined) though the npm build never sets it.
    expect(await page.evaluate(() => (window as unknown as { analytics?: unknown }).analytics)).toBeUndefined();
    expect(await page.evaluate(() => (window as unknown as { otherInspectorSaw: string[] }).otherInspectorSaw)).toEqual(['1.84.3']);
    const ours = byWriteKey(records, wk);
    expect(ours.find((r) => r.kind === 'instance')).toMatchObject({ origin: 'inspector', version: '1.84.3', instance: { shape: 'analytics-next', global: null } });
    const calls = ours.flatMap((r) => (r.kind === 'call' ? [[r.method, r.args[0] ?? null, r.queued]] : []));
    // Calls made on AnalyticsBrowser before it loaded are captured when the library replays them, marked queued.
    expect(calls).toEqual([
      ['page', null, true],
      ['track', 'Snippet Queued', true],
      ['identify', '97980cfea0067', false],
      ['track', 'Signed Up', false],
    ]);
    const links = linkRecords(records as CapturedRecord[]);
    const wireIds = records.flatMap((r) => (r.kind === 'wire' && r.messages.some((m) => m.writeKey === wk) ? r.messageIds : []));
    expect(wireIds).toHaveLength(4);
    expect(wireIds.filter((id) => !links.callByMessageId.has(id))).toEqual([]);
    await page.close();
  });
});

describe('frames and custom globals', () => {
  it('captures an embedded frame with its own analytics in the same tab session, told apart by frame', async () => {
    const page = await env.lens.context.newPage();
    await page.goto(`${env.server.origin}/frame.html?wk=e2e-top&frame-wk=e2e-frame`);
    await waitFor('both the page and its frame to send', async () => receivedFor('e2e-top').length >= 2 && receivedFor('e2e-frame').length >= 2);
    const { records, sessions } = await waitFor('the frame calls to be stored', async () => {
      const store = await env.lens.readStore();
      return byWriteKey(store.records, 'e2e-frame').some((r) => r.kind === 'call') ? store : undefined;
    });
    const top = byWriteKey(records, 'e2e-top').filter((r) => r.kind === 'call');
    const frame = byWriteKey(records, 'e2e-frame').filter((r) => r.kind === 'call');
    expect(top.length).toBeGreaterThan(0);
    expect(frame.length).toBeGreaterThan(0);
    expect(new Set([...top, ...frame].map((r) => r.sessionId)).size).toBe(1);
    expect(new Set(top.map((r) => r.frameId))).toEqual(new Set([0]));
    expect(frame.every((r) => r.frameId !== 0)).toBe(true);
    expect(frame.every((r) => r.kind === 'call' && r.frameUrl.includes('/npm.html?wk=e2e-frame'))).toBe(true);
    const session = sessions.find((s) => s.id === top[0]?.sessionId);
    // The frame's own document is not a page of the session: pages are top-level documents.
    expect(session?.pages.map((p) => new URL(p.url).pathname)).toEqual(['/frame.html']);
    // The iframe starts as about:blank (the hook runs there too), then loads the widget.
    const installed = records.filter((r) => r.kind === 'lifecycle' && r.sessionId === session?.id && r.event === 'hook-installed');
    expect(installed.map((r) => (r.kind === 'lifecycle' ? [new URL(r.frameUrl).pathname, r.topFrame] : null))).toEqual(
      expect.arrayContaining([
        ['/frame.html', true],
        ['/npm.html', false],
      ]),
    );
    await page.close();
  });

  it('follows a snippet installed under a custom global (data-global-segment-analytics-key)', async () => {
    const wk = 'e2e-custom-global';
    const page = await env.lens.context.newPage();
    await page.goto(`${env.server.origin}/cart.html?wk=${wk}&global=lensAnalytics&no-load=1`);
    await page.evaluate(() => (window as unknown as { lensAnalytics: { track: (e: string) => unknown } }).lensAnalytics.track('Custom Global Track'));
    const { records } = await waitFor('the custom-global call to be stored', async () => {
      const store = await env.lens.readStore();
      return byWriteKey(store.records, wk).some((r) => r.kind === 'call' && r.args[0] === 'Custom Global Track') ? store : undefined;
    });
    const calls = byWriteKey(records, wk).filter((r) => r.kind === 'call');
    expect(calls.map((c) => (c.kind === 'call' ? [c.method, c.args[0] ?? null, c.queued, c.instance.global] : null))).toEqual([
      ['page', null, true, 'lensAnalytics'],
      ['track', 'Snippet Queued', true, 'lensAnalytics'],
      ['track', 'Custom Global Track', true, 'lensAnalytics'],
    ]);
    expect(await page.evaluate(() => 'analytics' in window && (window as unknown as { analytics?: unknown }).analytics === undefined)).toBe(true);
    await page.close();
  });
});
