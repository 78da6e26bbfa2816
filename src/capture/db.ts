import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { Finding } from '../protocol/findings';
import type { CapturedRecord, Session } from '../protocol/records';

export const DB_NAME = 'identity-lens';
export const DB_VERSION = 2;

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
};

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
  records: {
    key: string;
    value: StoredRecord;
    indexes: {
      bySessionTime: [string, number, number];
      byMessageId: string;
      bySessionKind: [string, string];
    };
  };
}

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
    records.createIndex('byMessageId', 'messageIds', { multiEntry: true });
    records.createIndex('bySessionKind', ['sessionId', 'kind']);
  },
  // v2: findings of the rule engine, per session. Sessions and records are kept as they are.
  (db) => {
    // Finding ids are unique within a session; the same records imported twice must not collide.
    const findings = db.createObjectStore('findings', { keyPath: ['sessionId', 'id'] });
    findings.createIndex('bySession', 'sessionId');
  },
];

export function openLensDatabase(name: string = DB_NAME): Promise<LensDatabase> {
  return openDB<LensSchema>(name, DB_VERSION, {
    upgrade(db, oldVersion, _newVersion, tx) {
      for (let version = oldVersion; version < DB_VERSION; version += 1) {
        const step = MIGRATIONS[version];
        if (!step) throw new Error(`No migration from schema version ${version}`);
        step(db, tx);
      }
    },
  });
}
