import { beforeEach, describe, expect, it } from 'vitest';
import { createCaptureService } from '../../src/capture/capture-service';
import { openLensDatabase, type LensDatabase } from '../../src/capture/db';
import { createFindingsService } from '../../src/capture/findings-service';
import { createSessionStore, type SessionStore } from '../../src/capture/session-store';
import { createUiRequests, type UiRequests } from '../../src/capture/ui-requests';
import { evaluateSession } from '../../src/core/engine';
import { createSessionFile } from '../../src/core/export/session-file';
import { UI_REQUEST_CHANNEL, type RetentionNotice, type UiResponse } from '../../src/protocol/ui-messages';
import { sessionOf } from './helpers/fake-ui-transport';
import { createSessionBuilder } from './helpers/session-builder';

let db: LensDatabase;
let requests: UiRequests;
let disabled: string[];
let clearedBadges: number[];
let notice: RetentionNotice | null;
let imports: number;
let name = 0;

function exported(id = 's1'): string {
  const s = createSessionBuilder();
  s.page.identify('97980cfea0067', { email: 'p@example.com' });
  s.page.identify('user-2-b6f1');
  const { session, records } = sessionOf(s.records, id);
  return JSON.stringify(createSessionFile([{ session, records, findings: [] }], '0.1.0', 1_790_000_500_000));
}

let store: SessionStore;

const ask = (message: Record<string, unknown>) => requests.handle({ channel: UI_REQUEST_CHANNEL, ...message }) as Promise<UiResponse>;

beforeEach(async () => {
  db = await openLensDatabase(`requests-${(name += 1)}`);
  disabled = [];
  clearedBadges = [];
  imports = 0;
  notice = { at: 1_790_000_000_000, evicted: 3, reason: 'sessions', maxSessions: 100, maxMegabytes: 500 };
  store = createSessionStore(db);
  const findings = createFindingsService({ db, ruleOptions: async () => ({}), showCount: () => {}, later: () => {} });
  const capture = createCaptureService({
    store,
    clock: { now: () => 1_790_000_900_000, randomId: () => 'r' },
    getCookies: async () => [],
    userApiHosts: async () => [],
    onSessionDeleted: (session) => {
      if (session.endedAt === null) clearedBadges.push(session.tabId);
    },
  });
  requests = createUiRequests({
    db,
    store,
    findings,
    ruleOptions: async () => ({}),
    version: '0.1.0',
    now: () => 1_790_000_900_000,
    captureDisabled: async () => disabled,
    setCaptureDisabled: async (origins) => void (disabled = [...origins]),
    deleteSessions: (ids) => capture.deleteSessions(ids),
    storageState: async () => ({ capture: { state: 'capturing' }, notice }),
    dismissRetentionNotice: async () => void (notice = null),
    onImported: () => void (imports += 1),
  });
});

describe('session library requests', () => {
  it('imports a file as imported, ended sessions with findings recomputed by the current rules', async () => {
    expect(await ask({ type: 'import-sessions', text: exported() })).toEqual({ ok: true, imported: 1 });
    const listed = await ask({ type: 'list-sessions' });
    expect(listed).toMatchObject({ ok: true, sessions: [{ id: 's1', imported: true, findingCounts: { error: 1 }, callCount: 2 }] });
    const findings = await db.getAllFromIndex('findings', 'bySession', 's1');
    expect(findings.map((f) => f.rule)).toContain('userid-overwrite');
    // Retention ages it from now; the listing does not show that.
    expect((await db.get('sessions', 's1'))?.importedAt).toBe(1_790_000_900_000);
    expect((listed as unknown as { sessions: object[] }).sessions[0]).not.toHaveProperty('importedAt');
    expect(imports).toBe(1);
  });

  it('keeps both copies when the same file is imported twice, and stores nothing from a bad file', async () => {
    await ask({ type: 'import-sessions', text: exported() });
    await ask({ type: 'import-sessions', text: exported() });
    expect((await db.getAll('sessions')).map((s) => s.id).sort()).toEqual(['s1', `s1-imported-${(1_790_000_900_000).toString(36)}`]);
    // Both copies read back whole, the second under its new ids.
    const [first, second] = await Promise.all(['s1', `s1-imported-${(1_790_000_900_000).toString(36)}`].map((id) => store.recordsOf(id)));
    expect(first?.length).toBeGreaterThan(0);
    expect(second?.map((r) => r.id)).toEqual(first?.map((r) => `s1-imported-${(1_790_000_900_000).toString(36)}:${r.id}`));
    const before = [(await db.getAll('records')).length, (await db.getAll('pageBatches')).length];
    expect(await ask({ type: 'import-sessions', text: exported().replace('"kind":"call"', '"kind":"bogus"') })).toMatchObject({ ok: false, error: expect.stringMatching(/^sessions\[0\]\.records\[\d+\]\.kind/) });
    expect([(await db.getAll('records')).length, (await db.getAll('pageBatches')).length]).toEqual(before);
    expect((await db.getAll('sessions')).length).toBe(2);
  });

  it('exports as Identity Lens JSON (optionally redacted), NDJSON and HAR, and deletes sessions with their records and findings', async () => {
    await ask({ type: 'import-sessions', text: exported() });
    const json = (await ask({ type: 'export-sessions', ids: ['s1'], format: 'json', redact: true })) as { fileName: string; text: string };
    expect(json.fileName).toMatch(/\.identity-lens\.json$/);
    expect(json.text).not.toContain('p@example.com');
    expect((await ask({ type: 'export-sessions', ids: 'all', format: 'ndjson', redact: false })) as { text: string }).toMatchObject({ text: expect.stringMatching(/^\{"type":"identify"/) });
    expect((await ask({ type: 'export-sessions', ids: 'all', format: 'har', redact: false })) as { fileName: string }).toMatchObject({ fileName: expect.stringMatching(/\.har$/) });
    expect(await ask({ type: 'export-sessions', ids: ['nope'], format: 'json', redact: false })).toEqual({ ok: false, error: 'No session to export.' });
    expect(await ask({ type: 'delete-sessions', ids: ['s1', 'nope'] })).toEqual({ ok: true, deleted: 1 });
    expect(await db.getAll('records')).toEqual([]);
    expect(await db.getAll('pageBatches')).toEqual([]);
    expect(await db.getAll('findings')).toEqual([]);
  });

  it('summarises a tab, and switches capture per site', async () => {
    const empty = (await ask({ type: 'tab-summary', tabId: 3, url: 'https://shop.example/' })) as { summary: { session: unknown; captureEnabled: boolean } };
    expect(empty.summary).toMatchObject({ session: null, captureEnabled: true, origin: 'https://shop.example' });
    expect(await ask({ type: 'set-capture', origin: 'https://shop.example', enabled: false })).toEqual({ ok: true });
    expect(disabled).toEqual(['https://shop.example']);
    const off = (await ask({ type: 'tab-summary', tabId: 3, url: 'https://shop.example/cart' })) as { summary: { captureEnabled: boolean } };
    expect(off.summary.captureEnabled).toBe(false);
    expect(await requests.handle({ channel: 'someone-else' })).toBeUndefined();
  });

  it('tells the capture status and the retention notice, and dismisses the notice', async () => {
    expect(await ask({ type: 'storage-state' })).toEqual({ ok: true, storage: { capture: { state: 'capturing' }, notice: { at: 1_790_000_000_000, evicted: 3, reason: 'sessions', maxSessions: 100, maxMegabytes: 500 } } });
    expect(await ask({ type: 'dismiss-retention-notice' })).toEqual({ ok: true });
    expect(await ask({ type: 'storage-state' })).toMatchObject({ storage: { notice: null } });
  });

  it('gives the identity and the top findings of an open session', async () => {
    const s = createSessionBuilder();
    s.page.identify('97980cfea0067');
    s.page.identify('user-2-b6f1');
    const { records } = sessionOf(s.records, 'open-1');
    await db.put('sessions', { id: 'open-1', tabId: 9, openTabId: 9, title: 't', startedAt: 0, endedAt: null, pages: [], currentUrl: 'https://shop.example/', recordCount: records.length, apiHosts: [] });
    for (const record of records) await db.put('records', record);
    for (const finding of evaluateSession(records).findings) await db.put('findings', { ...finding, sessionId: 'open-1' });
    const { summary } = (await ask({ type: 'tab-summary', tabId: 9, url: 'https://shop.example/' })) as unknown as { summary: { identity: { userId: string }; topFindings: Array<{ rule: string }>; callCount: number } };
    expect(summary.identity.userId).toBe('user-2-b6f1');
    expect(summary.topFindings[0]?.rule).toBe('userid-overwrite');
    expect(summary.callCount).toBe(2);
    // Clearing the open session from the popup clears its tab's badge too.
    expect(await ask({ type: 'delete-sessions', ids: ['open-1'] })).toEqual({ ok: true, deleted: 1 });
    expect(clearedBadges).toEqual([9]);
  });
});
