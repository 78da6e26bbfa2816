import type { BackgroundRecord, NavigationKind, PageRecord, Session } from '../protocol/records';
import { compareRecords } from '../core/link-records';
import { unwrap } from 'idb';
import { isPageRecord } from '../core/identity/scope';
import { sessionKeys, type LensDatabase, type StoredRecord, type StoredSession } from './db';
import { hasSeen, markSeen, splitRecordId } from './seen-numbers';

export interface Clock {
  now(): number;
  randomId(): string;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  randomId: () => crypto.randomUUID(),
};

type Provenanced = { sessionId: string; tabId: number; frameId: number };

function titleFor(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return url.slice(0, 200);
  }
}

/**
 * Sessions and their records in IndexedDB. Nothing here is cached between calls:
 * the MV3 service worker can be stopped at any moment, so IndexedDB is the only
 * truth. Callers serialise work per tab (see createTabQueue) so that two messages
 * for a new tab cannot create two sessions.
 */
export function createSessionStore(db: LensDatabase, clock: Clock = systemClock) {
  const openSession = async (tabId: number): Promise<StoredSession | undefined> =>
    db.getFromIndex('sessions', 'byOpenTab', tabId);

  const store = {
    openSession,

    /** The tab's open session, created on the tab's first Segment activity. */
    async sessionForTab(tabId: number, url: string | null, at: number = clock.now()): Promise<StoredSession> {
      const existing = await openSession(tabId);
      if (existing) return existing;
      const session: StoredSession = {
        id: `s-${Math.round(at)}-${clock.randomId().slice(0, 8)}`,
        tabId,
        openTabId: tabId,
        title: url ? titleFor(url) : `Tab ${tabId}`,
        startedAt: at,
        endedAt: null,
        pages: url ? [{ url, startedAt: at }] : [],
        currentUrl: url,
        recordCount: 0,
        apiHosts: [],
      };
      await db.put('sessions', session);
      return session;
    },

    /**
     * Stores records idempotently (a resend of the same id writes nothing new) and returns
     * how many were new. Page records go many to a row (schema v3), each page load's
     * record numbers kept to refuse a resend; the background's own records, few and
     * some updated later, keep a row each.
     */
    async appendRecords(
      session: StoredSession,
      provenance: { tabId: number; frameId: number },
      records: ReadonlyArray<PageRecord | BackgroundRecord>,
    ): Promise<number> {
      // Page records by page load, each with its number there (see seen-numbers.ts).
      const page = new Map<string, Array<{ readonly number: number; readonly stored: StoredRecord }>>();
      const background: StoredRecord[] = [];
      for (const record of records) {
        const stored = { ...record, sessionId: session.id, tabId: provenance.tabId, frameId: provenance.frameId } as StoredRecord;
        if (!isPageRecord(record)) {
          background.push(stored);
          continue;
        }
        const { document, number } = splitRecordId(record.id);
        const ofDocument = page.get(document);
        if (ofDocument) ofDocument.push({ number, stored });
        else page.set(document, [{ number, stored }]);
      }
      // Relaxed: a record must survive the service worker stopping, which it does once
      // committed; waiting for the disk flush as well halved capture throughput.
      const tx = db.transaction(['records', 'sessions', 'pageBatches', 'pageDocuments'], 'readwrite', { durability: 'relaxed' });
      // `add` on the raw store: an id already stored (a bridge resend) fails that one
      // request with ConstraintError, which is handled so that the transaction goes on.
      const recordStore = unwrap(tx.objectStore('records'));
      let added = 0;
      const onAdded = (): void => {
        added += 1;
      };
      const onDuplicate = (event: Event): void => {
        const error = (event.target as IDBRequest).error;
        if (error?.name !== 'ConstraintError') return; // anything else aborts the transaction, as it should
        event.preventDefault();
        event.stopPropagation();
      };
      for (const stored of background) {
        const request = recordStore.add(stored);
        request.onsuccess = onAdded;
        request.onerror = onDuplicate;
      }
      const documents = tx.objectStore('pageDocuments');
      const seenRows = await Promise.all([...page.keys()].map((document) => documents.get([session.id, document])));
      // Awaited with the transaction, so that a failed write is the caller's error, not an unhandled rejection.
      const writes: Promise<unknown>[] = [];
      const fresh: StoredRecord[] = [];
      let index = 0;
      for (const [document, ofDocument] of page) {
        const seen = seenRows[index]?.seen ?? [];
        index += 1;
        const before = fresh.length;
        for (const { number, stored } of ofDocument) {
          if (hasSeen(seen, number)) continue;
          markSeen(seen, number);
          fresh.push(stored);
        }
        if (fresh.length > before) writes.push(documents.put({ sessionId: session.id, document, seen }));
      }
      let calls = 0;
      if (fresh.length > 0) {
        fresh.sort(compareRecords);
        const first = fresh[0] as StoredRecord;
        writes.push(tx.objectStore('pageBatches').put({ sessionId: session.id, at: first.at, id: first.id, records: fresh }));
        for (const stored of fresh) if (stored.kind === 'call') calls += 1;
      }
      // Requests complete in order: when this read returns, every write above has reported.
      const sessions = tx.objectStore('sessions');
      const current = await sessions.get(session.id);
      if (current === undefined) {
        // Deleted meanwhile (retention takes ended sessions outside the tab's turn, and a
        // closed tab's late records join its ended session): the records go with it,
        // rather than bring back half a session.
        tx.abort();
        await Promise.all([tx.done, ...writes].map((pending) => pending.catch(() => undefined)));
        return 0;
      }
      added += fresh.length;
      const counted = added > 0 ? { ...current, recordCount: current.recordCount + added, ...(calls > 0 ? { batchedCalls: (current.batchedCalls ?? 0) + calls } : {}) } : null;
      await Promise.all([counted ? sessions.put(counted) : null, ...writes, tx.done]);
      return added;
    },

    /** Replaces a record by id (a wire request that completed), keeping the session's count right. */
    async putRecord(session: StoredSession, record: StoredRecord): Promise<void> {
      const tx = db.transaction(['records', 'sessions'], 'readwrite');
      const current = await tx.objectStore('sessions').get(session.id);
      if (current === undefined) {
        // Deleted meanwhile: see appendRecords.
        await tx.done;
        return;
      }
      const isNew = (await tx.objectStore('records').getKey(record.id)) === undefined;
      const writes: Promise<unknown>[] = [tx.objectStore('records').put(record)];
      if (isNew) writes.push(tx.objectStore('sessions').put({ ...current, recordCount: current.recordCount + 1 }));
      await Promise.all([...writes, tx.done]);
    },

    getRecord: (id: string) => db.get('records', id),

    getSession: (sessionId: string): Promise<StoredSession | undefined> => db.get('sessions', sessionId),

    async updateSession(sessionId: string, change: (session: StoredSession) => StoredSession): Promise<StoredSession | undefined> {
      const tx = db.transaction('sessions', 'readwrite');
      const current = await tx.store.get(sessionId);
      if (!current) {
        await tx.done;
        return undefined;
      }
      const next = change(current);
      await Promise.all([tx.store.put(next), tx.done]);
      return next;
    },

    /** A top-frame navigation: the session lives on (preserve log) and lists the new page. */
    async addPage(sessionId: string, url: string, at: number, navigation: NavigationKind): Promise<void> {
      await store.updateSession(sessionId, (session) => {
        const last = session.pages[session.pages.length - 1];
        const samePage = last !== undefined && last.url === url && navigation === 'load' && at - last.startedAt < 1000;
        return {
          ...session,
          currentUrl: url,
          pages: samePage ? session.pages : [...session.pages, { url, startedAt: at }],
        };
      });
    },

    async endSession(tabId: number, at: number = clock.now()): Promise<void> {
      const session = await openSession(tabId);
      if (!session) return;
      await store.updateSession(session.id, ({ openTabId: _open, ...rest }) => ({ ...rest, endedAt: at }));
    },

    /** After a browser restart tab ids start over: sessions left open belong to tabs that are gone. */
    async endAllOpen(at: number = clock.now()): Promise<number> {
      const open = await db.getAllFromIndex('sessions', 'byOpenTab');
      for (const session of open) await store.endSession(session.tabId, at);
      return open.length;
    },

    listOpenSessions: (): Promise<StoredSession[]> => db.getAllFromIndex('sessions', 'byOpenTab'),

    /** Deletes a session with its records and findings, all or nothing; returns it, or undefined when it was not stored. */
    async deleteSession(id: string): Promise<StoredSession | undefined> {
      const tx = db.transaction(['sessions', 'records', 'findings', 'pageBatches', 'pageDocuments'], 'readwrite');
      const existing = await tx.objectStore('sessions').get(id);
      if (existing === undefined) {
        await tx.done;
        return undefined;
      }
      const recordKeys = await tx.objectStore('records').index('bySessionTime').getAllKeys(IDBKeyRange.bound([id, -Infinity, -Infinity], [id, Infinity, Infinity]));
      const findingKeys = await tx.objectStore('findings').index('bySession').getAllKeys(id);
      await Promise.all([
        tx.objectStore('sessions').delete(id),
        ...recordKeys.map((key) => tx.objectStore('records').delete(key)),
        ...findingKeys.map((key) => tx.objectStore('findings').delete(key)),
        tx.objectStore('pageBatches').delete(sessionKeys(id)),
        tx.objectStore('pageDocuments').delete(sessionKeys(id)),
        tx.done,
      ]);
      return existing;
    },

    listSessions: (): Promise<StoredSession[]> => db.getAllFromIndex('sessions', 'byStart'),

    /**
     * A session's records in time order, in chunks, from two cursors: the background's
     * records (in time order by their index) and page batches (in order of their earliest
     * record). A page record is handed over once no batch still to be read can start
     * before it, so the first chunk is ready long before a 100,000-record session is read
     * whole. `onChunk` runs synchronously inside the read (it must not await), which
     * keeps the transaction open.
     */
    async streamRecords(sessionId: string, chunkSize: number | ((chunkIndex: number) => number), onChunk: (records: StoredRecord[]) => void): Promise<number> {
      const sizeOf = typeof chunkSize === 'number' ? () => chunkSize : chunkSize;
      let chunkIndex = 0;
      let size = sizeOf(0);
      let chunk: StoredRecord[] = [];
      let total = 0;
      const emit = (record: StoredRecord): void => {
        chunk.push(record);
        total += 1;
        if (chunk.length >= size) {
          onChunk(chunk);
          chunk = [];
          chunkIndex += 1;
          size = sizeOf(chunkIndex);
        }
      };
      const tx = db.transaction(['records', 'pageBatches']);
      const backgroundRows = tx.objectStore('records').index('bySessionTime').iterate(sessionTimes(sessionId));
      const batchRows = tx.objectStore('pageBatches').iterate(sessionKeys(sessionId));
      let background = await backgroundRows.next();
      let batch = await batchRows.next();
      // Page records read but not yet handed over, in time order, from `next` on.
      let held: StoredRecord[] = [];
      let next = 0;
      for (;;) {
        // Nothing in a later batch is earlier than its first record.
        const before = batch.done ? Infinity : batch.value.value.at;
        for (;;) {
          const fromPage = next < held.length ? (held[next] as StoredRecord) : null;
          const fromBackground = background.done ? null : background.value.value;
          const pageFirst = fromPage !== null && (fromBackground === null || compareRecords(fromPage, fromBackground) <= 0);
          const candidate = pageFirst ? fromPage : fromBackground;
          if (candidate === null || candidate.at >= before) break;
          emit(candidate);
          if (pageFirst) next += 1;
          else background = await backgroundRows.next();
        }
        if (batch.done) break;
        // A row is in time order already; only what is left of the last one needs merging in.
        const row = batch.value.value.records as StoredRecord[];
        held = next === held.length ? row : held.slice(next).concat(row).sort(compareRecords);
        next = 0;
        batch = await batchRows.next();
      }
      if (chunk.length > 0 || total === 0) onChunk(chunk);
      await tx.done;
      return total;
    },

    recordsOf: (sessionId: string): Promise<StoredRecord[]> => readSessionRecords(db, sessionId),

    /** Calls the session holds: counted as stored in page batches, and by index among older records. */
    async countCalls(session: StoredSession): Promise<number> {
      return (session.batchedCalls ?? 0) + (await db.countFromIndex('records', 'bySessionKind', [session.id, 'call']));
    },
  };
  return store;
}

export type SessionStore = ReturnType<typeof createSessionStore>;

const sessionTimes = (sessionId: string): IDBKeyRange => IDBKeyRange.bound([sessionId, -Infinity, -Infinity], [sessionId, Infinity, Infinity]);

/** Every record of a session, in time order: page batches and the background's records together. */
export async function readSessionRecords(db: LensDatabase, sessionId: string): Promise<StoredRecord[]> {
  const tx = db.transaction(['records', 'pageBatches']);
  const [background, batches] = await Promise.all([
    tx.objectStore('records').index('bySessionTime').getAll(sessionTimes(sessionId)),
    tx.objectStore('pageBatches').getAll(sessionKeys(sessionId)),
    tx.done,
  ]);
  const records = background;
  for (const batch of batches) for (const record of batch.records) records.push(record);
  return records.sort(compareRecords);
}
export type { Session, Provenanced };

/**
 * Serialises async work per key (a tab): IndexedDB transactions interleave across
 * awaits, and "find or create the tab's session" must not run twice at once.
 */
export function createKeyedQueue() {
  const tails = new Map<number, Promise<unknown>>();
  return function run<T>(key: number, task: () => Promise<T>): Promise<T> {
    const previous = tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    tails.set(key, settled);
    void settled.then(() => {
      if (tails.get(key) === settled) tails.delete(key);
    });
    return next;
  };
}
