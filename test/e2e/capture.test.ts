import { beforeAll, describe, expect, it } from 'vitest';
import type { StoredRecord } from '../../src/capture/db';
import { linkRecords } from '../../src/core/link-records';
import type { CallRecord, CapturedRecord, CookieRecord, NavigationRecord, StorageRecord, WireRecord } from '../../src/protocol/records';
import { waitFor, type LensBrowser } from './browser';
import { useLensEnvironment, waitForAnalytics } from './environment';

const env = useLensEnvironment();

const ofKind = <K extends CapturedRecord['kind']>(records: StoredRecord[], kind: K) =>
  records.filter((r): r is Extract<StoredRecord, { kind: K }> => r.kind === kind);

const callsOf = (records: StoredRecord[], writeKey: string): Array<CallRecord & { sessionId: string }> =>
  ofKind(records, 'call').filter((c) => c.instance.writeKey === writeKey || c.frameUrl.includes(`wk=${writeKey}`));

describe('capture on the snippet build (page → identify → track → navigate → reset)', () => {
  const wk = 'e2e-snippet';
  let records: StoredRecord[];
  let sessions: Awaited<ReturnType<LensBrowser['readStore']>>['sessions'];

  beforeAll(async () => {
    const page = await env.lens.context.newPage();
    await page.goto(`${env.server.origin}/?wk=${wk}`);
    // Calls after load: the flow waits for nothing the extension provides.
    await waitForAnalytics(page);
    await page.click('#signup');
    await waitFor('the collector to receive Signed Up', async () => env.server.received.some((r) => (r.body as { event?: string } | null)?.event === 'Signed Up'));
    await page.click('#go-cart');
    await page.waitForURL(/cart\.html/);
    await waitForAnalytics(page);
    await page.click('#logout');
    await waitFor('every call, wire request and the reset to be stored', async () => {
      const store = await env.lens.readStore();
      const calls = callsOf(store.records, wk);
      const wires = ofKind(store.records, 'wire');
      const settled = wires.length >= 6 && wires.every((w) => w.state !== 'pending');
      return calls.some((c) => c.method === 'reset') && settled ? store : undefined;
    });
    ({ records, sessions } = await env.lens.readStore());
    await page.close();
  });

  it('captures calls queued on the snippet before the library loaded, in order', () => {
    const queued = callsOf(records, wk).filter((c) => c.queued);
    expect(queued.slice(0, 2).map((c) => [c.method, c.args[0] ?? null])).toEqual([
      ['page', null],
      ['track', 'Snippet Queued'],
    ]);
    expect(queued[1]?.args[1]).toEqual({ order: 1 });
    // The page's inline snippet made these calls; the call site points into the page, not into the extension.
    expect(queued[0]?.callSite).toMatch(new RegExp(`^${env.server.origin}/`));
  });

  it('captures calls after load with arguments, call site, time, frame URL and writeKey', () => {
    const calls = callsOf(records, wk).filter((c) => !c.queued);
    const identify = calls.find((c) => c.method === 'identify');
    const signedUp = calls.find((c) => c.method === 'track' && c.args[0] === 'Signed Up');
    expect(identify?.args[0]).toBe('97980cfea0067');
    expect(identify?.instance).toMatchObject({ shape: 'analytics-next', writeKey: wk, global: 'analytics' });
    expect(identify?.frameUrl).toBe(`${env.server.origin}/?wk=${wk}`);
    expect(identify?.callSite).toMatch(/\/shop\.js:\d+:\d+$/);
    expect(signedUp?.at).toBeGreaterThan(identify?.at ?? Infinity);
    expect(calls.find((c) => c.method === 'reset')?.frameUrl).toContain('/cart.html');
    // Every captured call is captured once: the library's replay of queued calls is linked, not recorded again.
    const pages = callsOf(records, wk).filter((c) => c.method === 'page' && c.frameUrl === `${env.server.origin}/?wk=${wk}`);
    expect(pages).toHaveLength(1);
  });

  it('stores the event as analytics.js finalised it', () => {
    const delivered = ofKind(records, 'event').filter((e) => e.phase === 'delivered' && e.instance.writeKey === wk);
    const identify = delivered.find((e) => e.type === 'identify');
    expect(identify?.event).toMatchObject({ userId: '97980cfea0067', messageId: identify?.messageId });
    expect(typeof (identify?.event as { anonymousId?: unknown }).anonymousId).toBe('string');
  });

  it('matches every wire message to the API call that made it, with status and timing', () => {
    const wires = ofKind(records, 'wire');
    const ours = wires.filter((w) => w.messages.some((m) => m.writeKey === wk));
    expect(ours.length).toBeGreaterThanOrEqual(6);
    for (const wire of ours) {
      expect(wire).toMatchObject({ state: 'completed', statusCode: 200, recognisedBy: 'page-settings', batch: false });
      expect(wire.endedAt).toBeGreaterThanOrEqual(wire.startedAt);
    }
    const links = linkRecords(records as CapturedRecord[]);
    const ourIds = ours.flatMap((w) => w.messageIds);
    expect(ourIds.filter((id) => !links.callByMessageId.has(id))).toEqual([]);
    const signedUp = callsOf(records, wk).find((c) => c.args[0] === 'Signed Up') as CallRecord;
    const carried = links.wireByCallId.get(signedUp.id) as WireRecord[];
    expect(carried).toHaveLength(1);
    expect(carried[0]?.messages[0]).toMatchObject({ type: 'track', event: 'Signed Up', userId: '97980cfea0067' });
    // What we saw on the wire is what the collector received.
    const received = env.server.received.filter((r) => (r.body as { writeKey?: string }).writeKey === wk).map((r) => (r.body as { messageId: string }).messageId);
    expect([...ourIds].sort()).toEqual([...received].sort());
  });

  it("records identity storage passively, and the identity cookies' expiry from the cookies API", () => {
    const storage = ofKind(records, 'storage').filter((s) => s.frameUrl.includes(`wk=${wk}`));
    const afterSignup = storage.find((s: StorageRecord) => s.snapshot.cookie.ajs_user_id === '97980cfea0067');
    expect(afterSignup?.snapshot.localStorage.ajs_user_id).toBe('"97980cfea0067"');
    const snapshot = ofKind(records, 'cookie').find(
      (c: CookieRecord) => c.change === 'snapshot' && c.cookies.some((k) => k.name === 'ajs_anonymous_id'),
    );
    const anonymousCookie = snapshot?.cookies.find((k) => k.name === 'ajs_anonymous_id');
    expect(anonymousCookie).toMatchObject({ domain: '127.0.0.1', hostOnly: true, path: '/', sameSite: 'lax', secure: false, session: false });
    const daysLeft = ((anonymousCookie?.expirationDate ?? 0) * 1000 - Date.now()) / 86_400_000;
    expect(daysLeft).toBeGreaterThan(364);
    expect(daysLeft).toBeLessThan(366);
  });

  it('records identity cookie changes with their cause', () => {
    const changes = ofKind(records, 'cookie').filter((c) => c.change !== 'snapshot');
    const userIdSet = changes.find((c) => c.change === 'set' && c.cookies[0]?.name === 'ajs_user_id');
    expect(userIdSet?.cookies[0]?.value).toBe('97980cfea0067');
    expect(userIdSet?.cause).toBe('explicit');
    // reset() deletes the cookies by writing them expired.
    const removed = changes.filter((c) => c.change === 'removed' && c.cookies[0]?.name === 'ajs_user_id');
    expect(removed.map((c) => c.cause)).toContain('expired_overwrite');
  });

  it('keeps one session across the navigation and lists its pages', () => {
    const session = sessions.find((s) => s.pages.some((p) => p.url.includes(`wk=${wk}`)));
    expect(session).toBeDefined();
    expect(session?.pages.map((p) => new URL(p.url).pathname)).toEqual(['/', '/cart.html']);
    expect(session?.endedAt).toBeNull();
    const ours = records.filter((r) => r.sessionId === session?.id);
    expect(session?.recordCount).toBe(ours.length);
    const navigations = ofKind(ours, 'navigation').filter((n: NavigationRecord) => n.parentFrameId === -1);
    expect(navigations.map((n) => [new URL(n.url).pathname, n.navigation])).toEqual([
      ['/', 'load'],
      ['/cart.html', 'load'],
    ]);
    const lifecycle = ofKind(ours, 'lifecycle').map((l) => [new URL(l.frameUrl).pathname, l.event]);
    expect(lifecycle).toEqual(expect.arrayContaining([['/', 'hook-installed'], ['/', 'pagehide'], ['/cart.html', 'hook-installed']]));
    // Every call belongs to this one session, from both pages.
    expect(new Set(callsOf(records, wk).map((c) => c.sessionId))).toEqual(new Set([session?.id]));
  });

  it('sends nothing anywhere but the local site', () => {
    const foreign = env.lens.requestedUrls.filter((url) => !url.startsWith(env.server.origin) && !url.startsWith('chrome-extension://'));
    expect(foreign).toEqual([]);
  });
});
