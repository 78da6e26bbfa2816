import { forceCloseDatabase } from 'fake-indexeddb';
import { unwrap } from 'idb';
import { beforeEach, describe, expect, it } from 'vitest';
import { createBridge } from '../../src/bridge/bridge';
import { createCaptureService, type CaptureService } from '../../src/capture/capture-service';
import { createCaptureStatus, type CaptureStatusService } from '../../src/capture/capture-status';
import { keepLensDatabaseOpen, openLensDatabase, type LensDatabase } from '../../src/capture/db';
import { footprintOf } from '../../src/capture/retention';
import { createRetentionService, parseNotice, RECORDS_BETWEEN_CHECKS, type RetentionService } from '../../src/capture/retention-service';
import { createSessionStore, type SessionStore } from '../../src/capture/session-store';
import type { RetentionSettings } from '../../src/capture/settings';
import { isStorageFull, isStorageUnavailable } from '../../src/capture/storage-errors';
import { pageRecordsMessage, PROTOCOL_VERSION, WINDOW_TAG } from '../../src/protocol/messages';
import type { PageRecord } from '../../src/protocol/records';
import type { CaptureStatus, RetentionNotice } from '../../src/protocol/ui-messages';

/** What one stored record weighs in these tests' simulated usage figure. */
const RECORD_BYTES = 1000;

let db: LensDatabase;
let store: SessionStore;
let capture: CaptureService;
let retention: RetentionService;
let status: CaptureStatusService;
let now: number;
let settings: RetentionSettings;
let notice: RetentionNotice | null;
let savedStatus: CaptureStatus | null;
let published: CaptureStatus[];
let timers: Array<() => void>;
/** Records the "disk" holds; a write beyond it is refused with the browser's QuotaExceededError. */
let capacity: number;
/** The simulated usage figure lags deletions when set: it reports this instead. */
let frozenUsage: number | null;
let freeSpaceCalls: number;
let dbCounter = 0;

/** Every record on disk: the background's own rows and the page batches (schema v3). */
const allStoredRecords = async () => [...(await db.getAll('records')), ...(await db.getAll('pageBatches')).flatMap((batch) => batch.records)];
const storedRecordCount = async (): Promise<number> => (await allStoredRecords()).length;

const lifecycle = (id: string): PageRecord => ({ id, seq: 1, at: now, kind: 'lifecycle', event: 'load', frameUrl: 'https://shop.example/', topFrame: true });
const records = (prefix: string, count: number): PageRecord[] => Array.from({ length: count }, (_, i) => lifecycle(`${prefix}:${i}`));
const sender = (tabId: number) => ({ tab: { id: tabId, url: 'https://shop.example/' }, frameId: 0, url: 'https://shop.example/' });
const runTimers = () => timers.splice(0).forEach((t) => t());

/** A session of `count` records on `tabId`, ended (its tab closed) unless `open`. */
async function recordSession(tabId: number, count: number, open = false): Promise<string> {
  now += 1000;
  const reply = await capture.handleBridgeMessage(pageRecordsMessage(1, records(`t${tabId}`, count)), sender(tabId));
  if (!reply.ok) throw new Error(`not stored: ${reply.error}`);
  if (!open) await capture.handleTabRemoved(tabId);
  return reply.sessionId;
}

beforeEach(async () => {
  now = 1_790_000_000_000;
  settings = { maxSessions: 100, maxMegabytes: 500 };
  notice = null;
  savedStatus = null;
  published = [];
  timers = [];
  capacity = Number.POSITIVE_INFINITY;
  frozenUsage = null;
  freeSpaceCalls = 0;
  db = await openLensDatabase(`limits-${(dbCounter += 1)}`);
  let ids = 0;
  const clock = { now: () => now, randomId: () => `id${(ids += 1)}-aaaaaaaa` };
  const realStore = createSessionStore(db, clock);
  store = {
    ...realStore,
    // A disk with room for `capacity` records: the write is refused as Chromium refuses it, whole.
    async appendRecords(session, provenance, batch) {
      if ((await storedRecordCount()) + batch.length > capacity) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return realStore.appendRecords(session, provenance, batch);
    },
  };
  status = createCaptureStatus({
    load: async () => savedStatus,
    save: async (next) => void (savedStatus = next),
    publish: (next) => published.push(next),
    now: () => now,
  });
  retention = createRetentionService({
    listSessions: async () => (await realStore.listSessions()).map(footprintOf),
    deleteSessions: (ids) => capture.deleteSessions(ids),
    usage: async () => frozenUsage ?? (await storedRecordCount()) * RECORD_BYTES,
    settings: async () => settings,
    loadNotice: async () => notice,
    saveNotice: async (next) => void (notice = next),
    now: () => now,
    later: (callback) => timers.push(callback),
  });
  capture = createCaptureService({
    store,
    clock,
    getCookies: async () => [],
    userApiHosts: async () => [],
    room: {
      isPaused: () => status.isPaused(),
      freeSpace: () => {
        freeSpaceCalls += 1;
        return retention.freeSpace();
      },
      paused: (error) => status.paused(error),
      stored: () => status.stored(),
    },
  });
});

describe('retention', () => {
  it('evicts the oldest ended sessions beyond the count, with their records and findings, and leaves a notice', async () => {
    const [first, second, third] = [await recordSession(1, 3), await recordSession(2, 3), await recordSession(3, 3)];
    const live = await recordSession(4, 3, true);
    await db.put('findings', { id: 'f1', sessionId: first, rule: 'reset-called', severity: 'info', message: 'm', recordIds: [], at: now, scope: 'https://shop.example' });
    settings = { maxSessions: 2, maxMegabytes: 500 };
    const plan = await retention.enforce();
    expect(plan).toEqual({ ids: [first, second], reason: 'sessions' });
    expect((await store.listSessions()).map((s) => s.id)).toEqual([third, live]);
    expect((await allStoredRecords()).map((r) => r.sessionId).filter((id) => id === first || id === second)).toEqual([]);
    expect(await db.getAll('findings')).toEqual([]);
    expect(notice).toEqual({ at: now, evicted: 2, reason: 'sessions', maxSessions: 2, maxMegabytes: 500 });
    // A second eviction adds to the notice the user has not dismissed yet.
    settings = { maxSessions: 1, maxMegabytes: 500 };
    await retention.enforce();
    expect(notice).toMatchObject({ evicted: 3 });
    expect((await store.listSessions()).map((s) => s.id)).toEqual([live]);
  });

  it('counts an imported session\'s age from its import, so an old capture just imported is not the first to go', async () => {
    const captured = await recordSession(1, 3);
    await db.put('sessions', { id: 'imported-old', tabId: -1, title: 'old capture', startedAt: 1_600_000_000_000, endedAt: 1_600_000_100_000, pages: [], currentUrl: null, recordCount: 3, apiHosts: [], importedAt: now + 1 });
    settings = { maxSessions: 1, maxMegabytes: 500 };
    expect(await retention.enforce()).toEqual({ ids: [captured], reason: 'sessions' });
    expect((await store.listSessions()).map((s) => s.id)).toEqual(['imported-old']);
  });

  it('evicts by size, and does not evict again while the usage figure still shows the space already freed', async () => {
    // 4 sessions of 100 records, 1 MB each: 4 MB over a 10 MB limit is within it; the limit is the least one can set.
    const MB = 1024 * 1024;
    const ids = [await recordSession(1, 100), await recordSession(2, 100), await recordSession(3, 100), await recordSession(4, 100)];
    frozenUsage = 12 * MB; // 12 MB over 400 records: 3 MB each, aim 9 MB: one session goes.
    settings = { maxSessions: 100, maxMegabytes: 10 };
    expect(await retention.enforce()).toEqual({ ids: [ids[0]], reason: 'size' });
    // IndexedDB has not compacted yet: the browser still says 12 MB, over 300 records now.
    expect(await retention.enforce()).toEqual({ ids: [], reason: null });
    expect((await store.listSessions()).length).toBe(3);
    expect(notice).toMatchObject({ evicted: 1, reason: 'size', maxMegabytes: 10 });
  });

  it('checks once for a burst of triggers, and again after RECORDS_BETWEEN_CHECKS records', async () => {
    retention.schedule();
    retention.schedule();
    expect(timers).toHaveLength(1);
    runTimers();
    retention.recordsStored(RECORDS_BETWEEN_CHECKS - 1);
    expect(timers).toHaveLength(0);
    retention.recordsStored(1);
    expect(timers).toHaveLength(1);
  });
});

describe('when the browser refuses to store more', () => {
  it('evicts by the retention plan, stores the batch on the retry, and capture never pauses', async () => {
    const [oldest, , newest] = [await recordSession(1, 10), await recordSession(2, 10), await recordSession(3, 10)];
    capacity = 35;
    const reply = await capture.handleBridgeMessage(pageRecordsMessage(1, records('t9', 8)), sender(9));
    expect(reply).toMatchObject({ ok: true, stored: 8 });
    // A tenth of 30 records' worth had to go: the oldest ended session.
    const left = (await store.listSessions()).map((s) => s.id);
    expect(left).not.toContain(oldest);
    expect(left).toContain(newest);
    expect((await allStoredRecords()).filter((r) => r.sessionId === oldest)).toEqual([]);
    expect(notice).toMatchObject({ evicted: 1, reason: 'storage-full' });
    expect(await status.current()).toEqual({ state: 'capturing' });
    expect(published).toEqual([]);
  });

  it('pauses capture when the retry is refused too, tells the bridge to resend, evicts nothing more while paused, and resumes on the next write that succeeds', async () => {
    await recordSession(1, 10);
    const live = await recordSession(2, 10, true);
    capacity = 15; // even with the ended session gone, 10 + 8 do not fit
    // A real bridge in a page, whose background is this capture service.
    const timersOfPage: Array<() => void> = [];
    const replies: unknown[] = [];
    let pageListener: (detail: unknown) => void = () => {};
    const bridge = createBridge({
      listenToPage: (callback) => void (pageListener = callback),
      postToPage: () => undefined,
      sendToBackground: async (message) => {
        const reply = await capture.handleBridgeMessage(message, sender(2));
        replies.push(reply);
        return reply;
      },
      setTimer: (callback) => void timersOfPage.push(callback),
    });
    const settle = async () => {
      for (let i = 0; i < 20; i += 1) await new Promise((r) => setTimeout(r, 0));
    };
    pageListener(JSON.stringify({ [WINDOW_TAG]: PROTOCOL_VERSION, type: 'records', records: records('held', 8) }));
    await settle();
    expect(replies).toEqual([{ ok: false, error: 'storage-full', retry: true }]);
    expect(freeSpaceCalls).toBe(1);
    const paused = await status.current();
    expect(paused).toMatchObject({ state: 'paused-storage-full', since: now, error: expect.stringContaining('QuotaExceededError') });
    expect(savedStatus).toEqual(paused);
    expect(published).toEqual([paused]);
    expect(bridge.pending + bridge.unacknowledged).toBe(8);

    // The bridge resends; still no room: refused, and no more eviction.
    timersOfPage.splice(0).forEach((t) => t());
    await settle();
    expect(replies.at(-1)).toEqual({ ok: false, error: 'storage-full', retry: true });
    expect(freeSpaceCalls).toBe(1);
    expect((await store.listSessions()).map((s) => s.id)).toEqual([live]);

    // The user freed room (deleted sessions, a lower limit): the next resend is stored, nothing lost.
    capacity = Number.POSITIVE_INFINITY;
    timersOfPage.splice(0).forEach((t) => t());
    await settle();
    expect(replies.at(-1)).toMatchObject({ ok: true, stored: 8 });
    expect(bridge.pending + bridge.unacknowledged).toBe(0);
    expect((await store.recordsOf(live)).filter((r) => r.id.startsWith('held:'))).toHaveLength(8);
    expect(await status.current()).toEqual({ state: 'capturing' });
    expect(savedStatus).toBeNull();
    expect(published.at(-1)).toEqual({ state: 'capturing' });
  });

  it('keeps a pause across a service worker restart until a write succeeds', async () => {
    savedStatus = { state: 'paused-storage-full', since: 5, error: 'QuotaExceededError: full' };
    const restarted = createCaptureStatus({ load: async () => savedStatus, save: async (next) => void (savedStatus = next), publish: (next) => published.push(next), now: () => now });
    expect(restarted.isPaused()).toBe(false); // not read yet…
    expect(await restarted.current()).toEqual({ state: 'paused-storage-full', since: 5, error: 'QuotaExceededError: full' });
    expect(restarted.isPaused()).toBe(true);
    await restarted.stored();
    expect(await restarted.current()).toEqual({ state: 'capturing' });
    expect(savedStatus).toBeNull();
  });

  it('reads a tampered or stale status and notice from storage.local as nothing', async () => {
    for (const stored of [{ state: 'paused-storage-full' }, { state: 'hacked', since: 1 }, 'paused', null]) {
      const restarted = createCaptureStatus({ load: async () => stored, save: async () => undefined, publish: () => undefined, now: () => now });
      expect(await restarted.current()).toEqual({ state: 'capturing' });
    }
    const long = createCaptureStatus({ load: async () => ({ state: 'paused-storage-full', since: 1, error: 'x'.repeat(5000) }), save: async () => undefined, publish: () => undefined, now: () => now });
    expect(((await long.current()) as { error: string }).error).toHaveLength(500);
    expect(parseNotice({ at: 1, evicted: 2, reason: 'sessions', maxSessions: 3, maxMegabytes: 10 })).toEqual({ at: 1, evicted: 2, reason: 'sessions', maxSessions: 3, maxMegabytes: 10 });
    for (const bad of [{ at: 1, evicted: 2, reason: 'because', maxSessions: 3, maxMegabytes: 10 }, { at: '1', evicted: 2, reason: 'size', maxSessions: 3, maxMegabytes: 10 }, [], 'notice', undefined]) {
      expect(parseNotice(bad)).toBeNull();
    }
  });

  it('recognises a full disk in the shapes Chromium reports it, and nothing else', () => {
    const dom = (name: string, message: string) => new DOMException(message, name);
    const full = [
      dom('QuotaExceededError', ''),
      dom('UnknownError', 'Connection is closing because of: IO error: .../chrome-extension_x_0.indexeddb.leveldb/000003.log: FILE_ERROR_NO_SPACE (ChromeMethodBFE: 3::WritableFileAppend::8)'),
      dom('QuotaExceededError', 'Encountered full disk while opening backing store for indexedDB.open.'),
      dom('DataError', 'Failed to write blobs (IOError)'),
    ];
    const notFull = [dom('ConstraintError', 'Key already exists in the object store.'), dom('DataError', 'Data provided to an operation does not meet requirements.'), new TypeError('x is undefined'), 'QuotaExceededError', null];
    expect(full.map(isStorageFull)).toEqual(full.map(() => true));
    expect(notFull.map(isStorageFull)).toEqual(notFull.map(() => false));
    // The connection closed after it, or opened again on a disk still full: the same pause.
    expect(isStorageUnavailable(dom('InvalidStateError', "Failed to execute 'transaction' on 'IDBDatabase': The database connection is closing."))).toBe(true);
    expect(isStorageUnavailable(dom('UnknownError', 'Internal error opening backing store for indexedDB.open.'))).toBe(true);
    expect(isStorageUnavailable(dom('DataError', 'Data provided to an operation does not meet requirements.'))).toBe(false);
  });
});

describe('the database connection', () => {
  it('is opened again when the browser closes it, as Chromium does when a write meets a full disk', async () => {
    const name = `kept-${(dbCounter += 1)}`;
    let opens = 0;
    let refuse: DOMException | null = null;
    const kept = keepLensDatabaseOpen(async (onClosed) => {
      opens += 1;
      if (refuse) throw refuse;
      return openLensDatabase(name, onClosed);
    });
    const first = await kept.connection();
    await kept.db.put('sessions', { id: 'kept', tabId: 1, title: 't', startedAt: 0, endedAt: 1, pages: [], currentUrl: null, recordCount: 0, apiHosts: [] });
    // The disk is full: the browser closes the connection, and opening it again is refused for now.
    refuse = new DOMException('Encountered full disk while opening backing store for indexedDB.open.', 'QuotaExceededError');
    // fake-indexeddb's types name the class where it takes an instance.
    forceCloseDatabase(unwrap(first) as unknown as Parameters<typeof forceCloseDatabase>[0]);
    await expect(kept.db.get('sessions', 'kept')).rejects.toMatchObject({ name: 'QuotaExceededError' });
    // A synchronous transaction() now names the reason, and tries again behind it.
    expect(() => kept.db.transaction('sessions')).toThrow(expect.objectContaining({ name: 'QuotaExceededError' }));
    // That attempt meets the full disk as well.
    await expect(kept.connection()).rejects.toMatchObject({ name: 'QuotaExceededError' });
    // Room again: the next use opens a new connection, and nothing stored was lost.
    refuse = null;
    expect(await kept.db.get('sessions', 'kept')).toMatchObject({ id: 'kept' });
    expect(kept.db.transaction('sessions').objectStoreNames).toContain('sessions');
    expect(opens).toBeGreaterThanOrEqual(3);
    // Awaiting it never mistakes it for a promise, open or not.
    expect(await Promise.resolve(kept.db)).toBe(kept.db);
  });
});
