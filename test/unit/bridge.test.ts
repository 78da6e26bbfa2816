import { describe, expect, it } from 'vitest';
import { createBridge, MAX_RECORDS_PER_BATCH, type BridgeTransport } from '../../src/bridge/bridge';
import { PROTOCOL_VERSION, WINDOW_TAG, type BridgeToBackground } from '../../src/protocol/messages';
import type { PageRecord } from '../../src/protocol/records';

function lifecycle(id: string): PageRecord {
  return { id, seq: 1, at: 1, kind: 'lifecycle', event: 'load', frameUrl: 'https://shop.example/', topFrame: true };
}

/** A transport whose background can be switched off, like a stopped MV3 service worker. */
function fakeTransport() {
  let pageListener: (detail: unknown) => void = () => {};
  const timers: Array<() => void> = [];
  const sent: BridgeToBackground[] = [];
  const toPage: unknown[] = [];
  const state = { backgroundUp: true };
  const transport: BridgeTransport = {
    listenToPage: (callback) => {
      pageListener = callback;
    },
    postToPage: (message) => toPage.push(message),
    sendToBackground: async (message) => {
      sent.push(message);
      if (!state.backgroundUp) throw new Error('Could not establish connection. Receiving end does not exist.');
      return { ok: true, stored: message.records.length, sessionId: 's1' };
    },
    setTimer: (callback) => {
      timers.push(callback);
    },
  };
  const page = (message: unknown) => pageListener(typeof message === 'string' ? message : JSON.stringify(message));
  const runTimers = () => timers.splice(0).forEach((t) => t());
  return { transport, page, runTimers, sent, toPage, state };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('bridge', () => {
  it('announces itself, and answers a hook that says hello later', () => {
    const fake = fakeTransport();
    createBridge(fake.transport);
    fake.page({ [WINDOW_TAG]: PROTOCOL_VERSION, type: 'hello' });
    expect(fake.toPage).toEqual([
      { [WINDOW_TAG]: PROTOCOL_VERSION, type: 'bridge-ready' },
      { [WINDOW_TAG]: PROTOCOL_VERSION, type: 'bridge-ready' },
    ]);
  });

  it('relays valid records at once and forgets them once acknowledged', async () => {
    const fake = fakeTransport();
    const bridge = createBridge(fake.transport);
    fake.page({ [WINDOW_TAG]: PROTOCOL_VERSION, type: 'records', records: [lifecycle('a'), lifecycle('b')] });
    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]?.records.map((r) => r.id)).toEqual(['a', 'b']);
    await settle();
    expect(bridge.unacknowledged).toBe(0);
  });

  it('keeps records while the background is down and resends them until acknowledged', async () => {
    const fake = fakeTransport();
    const bridge = createBridge(fake.transport);
    fake.state.backgroundUp = false;
    fake.page({ [WINDOW_TAG]: PROTOCOL_VERSION, type: 'records', records: [lifecycle('a')] });
    await settle();
    expect(bridge.pending).toBe(1);
    fake.runTimers();
    await settle();
    expect(bridge.pending).toBe(1);
    fake.state.backgroundUp = true;
    fake.runTimers();
    await settle();
    expect(bridge.pending + bridge.unacknowledged).toBe(0);
    expect(fake.sent.map((m) => m.records.map((r) => r.id))).toEqual([['a'], ['a'], ['a']]);
  });

  it('drops malformed and forged page messages, counts them, and reports the counts', async () => {
    const fake = fakeTransport();
    createBridge(fake.transport);
    fake.page('not json {');
    fake.page({ [WINDOW_TAG]: 99, type: 'records', records: [] });
    fake.page({
      [WINDOW_TAG]: PROTOCOL_VERSION,
      type: 'records',
      records: [{ ...lifecycle('forged'), tabId: 7, sessionId: 'other-tab' }, { id: 'x', kind: 'nope', at: 1, seq: 1 }, lifecycle('ok')],
    });
    const last = fake.sent[fake.sent.length - 1];
    expect(last?.records.map((r) => r.id)).toEqual(['ok']);
    const dropped: Record<string, number> = {};
    for (const message of fake.sent) for (const [k, v] of Object.entries(message.dropped)) dropped[k] = (dropped[k] ?? 0) + v;
    expect(dropped).toEqual({ 'message-not-json': 1, 'message-bad-version': 1, 'record-forged-provenance': 1, 'record-unknown-kind': 1 });
  });

  it('ignores DOM events that are not ours without counting them', () => {
    const fake = fakeTransport();
    const bridge = createBridge(fake.transport);
    fake.page({ hello: 'world' });
    expect(fake.sent).toHaveLength(0);
    expect(bridge.dropped).toEqual({});
  });
});

describe('a background out of room', () => {
  function fullBackground() {
    const fake = fakeTransport();
    const room = { full: true };
    fake.transport.sendToBackground = async (message) => {
      fake.sent.push(message);
      return room.full ? { ok: false, error: 'storage-full', retry: true } : { ok: true, stored: message.records.length, sessionId: 's1' };
    };
    return { ...fake, room };
  }
  const many = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => lifecycle(`${prefix}${i}`));

  it('is sent one batch per retry while it refuses, new records wait, and everything is stored once there is room', async () => {
    const fake = fullBackground();
    const bridge = createBridge(fake.transport);
    fake.page({ [WINDOW_TAG]: PROTOCOL_VERSION, type: 'records', records: many('a', MAX_RECORDS_PER_BATCH + 500) });
    await settle();
    expect(fake.sent).toHaveLength(2); // the first flush splits the records as usual
    // The page goes on calling while capture is paused: nothing is sent until the retry.
    for (let i = 0; i < 20; i += 1) fake.page({ [WINDOW_TAG]: PROTOCOL_VERSION, type: 'records', records: [lifecycle(`b${i}`)] });
    await settle();
    expect(fake.sent).toHaveLength(2);
    for (let retry = 0; retry < 3; retry += 1) {
      fake.runTimers();
      await settle();
    }
    // One batch per retry, not the whole backlog each time.
    expect(fake.sent).toHaveLength(5);
    expect(bridge.pending + bridge.unacknowledged).toBe(MAX_RECORDS_PER_BATCH + 520);
    fake.room.full = false;
    fake.runTimers();
    await settle();
    fake.runTimers();
    await settle();
    expect(bridge.pending + bridge.unacknowledged).toBe(0);
    const delivered = new Set(fake.sent.slice(5).flatMap((m) => m.records.map((r) => r.id)));
    expect(delivered.size).toBe(MAX_RECORDS_PER_BATCH + 520);
  });

  it('is told apart from a stopped worker: new records go at once to a background that did not answer, as the send wakes it', async () => {
    const fake = fakeTransport();
    createBridge(fake.transport);
    fake.state.backgroundUp = false;
    fake.page({ [WINDOW_TAG]: PROTOCOL_VERSION, type: 'records', records: [lifecycle('a')] });
    await settle();
    fake.state.backgroundUp = true;
    fake.page({ [WINDOW_TAG]: PROTOCOL_VERSION, type: 'records', records: [lifecycle('b')] });
    expect(fake.sent.map((m) => m.records.map((r) => r.id))).toEqual([['a'], ['a', 'b']]);
  });

  it('still sends everything at once when the page is going away (the hook flushed at pagehide)', async () => {
    const fake = fullBackground();
    createBridge(fake.transport);
    fake.page({ [WINDOW_TAG]: PROTOCOL_VERSION, type: 'records', records: [lifecycle('a')] });
    await settle();
    fake.room.full = false;
    const pagehide = { ...lifecycle('bye'), event: 'pagehide', persisted: false };
    fake.page({ [WINDOW_TAG]: PROTOCOL_VERSION, type: 'records', records: [lifecycle('b'), pagehide] });
    expect(fake.sent.at(-1)?.records.map((r) => r.id)).toEqual(['a', 'b', 'bye']);
  });
});

describe('bridge refusals', () => {
  it('does not resend a batch the background refuses for good, and counts it', async () => {
    const fake = fakeTransport();
    fake.transport.sendToBackground = async (message) => {
      fake.sent.push(message);
      return { ok: false, error: 'bad-version', retry: false };
    };
    const bridge = createBridge(fake.transport);
    fake.page({ [WINDOW_TAG]: PROTOCOL_VERSION, type: 'records', records: [lifecycle('a'), lifecycle('b')] });
    await settle();
    fake.runTimers();
    await settle();
    expect(fake.sent).toHaveLength(1);
    expect(bridge.pending + bridge.unacknowledged).toBe(0);
    expect(bridge.dropped).toEqual({ 'refused-bad-version': 2 });
  });
});
