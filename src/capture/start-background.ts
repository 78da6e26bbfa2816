import browser, { type Cookies, type WebNavigation, type WebRequest } from 'webextension-polyfill';
import { createCaptureService, type CaptureService } from './capture-service';
import { CAPTURE_STATUS_KEY, createCaptureStatus } from './capture-status';
import { keepLensDatabaseOpen } from './db';
import { footprintOf } from './retention';
import { createRetentionService, estimateStorageUsage, parseNotice, RETENTION_NOTICE_KEY } from './retention-service';
import { createFindingsService, type FindingsService } from './findings-service';
import { createSessionStore, systemClock } from './session-store';
import { createUiHub } from './ui-hub';
import { createUiRequests } from './ui-requests';
import { originOf } from '../core/identity/scope';
import { UI_PORT, UI_REQUEST_CHANNEL } from '../protocol/ui-messages';
import { BRIDGE_PORT, type BackgroundToBridgeOnPort } from '../protocol/messages';
import { API_HOSTS_KEY, normaliseApiHosts, normaliseRetention, normaliseRuleOptions, RETENTION_KEY, RULE_OPTIONS_KEY } from './settings';
import { StorageFullError } from './storage-errors';

/** Only requests to these paths can be tracking calls; the filter keeps every other request away from us. */
const TRACKING_ENDPOINTS = ['t', 'i', 'p', 's', 'g', 'a', 'b', 'batch', 'track', 'identify', 'page', 'screen', 'group', 'alias', 'import'];
export const TRACKING_URL_PATTERNS = TRACKING_ENDPOINTS.flatMap((endpoint) => [`*://*/*/${endpoint}`, `*://*/${endpoint}`]);

/**
 * Registers every listener synchronously, as MV3 requires for a stopped service
 * worker to be woken by its events; the database opens once and each handler
 * waits for it.
 */
export function startBackground(): void {
  let userHosts: Promise<string[]> = loadUserHosts();
  let captureDisabled: Promise<string[]> = loadStringList(CAPTURE_DISABLED_KEY);
  const kept = keepLensDatabaseOpen();
  // Built once the first attempt to open has ended, opened or not: a disk that is full
  // when the worker starts must not leave it without capture until the next restart.
  const database = kept.connection().then(
    () => kept.db,
    () => kept.db,
  );
  const sessions = database.then((db) => createSessionStore(db, systemClock));
  const findings: Promise<FindingsService> = database.then((db) =>
    createFindingsService({
      db,
      ruleOptions: async () => normaliseRuleOptions((await browser.storage.local.get(RULE_OPTIONS_KEY))[RULE_OPTIONS_KEY]),
      showCount: showBadge,
      later: (callback, ms) => setTimeout(callback, ms),
      onSaved: (session, found) => {
        hub.publishFindings(session.id, session.tabId, found);
        hub.publishSession(session);
      },
    }),
  );
  const hub = createUiHub({
    openSession: async (tabId) => (await sessions).openSession(tabId),
    getSession: async (sessionId) => (await database).get('sessions', sessionId),
    streamRecords: async (sessionId, chunkSize, onChunk) => (await sessions).streamRecords(sessionId, chunkSize, onChunk),
    findingsOf: async (sessionId) => (await findings).findingsOf(sessionId),
    captureStatus: () => captureStatus.current(),
  });
  const local = browser.storage.local;
  const captureStatus = createCaptureStatus({
    load: async () => (await local.get(CAPTURE_STATUS_KEY))[CAPTURE_STATUS_KEY],
    save: (status) => (status ? local.set({ [CAPTURE_STATUS_KEY]: status }) : local.remove(CAPTURE_STATUS_KEY)),
    publish: (status) => hub.publishCaptureStatus(status),
    now: () => Date.now(),
  });
  const retention = createRetentionService({
    listSessions: async () => (await (await sessions).listSessions()).map(footprintOf),
    deleteSessions: async (ids) => (await service).deleteSessions(ids),
    usage: estimateStorageUsage,
    settings: async () => normaliseRetention((await local.get(RETENTION_KEY))[RETENTION_KEY]),
    loadNotice: async () => parseNotice((await local.get(RETENTION_NOTICE_KEY))[RETENTION_NOTICE_KEY]),
    saveNotice: (notice) => (notice ? local.set({ [RETENTION_NOTICE_KEY]: notice }) : local.remove(RETENTION_NOTICE_KEY)),
    now: () => Date.now(),
    later: (callback, ms) => setTimeout(callback, ms),
  });
  // Limits lowered while the worker was stopped, or sessions imported: checked at every start.
  retention.schedule();
  browser.runtime.onConnect.addListener((port: browser.Runtime.Port) => {
    if (port.name === BRIDGE_PORT) {
      // The sender (tab, frame) is the port's, set by the browser; never read from a message.
      const sender = port.sender ?? {};
      port.onMessage.addListener((message: unknown) => {
        const batch = typeof message === 'object' && message !== null ? (message as { batch?: unknown }).batch : undefined;
        void service
          .then((s) => s.handleBridgeMessage(message, sender))
          .catch((error: unknown) => ({ ok: false as const, error: String(error), retry: true }))
          .then((reply) => {
            if (typeof batch !== 'number') return;
            try {
              port.postMessage({ batch, reply } satisfies BackgroundToBridgeOnPort);
            } catch {
              // The frame went away; its records are stored all the same.
            }
          });
      });
      return;
    }
    if (port.name !== UI_PORT) return;
    hub.connect({
      postMessage: (message) => port.postMessage(message),
      onMessage: (listener) => port.onMessage.addListener(listener),
      onDisconnect: (listener) => port.onDisconnect.addListener(() => listener()),
    });
  });
  const service: Promise<CaptureService> = Promise.all([sessions, findings]).then(([store, evaluator]) =>
    createCaptureService({
      store,
      clock: systemClock,
      getCookies: async (url) => browser.cookies.getAll({ url }),
      userApiHosts: () => userHosts,
      onRecordsStored: (sessionId, tabId, records) => {
        hub.publishRecords(sessionId, tabId, records);
        evaluator.recordsStored(sessionId, tabId, records);
        retention.recordsStored(records.length);
      },
      onSessionStarted: () => retention.schedule(),
      onSessionEnded: async (sessionId, tabId) => {
        try {
          await evaluator.sessionEnded(sessionId, tabId);
        } finally {
          retention.schedule();
        }
      },
      // The tab's next record starts a new session; until then its badge shows nothing.
      onSessionDeleted: (session) => {
        if (session.endedAt === null) showBadge(session.tabId, { error: 0, warning: 0 });
      },
      captureEnabled: async (url) => url === null || !(await captureDisabled).includes(originOf(url)),
      room: {
        isPaused: () => captureStatus.isPaused(),
        freeSpace: () => retention.freeSpace(),
        paused: (error) => captureStatus.paused(error),
        stored: () => captureStatus.stored(),
      },
    }),
  );
  const requests = Promise.all([database, sessions, findings, service]).then(([db, store, evaluator, capture]) =>
    createUiRequests({
      db,
      store,
      findings: evaluator,
      ruleOptions: async () => normaliseRuleOptions((await browser.storage.local.get(RULE_OPTIONS_KEY))[RULE_OPTIONS_KEY]),
      version: browser.runtime.getManifest().version,
      now: () => Date.now(),
      captureDisabled: () => captureDisabled,
      deleteSessions: (ids) => capture.deleteSessions(ids),
      storageState: async () => ({ capture: await captureStatus.current(), notice: await retention.notice() }),
      dismissRetentionNotice: () => retention.dismissNotice(),
      onImported: () => retention.schedule(),
      setCaptureDisabled: async (origins) => {
        captureDisabled = Promise.resolve([...origins]);
        await browser.storage.local.set({ [CAPTURE_DISABLED_KEY]: [...origins] });
      },
    }),
  );
  const run = (task: (s: CaptureService) => Promise<unknown>): Promise<unknown> =>
    service.then(task).catch((error: unknown) => {
      // A refusal for lack of room is shown as the capture status, not logged for every event.
      if (!(error instanceof StorageFullError)) console.error('[Identity Lens] capture failed', error);
    });

  browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
    if (typeof message === 'object' && message !== null && (message as { channel?: unknown }).channel === UI_REQUEST_CHANNEL) {
      // Only the extension's own pages (popup, session library) may ask; content scripts have a tab.
      if (sender.tab !== undefined && !sender.url?.startsWith(browser.runtime.getURL(''))) return undefined;
      return requests.then((r) => r.handle(message));
    }
    // Page records come over the bridge's port (BRIDGE_PORT), never as one-off messages.
    return undefined;
  });

  const filter: WebRequest.RequestFilter = { urls: TRACKING_URL_PATTERNS };
  browser.webRequest.onBeforeRequest.addListener(
    (details: WebRequest.OnBeforeRequestDetailsType) => {
      void run((s) => s.handleBeforeRequest(details as Parameters<CaptureService['handleBeforeRequest']>[0]));
      return undefined;
    },
    filter,
    ['requestBody'],
  );
  browser.webRequest.onCompleted.addListener((details: WebRequest.OnCompletedDetailsType) => {
    void run((s) => s.handleRequestEnd(details, 'completed'));
  }, filter);
  browser.webRequest.onErrorOccurred.addListener((details: WebRequest.OnErrorOccurredDetailsType) => {
    void run((s) => s.handleRequestEnd(details, 'failed'));
  }, filter);

  // Set-Cookie of identity cookies: Chrome shows it only with 'extraHeaders', which Firefox rejects.
  const onHeaders = (details: WebRequest.OnHeadersReceivedDetailsType) => {
    void run((s) => s.handleHeadersReceived(details));
    return undefined;
  };
  const headerFilter: WebRequest.RequestFilter = { urls: ['<all_urls>'], types: ['main_frame', 'sub_frame', 'xmlhttprequest'] };
  try {
    browser.webRequest.onHeadersReceived.addListener(onHeaders, headerFilter, ['responseHeaders', 'extraHeaders' as WebRequest.OnHeadersReceivedOptions]);
  } catch {
    browser.webRequest.onHeadersReceived.addListener(onHeaders, headerFilter, ['responseHeaders']);
  }

  browser.cookies.onChanged.addListener((change: Cookies.OnChangedChangeInfoType) => {
    void run((s) => s.handleCookieChanged(change));
  });

  browser.webNavigation.onCommitted.addListener((details: WebNavigation.OnCommittedDetailsType) => {
    void run((s) => s.handleNavigation(details, 'commit'));
  });
  browser.webNavigation.onHistoryStateUpdated.addListener((details: WebNavigation.OnHistoryStateUpdatedDetailsType) => {
    void run((s) => s.handleNavigation(details, 'history'));
  });
  browser.webNavigation.onReferenceFragmentUpdated.addListener((details: WebNavigation.OnReferenceFragmentUpdatedDetailsType) => {
    void run((s) => s.handleNavigation(details, 'fragment'));
  });
  browser.tabs.onRemoved.addListener((tabId: number) => {
    void run((s) => s.handleTabRemoved(tabId));
  });
  browser.runtime.onStartup.addListener(() => {
    void run((s) => s.handleBrowserStartup());
  });
  browser.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local') return;
    if (API_HOSTS_KEY in changes) userHosts = Promise.resolve(normaliseApiHosts(changes[API_HOSTS_KEY]?.newValue));
    if (RETENTION_KEY in changes) retention.schedule();
    if (RULE_OPTIONS_KEY in changes) {
      void Promise.all([database, findings]).then(async ([db, evaluator]) => {
        const open = await db.getAllFromIndex('sessions', 'byOpenTab');
        await evaluator.optionsChanged(open.map((session) => ({ id: session.id, tabId: session.tabId })));
      });
    }
  });
}

/** The toolbar badge: errors + warnings of the tab's session, red with errors, amber with warnings only. */
function showBadge(tabId: number, counts: { error: number; warning: number }): void {
  const total = counts.error + counts.warning;
  const action = browser.action;
  void action.setBadgeText({ tabId, text: total === 0 ? '' : total > 999 ? '999+' : String(total) }).catch(() => undefined);
  if (total > 0) void action.setBadgeBackgroundColor({ tabId, color: counts.error > 0 ? '#d93025' : '#f29900' }).catch(() => undefined);
}

const CAPTURE_DISABLED_KEY = 'captureDisabled';

async function loadStringList(key: string): Promise<string[]> {
  try {
    const value = (await browser.storage.local.get(key))[key];
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}

async function loadUserHosts(): Promise<string[]> {
  try {
    const stored = await browser.storage.local.get(API_HOSTS_KEY);
    return normaliseApiHosts(stored[API_HOSTS_KEY]);
  } catch {
    return [];
  }
}
