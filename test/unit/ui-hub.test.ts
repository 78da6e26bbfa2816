import { describe, expect, it } from 'vitest';
import { openLensDatabase } from '../../src/capture/db';
import { createSessionStore } from '../../src/capture/session-store';
import { createUiHub, type UiPort } from '../../src/capture/ui-hub';
import type { BackgroundToUi, CaptureStatus } from '../../src/protocol/ui-messages';
import { sessionOf } from './helpers/fake-ui-transport';
import { createSessionBuilder } from './helpers/session-builder';

function fakePort() {
  const received: BackgroundToUi[] = [];
  let onMessage: (message: unknown) => void = () => {};
  let onDisconnect: () => void = () => {};
  const port: UiPort = {
    postMessage: (message) => received.push(message),
    onMessage: (listener) => (onMessage = listener),
    onDisconnect: (listener) => (onDisconnect = listener),
  };
  return { port, received, send: (message: unknown) => onMessage(message), disconnect: () => onDisconnect() };
}

const CHUNK = 50;
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/** Until the snapshot's last chunk arrived (fake IndexedDB reads a large session in a few hundred ms). */
async function snapshotDone(received: BackgroundToUi[]): Promise<void> {
  for (let i = 0; i < 250 && !received.some((m) => m.type === 'snapshot' && m.done); i += 1) await settle();
}

describe('UI hub', () => {
  it('answers a subscription with a chunked snapshot, then forwards what is stored for the session', async () => {
    const db = await openLensDatabase('hub-1');
    const store = createSessionStore(db);
    const s = createSessionBuilder();
    for (let i = 0; i < 40; i += 1) s.page.track('Burst', { i });
    const { records } = sessionOf(s.records, 'live');
    await db.put('sessions', { id: 'live', tabId: 5, openTabId: 5, title: 't', startedAt: 0, endedAt: null, pages: [], currentUrl: null, recordCount: records.length, apiHosts: [] });
    const tx = db.transaction('records', 'readwrite');
    await Promise.all([...records.map((r) => tx.store.put(r)), tx.done]);
    const hub = createUiHub({
      openSession: (tabId) => store.openSession(tabId),
      getSession: (id) => db.get('sessions', id),
      streamRecords: (id, size, onChunk) => store.streamRecords(id, size, onChunk),
      findingsOf: async () => [],
      chunkSize: CHUNK,
    });
    const ui = fakePort();
    hub.connect(ui.port);
    ui.send({ type: 'subscribe', target: { tabId: 5 } });
    await snapshotDone(ui.received);
    const snapshots = ui.received.filter((m) => m.type === 'snapshot');
    expect(snapshots.length).toBe(Math.ceil(records.length / CHUNK));
    expect(snapshots.length).toBeGreaterThan(2);
    expect(snapshots.map((m) => m.type === 'snapshot' && m.done)).toEqual([...Array(snapshots.length - 1).fill(false), true]);
    expect(snapshots.reduce((n, m) => n + (m.type === 'snapshot' ? m.records.length : 0), 0)).toBe(records.length);

    hub.publishRecords('live', 5, [records[0] as never]);
    hub.publishFindings('live', 5, []);
    hub.publishRecords('other-session-of-another-tab', 6, [records[0] as never]);
    expect(ui.received.slice(snapshots.length).map((m) => m.type)).toEqual(['records', 'findings']);

    ui.disconnect();
    expect(hub.size).toBe(0);
  });

  it('sends a new snapshot when the followed tab starts a new session, and ignores malformed subscriptions', async () => {
    const db = await openLensDatabase('hub-2');
    const store = createSessionStore(db);
    const hub = createUiHub({
      openSession: (tabId) => store.openSession(tabId),
      getSession: (id) => db.get('sessions', id),
      streamRecords: (id, size, onChunk) => store.streamRecords(id, size, onChunk),
      findingsOf: async () => [],
    });
    const ui = fakePort();
    hub.connect(ui.port);
    ui.send({ type: 'subscribe', target: { tabId: 'seven' } });
    ui.send({ type: 'subscribe', target: { tabId: 7 } });
    await settle();
    expect(ui.received).toEqual([{ type: 'snapshot', session: null, findings: [], records: [], done: true }]);
    await db.put('sessions', { id: 'new', tabId: 7, openTabId: 7, title: 't', startedAt: 0, endedAt: null, pages: [], currentUrl: null, recordCount: 0, apiHosts: [] });
    hub.publishRecords('new', 7, []);
    await settle();
    expect(ui.received.at(-1)).toMatchObject({ type: 'snapshot', session: { id: 'new' }, done: true });
  });
});

describe('capture status', () => {
  it('tells every UI the status as it subscribes, and every change, whatever it follows', async () => {
    let status: CaptureStatus = { state: 'paused-storage-full', since: 1, error: 'QuotaExceededError: full' };
    const hub = createUiHub({
      openSession: async () => undefined,
      getSession: async () => undefined,
      streamRecords: async () => 0,
      findingsOf: async () => [],
      captureStatus: async () => status,
    });
    const [panel, library] = [fakePort(), fakePort()];
    hub.connect(panel.port);
    hub.connect(library.port);
    panel.send({ type: 'subscribe', target: { tabId: 5 } });
    library.send({ type: 'subscribe', target: { sessionId: 'stored' } });
    await settle();
    expect(panel.received).toContainEqual({ type: 'capture-status', status });
    expect(library.received).toContainEqual({ type: 'capture-status', status });
    status = { state: 'capturing' };
    hub.publishCaptureStatus(status);
    expect(panel.received.at(-1)).toEqual({ type: 'capture-status', status: { state: 'capturing' } });
    expect(library.received.at(-1)).toEqual({ type: 'capture-status', status: { state: 'capturing' } });
  });
});
