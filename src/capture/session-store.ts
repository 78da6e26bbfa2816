import type { BackgroundRecord, NavigationKind, PageRecord, Session } from '../protocol/records';
import { compareRecords } from '../core/link-records';
import { unwrap } from 'idb';
import type { LensDatabase, StoredRecord, StoredSession } from './db';

export interface Clock {
  now(): number;
  randomId(): string;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  randomId: () => crypto.randomUUID(),
};

type Provenanced = { sessionId: string; tabId: number; frameId: number };

function messageIdsOf(record: PageRecord | BackgroundRecord): readonly string[] | undefined {
  switch (record.kind) {
    case 'wire':
      return record.messageIds;
    case 'event':
    case 'call-result':
      return record.messageId === null ? undefined : [record.messageId];
    default:
      return undefined;
  }
}

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

    /** Stores records idempotently (a resend of the same id writes nothing new) and returns how many were new. */
    async appendRecords(
      session: StoredSession,
      provenance: { tabId: number; frameId: number },
      records: ReadonlyArray<PageRecord | BackgroundRecord>,
    ): Promise<number> {
      // Relaxed: a record must survive the service worker stopping, which it does once
      // committed; waiting for the disk flush as well halved capture throughput.
      const tx = db.transaction(['records', 'sessions'], 'readwrite', { durability: 'relaxed' });
      // `add` on the raw store: an id already stored (a bridge resend) fails that one
      // request with ConstraintError, which is handled so that the transaction goes on.
      // Reading each key first cost a second request per record.
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
      for (const record of records) {
        const messageIds = messageIdsOf(record);
        const stored = {
          ...record,
          sessionId: session.id,
          tabId: provenance.tabId,
          frameId: provenance.frameId,
          ...(messageIds && record.kind !== 'wire' ? { messageIds } : {}),
        } as StoredRecord;
        const request = recordStore.add(stored);
        request.onsuccess = onAdded;
        request.onerror = onDuplicate;
      }
      // Requests complete in order: when this read returns, every add above has reported.
      const sessions = tx.objectStore('sessions');
      const current = await sessions.get(session.id);
      if (current === undefined) {
        // Deleted meanwhile (retention takes ended sessions outside the tab's turn, and a
        // closed tab's late records join its ended session): the records go with it,
        // rather than bring back half a session.
        tx.abort();
        await tx.done.catch(() => undefined);
        return 0;
      }
      await Promise.all([added > 0 ? sessions.put({ ...current, recordCount: current.recordCount + added }) : null, tx.done]);
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
      const tx = db.transaction(['sessions', 'records', 'findings'], 'readwrite');
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
        tx.done,
      ]);
      return existing;
    },

    listSessions: (): Promise<StoredSession[]> => db.getAllFromIndex('sessions', 'byStart'),

    /**
     * A session's records in time order, in chunks, from a cursor: the first chunk is
     * ready long before a 100,000-record session is read whole. `onChunk` runs
     * synchronously inside the read (it must not await), which keeps the transaction open.
     */
    async streamRecords(sessionId: string, chunkSize: number | ((chunkIndex: number) => number), onChunk: (records: StoredRecord[]) => void): Promise<number> {
      const sizeOf = typeof chunkSize === 'number' ? () => chunkSize : chunkSize;
      let chunkIndex = 0;
      let size = sizeOf(0);
      const range = IDBKeyRange.bound([sessionId, -Infinity, -Infinity], [sessionId, Infinity, Infinity]);
      const tx = db.transaction('records');
      let chunk: StoredRecord[] = [];
      let total = 0;
      for await (const cursor of tx.store.index('bySessionTime').iterate(range)) {
        chunk.push(cursor.value);
        total += 1;
        if (chunk.length >= size) {
          onChunk(chunk);
          chunk = [];
          chunkIndex += 1;
          size = sizeOf(chunkIndex);
        }
      }
      if (chunk.length > 0 || total === 0) onChunk(chunk);
      await tx.done;
      return total;
    },

    async recordsOf(sessionId: string): Promise<StoredRecord[]> {
      const range = IDBKeyRange.bound([sessionId, -Infinity, -Infinity], [sessionId, Infinity, Infinity]);
      const records = await db.getAllFromIndex('records', 'bySessionTime', range);
      return records.sort(compareRecords);
    },
  };
  return store;
}

export type SessionStore = ReturnType<typeof createSessionStore>;
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
