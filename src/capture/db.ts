import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { Finding } from '../protocol/findings';
import type { CapturedRecord, Session } from '../protocol/records';

export const DB_NAME = 'identity-lens';
export const DB_VERSION = 3;

/** A record as stored: what was captured, plus the fields indexes need. */
export type StoredRecord = CapturedRecord & {
  /** messageIds the record names (wire: all in the request; event and call-result: theirs). */
  readonly messageIds?: readonly string[];
};

/** A session as stored: `openTabId` exists only while the session is open, so the index lists open sessions only. */
export type StoredSession = Session & {
  readonly openTabId?: number;
  /** Hash of the last identity-cookie snapshot recorded, to record only changes. */
  readonly cookieDigest?: string;
  /** When the session was imported from a file: retention counts its age from then. */
  readonly importedAt?: number;
  /** Call records stored in page batches (v3); calls in `records` are counted by its index. */
  readonly batchedCalls?: number;
};

/**
 * Page records as stored since schema v3: one row per batch the bridge sent, not one
 * per record. IndexedDB costs about the same per row whatever its size: one row per
 * record capped capture at 3,400–7,400 records/s, rows of 400 reach 70,000/s (see
 * docs/performance.md). Keyed by the session and the earliest record, so a session's
 * rows are read in roughly time order; records inside a row are in time order.
 */
export interface StoredPageBatch {
  readonly sessionId: string;
  /** The earliest record's time. */
  readonly at: number;
  /** The earliest record's id: a record is stored in one row only, so this is unique. */
  readonly id: string;
  readonly records: readonly StoredRecord[];
}

/** Which records of one page load a session holds (see seen-numbers.ts), to store each once. */
export interface StoredPageDocument {
  readonly sessionId: string;
  readonly document: string;
  readonly seen: number[];
}

/** A finding as stored: the rule engine's finding, with its session. */
export type StoredFinding = Finding & { readonly sessionId: string };

export interface LensSchema extends DBSchema {
  findings: {
    key: [string, string];
    value: StoredFinding;
    indexes: { bySession: string };
  };
  sessions: {
    key: string;
    value: StoredSession;
    indexes: { byOpenTab: number; byStart: number };
  };
  /** Records the background makes (wire requests, cookies, navigations), and page records stored before v3 or imported. */
  records: {
    key: string;
    value: StoredRecord;
    indexes: {
      bySessionTime: [string, number, number];
      bySessionKind: [string, string];
    };
  };
  pageBatches: {
    key: [string, number, string];
    value: StoredPageBatch;
  };
  pageDocuments: {
    key: [string, string];
    value: StoredPageDocument;
  };
}

/** Every key of a session in a store keyed by [sessionId, …]: arrays sort after numbers and strings. */
export const sessionKeys = (sessionId: string): IDBKeyRange => IDBKeyRange.bound([sessionId], [sessionId, []]);

export type LensDatabase = IDBPDatabase<LensSchema>;
type UpgradeTransaction = IDBPTransaction<LensSchema, StoreNames<LensSchema>[], 'versionchange'>;

/**
 * One step per schema version; a database written by any earlier version is
 * brought forward step by step, keeping every session. Never edit a shipped step:
 * add the next one.
 */
export const MIGRATIONS: ReadonlyArray<(db: IDBPDatabase<LensSchema>, tx: UpgradeTransaction) => void> = [
  // v1: sessions and records.
  (db) => {
    const sessions = db.createObjectStore('sessions', { keyPath: 'id' });
    sessions.createIndex('byOpenTab', 'openTabId');
    sessions.createIndex('byStart', 'startedAt');
    const records = db.createObjectStore('records', { keyPath: 'id' });
    records.createIndex('bySessionTime', ['sessionId', 'at', 'seq']);
    // Dropped again in v3; the name is no longer in the schema's types.
    (records as unknown as IDBObjectStore).createIndex('byMessageId', 'messageIds', { multiEntry: true });
    records.createIndex('bySessionKind', ['sessionId', 'kind']);
  },
  // v2: findings of the rule engine, per session. Sessions and records are kept as they are.
  (db) => {
    // Finding ids are unique within a session; the same records imported twice must not collide.
    const findings = db.createObjectStore('findings', { keyPath: ['sessionId', 'id'] });
    findings.createIndex('bySession', 'sessionId');
  },
  // v3: page records many to a row, for capture throughput; records already stored stay
  // where they are and are read together with the new rows. The messageId index was
  // never read (joins use the wire record's own messageIds) and cost a write per record.
  (db, tx) => {
    db.createObjectStore('pageBatches', { keyPath: ['sessionId', 'at', 'id'] });
    db.createObjectStore('pageDocuments', { keyPath: ['sessionId', 'document'] });
    tx.objectStore('records').deleteIndex('byMessageId');
  },
];

export function openLensDatabase(name: string = DB_NAME, onClosed?: () => void): Promise<LensDatabase> {
  return openDB<LensSchema>(name, DB_VERSION, {
    upgrade(db, oldVersion, _newVersion, tx) {
      for (let version = oldVersion; version < DB_VERSION; version += 1) {
        const step = MIGRATIONS[version];
        if (!step) throw new Error(`No migration from schema version ${version}`);
        step(db, tx);
      }
    },
    ...(onClosed ? { terminated: onClosed } : {}),
  });
}

/** idb's promise-returning shortcuts on the database, which can wait for a connection. */
const ASYNC_SHORTCUTS: ReadonlySet<string> = new Set([
  'get', 'getKey', 'getAll', 'getAllKeys', 'count', 'put', 'add', 'delete', 'clear',
  'getFromIndex', 'getKeyFromIndex', 'getAllFromIndex', 'getAllKeysFromIndex', 'countFromIndex',
]);

export interface KeptOpenDatabase {
  /** Stands for whichever connection is open now. */
  readonly db: LensDatabase;
  /** The open connection, opening one when there is none; rejects with why it could not. */
  connection(): Promise<LensDatabase>;
}

/**
 * The database, opened again whenever the browser closes it under us. Chromium does
 * that when a write meets a full disk ("Connection is closing because of: IO error …
 * FILE_ERROR_NO_SPACE") and then refuses every transaction on the old connection;
 * the bridge's retries keep the service worker alive, so without a new connection
 * capture would never resume. `db` stands for the current connection: idb's async
 * shortcuts (get, put, getAllFromIndex…) wait for one; `transaction()`, which is
 * synchronous, throws while there is none, with the reason the last attempt failed
 * (a full disk: QuotaExceededError), and starts a new attempt, so the caller's next
 * try (the bridge resends) finds the database open once there is room.
 */
export function keepLensDatabaseOpen(open: (onClosed: () => void) => Promise<LensDatabase> = (onClosed) => openLensDatabase(DB_NAME, onClosed)): KeptOpenDatabase {
  let current: LensDatabase | null = null;
  let opening: Promise<LensDatabase> | null = null;
  let lastFailure: unknown = null;

  const connection = (): Promise<LensDatabase> => {
    if (current) return Promise.resolve(current);
    opening ??= open(() => {
      current = null;
    }).then(
      (db) => {
        current = db;
        opening = null;
        lastFailure = null;
        return db;
      },
      (error: unknown) => {
        opening = null;
        lastFailure = error;
        throw error;
      },
    );
    return opening;
  };

  const unavailable = (): unknown => {
    void connection().catch(() => undefined);
    return lastFailure ?? new DOMException('The Identity Lens database is being opened again.', 'InvalidStateError');
  };

  const db = new Proxy({} as LensDatabase, {
    get(_target, property) {
      const open = current;
      if (property === 'transaction') {
        return (...args: unknown[]) => {
          if (!open) throw unavailable();
          try {
            return (open.transaction as (...a: unknown[]) => unknown).apply(open, args);
          } catch (error) {
            // Closed by the browser before its close event reached us.
            if (error instanceof DOMException && error.name === 'InvalidStateError' && current === open) current = null;
            throw error;
          }
        };
      }
      if (open) {
        const value: unknown = Reflect.get(open, property, open);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(open) : value;
      }
      if (typeof property !== 'string' || !ASYNC_SHORTCUTS.has(property)) return undefined;
      return (...args: unknown[]) =>
        connection().then((db) => (Reflect.get(db, property, db) as (...a: unknown[]) => unknown).apply(db, args));
    },
  });

  return { db, connection };
}
