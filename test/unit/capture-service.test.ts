import { beforeEach, describe, expect, it } from 'vitest';
import { createCaptureService, type CaptureService } from '../../src/capture/capture-service';
import type { BrowserCookie } from '../../src/capture/cookies';
import { DB_VERSION, MIGRATIONS, openLensDatabase, type LensDatabase } from '../../src/capture/db';
import { createSessionStore, type SessionStore } from '../../src/capture/session-store';
import { pageRecordsMessage } from '../../src/protocol/messages';
import type { CookieRecord, PageRecord, Provenance, WireRecord } from '../../src/protocol/records';

let db: LensDatabase;
let store: SessionStore;
let service: CaptureService;
let now: number;
let cookieJar: BrowserCookie[];
let dbCounter = 0;

const cookie = (name: string, value: string, extra: Partial<BrowserCookie> = {}): BrowserCookie => ({
  name,
  value,
  domain: 'shop.example',
  hostOnly: true,
  path: '/',
  secure: false,
  httpOnly: false,
  sameSite: 'lax',
  session: false,
  expirationDate: now / 1000 + 365 * 86_400,
  ...extra,
});

const sender = (tabId: number, frameId = 0) => ({ tab: { id: tabId, url: 'https://shop.example/' }, frameId, url: 'https://shop.example/' });

const lifecycle = (id: string, extra: Partial<PageRecord> = {}): PageRecord =>
  ({ id, seq: 1, at: now, kind: 'lifecycle', event: 'hook-installed', frameUrl: 'https://shop.example/', topFrame: true, ...extra }) as PageRecord;

const encode = (value: unknown) => ({ raw: [{ bytes: new TextEncoder().encode(JSON.stringify(value)).buffer as ArrayBuffer }] });

beforeEach(async () => {
  now = 1_790_000_000_000;
  cookieJar = [];
  db = await openLensDatabase(`test-${(dbCounter += 1)}`);
  let ids = 0;
  const clock = { now: () => now, randomId: () => `id${(ids += 1)}-aaaaaaaa` };
  store = createSessionStore(db, clock);
  service = createCaptureService({
    store,
    clock,
    getCookies: async () => cookieJar,
    userApiHosts: async () => ['collect.shop.example/seg'],
  });
});

describe('page records', () => {
  it('creates one session per tab on first activity and stores records with provenance from the sender', async () => {
    const reply = await service.handleBridgeMessage(pageRecordsMessage(1, [lifecycle('p:1')]), sender(7, 3));
    expect(reply).toMatchObject({ ok: true, stored: 1 });
    const [session] = await store.listSessions();
    expect(session).toMatchObject({ tabId: 7, endedAt: null, recordCount: 1, pages: [{ url: 'https://shop.example/' }] });
    const records = await store.recordsOf(session?.id ?? '');
    expect(records[0]).toMatchObject({ id: 'p:1', sessionId: session?.id, tabId: 7, frameId: 3 });
  });

  it('stores a resent batch once (the bridge resends after a lost reply)', async () => {
    const message = pageRecordsMessage(1, [lifecycle('p:1'), lifecycle('p:2')]);
    await service.handleBridgeMessage(message, sender(7));
    const again = await service.handleBridgeMessage(message, sender(7));
    expect(again).toMatchObject({ ok: true, stored: 0 });
    const [session] = await store.listSessions();
    expect(session?.recordCount).toBe(2);
    expect(await store.recordsOf(session?.id ?? '')).toHaveLength(2);
    // A batch that overlaps what is stored adds only what is new, in the same transaction.
    const overlapping = await service.handleBridgeMessage(pageRecordsMessage(1, [lifecycle('p:2'), lifecycle('p:3')]), sender(7));
    expect(overlapping).toMatchObject({ ok: true, stored: 1 });
    const [after] = await store.listSessions();
    expect(after?.recordCount).toBe(3);
  });

  it('serialises concurrent first messages of a tab into one session', async () => {
    await Promise.all([1, 2, 3, 4].map((n) => service.handleBridgeMessage(pageRecordsMessage(1, [lifecycle(`p:${n}`)]), sender(9))));
    const sessions = await store.listSessions();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.recordCount).toBe(4);
  });

  it('rejects messages without a tab, of another protocol version, or not ours', async () => {
    expect(await service.handleBridgeMessage(pageRecordsMessage(1, [lifecycle('p:1')]), { url: 'chrome-extension://x/' })).toMatchObject({ ok: false, error: 'no-tab' });
    expect(await service.handleBridgeMessage({ ...pageRecordsMessage(1, []), version: 0 }, sender(1))).toMatchObject({ ok: false, error: 'bad-version' });
    expect(await service.handleBridgeMessage({ hello: 1 }, sender(1))).toMatchObject({ ok: false, error: 'not-ours' });
    expect(await store.listSessions()).toHaveLength(0);
  });

  it('never lets a frame write into another tab: records naming another session are dropped and counted', async () => {
    await service.handleBridgeMessage(pageRecordsMessage(1, [lifecycle('victim:1')]), sender(1));
    const [victim] = await store.listSessions();
    const forged = { ...lifecycle('attacker:1'), sessionId: victim?.id, tabId: 1 } as unknown as PageRecord;
    await service.handleBridgeMessage(pageRecordsMessage(1, [forged, lifecycle('attacker:2')], { 'message-not-json': 2 }), sender(2));
    const victimRecords = await store.recordsOf(victim?.id ?? '');
    expect(victimRecords.map((r) => r.id)).toEqual(['victim:1']);
    const attacker = (await store.listSessions()).find((s) => s.tabId === 2);
    const stats = (await store.recordsOf(attacker?.id ?? '')).find((r) => r.kind === 'bridge-stats');
    expect(stats).toMatchObject({ dropped: { 'message-not-json': 2, 'record-forged-provenance': 1 } });
  });

  it('learns the tracking API host from the page settings, and snapshots identity cookies only when they change', async () => {
    cookieJar = [cookie('ajs_anonymous_id', 'a1'), cookie('other', 'x')];
    const instance: PageRecord = {
      id: 'p:2',
      seq: 2,
      at: now,
      kind: 'instance',
      instance: { key: 'i1', shape: 'analytics-next', writeKey: 'wk', global: 'analytics' },
      origin: 'global',
      version: '1.84.3',
      apiHost: 't.shop.example/seg/v1',
      frameUrl: 'https://shop.example/',
    };
    await service.handleBridgeMessage(pageRecordsMessage(1, [instance]), sender(4));
    await service.handleBridgeMessage(pageRecordsMessage(1, [{ ...instance, id: 'p:3' }]), sender(4));
    const [session] = await store.listSessions();
    expect(session?.apiHosts).toEqual(['t.shop.example/seg/v1']);
    const snapshots = (await store.recordsOf(session?.id ?? '')).filter((r): r is CookieRecord & Provenance => r.kind === 'cookie');
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]?.cookies.map((c) => c.name)).toEqual(['ajs_anonymous_id']);
    expect(snapshots[0]?.cookies[0]?.expirationDate).toBe(now / 1000 + 365 * 86_400);
  });
});

describe('wire requests', () => {
  const single = { type: 'track', event: 'Signed Up', messageId: 'ajs-next-1', anonymousId: 'a1', writeKey: 'wk' };

  it('records a tracking request as pending, then completes it with status and timing', async () => {
    await service.handleBeforeRequest({ requestId: '10', url: 'https://api.segment.io/v1/t', method: 'POST', tabId: 5, type: 'xmlhttprequest', timeStamp: now, requestBody: encode(single) });
    const [session] = await store.listSessions();
    let [wire] = (await store.recordsOf(session?.id ?? '')) as WireRecord[];
    expect(wire).toMatchObject({ state: 'pending', messageIds: ['ajs-next-1'], recognisedBy: 'known-host', batch: false });
    await service.handleRequestEnd({ requestId: '10', url: 'https://api.segment.io/v1/t', tabId: 5, timeStamp: now + 42, statusCode: 200 }, 'completed');
    [wire] = (await store.recordsOf(session?.id ?? '')) as WireRecord[];
    expect(wire).toMatchObject({ state: 'completed', statusCode: 200, startedAt: now, endedAt: now + 42 });
    expect(session?.recordCount).toBe(1);
  });

  it('completes a request whose end is handled before its start got past its first await, as happens in Firefox', async () => {
    const checking = createCaptureService({ store, clock: { now: () => now, randomId: () => 'c' }, getCookies: async () => [], userApiHosts: async () => ['collect.shop.example/seg'], captureEnabled: async () => true });
    const url = 'https://collect.shop.example/seg/t';
    const start = checking.handleBeforeRequest({ requestId: '13', url, method: 'POST', tabId: 5, type: 'fetch', timeStamp: now, requestBody: encode(single) });
    const end = checking.handleRequestEnd({ requestId: '13', url, tabId: 5, timeStamp: now + 2, statusCode: 200 }, 'completed');
    await Promise.all([start, end]);
    const [session] = await store.listSessions();
    expect((await store.recordsOf(session?.id ?? ''))[0]).toMatchObject({ requestId: '13', state: 'completed', statusCode: 200 });
  });

  it('records a request cut off by a navigation as failed with the network error', async () => {
    await service.handleBeforeRequest({ requestId: '11', url: 'https://api.segment.io/v1/i', method: 'POST', tabId: 5, type: 'xmlhttprequest', timeStamp: now, requestBody: encode(single) });
    await service.handleRequestEnd({ requestId: '11', url: 'https://api.segment.io/v1/i', tabId: 5, timeStamp: now + 3, error: 'net::ERR_ABORTED' }, 'failed');
    const [session] = await store.listSessions();
    const [wire] = (await store.recordsOf(session?.id ?? '')) as WireRecord[];
    expect(wire).toMatchObject({ state: 'failed', error: 'net::ERR_ABORTED', statusCode: null });
  });

  it('finds the request again after a service worker restart (a fresh service over the same database)', async () => {
    await service.handleBeforeRequest({ requestId: '12', url: 'https://api.segment.io/v1/t', method: 'POST', tabId: 5, type: 'xmlhttprequest', timeStamp: now, requestBody: encode(single) });
    const restarted = createCaptureService({ store, clock: { now: () => now, randomId: () => 'r' }, getCookies: async () => [], userApiHosts: async () => [] });
    await restarted.handleRequestEnd({ requestId: '12', url: 'https://api.segment.io/v1/t', tabId: 5, timeStamp: now + 5, statusCode: 200 }, 'completed');
    const [session] = await store.listSessions();
    expect((await store.recordsOf(session?.id ?? ''))[0]).toMatchObject({ state: 'completed' });
  });

  it('recognises user-added proxies by host, unknown proxies by body shape, and ignores other posts', async () => {
    await service.handleBeforeRequest({ requestId: '20', url: 'https://collect.shop.example/seg/b', method: 'POST', tabId: 6, type: 'xmlhttprequest', timeStamp: now, requestBody: encode({ batch: [single, { ...single, messageId: 'ajs-next-2' }] }) });
    await service.handleBeforeRequest({ requestId: '21', url: 'https://unknown.example/x/t', method: 'POST', tabId: 6, type: 'ping', timeStamp: now, requestBody: encode(single) });
    await service.handleBeforeRequest({ requestId: '22', url: 'https://unknown.example/api/t', method: 'POST', tabId: 6, type: 'xmlhttprequest', timeStamp: now, requestBody: encode({ not: 'segment' }) });
    const [session] = await store.listSessions();
    const wires = (await store.recordsOf(session?.id ?? '')) as WireRecord[];
    expect(wires.map((w) => [w.requestId, w.recognisedBy, w.messageIds.length])).toEqual([
      ['20', 'user-host', 2],
      ['21', 'shape', 1],
    ]);
    expect(session?.apiHosts).toEqual(['unknown.example/x']);
  });
});

describe('identity cookies', () => {
  beforeEach(async () => {
    await service.handleBridgeMessage(pageRecordsMessage(1, [lifecycle('p:1')]), sender(3));
  });

  const changes = async () => {
    const [session] = await store.listSessions();
    return (await store.recordsOf(session?.id ?? '')).filter((r): r is CookieRecord & Provenance => r.kind === 'cookie');
  };

  it('records a change with its cause and the value before an overwrite, and skips same-value rewrites', async () => {
    await service.handleCookieChanged({ removed: false, cause: 'explicit', cookie: cookie('ajs_user_id', 'u1') });
    // analytics-next rewrites its cookies on every read: Chrome reports an overwrite then a set.
    await service.handleCookieChanged({ removed: true, cause: 'overwrite', cookie: cookie('ajs_user_id', 'u1') });
    await service.handleCookieChanged({ removed: false, cause: 'explicit', cookie: cookie('ajs_user_id', 'u1') });
    await service.handleCookieChanged({ removed: true, cause: 'overwrite', cookie: cookie('ajs_user_id', 'u1') });
    await service.handleCookieChanged({ removed: false, cause: 'explicit', cookie: cookie('ajs_user_id', 'u2') });
    await service.handleCookieChanged({ removed: true, cause: 'expired', cookie: cookie('ajs_user_id', 'u2') });
    await service.handleCookieChanged({ removed: false, cause: 'explicit', cookie: cookie('unrelated', 'z') });
    const recorded = await changes();
    expect(recorded.map((c) => [c.change, c.cause, c.cookies[0]?.value, c.previous?.value ?? null])).toEqual([
      ['set', 'explicit', 'u1', null],
      ['set', 'overwrite', 'u2', 'u1'],
      ['removed', 'expired', 'u2', 'u2'],
    ]);
  });

  it('names the value before an overwrite that Firefox reports with the new cookie in the removal too', async () => {
    await service.handleCookieChanged({ removed: false, cause: 'explicit', cookie: cookie('ajs_user_id', 'u1') });
    // Firefox reports a changed cookie as an `overwrite` removal and a set, both carrying the new cookie.
    await service.handleCookieChanged({ removed: true, cause: 'overwrite', cookie: cookie('ajs_user_id', 'u1') });
    await service.handleCookieChanged({ removed: false, cause: 'explicit', cookie: cookie('ajs_user_id', 'u1') });
    await service.handleCookieChanged({ removed: true, cause: 'overwrite', cookie: cookie('ajs_user_id', 'u2') });
    await service.handleCookieChanged({ removed: false, cause: 'explicit', cookie: cookie('ajs_user_id', 'u2') });
    const recorded = await changes();
    expect(recorded.map((c) => [c.change, c.cause, c.cookies[0]?.value, c.previous?.value ?? null])).toEqual([
      ['set', 'explicit', 'u1', null],
      ['set', 'overwrite', 'u2', 'u1'],
    ]);
  });

  it('attributes a cookie only to sessions whose page it is sent to', async () => {
    await service.handleCookieChanged({ removed: false, cause: 'explicit', cookie: cookie('ajs_anonymous_id', 'a', { domain: '.shop.example', hostOnly: false }) });
    await service.handleCookieChanged({ removed: false, cause: 'explicit', cookie: cookie('ajs_anonymous_id', 'b', { domain: 'other.example' }) });
    expect((await changes()).map((c) => c.cookies[0]?.value)).toEqual(['a']);
  });
});

describe('navigation and session lifetime', () => {
  it('keeps the session across navigations and lists the pages; adopts a commit seen before the first record', async () => {
    await service.handleNavigation({ tabId: 8, frameId: 0, parentFrameId: -1, url: 'https://shop.example/', timeStamp: now - 5, transitionType: 'typed' }, 'commit');
    await service.handleBridgeMessage(pageRecordsMessage(1, [lifecycle('p:1')]), sender(8));
    now += 1000;
    await service.handleNavigation({ tabId: 8, frameId: 0, parentFrameId: -1, url: 'https://shop.example/cart', timeStamp: now, transitionType: 'link' }, 'commit');
    await service.handleNavigation({ tabId: 8, frameId: 0, parentFrameId: -1, url: 'https://shop.example/cart', timeStamp: now + 1, transitionType: 'reload' }, 'commit');
    await service.handleNavigation({ tabId: 8, frameId: 0, parentFrameId: -1, url: 'https://shop.example/cart?step=2', timeStamp: now + 2 }, 'history');
    await service.handleNavigation({ tabId: 8, frameId: 2, parentFrameId: 0, url: 'https://widget.example/', timeStamp: now + 3, transitionType: 'auto_subframe' }, 'commit');
    const [session] = await store.listSessions();
    expect(session?.pages.map((p) => p.url)).toEqual(['https://shop.example/', 'https://shop.example/cart', 'https://shop.example/cart', 'https://shop.example/cart?step=2']);
    const navigations = (await store.recordsOf(session?.id ?? '')).filter((r) => r.kind === 'navigation');
    expect(navigations.map((n) => (n.kind === 'navigation' ? [n.navigation, n.frameId] : null))).toEqual([
      ['load', 0],
      ['load', 0],
      ['reload', 0],
      ['history', 0],
      ['load', 2],
    ]);
  });

  it('ends the session when its tab closes; a new visit in a reused tab id starts a new one', async () => {
    await service.handleBridgeMessage(pageRecordsMessage(1, [lifecycle('visit-1:1')]), sender(8));
    await service.handleTabRemoved(8);
    // A new visit is a new document (page load), so a new session.
    await service.handleBridgeMessage(pageRecordsMessage(1, [lifecycle('visit-2:1')]), sender(8));
    const sessions = await store.listSessions();
    expect(sessions.map((s) => s.endedAt === null)).toEqual([false, true]);
  });

  it('deletes a recording session in its tab\'s turn, so a write under way cannot bring it back', async () => {
    await service.handleBridgeMessage(pageRecordsMessage(1, [lifecycle('p:1')]), sender(7));
    const [open] = await store.listSessions();
    const write = service.handleBridgeMessage(pageRecordsMessage(1, [lifecycle('p:2'), lifecycle('p:3')]), sender(7));
    const deleted = await service.deleteSessions([open?.id ?? '', 'no-such-session']);
    await write;
    expect(deleted.map((s) => s.id)).toEqual([open?.id]);
    expect(await store.getSession(open?.id ?? '')).toBeUndefined();
    expect((await db.getAll('records')).filter((r) => r.sessionId === open?.id)).toEqual([]);
  });

  it('never brings back a session deleted while a write for it was on its way (late records of a tab whose ended session retention took)', async () => {
    await service.handleBridgeMessage(pageRecordsMessage(1, [lifecycle('doc-a:1')]), sender(8));
    await service.handleTabRemoved(8);
    const [ended] = await store.listSessions();
    const stale = await store.getSession(ended?.id ?? '');
    await service.deleteSessions([ended?.id ?? '']);
    expect(await store.appendRecords(stale!, { tabId: 8, frameId: 0 }, [lifecycle('doc-a:2')])).toBe(0);
    await store.putRecord(stale!, { ...lifecycle('doc-a:3'), sessionId: ended?.id ?? '', tabId: 8, frameId: 0 } as never);
    expect(await store.listSessions()).toEqual([]);
    expect(await db.getAll('records')).toEqual([]);
  });

  it("stores a closed tab's late records (its pagehide flush) in the session that ended, not a new one", async () => {
    await service.handleBridgeMessage(pageRecordsMessage(1, [lifecycle('doc-a:1')]), sender(8));
    await service.handleTabRemoved(8);
    const late = await service.handleBridgeMessage(pageRecordsMessage(1, [lifecycle('doc-a:2')]), sender(8));
    expect(late).toMatchObject({ ok: true, stored: 1 });
    const sessions = await store.listSessions();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.endedAt).not.toBeNull();
    expect(sessions[0]?.recordCount).toBe(2);
  });

  it('ends sessions left open by a previous browser run', async () => {
    await service.handleBridgeMessage(pageRecordsMessage(1, [lifecycle('p:1')]), sender(1));
    await service.handleBridgeMessage(pageRecordsMessage(1, [lifecycle('p:2')]), sender(2));
    await service.handleBrowserStartup();
    expect((await store.listOpenSessions())).toHaveLength(0);
  });
});

describe('database schema', () => {
  it('has one migration per version, and upgrading from nothing creates every store and index', () => {
    expect(MIGRATIONS).toHaveLength(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual(['findings', 'pageBatches', 'pageDocuments', 'records', 'sessions']);
    const tx = db.transaction(['records', 'sessions']);
    expect([...tx.objectStore('records').indexNames].sort()).toEqual(['bySessionKind', 'bySessionTime']);
    expect([...tx.objectStore('sessions').indexNames].sort()).toEqual(['byOpenTab', 'byStart']);
  });

});

describe('identity cookies written by a server', () => {
  it('records a response that sets identity cookies, and ignores other cookies', async () => {
    const { identityCookiesSet } = await import('../../src/capture/capture-service');
    expect(
      identityCookiesSet([
        { name: 'Set-Cookie', value: 'ajs_anonymous_id=server-1; Path=/; Max-Age=60\nsession=abc; HttpOnly' },
        { name: 'content-type', value: 'text/html' },
        { name: 'set-cookie', value: 'ajs_user_id=%22u%201%22' },
      ]),
    ).toEqual([
      { name: 'ajs_anonymous_id', value: 'server-1', attributes: 'Path=/; Max-Age=60' },
      { name: 'ajs_user_id', value: '"u 1"', attributes: '' },
    ]);
    await service.handleHeadersReceived({ tabId: 12, url: 'https://shop.example/login', timeStamp: now, type: 'main_frame', responseHeaders: [{ name: 'set-cookie', value: 'ajs_anonymous_id=server-2' }] });
    await service.handleHeadersReceived({ tabId: 12, url: 'https://shop.example/x', timeStamp: now, type: 'xmlhttprequest', responseHeaders: [{ name: 'set-cookie', value: 'theme=dark' }] });
    const [session] = await store.listSessions();
    const records = await store.recordsOf(session?.id ?? '');
    expect(records.map((r) => r.kind)).toEqual(['server-cookie']);
    expect(session?.pages.map((p) => p.url)).toEqual(['https://shop.example/login']);
  });
});
