import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createCaptureService } from '../../src/capture/capture-service';
import { DB_VERSION, openLensDatabase, type LensDatabase } from '../../src/capture/db';
import { createFindingsService, type FindingsService } from '../../src/capture/findings-service';
import { createSessionStore } from '../../src/capture/session-store';
import { pageRecordsMessage } from '../../src/protocol/messages';
import type { PageRecord } from '../../src/protocol/records';
import { openDatabaseAtVersion } from './helpers/old-database';
import { createSessionBuilder } from './helpers/session-builder';

/** Reads of a whole session (each is one evaluation from IndexedDB): in all, and the most at once. */
const reads = vi.hoisted(() => ({ total: 0, active: 0, most: 0 }));
vi.mock('../../src/capture/session-store', async (original) => {
  const actual = await original<typeof import('../../src/capture/session-store')>();
  return {
    ...actual,
    readSessionRecords: async (...args: Parameters<typeof actual.readSessionRecords>) => {
      reads.total += 1;
      reads.active += 1;
      reads.most = Math.max(reads.most, reads.active);
      try {
        return await actual.readSessionRecords(...args);
      } finally {
        reads.active -= 1;
      }
    },
  };
});

let db: LensDatabase;
let findings: FindingsService;
let timers: Array<() => void>;
let badges: Array<[number, Record<string, number>]>;
let name = 0;

const settle = async () => {
  for (let i = 0; i < 3; i += 1) {
    const run = timers.splice(0);
    run.forEach((t) => t());
    await new Promise((r) => setTimeout(r, 5));
  }
};

beforeEach(async () => {
  db = await openLensDatabase(`findings-${(name += 1)}`);
  timers = [];
  badges = [];
  findings = createFindingsService({
    db,
    ruleOptions: async () => ({}),
    showCount: (tabId, counts) => badges.push([tabId, counts]),
    later: (callback) => timers.push(callback),
  });
});


describe('findings in the background', () => {
  it('evaluates records as they are stored, saves the findings with the session and shows the count', async () => {
    let ids = 0;
    const clock = { now: () => 1_790_000_000_000, randomId: () => `r${(ids += 1)}-abcdefgh` };
    const capture = createCaptureService({
      store: createSessionStore(db, clock),
      clock,
      getCookies: async () => [],
      userApiHosts: async () => [],
      onRecordsStored: (sessionId, tabId, records) => findings.recordsStored(sessionId, tabId, records),
      onSessionEnded: (sessionId, tabId) => findings.sessionEnded(sessionId, tabId),
    });
    const s = createSessionBuilder();
    s.page.identify('97980cfea0067');
    s.page.track('Signed Up');
    s.page.identify('user-2-b6f1');
    const pageRecords = s.records.filter((r): r is PageRecord => !['wire', 'navigation', 'cookie'].includes(r.kind));
    // Two batches, the second arriving out of order: the result must not depend on it.
    await capture.handleBridgeMessage(pageRecordsMessage(1, pageRecords.slice(6)), { tab: { id: 4, url: 'https://shop.example/' }, frameId: 0 });
    await capture.handleBridgeMessage(pageRecordsMessage(1, pageRecords.slice(0, 6)), { tab: { id: 4, url: 'https://shop.example/' }, frameId: 0 });
    await settle();
    const [session] = await db.getAll('sessions');
    const stored = await findings.findingsOf(session?.id ?? '');
    expect(stored.map((f) => f.rule)).toEqual(['userid-overwrite']);
    expect(session?.findingCounts).toEqual({ error: 1, warning: 0, info: 0 });
    expect(badges[badges.length - 1]).toEqual([4, { error: 1, warning: 0, info: 0 }]);

    // The tab closes: its page ends, so the identify that no track followed is judged too.
    await capture.handleTabRemoved(4);
    const final = await findings.findingsOf(session?.id ?? '');
    expect(final.map((f) => f.rule).sort()).toEqual(['identify-without-track', 'userid-overwrite']);
  });

  it('evaluates open sessions again when the rule options change', async () => {
    await db.put('sessions', { id: 's1', tabId: 1, openTabId: 1, title: 't', startedAt: 0, endedAt: null, pages: [], currentUrl: null, recordCount: 0, apiHosts: [] });
    const s = createSessionBuilder();
    s.page.reset();
    for (const record of s.records) await db.put('records', { ...record, sessionId: 's1', tabId: 1, frameId: 0 });
    await findings.optionsChanged([{ id: 's1', tabId: 1 }]);
    expect((await findings.findingsOf('s1')).map((f) => f.rule)).toEqual(['reset-called']);
    const disabled = createFindingsService({ db, ruleOptions: async () => ({ disabledRules: ['reset-called'] }), showCount: () => {}, later: () => {} });
    await disabled.optionsChanged([{ id: 's1', tabId: 1 }]);
    expect(await disabled.findingsOf('s1')).toEqual([]);
  });
});

describe('a session deleted while it is evaluated', () => {
  it('evaluates a late record once, and does not take records a rebuild has already read for late ones', async () => {
    await db.put('sessions', { id: 's1', tabId: 1, openTabId: 1, title: 't', startedAt: 0, endedAt: null, pages: [], currentUrl: null, recordCount: 0, apiHosts: [] });
    reads.total = 0;
    const s = createSessionBuilder();
    s.page.identify('97980cfea0067');
    for (let i = 0; i < 6; i += 1) s.page.track(`Step ${i}`);
    s.page.identify('user-2-b6f1');
    const records = s.records;
    const store = (list: typeof records) => Promise.all(list.map((r) => db.put('records', { ...r, sessionId: 's1', tabId: 1, frameId: 0 })));
    const notify = async (list: typeof records) => {
      findings.recordsStored('s1', 1, list);
      await settle();
    };
    const middle = Math.floor(records.length / 2);
    await store(records.slice(1, middle));
    await notify(records.slice(1, middle)); // no engine yet: built from IndexedDB
    expect(reads.total).toBe(1);
    // The first record arrives late, and the rest are stored before their notice comes:
    // the rebuild for the late one reads them too.
    await store([records[0]!, ...records.slice(middle)]);
    await notify([records[0]!]);
    expect(reads.total).toBe(2);
    await notify(records.slice(middle));
    expect(reads.total).toBe(2);
    // The same findings as one evaluation of the whole session, every record counted once.
    const [session] = await db.getAll('sessions');
    expect(session?.evaluatedRecords).toBe(records.length);
    expect((await findings.findingsOf('s1')).map((f) => f.rule)).toEqual(['userid-overwrite']);
  });

  it('evaluates a session one evaluation at a time, its end last', async () => {
    await db.put('sessions', { id: 's1', tabId: 1, openTabId: 1, title: 't', startedAt: 0, endedAt: null, pages: [], currentUrl: null, recordCount: 0, apiHosts: [] });
    const s = createSessionBuilder();
    s.page.identify('97980cfea0067');
    await Promise.all(s.records.map((r) => db.put('records', { ...r, sessionId: 's1', tabId: 1, frameId: 0 })));
    findings.recordsStored('s1', 1, s.records);
    reads.most = 0;
    // The evaluation starts (it reads IndexedDB); the options change and the tab closes before it is done.
    timers.splice(0).forEach((t) => t());
    const changed = findings.optionsChanged([{ id: 's1', tabId: 1 }]);
    await findings.sessionEnded('s1', 1);
    await changed;
    await settle();
    expect(reads.most).toBe(1);
    // The end judges the identify no track followed; an evaluation saved after it would drop that.
    expect((await findings.findingsOf('s1')).map((f) => f.rule)).toEqual(['identify-without-track']);
  });

  it('leaves no findings behind', async () => {
    const clock = { now: () => 1_790_000_000_000, randomId: () => 'r1-abcdefgh' };
    const capture = createCaptureService({
      store: createSessionStore(db, clock),
      clock,
      getCookies: async () => [],
      userApiHosts: async () => [],
      onRecordsStored: (sessionId, tabId, records) => findings.recordsStored(sessionId, tabId, records),
    });
    const s = createSessionBuilder();
    s.page.identify('97980cfea0067');
    s.page.identify('user-2-b6f1');
    const pageRecords = s.records.filter((r): r is PageRecord => !['wire', 'navigation', 'cookie'].includes(r.kind));
    const tab = { tab: { id: 4, url: 'https://shop.example/' }, frameId: 0 };
    const reply = await capture.handleBridgeMessage(pageRecordsMessage(1, pageRecords.slice(0, -1)), tab);
    await settle();
    const sessionId = (reply as { sessionId: string }).sessionId;
    expect(await findings.findingsOf(sessionId)).not.toEqual([]);
    // More records: their evaluation (from the engine kept in memory) is due; the session goes before it runs.
    await capture.handleBridgeMessage(pageRecordsMessage(1, pageRecords.slice(-1)), tab);
    expect(timers.length).toBeGreaterThan(0);
    await capture.deleteSessions([sessionId]);
    await settle();
    expect(await db.getAll('sessions')).toEqual([]);
    expect(await db.getAll('findings')).toEqual([]);
  });
});

describe('schema upgrade', () => {
  it('opens a database written by schema version 1 and keeps its sessions and records', async () => {
    const dbName = `upgrade-${(name += 1)}`;
    const v1 = await openDatabaseAtVersion(dbName, 1);
    await v1.put('sessions', { id: 'old', tabId: 3, title: 'old', startedAt: 1, endedAt: 2, pages: [], currentUrl: null, recordCount: 1, apiHosts: [] });
    await v1.put('records', { id: 'doc1:1', seq: 1, at: 1, kind: 'lifecycle', event: 'load', frameUrl: 'https://a.example/', topFrame: true, sessionId: 'old', tabId: 3, frameId: 0 });
    v1.close();
    const upgraded = await openLensDatabase(dbName);
    expect(upgraded.version).toBe(DB_VERSION);
    expect(await upgraded.get('sessions', 'old')).toMatchObject({ id: 'old', recordCount: 1 });
    expect(await upgraded.getAll('records')).toHaveLength(1);
    expect([...upgraded.objectStoreNames]).toContain('findings');
    upgraded.close();
  });
});
