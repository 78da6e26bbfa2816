import { beforeEach, describe, expect, it } from 'vitest';
import { DB_VERSION, openLensDatabase, type LensDatabase, type StoredRecord } from '../../src/capture/db';
import { createSessionStore, type SessionStore } from '../../src/capture/session-store';
import { compareRecords } from '../../src/core/link-records';
import type { CookieRecord, PageRecord } from '../../src/protocol/records';
import { openDatabaseAtVersion } from './helpers/old-database';

let db: LensDatabase;
let store: SessionStore;
let dbCounter = 0;
const FRAME = 'https://shop.example/';
const TAB = { tabId: 4, frameId: 0 };

/** A call record of page load `document`, numbered `n`, made at `at`. */
const call = (document: string, n: number, at: number): PageRecord =>
  ({ id: `${document}:${n}`, seq: n, at, kind: 'call', callId: `${document}:${n}`, method: 'track', args: ['Clicked', { n }], frameUrl: FRAME, topFrame: true, source: 'analytics-next', stack: null }) as unknown as PageRecord;

const cookieSnapshot = (id: string, at: number, seq: number): CookieRecord => ({ id, at, seq, kind: 'cookie', change: 'snapshot', cause: null, url: FRAME, cookies: [], previous: null });

const idsOf = (records: readonly { id: string }[]) => records.map((r) => r.id);

beforeEach(async () => {
  db = await openLensDatabase(`store-${(dbCounter += 1)}`);
  let ids = 0;
  store = createSessionStore(db, { now: () => 1_000, randomId: () => `${(ids += 1)}-session` });
});

describe('page records, many to a row', () => {
  it('stores a batch sent again, or regrouped with newer records, once', async () => {
    const session = await store.sessionForTab(4, FRAME, 1_000);
    const first = [1, 2, 3, 4].map((n) => call('pl', n, 1_000 + n));
    expect(await store.appendRecords(session, TAB, first)).toBe(4);
    // The reply was lost: the bridge sends the batch again, and then regrouped in front of newer records.
    expect(await store.appendRecords(session, TAB, first)).toBe(0);
    const regrouped = [3, 4, 5, 6].map((n) => call('pl', n, 1_000 + n));
    expect(await store.appendRecords(session, TAB, regrouped)).toBe(2);
    const records = await store.recordsOf(session.id);
    expect(idsOf(records)).toEqual(['pl:1', 'pl:2', 'pl:3', 'pl:4', 'pl:5', 'pl:6']);
    expect(records[0]).toMatchObject({ sessionId: session.id, tabId: 4, frameId: 0 });
    const stored = await store.getSession(session.id);
    expect(stored?.recordCount).toBe(6);
    expect(await store.countCalls(stored!)).toBe(6);
    expect(await db.count('pageBatches')).toBe(2);
    expect(await db.getAll('pageDocuments')).toEqual([{ sessionId: session.id, document: 'pl', seen: [1, 6] }]);
  });

  it('keeps record ids apart per session and per page load', async () => {
    const a = await store.sessionForTab(1, FRAME, 1_000);
    const b = await store.sessionForTab(2, FRAME, 1_000);
    expect(await store.appendRecords(a, TAB, [call('pl', 1, 1_001), call('other', 1, 1_002)])).toBe(2);
    expect(await store.appendRecords(b, TAB, [call('pl', 1, 1_003)])).toBe(1);
    expect(idsOf(await store.recordsOf(a.id))).toEqual(['pl:1', 'other:1']);
    expect(idsOf(await store.recordsOf(b.id))).toEqual(['pl:1']);
  });

  it("keeps the background's records a row each, refusing an id twice", async () => {
    const session = await store.sessionForTab(4, FRAME, 1_000);
    const cookie = cookieSnapshot('cookie:1', 1_005, 1);
    expect(await store.appendRecords(session, TAB, [call('pl', 1, 1_001), cookie])).toBe(2);
    expect(await store.appendRecords(session, TAB, [cookie])).toBe(0);
    expect(idsOf(await db.getAll('records'))).toEqual(['cookie:1']);
    expect((await store.getSession(session.id))?.recordCount).toBe(2);
  });

  it('streams every record once, in time order, across overlapping rows and the background records, in the chunks asked for', async () => {
    const session = await store.sessionForTab(4, FRAME, 0);
    // Two frames whose batches overlap in time, and background records in between.
    let n = 0;
    for (let batch = 0; batch < 30; batch += 1) {
      const top = Array.from({ length: 7 }, (_, i) => call('top', batch * 7 + i + 1, batch * 10 + i * 2));
      const frame = Array.from({ length: 5 }, (_, i) => call('frame', batch * 5 + i + 1, batch * 10 + 3 + i * 3));
      const background = batch % 3 === 0 ? [cookieSnapshot(`cookie:${batch}`, batch * 10 + 5, (n += 1))] : [];
      await store.appendRecords(session, TAB, top);
      await store.appendRecords(session, { tabId: 4, frameId: 1 }, frame);
      if (background.length) await store.appendRecords(session, TAB, background);
    }
    const chunks: StoredRecord[][] = [];
    const total = await store.streamRecords(session.id, (index) => (index === 0 ? 10 : 50), (chunk) => chunks.push(chunk));
    const streamed = chunks.flat();
    expect(total).toBe(30 * 12 + 10);
    expect(chunks.map((c) => c.length)).toEqual([10, 50, 50, 50, 50, 50, 50, 50, 10]);
    expect(idsOf(streamed)).toEqual(idsOf([...streamed].sort(compareRecords)));
    expect(idsOf(streamed)).toEqual(idsOf(await store.recordsOf(session.id)));
    expect(new Set(idsOf(streamed)).size).toBe(total);
  });

  it('streams an empty session as one empty chunk', async () => {
    const session = await store.sessionForTab(4, FRAME, 0);
    const chunks: StoredRecord[][] = [];
    expect(await store.streamRecords(session.id, 10, (chunk) => chunks.push(chunk))).toBe(0);
    expect(chunks).toEqual([[]]);
  });

  it('deletes a session with its page batches and page loads, and nothing of another session', async () => {
    const gone = await store.sessionForTab(1, FRAME, 0);
    const kept = await store.sessionForTab(2, FRAME, 0);
    await store.appendRecords(gone, TAB, [call('pl', 1, 1), cookieSnapshot('cookie:1', 2, 1)]);
    await store.appendRecords(kept, TAB, [call('pl', 1, 1)]);
    await store.endSession(1, 5);
    expect(await store.deleteSession(gone.id)).toMatchObject({ id: gone.id });
    expect((await db.getAll('pageBatches')).map((b) => b.sessionId)).toEqual([kept.id]);
    expect((await db.getAll('pageDocuments')).map((d) => d.sessionId)).toEqual([kept.id]);
    expect(await db.getAll('records')).toEqual([]);
  });
});

describe('schema upgrade to page batches (v3)', () => {
  it('reads records stored one per row before, together with new batches, and counts the calls of both', async () => {
    const dbName = `v2-${(dbCounter += 1)}`;
    const v2 = await openDatabaseAtVersion(dbName, 2);
    await v2.put('sessions', { id: 'open', tabId: 4, openTabId: 4, title: 'shop', startedAt: 0, endedAt: null, pages: [], currentUrl: FRAME, recordCount: 2, apiHosts: [] });
    for (const record of [call('old', 1, 10), call('old', 2, 30)]) await v2.put('records', { ...record, sessionId: 'open', ...TAB } as StoredRecord);
    v2.close();

    db = await openLensDatabase(dbName);
    expect(db.version).toBe(DB_VERSION);
    expect([...db.transaction('records').store.indexNames].sort()).toEqual(['bySessionKind', 'bySessionTime']);
    store = createSessionStore(db);
    const session = (await store.openSession(4))!;
    expect(await store.appendRecords(session, TAB, [call('new', 1, 20), call('new', 2, 40)])).toBe(2);
    const chunks: StoredRecord[][] = [];
    await store.streamRecords('open', 1, (chunk) => chunks.push(chunk));
    expect(idsOf(chunks.flat())).toEqual(['old:1', 'new:1', 'old:2', 'new:2']);
    const upgraded = (await store.getSession('open'))!;
    expect(upgraded.recordCount).toBe(4);
    expect(await store.countCalls(upgraded)).toBe(4);
  });
});
