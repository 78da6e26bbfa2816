import { describe, expect, it, vi } from 'vitest';
import { hookAnalyticsNext } from '../../src/hook/adapters/analytics-next';
import { hookBuffered } from '../../src/hook/adapters/buffered';
import { hookClassic } from '../../src/hook/adapters/classic';
import { hookSnippetStub } from '../../src/hook/adapters/snippet';
import { MAX_RECORDS_PER_MESSAGE } from '../../src/protocol/guards';
import { MAX_UNSENT_RECORDS } from '../../src/hook/recorder';
import { CALL_SITES_PER_RUN } from '../../src/hook/call-site';
import type { CallRecord, CallResultRecord, EventRecord, InstanceRecord, PageRecord, StorageRecord } from '../../src/protocol/records';
import { createHookHarness, FakeEmitter, FakeNextAnalytics } from './helpers/hook-harness';

const calls = (records: PageRecord[]) => records.filter((r): r is CallRecord => r.kind === 'call');
const results = (records: PageRecord[]) => records.filter((r): r is CallResultRecord => r.kind === 'call-result');
/** analytics-next's dispatch_start, inside the call: where a call meets its messageId. */
const dispatched = (records: PageRecord[]) => records.filter((r): r is EventRecord => r.kind === 'event' && r.phase === 'dispatched');

/** The snippet's stub as Segment's template builds it, with v5's buffered page context. */
function makeSnippet(): unknown[] & Record<string, unknown> {
  const analytics = [] as unknown as unknown[] & Record<string, unknown>;
  for (const method of ['identify', 'track', 'page', 'reset', 'setAnonymousId', 'alias', 'group', 'ready', 'on']) {
    analytics[method] = (...args: unknown[]) => {
      const item: unknown[] = [method, ...args];
      if (['track', 'page', 'identify'].includes(method)) item.push({ __t: 'bpc', p: '/', u: 'https://shop.example/' });
      analytics.push(item);
      return analytics;
    };
  }
  analytics.invoked = true;
  return analytics;
}

describe('analytics-next instance', () => {
  it('records each call with its arguments, tied to its messageId inside the call', async () => {
    const harness = createHookHarness();
    const analytics = new FakeNextAnalytics(harness);
    hookAnalyticsNext(harness.context, analytics, 'inspector', null);
    const returned = analytics.track('Signed Up', { plan: 'premium' });
    expect(returned).toBeInstanceOf(Promise);
    const ctx = await returned;
    const records = await harness.records();
    const instance = records.find((r): r is InstanceRecord => r.kind === 'instance');
    expect(instance).toMatchObject({ origin: 'inspector', apiHost: 'proxy.example.com/seg/v1', version: '1.84.3' });
    const [call] = calls(records);
    expect(call).toMatchObject({ method: 'track', args: ['Signed Up', { plan: 'premium' }], queued: false });
    expect(call?.instance).toMatchObject({ shape: 'analytics-next', writeKey: 'wk' });
    // The promise is the page's: nothing is recorded from it (see the next test).
    expect(results(records)).toEqual([]);
    const events = records.filter((r): r is EventRecord => r.kind === 'event');
    expect(events.map((e) => e.phase)).toEqual(['dispatched', 'enriched', 'delivered']);
    // Created inside the call: the messageId is tied to it before any delivery.
    expect(events[0]).toMatchObject({ messageId: ctx.event.messageId, callId: call?.id });
  });

  it('never attaches a handler to the promise the library returns, so a rejection stays unhandled for the page', async () => {
    const harness = createHookHarness();
    const analytics = new FakeNextAnalytics(harness);
    const rejected = Promise.reject(new Error('the library rejected'));
    rejected.catch(() => undefined); // this test's own handler, before the spies below
    const then = vi.spyOn(rejected, 'then');
    const catcher = vi.spyOn(rejected, 'catch');
    (analytics as unknown as { track: () => Promise<never> }).track = () => rejected;
    hookAnalyticsNext(harness.context, analytics, 'global', 'analytics');
    expect(analytics.track('Rejected')).toBe(rejected);
    const records = await harness.records();
    expect(then).not.toHaveBeenCalled();
    expect(catcher).not.toHaveBeenCalled();
    expect(calls(records)).toHaveLength(1);
    expect(results(records)).toEqual([]);
  });

  it('returns exactly what the library returns and lets its exceptions through unchanged', async () => {
    const harness = createHookHarness();
    const analytics = new FakeNextAnalytics(harness);
    const boom = new Error('library failure');
    (analytics as unknown as { alias: () => never }).alias = () => {
      throw boom;
    };
    hookAnalyticsNext(harness.context, analytics, 'global', 'analytics');
    expect(analytics.setAnonymousId('given-id')).toBe('given-id');
    expect(() => analytics.alias('x')).toThrow(boom);
    const records = await harness.records();
    expect(results(records).map((r) => r.outcome)).toEqual(['returned', 'threw']);
    expect(results(records)[1]?.error).toBe('Error: library failure');
  });

  it('records the identity a call passes in options', async () => {
    const harness = createHookHarness();
    const analytics = new FakeNextAnalytics(harness);
    hookAnalyticsNext(harness.context, analytics, 'inspector', null);
    void (analytics as unknown as { track: (...a: unknown[]) => unknown }).track('Viewed', {}, { anonymousId: 'from-options', userId: 42 });
    const [call] = calls(await harness.records());
    expect(call).toMatchObject({ optionsAnonymousId: 'from-options', optionsUserId: 42 });
  });

  it("records the page's user().anonymousId() reads, not the library's own", async () => {
    const harness = createHookHarness();
    const analytics = new FakeNextAnalytics(harness);
    hookAnalyticsNext(harness.context, analytics, 'inspector', null);
    const id = analytics.user().anonymousId();
    await analytics.track('After read');
    const reads = calls(await harness.records()).filter((c) => c.method.startsWith('user.'));
    expect(reads).toEqual([expect.objectContaining({ method: 'user.anonymousId', returned: id, storedBefore: null })]);
  });

  it('captures nothing twice when the same instance is offered again', async () => {
    const harness = createHookHarness();
    const analytics = new FakeNextAnalytics(harness);
    hookAnalyticsNext(harness.context, analytics, 'inspector', null);
    hookAnalyticsNext(harness.context, analytics, 'global', 'analytics');
    await analytics.track('Once');
    expect(calls(await harness.records())).toHaveLength(1);
  });

  it('takes the storage snapshot after calls, with the changed keys', async () => {
    const harness = createHookHarness();
    const analytics = new FakeNextAnalytics(harness);
    hookAnalyticsNext(harness.context, analytics, 'inspector', null);
    void analytics.identify('97980cfea0067');
    const storage = (await harness.records()).filter((r) => r.kind === 'storage');
    // One read for the whole task, however many calls and events it saw.
    expect(storage).toHaveLength(1);
    expect((storage[0] as StorageRecord).changed).toEqual(
      expect.arrayContaining([
        { area: 'localStorage', key: 'ajs_user_id' },
        { area: 'localStorage', key: 'ajs_anonymous_id' },
      ]),
    );
  });
});

describe('snippet stub', () => {
  it('captures calls queued before load in order, including those queued before the hook', async () => {
    const harness = createHookHarness();
    const snippet = makeSnippet();
    (snippet.page as () => void)();
    hookSnippetStub(harness.context, snippet, 'analytics');
    (snippet.track as (e: string, p: object) => void)('Snippet Queued', { order: 1 });
    (snippet.identify as (id: string) => void)('u1');
    const queued = calls(await harness.records());
    expect(queued.map((c) => [c.method, c.queued])).toEqual([
      ['page', true],
      ['track', true],
      ['identify', true],
    ]);
    // The snippet's page context is the snippet's, not an argument the page passed.
    expect(queued[1]?.args).toEqual(['Snippet Queued', { order: 1 }]);
    expect(snippet).toHaveLength(3);
  });

  it('links the replay on the loaded instance to the queued call instead of capturing it again', async () => {
    const harness = createHookHarness();
    const snippet = makeSnippet();
    hookSnippetStub(harness.context, snippet, 'analytics');
    const properties = { order: 1 };
    (snippet.track as (e: string, p: object) => void)('Snippet Queued', properties);
    const analytics = new FakeNextAnalytics(harness);
    hookAnalyticsNext(harness.context, analytics, 'global', 'analytics');
    // analytics-next replays the buffered call with the same values and the page context last.
    const [, ...args] = snippet[0] as unknown[];
    const ctx = await (analytics.track as (...a: unknown[]) => Promise<{ event: { messageId: string } }>)(...args);
    const records = await harness.records();
    const captured = calls(records);
    expect(captured).toHaveLength(1);
    expect(dispatched(records)).toEqual([expect.objectContaining({ callId: captured[0]?.id, messageId: ctx.event.messageId })]);
  });

  it('reads the writeKey once load() has set it', async () => {
    const harness = createHookHarness({ writeKey: (target) => ((target as { _writeKey?: string })._writeKey ?? null) });
    const snippet = makeSnippet();
    hookSnippetStub(harness.context, snippet, 'analytics');
    (snippet.page as () => void)();
    snippet._writeKey = 'wk-snippet';
    (snippet.track as (e: string) => void)('Later');
    const captured = calls(await harness.records());
    expect(captured.map((c) => c.instance.writeKey)).toEqual([null, 'wk-snippet']);
  });
});

describe('call sites in a burst', () => {
  it('captures the call site of the first CALL_SITES_PER_RUN calls made in one go and of every identify, and says why the rest have none', async () => {
    const harness = createHookHarness();
    const analytics = new FakeNextAnalytics(harness);
    hookAnalyticsNext(harness.context, analytics, 'inspector', null);
    for (let i = 0; i < CALL_SITES_PER_RUN + 20; i += 1) void (i % 10 === 9 ? analytics.identify(`u${i}`) : analytics.track('Burst', { i }));
    await Promise.resolve();
    // The next run of script starts with a full budget.
    void analytics.track('Later');
    const recorded = calls(await harness.records());
    const skipped = recorded.filter((call) => call.callSiteSkipped === true);
    expect(recorded).toHaveLength(CALL_SITES_PER_RUN + 21);
    // 12 identify calls in the burst always keep theirs: of the 108 tracks, the first 100 keep theirs.
    expect(skipped.map((call) => call.method)).toEqual(Array(8).fill('track'));
    expect(skipped.every((call) => call.callSite === null)).toBe(true);
    expect(recorded.at(-1)).toMatchObject({ args: ['Later'] });
    expect(recorded.at(-1)?.callSiteSkipped).toBeUndefined();
    expect(recorded.filter((call) => call.method === 'identify').every((call) => call.callSiteSkipped === undefined)).toBe(true);
  });

  it('on the snippet stub too', async () => {
    const harness = createHookHarness();
    const stub = makeSnippet();
    hookSnippetStub(harness.context, stub, 'analytics');
    for (let i = 0; i < CALL_SITES_PER_RUN + 5; i += 1) (stub.track as (...a: unknown[]) => unknown)('Burst', { i });
    (stub.identify as (...a: unknown[]) => unknown)('u1');
    const recorded = calls(await harness.records());
    expect(recorded.filter((call) => call.callSiteSkipped === true).map((call) => call.method)).toEqual(Array(5).fill('track'));
    expect(recorded.at(-1)).toMatchObject({ method: 'identify' });
    expect(recorded.at(-1)?.callSiteSkipped).toBeUndefined();
  });
});

describe('AnalyticsBrowser on window', () => {
  it('records intent at the call and lets the loaded instance report the result', async () => {
    const harness = createHookHarness();
    const instance = new FakeNextAnalytics(harness);
    const buffered = {
      then: (resolve: (v: unknown) => void) => resolve([instance]),
      track: (...args: unknown[]) => Promise.resolve((instance.track as (...a: unknown[]) => unknown)(...args)),
    };
    hookBuffered(harness.context, buffered, 'analytics');
    hookAnalyticsNext(harness.context, instance, 'inspector', null);
    const ctx = (await buffered.track('Bought', { sku: 'A' })) as { event: { messageId: string } };
    const records = await harness.records();
    const captured = calls(records);
    expect(captured).toHaveLength(1);
    expect(captured[0]?.instance.shape).toBe('buffered');
    expect(dispatched(records)).toEqual([expect.objectContaining({ callId: captured[0]?.id, messageId: ctx.event.messageId })]);
  });
});

describe('classic analytics.js', () => {
  it('ties the messageId from the synchronous invoke event to the call', async () => {
    const harness = createHookHarness();
    const emitter = new FakeEmitter();
    const classic = {
      VERSION: '4.1.11',
      initialize() {},
      on: (event: string, listener: (...a: unknown[]) => void) => emitter.on(event, listener),
      track(event: string) {
        emitter.emit('invoke', { obj: { type: 'track', event, messageId: 'ajs-abc', anonymousId: 'a1' } });
        return this;
      },
      _integrations: { 'Segment.io': { options: { apiKey: 'wk-classic', apiHost: 'api.segment.io/v1' } } },
    };
    hookClassic(harness.context, classic, 'analytics');
    expect(classic.track('Clicked')).toBe(classic);
    const records = await harness.records();
    const [call] = calls(records);
    const event = records.find((r): r is EventRecord => r.kind === 'event');
    expect(event).toMatchObject({ callId: call?.id, messageId: 'ajs-abc', phase: 'enriched' });
  });
});

describe('recorder', () => {
  it('says nothing to the bridge, not even hello, until analytics.js is found', async () => {
    const harness = createHookHarness({ ready: false, active: false });
    harness.context.readStorageNow('hook-installed');
    await harness.records();
    expect(harness.posted).toEqual([]);
    const analytics = new FakeNextAnalytics(harness);
    hookAnalyticsNext(harness.context, analytics, 'inspector', null);
    expect(harness.posted.map((m) => m.type)).toEqual(['hello']);
    harness.bridgeReady();
    const records = await harness.records();
    // What was held since install goes with the rest.
    expect(records.map((r) => r.kind)).toEqual(expect.arrayContaining(['storage', 'instance']));
  });

  it('holds records until the bridge is ready, then sends them in one message', async () => {
    const harness = createHookHarness({ ready: false });
    const analytics = new FakeNextAnalytics(harness);
    hookAnalyticsNext(harness.context, analytics, 'inspector', null);
    await analytics.track('Early');
    // Finding analytics.js, the hook asks whether a bridge is there; no records go yet.
    expect(harness.posted.map((m) => m.type)).toEqual(['hello']);
    harness.bridgeReady();
    const records = await harness.records();
    expect(harness.posted.map((m) => m.type)).toEqual(['hello', 'records']);
    expect(records.map((r) => r.kind)).toEqual(expect.arrayContaining(['instance', 'call', 'event']));
    // Ids are unique and sequence numbers strictly increase.
    expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
  });

  // 6,000 calls through the whole hook: seconds on a loaded machine, more than vitest's default 5.
  it('splits a burst made in one task into messages the bridge accepts, losing nothing', { timeout: 20_000 }, async () => {
    const harness = createHookHarness();
    const analytics = new FakeNextAnalytics(harness);
    hookAnalyticsNext(harness.context, analytics, 'inspector', null);
    for (let i = 0; i < 6000; i += 1) void analytics.track('Burst', { i });
    const burst = calls(await harness.records()).filter((c) => c.args[0] === 'Burst');
    expect(burst).toHaveLength(6000);
    const sizes = harness.posted.map((m) => (m.type === 'records' ? m.records.length : 0));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_RECORDS_PER_MESSAGE);
    // The backlog went out in several slices (one per task), not in one long task.
    expect(sizes.length).toBeGreaterThan(6);
  });

  it('keeps the newest MAX_UNSENT_RECORDS while no bridge answers, and counts what it dropped', async () => {
    const harness = createHookHarness({ ready: false });
    const over = 5;
    for (let i = 0; i < MAX_UNSENT_RECORDS + over; i += 1) {
      harness.context.recorder.emit({ kind: 'lifecycle', event: 'load', frameUrl: 'https://shop.example/', topFrame: true });
    }
    harness.bridgeReady();
    const records = await harness.records();
    const lifecycles = records.filter((r) => r.kind === 'lifecycle');
    expect(lifecycles).toHaveLength(MAX_UNSENT_RECORDS);
    // The oldest went: the first kept is the one after the `over` dropped.
    expect(lifecycles[0]?.seq).toBe(over + 1);
    expect(lifecycles[lifecycles.length - 1]?.seq).toBe(MAX_UNSENT_RECORDS + over);
    expect(records.filter((r) => r.kind === 'hook-error').map((r) => (r.kind === 'hook-error' ? r.where : ''))).toEqual(['overflow']);
  });

  it('sends nothing until the page turns out to have analytics.js, then everything held since the start', async () => {
    const harness = createHookHarness({ active: false });
    harness.context.readStorageNow('hook-installed');
    expect(await harness.records()).toEqual([]);
    hookAnalyticsNext(harness.context, new FakeNextAnalytics(harness), 'inspector', null);
    expect((await harness.records()).map((r) => r.kind)).toEqual(['storage', 'instance']);
  });

  it('sends the whole backlog at once when the page is going away', () => {
    const harness = createHookHarness();
    for (let i = 0; i < 2500; i += 1) harness.context.recorder.emit({ kind: 'lifecycle', event: 'load', frameUrl: 'https://shop.example/', topFrame: true });
    harness.context.recorder.flush();
    const posted = harness.posted.flatMap((m) => (m.type === 'records' ? [...m.records] : []));
    expect(posted).toHaveLength(2500);
  });

  it('counts exceptions it swallowed as one hook-error record per site', async () => {
    const harness = createHookHarness();
    for (let i = 0; i < 3; i += 1) harness.context.guard('test-site', () => {
      throw new Error('inner');
    }, undefined);
    const errors = (await harness.records()).filter((r) => r.kind === 'hook-error');
    expect(errors).toEqual([expect.objectContaining({ where: 'test-site', count: 3, message: 'Error: inner' })]);
  });
});
