import { evaluateSession } from '../core/engine';
import { EMPTY_IDENTITY, identityAfter } from '../core/identity/identity-model';
import { isPageRecord, originOf } from '../core/identity/scope';
import { compareRecords } from '../core/link-records';
import { parseSessionFile } from '../core/export/import-file';
import { redactSessionFile } from '../core/export/redact';
import { createSessionFile, sessionFileName, type SessionData } from '../core/export/session-file';
import { toHar, toNdjson } from '../core/export/wire-formats';
import type { RuleOptions } from '../core/rules/rule';
import type { Finding } from '../protocol/findings';
import type { Session } from '../protocol/records';
import { UI_REQUEST_CHANNEL, type StorageState, type TabSummary, type UiRequest, type UiResponse } from '../protocol/ui-messages';
import type { LensDatabase, StoredRecord, StoredSession } from './db';
import type { FindingsService } from './findings-service';
import type { SessionStore } from './session-store';

export interface UiRequestDeps {
  readonly db: LensDatabase;
  readonly store: SessionStore;
  readonly findings: FindingsService;
  readonly ruleOptions: () => Promise<Partial<RuleOptions>>;
  readonly version: string;
  readonly now: () => number;
  readonly captureDisabled: () => Promise<readonly string[]>;
  readonly setCaptureDisabled: (origins: readonly string[]) => Promise<void>;
  /** The capture service's delete: the one way a session goes, in its tab's turn when it is still recording. */
  readonly deleteSessions: (ids: readonly string[]) => Promise<readonly Session[]>;
  /** Capture status and the retention notice, as the background holds them. */
  readonly storageState: () => Promise<StorageState>;
  readonly dismissRetentionNotice: () => Promise<void>;
  /** Sessions were imported (retention may have to make room). */
  readonly onImported?: () => void;
}

function isRequest(message: unknown): message is UiRequest {
  return typeof message === 'object' && message !== null && (message as { channel?: unknown }).channel === UI_REQUEST_CHANNEL && typeof (message as { type?: unknown }).type === 'string';
}

/** Page records per stored row when importing. */
const IMPORT_BATCH = 1000;

const publicSession = ({ openTabId: _open, cookieDigest: _digest, importedAt: _imported, batchedCalls: _calls, ...session }: StoredSession): Session => session;

/** The requests of the popup and the session library: plain async functions over IndexedDB. */
export function createUiRequests(deps: UiRequestDeps) {
  async function sessionData(ids: readonly string[] | 'all'): Promise<SessionData[]> {
    const sessions = ids === 'all' ? await deps.store.listSessions() : (await Promise.all(ids.map((id) => deps.db.get('sessions', id)))).filter((s): s is StoredSession => s !== undefined);
    return Promise.all(
      sessions.map(async (session) => ({ session: publicSession(session), records: await deps.store.recordsOf(session.id), findings: await deps.findings.findingsOf(session.id) })),
    );
  }

  /** All or nothing: every session of the file is stored in one transaction, or none is. */
  async function importSessions(text: string): Promise<UiResponse> {
    const parsed = parseSessionFile(text, deps.now());
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const options = await deps.ruleOptions();
    const prepared = parsed.sessions.map(({ session, records }) => {
      // Imported files get a fresh id when it is taken, so importing twice keeps both.
      return { session, records, findings: evaluateSession(records, { ...options, ended: true }).findings };
    });
    const tx = deps.db.transaction(['sessions', 'records', 'findings', 'pageBatches'], 'readwrite');
    const writes: Promise<unknown>[] = [];
    for (const { session, records, findings } of prepared) {
      const taken = (await tx.objectStore('sessions').getKey(session.id)) !== undefined;
      const id = taken ? `${session.id}-imported-${deps.now().toString(36)}` : session.id;
      const counts = { error: 0, warning: 0, info: 0 };
      for (const f of findings) counts[f.severity] += 1;
      // Page records many to a row, as capture stores them (db.ts, v3): one value per
      // IMPORT_BATCH records instead of one per record, which made a large import slow.
      const page: StoredRecord[] = [];
      let calls = 0;
      for (const record of [...records].sort(compareRecords)) {
        const stored = { ...record, sessionId: id, id: taken ? `${id}:${record.id}` : record.id } as StoredRecord;
        if (!isPageRecord(record)) {
          writes.push(tx.objectStore('records').put(stored));
          continue;
        }
        page.push(stored);
        if (record.kind === 'call') calls += 1;
      }
      for (let from = 0; from < page.length; from += IMPORT_BATCH) {
        const rows = page.slice(from, from + IMPORT_BATCH);
        const first = rows[0] as StoredRecord;
        writes.push(tx.objectStore('pageBatches').put({ sessionId: id, at: first.at, id: first.id, records: rows }));
      }
      writes.push(
        tx.objectStore('sessions').put({ ...session, id, findingCounts: counts, evaluatedRecords: records.length, importedAt: deps.now(), ...(calls > 0 ? { batchedCalls: calls } : {}) }),
      );
      for (const finding of findings) {
        const recordIds = taken ? finding.recordIds.map((r) => `${id}:${r}`) : finding.recordIds;
        writes.push(tx.objectStore('findings').put({ ...finding, recordIds, sessionId: id }));
      }
    }
    await Promise.all([...writes, tx.done]);
    deps.onImported?.();
    return { ok: true, imported: prepared.length };
  }

  async function exportSessions(request: Extract<UiRequest, { type: 'export-sessions' }>): Promise<UiResponse> {
    const data = await sessionData(request.ids);
    if (data.length === 0) return { ok: false, error: 'No session to export.' };
    const now = deps.now();
    if (request.format === 'ndjson') {
      return { ok: true, fileName: sessionFileName(data.map((d) => d.session), now, 'segment.ndjson'), mimeType: 'application/x-ndjson', text: toNdjson(data) };
    }
    if (request.format === 'har') {
      return { ok: true, fileName: sessionFileName(data.map((d) => d.session), now, 'har'), mimeType: 'application/json', text: JSON.stringify(toHar(data, deps.version), null, 2) };
    }
    const file = createSessionFile(data, deps.version, now);
    return {
      ok: true,
      fileName: sessionFileName(data.map((d) => d.session), now),
      mimeType: 'application/json',
      text: JSON.stringify(request.redact ? redactSessionFile(file) : file),
    };
  }

  async function tabSummary(tabId: number, url: string | null): Promise<TabSummary> {
    const stored = await deps.store.openSession(tabId);
    const origin = url ? originOf(url) : null;
    const disabled = await deps.captureDisabled();
    const captureEnabled = origin === null || !disabled.includes(origin);
    if (!stored) {
      return {
        session: null,
        identity: { ...EMPTY_IDENTITY, traits: {}, storedIn: { anonymousId: [], userId: [] }, cookieExpiry: { anonymousId: null, userId: null } },
        counts: { error: 0, warning: 0, info: 0 },
        topFindings: [],
        callCount: 0,
        origin,
        captureEnabled,
      };
    }
    const records = await deps.store.recordsOf(stored.id);
    const findings: Finding[] = await deps.findings.findingsOf(stored.id);
    const identity = identityAfter(records, originOf(stored.currentUrl));
    const counts = { error: 0, warning: 0, info: 0 };
    for (const f of findings) counts[f.severity] += 1;
    const rank = { error: 0, warning: 1, info: 2 } as const;
    return {
      session: publicSession(stored),
      identity: {
        anonymousId: identity.anonymousId,
        userId: identity.userId,
        groupId: identity.groupId,
        traits: identity.traits,
        storedIn: identity.storedIn,
        cookieExpiry: {
          anonymousId: identity.cookies.ajs_anonymous_id?.expirationDate ?? null,
          userId: identity.cookies.ajs_user_id?.expirationDate ?? null,
        },
      },
      counts,
      topFindings: [...findings].sort((a, b) => rank[a.severity] - rank[b.severity] || b.at - a.at).slice(0, 3),
      callCount: records.filter((r) => r.kind === 'call').length,
      origin,
      captureEnabled,
    };
  }

  return {
    importSessions,
    exportSessions,
    tabSummary,
    /** runtime.onMessage for UI requests; other messages are not ours (undefined). */
    async handle(message: unknown): Promise<UiResponse | undefined> {
      if (!isRequest(message)) return undefined;
      try {
        switch (message.type) {
          case 'list-sessions': {
            const sessions = (await deps.store.listSessions()).reverse();
            // Counted as stored and on the index, without reading the records.
            const counted = await Promise.all(sessions.map(async (session) => ({ ...publicSession(session), callCount: await deps.store.countCalls(session) })));
            return { ok: true, sessions: counted };
          }
          case 'delete-sessions':
            return { ok: true, deleted: (await deps.deleteSessions(Array.isArray(message.ids) ? message.ids.filter((id) => typeof id === 'string') : [])).length };
          case 'import-sessions':
            return typeof message.text === 'string' ? await importSessions(message.text) : { ok: false, error: 'Nothing to import.' };
          case 'export-sessions':
            return await exportSessions(message);
          case 'tab-summary':
            return { ok: true, summary: await tabSummary(message.tabId, message.url) };
          case 'set-capture': {
            const disabled = new Set(await deps.captureDisabled());
            if (message.enabled) disabled.delete(message.origin);
            else disabled.add(message.origin);
            await deps.setCaptureDisabled([...disabled]);
            return { ok: true };
          }
          case 'storage-state':
            return { ok: true, storage: await deps.storageState() };
          case 'dismiss-retention-notice':
            await deps.dismissRetentionNotice();
            return { ok: true };
          default:
            return { ok: false, error: 'Unknown request.' };
        }
      } catch (error) {
        return { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}

export type UiRequests = ReturnType<typeof createUiRequests>;
