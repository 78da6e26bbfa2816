import { beforeEach, describe, expect, it } from 'vitest';
import { createBridge, type BridgeTransport } from '../../src/bridge/bridge';
import { createCaptureService, type CaptureService, type MessageSender } from '../../src/capture/capture-service';
import type { StoredRecord } from '../../src/capture/db';
import { openLensDatabase } from '../../src/capture/db';
import { createSessionStore, type SessionStore } from '../../src/capture/session-store';
import { MAX_RECORDS_PER_MESSAGE } from '../../src/protocol/guards';
import { pageRecordsMessage, PROTOCOL_VERSION, WINDOW_TAG } from '../../src/protocol/messages';
import type { PageRecord } from '../../src/protocol/records';

// Issue 7, "nothing gets in": everything a page sends is untrusted. A page can dispatch the
// hook's DOM events itself with any text, and a compromised renderer can send any runtime
// message; only the sender the browser reports can be believed.

let store: SessionStore;
let service: CaptureService;
let dbCounter = 0;
const NOW = 1_790_000_000_000;

beforeEach(async () => {
  const db = await openLensDatabase(`untrusted-${(dbCounter += 1)}`);
  let ids = 0;
  const clock = { now: () => NOW, randomId: () => `id${(ids += 1)}-aaaaaaaa` };
  store = createSessionStore(db, clock);
  service = createCaptureService({ store, clock, getCookies: async () => [], userApiHosts: async () => [] });
});

const SHOP = 'https://shop.example/';
const WIDGET = 'https://widget.example/embed?x=1';

const sender = (tabId: number, frameId: number, url: string, extra: Partial<MessageSender> = {}): MessageSender => ({
  tab: { id: tabId, url: SHOP },
  frameId,
  url,
  ...extra,
});

const lifecycle = (id: string, frameUrl = SHOP): PageRecord => ({ id, seq: 1, at: NOW, kind: 'lifecycle', event: 'load', frameUrl, topFrame: true });

const call = (id: string, frameUrl: string, args: unknown[] = ['Signed Up']): PageRecord =>
  ({
    id,
    seq: 2,
    at: NOW,
    kind: 'call',
    method: 'track',
    args,
    callSite: null,
    frameUrl,
    instance: { key: 'i1', shape: 'analytics-next', writeKey: 'wk', global: 'analytics' },
    queued: false,
  }) as PageRecord;

/** The bridge's message, carrying whatever a compromised content script might put in it. */
const bridgeMessage = (records: unknown[], dropped: Record<string, unknown> = {}) => pageRecordsMessage(1, records as PageRecord[], dropped as Record<string, number>);

async function sessionOfTab(tabId: number) {
  const session = (await store.listSessions()).find((s) => s.tabId === tabId);
  if (!session) throw new Error(`no session for tab ${tabId}`);
  return { session, records: await store.recordsOf(session.id) };
}

function droppedIn(records: readonly StoredRecord[]): Record<string, number> {
  // No prototype: a reason named `constructor` must not read Object's.
  const total: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const record of records) {
    if (record.kind !== 'bridge-stats') continue;
    for (const [reason, count] of Object.entries(record.dropped)) total[reason] = (total[reason] ?? 0) + count;
  }
  return total;
}

/**
 * A real bridge in one frame, wired to the real capture service as Chrome wires them: the
 * message crosses as JSON, and the browser, not the message, says which tab and frame sent it.
 */
function frameOf(from: MessageSender) {
  let toBridge: (detail: unknown) => void = () => {};
  const replies: Array<Promise<unknown>> = [];
  const transport: BridgeTransport = {
    listenToPage: (listener) => {
      toBridge = listener;
    },
    postToPage: () => {},
    sendToBackground: (message) => {
      const reply = service.handleBridgeMessage(JSON.parse(JSON.stringify(message)) as unknown, from);
      replies.push(reply);
      return reply;
    },
    setTimer: (callback) => void Promise.resolve().then(callback),
  };
  const bridge = createBridge(transport);
  return {
    bridge,
    /** What a page script can do: dispatch the hook's event with any detail it likes. */
    dispatch(detail: unknown) {
      toBridge(detail);
    },
    async settled() {
      for (;;) {
        const count = replies.length;
        await Promise.all(replies);
        await new Promise((r) => setTimeout(r, 0));
        if (replies.length === count) return;
      }
    },
  };
}

const pageMessage = (records: unknown[]) => JSON.stringify({ [WINDOW_TAG]: PROTOCOL_VERSION, type: 'records', records });

describe('a frame writes only into its own tab', () => {
  it("a message naming another tab, session or frame lands in the sender's own tab session, under the sender's frame", async () => {
    await service.handleBridgeMessage(bridgeMessage([lifecycle('victim:1')]), sender(1, 0, SHOP));
    const victim = await sessionOfTab(1);

    const forgedEnvelope = {
      ...bridgeMessage([lifecycle('attacker:1')]),
      tabId: 1,
      frameId: 0,
      sessionId: victim.session.id,
      sender: { tab: { id: 1, url: SHOP }, frameId: 0, url: SHOP },
    };
    const reply = await service.handleBridgeMessage(forgedEnvelope, sender(2, 5, SHOP));

    const attacker = await sessionOfTab(2);
    expect(reply).toEqual({ ok: true, stored: 1, sessionId: attacker.session.id });
    expect(attacker.session.id).not.toBe(victim.session.id);
    expect(attacker.records).toMatchObject([{ id: 'attacker:1', sessionId: attacker.session.id, tabId: 2, frameId: 5 }]);
    expect(await store.recordsOf(victim.session.id)).toEqual(victim.records);
    expect((await store.listSessions()).find((s) => s.id === victim.session.id)?.recordCount).toBe(1);
  });

  it("records that carry provenance, or reuse another tab's record id, neither move nor replace that tab's records", async () => {
    await service.handleBridgeMessage(bridgeMessage([lifecycle('victim:1')]), sender(1, 0, SHOP));
    const victim = await sessionOfTab(1);

    const frame = frameOf(sender(2, 0, SHOP));
    frame.dispatch(
      pageMessage([
        { ...lifecycle('attacker:1'), sessionId: victim.session.id },
        { ...lifecycle('attacker:2'), tabId: 1 },
        { ...lifecycle('attacker:3'), frameId: 0 },
        // Same id as the victim's record, other content: ids are unique per session, so this is
        // the attacker's own record, and the victim's stays as it was.
        { ...lifecycle('victim:1', 'https://shop.example/attacker-was-here'), event: 'pagehide' },
        lifecycle('attacker:4'),
      ]),
    );
    await frame.settled();

    expect(await store.recordsOf(victim.session.id)).toEqual(victim.records);
    const attacker = await sessionOfTab(2);
    expect(attacker.records.filter((r) => r.kind !== 'bridge-stats').map((r) => [r.id, r.sessionId]).sort()).toEqual([
      ['attacker:4', attacker.session.id],
      ['victim:1', attacker.session.id],
    ]);
    expect(droppedIn(attacker.records)).toEqual({ 'record-forged-provenance': 3 });
  });

  it('refuses a message with no tab (not from a content script) and stores nothing', async () => {
    const reply = await service.handleBridgeMessage(bridgeMessage([lifecycle('p:1')]), { url: SHOP, frameId: 0 });
    expect(reply).toEqual({ ok: false, error: 'no-tab', retry: false });
    expect(await store.listSessions()).toEqual([]);
  });
});

describe('malformed page messages are dropped and counted', () => {
  it('drops every malformed message and record a page can dispatch, and stores the counts in its own session', async () => {
    const frame = frameOf(sender(3, 0, SHOP));
    const valid = lifecycle('good:1');
    const tooMany = Array.from({ length: MAX_RECORDS_PER_MESSAGE + 1 }, (_, i) => lifecycle(`flood:${i}`));

    frame.dispatch({ not: 'text' });
    frame.dispatch('not json {');
    frame.dispatch(JSON.stringify({ [WINDOW_TAG]: 2, type: 'records', records: [valid] }));
    frame.dispatch(JSON.stringify({ [WINDOW_TAG]: PROTOCOL_VERSION, type: 'eval', records: [valid] }));
    frame.dispatch(JSON.stringify({ [WINDOW_TAG]: PROTOCOL_VERSION, type: 'records', records: { 0: valid } }));
    frame.dispatch(pageMessage(tooMany));
    frame.dispatch(
      pageMessage([
        'a string',
        null,
        [valid],
        { ...valid, id: undefined },
        { ...valid, id: 'x'.repeat(201) },
        { ...valid, at: 'yesterday' },
        { ...valid, seq: null },
        { ...valid, kind: 'script' },
        { ...valid, event: 'click' },
        { ...valid, frameUrl: 42 },
        { ...valid, topFrame: 'yes' },
        { ...call('c:1', SHOP), method: 'eval' },
        { ...call('c:2', SHOP), args: 'Signed Up' },
        { ...call('c:3', SHOP), instance: { key: 'i1', shape: 'jquery', writeKey: null, global: null } },
        { id: 's:1', seq: 1, at: NOW, kind: 'storage', frameUrl: SHOP, snapshot: { cookie: 'ajs_user_id=1' }, changed: [], trigger: 'x' },
        valid,
      ]),
    );
    await frame.settled();

    const { records } = await sessionOfTab(3);
    expect(records.filter((r) => r.kind !== 'bridge-stats').map((r) => r.id)).toEqual(['good:1']);
    expect(droppedIn(records)).toEqual({
      'message-not-text': 1,
      'message-not-json': 1,
      'message-bad-version': 1,
      'message-unknown-type': 1,
      'message-bad-records': 1,
      'message-too-many-records': 1,
      'record-not-object': 3,
      'record-bad-id': 2,
      'record-bad-time': 2,
      'record-unknown-kind': 1,
      'record-bad-lifecycle': 3,
      'record-bad-call': 3,
      'record-bad-storage': 1,
    });
  });

  it('drops records carrying __proto__ keys at any depth, keeps constructor and prototype as data, and nothing is polluted', async () => {
    const frame = frameOf(sender(4, 0, SHOP));
    // Written as JSON text: JSON.parse makes these own keys, as a page's text would.
    const valid = JSON.stringify(lifecycle('good:1'));
    const withKey = (json: string, key: string, value: string) => json.replace(/^\{/, `{"${key}":${value},`);
    const pollutingCall = JSON.stringify(call('c:1', SHOP, ['Signed Up', { plan: 'pro' }])).replace('{"plan":"pro"}', '{"plan":"pro","__proto__":{"polluted":"yes"}}');
    const constructorTrait = JSON.stringify(call('c:2', SHOP, [{ constructor: { prototype: { polluted: 'yes' } } }]));
    frame.dispatch(
      `{"${WINDOW_TAG}":${PROTOCOL_VERSION},"type":"records","records":[` +
        [
          withKey(JSON.stringify(lifecycle('p:1')), '__proto__', '{"sessionId":"s-victim","tabId":1,"polluted":"yes"}'),
          withKey(JSON.stringify(lifecycle('p:2')), 'constructor', '{"prototype":{"polluted":"yes"}}'),
          withKey(JSON.stringify(lifecycle('p:3')), 'prototype', '{"polluted":"yes"}'),
          pollutingCall,
          constructorTrait,
          valid,
        ].join(',') +
        ']}',
    );
    await frame.settled();

    const { records } = await sessionOfTab(4);
    expect(records.filter((r) => r.kind !== 'bridge-stats').map((r) => r.id).sort()).toEqual(['c:2', 'good:1', 'p:2', 'p:3']);
    expect(droppedIn(records)).toEqual({ 'record-forbidden-key': 2 });
    const kept = records.find((r) => r.id === 'c:2');
    expect(kept?.kind === 'call' ? kept.args[0] : null).toEqual({ constructor: { prototype: { polluted: 'yes' } } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('validates again in the background what a compromised content script sends past the bridge', async () => {
    const reply = await service.handleBridgeMessage(
      bridgeMessage(
        [
          lifecycle('good:1'),
          { ...lifecycle('p:1'), kind: 'navigation' },
          { ...lifecycle('p:2'), tabId: 9 },
          JSON.parse(`{"__proto__":{"kind":"call"},${JSON.stringify(lifecycle('p:3')).slice(1)}`),
          'record',
        ],
        { 'message-not-json': 2, bogus: 'many', negative: -4, infinite: Number.POSITIVE_INFINITY, constructor: 3, ['x'.repeat(101)]: 1 },
      ),
      sender(5, 0, SHOP),
    );
    expect(reply).toMatchObject({ ok: true, stored: 2 });
    const { records } = await sessionOfTab(5);
    expect(records.filter((r) => r.kind !== 'bridge-stats').map((r) => r.id)).toEqual(['good:1']);
    expect(droppedIn(records)).toEqual({
      'message-not-json': 2,
      // An own key like any other: a bogus reason name is shown as it came, never merged into a prototype.
      constructor: 3,
      'record-unknown-kind': 1,
      'record-forged-provenance': 1,
      'record-forbidden-key': 1,
      'record-not-object': 1,
    });
  });

  it.each([
    ['a string', 'identity-lens', 'not-ours'],
    ['null', null, 'not-ours'],
    ['an array', [bridgeMessage([lifecycle('p:1')])], 'not-ours'],
    ['another channel', { ...bridgeMessage([lifecycle('p:1')]), channel: 'other' }, 'not-ours'],
    ['another version', { ...bridgeMessage([lifecycle('p:1')]), version: 2 }, 'bad-version'],
    ['another type', { ...bridgeMessage([lifecycle('p:1')]), type: 'ui-request' }, 'unknown-type'],
    ['records not an array', { ...bridgeMessage([]), records: { 0: lifecycle('p:1') } }, 'malformed'],
    ['no batch number', { ...bridgeMessage([lifecycle('p:1')]), batch: '1' }, 'malformed'],
    ['dropped not an object', { ...bridgeMessage([lifecycle('p:1')]), dropped: 3 }, 'malformed'],
    ['too many records', bridgeMessage(Array.from({ length: MAX_RECORDS_PER_MESSAGE + 1 }, (_, i) => lifecycle(`f:${i}`))), 'too-many-records'],
  ])('refuses for good a runtime message that is %s, and stores nothing', async (_what, message, error) => {
    expect(await service.handleBridgeMessage(message, sender(6, 0, SHOP))).toEqual({ ok: false, error, retry: false });
    expect(await store.listSessions()).toEqual([]);
  });
});

describe('a record cannot claim another origin than its frame', () => {
  it("drops records whose frameUrl is not the sending frame's origin, and counts them", async () => {
    const fromWidget = sender(7, 2, WIDGET);
    const reply = await service.handleBridgeMessage(
      bridgeMessage([
        lifecycle('w:1', 'https://widget.example/embed?x=1'),
        // Same origin, another path or query: pushState, or a record from before a same-origin navigation.
        call('w:2', 'https://widget.example/checkout#step-2'),
        call('w:3', SHOP),
        lifecycle('w:4', 'https://shop.example.evil.example/'),
        lifecycle('w:5', 'http://widget.example/embed?x=1'),
        lifecycle('w:6', 'https://widget.example:8443/embed'),
        lifecycle('w:7', 'javascript:alert(1)'),
        lifecycle('w:8', 'not a url'),
        lifecycle('w:9', 'about:blank'),
        // Records with no frameUrl claim no origin.
        { id: 'w:10', seq: 3, at: NOW, kind: 'call-result', callId: 'w:2', outcome: 'returned', messageId: null, error: null },
      ]),
      fromWidget,
    );
    expect(reply).toMatchObject({ ok: true, stored: 4 });
    const { records } = await sessionOfTab(7);
    expect(records.filter((r) => r.kind !== 'bridge-stats').map((r) => r.id)).toEqual(['w:1', 'w:2', 'w:10']);
    expect(droppedIn(records)).toEqual({ 'record-forged-origin': 7 });
  });

  it('accepts records of about:blank and about:srcdoc frames, which inherit their origin, and nothing else from them', async () => {
    await service.handleBridgeMessage(bridgeMessage([lifecycle('b:1', 'about:blank'), lifecycle('b:2', 'https://evil.example/')]), sender(8, 3, 'about:blank'));
    await service.handleBridgeMessage(bridgeMessage([lifecycle('d:1', 'about:srcdoc'), lifecycle('d:2', 'about:blank')]), sender(8, 4, 'about:srcdoc'));
    // A document.open()ed about:blank frame reports its creator's URL; Chrome gives the inherited origin as sender.origin.
    await service.handleBridgeMessage(
      bridgeMessage([lifecycle('o:1', 'https://shop.example/cart'), lifecycle('o:2', 'https://evil.example/')]),
      sender(8, 5, 'about:blank', { origin: 'https://shop.example' }),
    );
    const { records } = await sessionOfTab(8);
    expect(records.filter((r) => r.kind !== 'bridge-stats').map((r) => r.id)).toEqual(['b:1', 'd:1', 'o:1']);
    expect(droppedIn(records)).toEqual({ 'record-forged-origin': 3 });
  });

  it("uses the tab's URL for a top frame whose sender has no URL, and drops what cannot be checked", async () => {
    await service.handleBridgeMessage(bridgeMessage([lifecycle('t:1', SHOP), lifecycle('t:2', WIDGET)]), { tab: { id: 9, url: SHOP }, frameId: 0 });
    await service.handleBridgeMessage(bridgeMessage([lifecycle('t:3', SHOP)]), { tab: { id: 9, url: SHOP }, frameId: 6 });
    const { records } = await sessionOfTab(9);
    expect(records.filter((r) => r.kind !== 'bridge-stats').map((r) => r.id)).toEqual(['t:1']);
    expect(droppedIn(records)).toEqual({ 'record-forged-origin': 2 });
  });

  it('the hook\'s own records, relayed by the bridge from the frame they describe, all pass', async () => {
    const frame = frameOf(sender(10, 0, 'https://shop.example/cart?step=1'));
    frame.dispatch(pageMessage([lifecycle('h:1', 'https://shop.example/cart?step=1'), call('h:2', 'https://shop.example/cart?step=2')]));
    await frame.settled();
    const { records } = await sessionOfTab(10);
    expect(records.map((r) => r.id)).toEqual(['h:1', 'h:2']);
  });
});
