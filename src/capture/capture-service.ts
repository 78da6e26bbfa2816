import { isForbiddenKey, parseBridgeMessage, validatePageRecord } from '../protocol/guards';
import type { BackgroundToBridge } from '../protocol/messages';
import type {
  BackgroundRecord,
  BridgeStatsRecord,
  CookieChangeCause,
  CookieDetails,
  LensRecord,
  CookieRecord,
  NavigationKind,
  NavigationRecord,
  PageRecord,
  ServerCookieRecord,
  WireRecord,
} from '../protocol/records';
import { messageIdsOf, parseTrackingBody, recogniseUrl } from '../core/tracking-api';
import { documentIdOf } from '../core/identity/scope';
import { cookieDigest, cookieDomainMatches, isIdentityCookie, toCookieDetails, type BrowserCookie } from './cookies';
import type { StoredRecord, StoredSession } from './db';
import { classifyCommit } from './navigation';
import { createKeyedQueue, type Clock, type SessionStore } from './session-store';
import { isStorageUnavailable, StorageFullError } from './storage-errors';

/** What the capture service needs from the browser; the background passes the real APIs, tests pass fakes. */
export interface CaptureDeps {
  readonly store: SessionStore;
  readonly clock: Clock;
  readonly getCookies: (url: string) => Promise<BrowserCookie[]>;
  /** Tracking API hosts the user added in the options page. */
  readonly userApiHosts: () => Promise<readonly string[]>;
  /** Told of every record stored or updated (the rule engine evaluates them). */
  readonly onRecordsStored?: (sessionId: string, tabId: number, records: readonly LensRecord[]) => void;
  /** Told when a session ends with its tab. */
  readonly onSessionEnded?: (sessionId: string, tabId: number) => Promise<void>;
  /** Whether capture is on for a page's site (the popup's switch); on when not given. */
  readonly captureEnabled?: (url: string | null) => Promise<boolean>;
  /** Told when a tab's first Segment activity starts a session. */
  readonly onSessionStarted?: (session: StoredSession) => void;
  /** Told of every session deleted (the library, the popup's Clear, retention). */
  readonly onSessionDeleted?: (session: StoredSession) => void;
  /** What to do when the browser refuses to store more; without it a refusal is a plain error. */
  readonly room?: RoomForRecords;
}

export interface RoomForRecords {
  /** Whether capture is paused for lack of room already (then nothing more is evicted for it). */
  isPaused(): boolean;
  /** Frees room by the retention plan (oldest ended sessions). */
  freeSpace(): Promise<unknown>;
  /** The write was refused again after that: capture pauses. */
  paused(error: unknown): Promise<void>;
  /** A capture write succeeded: capture resumes if it was paused. */
  stored(): Promise<void>;
}

export interface MessageSender {
  readonly tab?: { id?: number; url?: string };
  readonly frameId?: number;
  /** The sending frame's URL: `about:blank` / `about:srcdoc` for frames that inherit their origin. */
  readonly url?: string;
  /** Chrome only: the sending frame's origin, the inherited one for about:blank frames. */
  readonly origin?: string;
}

/**
 * Whether a record's frameUrl is the frame that sent it: the same URL, or the same origin
 * (pushState, or a record from before a same-origin navigation). Identity is kept per
 * origin, so a frame that could name another origin could rewrite that origin's timeline.
 * A sender without a URL is checked against the tab's URL when it is the top frame, and
 * refused otherwise: what cannot be checked is not believed.
 */
export function isSendersFrame(frameUrl: string, sender: MessageSender): boolean {
  const senderUrl = sender.url ?? (sender.frameId === 0 || sender.frameId === undefined ? sender.tab?.url : undefined);
  if (senderUrl === undefined) return false;
  if (frameUrl === senderUrl) return true;
  const claimed = webOrigin(frameUrl);
  return claimed !== null && (claimed === webOrigin(senderUrl) || claimed === sender.origin);
}

/** A URL's origin when it has one of its own (http, https, file…); null for about:, data:, javascript: and junk. */
function webOrigin(url: string): string | null {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

export interface BeforeRequestDetails {
  readonly requestId: string;
  readonly url: string;
  readonly method: string;
  readonly tabId: number;
  readonly type: string;
  readonly timeStamp: number;
  readonly documentUrl?: string;
  readonly initiator?: string;
  readonly requestBody?: { raw?: Array<{ bytes?: ArrayBuffer }>; error?: string } | null;
}

export interface RequestEndDetails {
  readonly requestId: string;
  readonly url: string;
  readonly tabId: number;
  readonly timeStamp: number;
  readonly statusCode?: number;
  readonly error?: string;
}

export interface CommitDetails {
  readonly tabId: number;
  readonly frameId: number;
  /** Chrome reports it; Firefox and the polyfill's types may not. */
  readonly parentFrameId?: number;
  readonly url: string;
  readonly timeStamp: number;
  readonly transitionType?: string;
  readonly transitionQualifiers?: string[];
}

export interface HeadersReceivedDetails {
  readonly tabId: number;
  readonly url: string;
  readonly timeStamp: number;
  readonly type: string;
  readonly responseHeaders?: ReadonlyArray<{ readonly name: string; readonly value?: string }>;
}

/** The identity cookies a response's Set-Cookie headers write. */
export function identityCookiesSet(headers: HeadersReceivedDetails['responseHeaders']): ServerCookieRecord['cookies'] {
  const cookies: Array<{ name: string; value: string; attributes: string }> = [];
  for (const header of headers ?? []) {
    if (header.name.toLowerCase() !== 'set-cookie' || typeof header.value !== 'string') continue;
    // Firefox folds several Set-Cookie headers into one value separated by newlines.
    for (const line of header.value.split('\n')) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      if (!isIdentityCookie(name)) continue;
      let value = pair.slice(eq + 1).trim();
      try {
        value = decodeURIComponent(value);
      } catch {
        // keep the raw value
      }
      cookies.push({ name, value, attributes: attributes.map((a) => a.trim()).join('; ').slice(0, 500) });
    }
  }
  return cookies;
}

export interface CookieChange {
  readonly removed: boolean;
  readonly cookie: BrowserCookie;
  readonly cause: string;
}

/** Tracking request bodies larger than this are recorded without their messages. */
export const MAX_WIRE_BODY_BYTES = 4 * 1024 * 1024;

const COOKIE_CAUSES: ReadonlySet<string> = new Set(['explicit', 'overwrite', 'expired', 'expired_overwrite', 'evicted']);

function decodeBody(body: BeforeRequestDetails['requestBody']): string | null {
  const parts = body?.raw;
  if (!parts || parts.length === 0) return null;
  let size = 0;
  for (const part of parts) size += part.bytes?.byteLength ?? 0;
  if (size > MAX_WIRE_BODY_BYTES) return null;
  const decoder = new TextDecoder();
  let text = '';
  for (const part of parts) if (part.bytes) text += decoder.decode(part.bytes, { stream: true });
  return text + decoder.decode();
}

const wireRecordId = (sessionId: string, requestId: string): string => `wire:${sessionId}:${requestId}`;

/**
 * The background's capture logic, free of `browser.*`: every event handler is a
 * plain async function that the entrypoint wires to the browser's events.
 */
export function createCaptureService(deps: CaptureDeps) {
  const { clock } = deps;
  const { room } = deps;
  const store: SessionStore = {
    ...deps.store,
    async appendRecords(session, provenance, records) {
      const added = await deps.store.appendRecords(session, provenance, records);
      await room?.stored();
      if (added > 0) {
        const stored = records.map((record) => ({ ...record, sessionId: session.id, tabId: provenance.tabId, frameId: provenance.frameId }));
        deps.onRecordsStored?.(session.id, session.tabId, stored);
      }
      return added;
    },
    async putRecord(session, record) {
      await deps.store.putRecord(session, record);
      await room?.stored();
      deps.onRecordsStored?.(session.id, session.tabId, [record]);
    },
  };

  /**
   * Runs a tab's work; when the browser refuses to store it (a full disk, a quota),
   * frees room by the retention plan and tries once more, then pauses capture.
   * Every write is idempotent by record id, so trying again stores nothing twice.
   * While paused, nothing more is evicted: the first refusal freed what retention
   * allows, and the user decides the rest (delete sessions, lower the limits).
   */
  async function withRoom<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await task();
    } catch (first) {
      if (!room || !isStorageUnavailable(first)) throw first;
      let refusal: unknown = first;
      if (!room.isPaused()) {
        await room.freeSpace().catch(() => undefined);
        try {
          return await task();
        } catch (again) {
          if (!isStorageUnavailable(again)) throw again;
          refusal = again;
        }
      }
      await room.paused(refusal);
      throw new StorageFullError(refusal);
    }
  }

  const queue = createKeyedQueue();
  const perTab = <T>(tabId: number, task: () => Promise<T>): Promise<T> => queue(tabId, () => withRoom(task));
  let seq = 0;
  const nextSeq = (): number => (seq += 1);
  const backgroundId = (prefix: string): string => `${prefix}:${clock.randomId()}`;
  /** Top-frame commits seen before the tab had a session; the first page record adopts them. */
  const pendingCommits = new Map<number, CommitDetails>();
  /** The documents (page loads) each open tab's session has records of; in memory, so lost on restart. */
  const documentsByTab = new Map<number, Set<string>>();
  /** Tabs closed lately, with the session they ended and its documents. */
  const closedTabs = new Map<number, { sessionId: string; documents: ReadonlySet<string> }>();
  /** Requests we recognised, so completion events for all other requests cost nothing. Lost on restart, then IndexedDB answers. */
  const trackedRequests = new Map<string, number>();
  /** Identity cookies as last seen, and those just removed by an overwrite, by name;domain;path. */
  const lastCookies = new Map<string, CookieDetails>();
  const overwritten = new Map<string, CookieDetails>();

  async function snapshotCookies(sessionId: string, tabId: number, url: string): Promise<void> {
    let cookies: BrowserCookie[];
    try {
      cookies = await deps.getCookies(url);
    } catch {
      return; // URLs the cookies API refuses (about:, data:) have no identity cookies.
    }
    const details = cookies.filter((c) => isIdentityCookie(c.name)).map(toCookieDetails);
    const digest = cookieDigest(details);
    const session = await store.openSession(tabId);
    if (!session || session.id !== sessionId || session.cookieDigest === digest) return;
    const record: CookieRecord = {
      id: backgroundId('cookie'),
      at: clock.now(),
      seq: nextSeq(),
      kind: 'cookie',
      change: 'snapshot',
      cause: null,
      url,
      cookies: details,
      previous: null,
    };
    await store.appendRecords(session, { tabId, frameId: 0 }, [record]);
    await store.updateSession(session.id, (s) => ({ ...s, cookieDigest: digest }));
  }

  function navigationRecord(details: CommitDetails, navigation: NavigationKind): NavigationRecord {
    return {
      id: backgroundId('nav'),
      at: details.timeStamp,
      seq: nextSeq(),
      kind: 'navigation',
      url: details.url,
      navigation,
      transitionType: details.transitionType ?? null,
      qualifiers: details.transitionQualifiers ?? [],
      parentFrameId: details.parentFrameId ?? (details.frameId === 0 ? -1 : 0),
    };
  }

  /**
   * The tab's open session, created on its first Segment activity. A top-frame
   * commit seen before that (no session yet) becomes the session's first page and
   * navigation record. Call inside the tab's queue.
   */
  async function sessionFor(tabId: number, url: string | null, at: number, lateDocuments?: readonly string[]) {
    const existing = await store.openSession(tabId);
    if (existing) return existing;
    // A closed tab's last records (flushed at pagehide) can arrive after tabs.onRemoved:
    // records of a document that session already holds belong to it, not to a new session.
    const closed = closedTabs.get(tabId);
    if (closed && lateDocuments?.every((document) => closed.documents.has(document))) {
      const ended = await store.getSession(closed.sessionId);
      if (ended) return ended;
    }
    const pending = pendingCommits.get(tabId);
    pendingCommits.delete(tabId);
    const session = await store.sessionForTab(tabId, pending?.url ?? url, pending?.timeStamp ?? at);
    deps.onSessionStarted?.(session);
    if (pending) {
      const navigation = navigationRecord(pending, classifyCommit(pending.transitionType, pending.transitionQualifiers));
      await store.appendRecords(session, { tabId, frameId: 0 }, [navigation]);
    }
    return session;
  }

  const service = {
    /** runtime.onMessage from the bridge. The tab and frame come from the sender, never from the message. */
    async handleBridgeMessage(message: unknown, sender: MessageSender): Promise<BackgroundToBridge> {
      const parsed = parseBridgeMessage(message);
      if (!parsed.ok) return { ok: false, error: parsed.reason, retry: false };
      const tabId = sender.tab?.id;
      if (tabId === undefined || tabId < 0) return { ok: false, error: 'no-tab', retry: false };
      const frameId = sender.frameId ?? 0;
      const records: PageRecord[] = [];
      // No prototype: reason names come from the page's side, and `constructor` must not read Object's.
      const dropped: Record<string, number> = Object.create(null) as Record<string, number>;
      for (const [reason, count] of Object.entries(parsed.value.dropped)) {
        // The bridge's reasons are short fixed names; anything else is not the bridge's.
        if (typeof count === 'number' && Number.isFinite(count) && count > 0 && reason.length <= 100 && !isForbiddenKey(reason)) dropped[reason] = count;
      }
      const drop = (reason: string): void => {
        dropped[reason] = (dropped[reason] ?? 0) + 1;
      };
      for (const candidate of parsed.value.records) {
        const checked = validatePageRecord(candidate);
        if (!checked.ok) drop(checked.reason);
        else if ('frameUrl' in checked.value && !isSendersFrame(checked.value.frameUrl, sender)) drop('record-forged-origin');
        else records.push(checked.value);
      }
      const pageUrl = sender.tab?.url ?? sender.url ?? null;
      // Switched off for this site: acknowledged (so the bridge does not resend) and dropped.
      if (deps.captureEnabled && !(await deps.captureEnabled(pageUrl))) return { ok: true, stored: 0, sessionId: '' };
      const documents = [...new Set(records.map((record) => documentIdOf(record)).filter((id): id is string => id !== null))];
      const storing = perTab(tabId, async () => {
        const session = await sessionFor(tabId, pageUrl, clock.now(), documents);
        if (session.endedAt === null) {
          const seen = documentsByTab.get(tabId) ?? new Set<string>();
          for (const document of documents) seen.add(document);
          documentsByTab.set(tabId, seen);
        }
        const extra: BackgroundRecord[] = [];
        if (Object.keys(dropped).length > 0) {
          const stats: BridgeStatsRecord = { id: backgroundId('stats'), at: clock.now(), seq: nextSeq(), kind: 'bridge-stats', dropped };
          extra.push(stats);
        }
        const stored = await store.appendRecords(session, { tabId, frameId }, [...records, ...extra]);
        await learnApiHosts(session.id, records);
        const cookieUrl = cookieCheckUrl(records);
        if (cookieUrl !== null) await snapshotCookies(session.id, tabId, cookieUrl);
        return { ok: true as const, stored, sessionId: session.id };
      });
      // The bridge keeps the batch in the page and resends it with backoff until there is room.
      return storing.catch((error: unknown) => {
        if (error instanceof StorageFullError) return { ok: false, error: 'storage-full', retry: true };
        throw error;
      });
    },

    /** webRequest.onBeforeRequest (with requestBody). */
    async handleBeforeRequest(details: BeforeRequestDetails): Promise<void> {
      if (details.tabId < 0 || details.method !== 'POST') return;
      // Queued at once, before any await: the request's completion event is queued
      // behind it and so always finds the record this writes.
      trackedRequests.set(details.requestId, details.tabId);
      await perTab(details.tabId, async () => {
        if (deps.captureEnabled && !(await deps.captureEnabled(details.documentUrl ?? details.initiator ?? null))) {
          trackedRequests.delete(details.requestId);
          return;
        }
        const session = await store.openSession(details.tabId);
        const recognition = recogniseUrl(details.url, {
          pageHosts: session?.apiHosts ?? [],
          userHosts: await deps.userApiHosts(),
        });
        const body = recognition === null ? null : decodeBody(details.requestBody);
        const parsed = body === null ? null : parseTrackingBody(details.url, body, recognition === 'maybe');
        if (recognition === null || (recognition === 'maybe' && parsed === null)) {
          trackedRequests.delete(details.requestId);
          return;
        }
        const current = session ?? (await sessionFor(details.tabId, details.documentUrl ?? details.initiator ?? null, details.timeStamp));
        const messages = parsed?.messages ?? [];
        const record: WireRecord & { sessionId: string; tabId: number; frameId: number } = {
          id: wireRecordId(current.id, details.requestId),
          at: details.timeStamp,
          seq: nextSeq(),
          kind: 'wire',
          requestId: details.requestId,
          url: details.url,
          method: details.method,
          requestType: details.type,
          state: 'pending',
          statusCode: null,
          error: body === null ? 'request body not available' : null,
          startedAt: details.timeStamp,
          endedAt: null,
          batch: parsed?.batch ?? false,
          messages,
          messageIds: messageIdsOf(messages),
          recognisedBy: recognition === 'maybe' ? 'shape' : recognition,
          sessionId: current.id,
          tabId: details.tabId,
          frameId: 0,
        };
        await store.putRecord(current, record);
        if (recognition === 'maybe') {
          // Learn the proxy as host plus the path up to the endpoint, so its other endpoints are known from now on.
          const url = new URL(details.url);
          const learned = `${url.host}${url.pathname.replace(/\/[^/]*\/?$/, '')}`;
          await store.updateSession(current.id, (s) => ({ ...s, apiHosts: [...new Set([...s.apiHosts, learned])] }));
        }
      });
    },

    /** webRequest.onCompleted / onErrorOccurred. */
    async handleRequestEnd(details: RequestEndDetails, outcome: 'completed' | 'failed'): Promise<void> {
      if (details.tabId < 0) return;
      if (!trackedRequests.has(details.requestId)) {
        // Recognised requests are always in the map by now (see handleBeforeRequest),
        // unless the service worker restarted in between: then IndexedDB answers, for tracking-shaped URLs only.
        if (recogniseUrl(details.url, { pageHosts: [], userHosts: [] }) === null) return;
      }
      trackedRequests.delete(details.requestId);
      await perTab(details.tabId, async () => {
        const session = await store.openSession(details.tabId);
        if (!session) return;
        const existing = await store.getRecord(wireRecordId(session.id, details.requestId));
        if (!existing || existing.kind !== 'wire') return;
        const updated: StoredRecord = {
          ...existing,
          state: outcome,
          statusCode: details.statusCode ?? null,
          error: outcome === 'failed' ? (details.error ?? 'unknown error') : existing.error,
          endedAt: details.timeStamp,
        };
        await store.putRecord(session, updated);
      });
    },

    /**
     * cookies.onChanged: an identity cookie changed; every open session on a matching
     * site records it. analytics-next writes its cookies back on every read, which
     * browsers report as an `overwrite` removal followed by a set: a rewrite with the
     * same value is a refresh, not a change, and is not recorded; a different value
     * is recorded once, as an overwrite naming the value before.
     */
    async handleCookieChanged(change: CookieChange): Promise<void> {
      if (!isIdentityCookie(change.cookie.name)) return;
      const details = toCookieDetails(change.cookie);
      const key = `${details.name};${details.domain};${details.path}`;
      if (change.removed && change.cause === 'overwrite') {
        // Chrome's overwrite removal carries the cookie as it was; Firefox's carries the
        // new one, so the cookie as last seen comes first.
        overwritten.set(key, lastCookies.get(key) ?? details);
        return;
      }
      const replaced = change.removed ? undefined : overwritten.get(key);
      overwritten.delete(key);
      const previous = replaced ?? lastCookies.get(key) ?? null;
      if (change.removed) lastCookies.delete(key);
      else lastCookies.set(key, details);
      if (!change.removed && previous !== null && previous.value === details.value) return;
      const at = clock.now();
      const sessions = await store.listOpenSessions();
      const cause: CookieChangeCause | null = replaced
        ? 'overwrite'
        : COOKIE_CAUSES.has(change.cause)
          ? (change.cause as CookieChangeCause)
          : null;
      for (const session of sessions) {
        if (session.currentUrl === null || !cookieDomainMatches(change.cookie.domain, session.currentUrl)) continue;
        const record: CookieRecord = {
          id: backgroundId('cookie'),
          at,
          seq: nextSeq(),
          kind: 'cookie',
          change: change.removed ? 'removed' : 'set',
          cause,
          url: session.currentUrl,
          cookies: [details],
          previous,
        };
        await perTab(session.tabId, async () => {
          const current = await store.openSession(session.tabId);
          if (current?.id === session.id) await store.appendRecords(current, { tabId: session.tabId, frameId: 0 }, [record]);
        });
      }
    },

    /** webNavigation.onCommitted / onHistoryStateUpdated / onReferenceFragmentUpdated. */
    async handleNavigation(details: CommitDetails, kind: 'commit' | 'history' | 'fragment'): Promise<void> {
      if (details.tabId < 0) return;
      const navigation: NavigationKind =
        kind === 'history' ? 'history' : kind === 'fragment' ? 'fragment' : classifyCommit(details.transitionType, details.transitionQualifiers);
      await perTab(details.tabId, async () => {
        const session = await store.openSession(details.tabId);
        if (!session) {
          // No Segment activity in this tab yet; remember the commit in case the page brings some.
          if (details.frameId === 0 && kind === 'commit') pendingCommits.set(details.tabId, details);
          return;
        }
        await store.appendRecords(session, { tabId: details.tabId, frameId: details.frameId }, [navigationRecord(details, navigation)]);
        if (details.frameId === 0) await store.addPage(session.id, details.url, details.timeStamp, navigation);
      });
    },

    /** webRequest.onHeadersReceived: a server response that writes identity cookies (a cause the page cannot see). */
    async handleHeadersReceived(details: HeadersReceivedDetails): Promise<void> {
      if (details.tabId < 0) return;
      const cookies = identityCookiesSet(details.responseHeaders);
      if (cookies.length === 0) return;
      await perTab(details.tabId, async () => {
        const session = await sessionFor(details.tabId, details.type === 'main_frame' ? details.url : null, details.timeStamp);
        const record: ServerCookieRecord = { id: backgroundId('server-cookie'), at: details.timeStamp, seq: nextSeq(), kind: 'server-cookie', url: details.url, cookies };
        await store.appendRecords(session, { tabId: details.tabId, frameId: 0 }, [record]);
      });
    },

    /** tabs.onRemoved: the session ends with its tab. */
    async handleTabRemoved(tabId: number): Promise<void> {
      pendingCommits.delete(tabId);
      await perTab(tabId, async () => {
        const session = await store.openSession(tabId);
        await store.endSession(tabId, clock.now());
        if (session) {
          if (closedTabs.size >= 1000) closedTabs.clear();
          closedTabs.set(tabId, { sessionId: session.id, documents: documentsByTab.get(tabId) ?? new Set() });
          await deps.onSessionEnded?.(session.id, tabId);
        }
        documentsByTab.delete(tabId);
      });
    },

    /**
     * Deletes sessions with their records and findings, and returns those deleted.
     * A session still recording is deleted in its tab's turn, so that a write already
     * under way for it cannot put it back.
     */
    async deleteSessions(ids: readonly string[]): Promise<StoredSession[]> {
      const deleted: StoredSession[] = [];
      for (const id of ids) {
        const found = await store.getSession(id);
        if (!found) continue;
        // Not through withRoom: freeing room deletes sessions, and must not wait on itself.
        const gone = found.openTabId === undefined ? await store.deleteSession(id) : await queue(found.tabId, () => store.deleteSession(id));
        if (!gone) continue;
        deleted.push(gone);
        deps.onSessionDeleted?.(gone);
      }
      return deleted;
    },

    /** runtime.onStartup: a new browser session, so tabs from before are gone. */
    async handleBrowserStartup(): Promise<void> {
      await store.endAllOpen(clock.now());
    },
  };

  async function learnApiHosts(sessionId: string, records: readonly PageRecord[]): Promise<void> {
    const hosts = records.flatMap((r) => (r.kind === 'instance' && r.apiHost !== null ? [r.apiHost] : []));
    if (hosts.length === 0) return;
    await store.updateSession(sessionId, (s) => {
      const merged = [...new Set([...s.apiHosts, ...hosts])];
      return merged.length === s.apiHosts.length ? s : { ...s, apiHosts: merged };
    });
  }

  return service;
}

/** Records after which the identity cookies' details (expiry, domain, SameSite) are worth reading again. */
function cookieCheckUrl(records: readonly PageRecord[]): string | null {
  for (let i = records.length - 1; i >= 0; i -= 1) {
    const record = records[i] as PageRecord;
    if (record.kind === 'storage' && (record.trigger === 'hook-installed' || record.changed.some((c) => c.area === 'cookie'))) {
      return record.frameUrl;
    }
    if (record.kind === 'instance') return record.frameUrl;
  }
  return null;
}

export type CaptureService = ReturnType<typeof createCaptureService>;
