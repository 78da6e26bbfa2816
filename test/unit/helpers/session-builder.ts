import type {
  CallRecord,
  CapturedMethod,
  Cloned,
  CookieDetails,
  LensRecord,
  StorageSnapshot,
  WireMessage,
} from '../../../src/protocol/records';

/**
 * Builds recorded sessions for rule tests: a small simulation of what the capture
 * pipeline records when a page runs analytics-next (its identity semantics
 * included), so each test reads like the page's own code.
 */

type Delivery = 'completed' | 'aborted' | 'none' | 'pending' | number;

export interface CallOptions {
  readonly deliver?: Delivery;
  readonly options?: Record<string, Cloned>;
}

interface Store {
  cookie: Record<string, string>;
  local: Record<string, string>;
}

export function createSessionBuilder(origin = 'https://shop.example') {
  const records: LensRecord[] = [];
  let clock = 1_790_000_000_000;
  let documentCount = 0;
  let counter = 0;
  const store: Store = { cookie: {}, local: {} };
  let cookieDisabled = false;
  /** Inside `inOneTask`: the hook reads storage once, at the end of the page's task. */
  let oneTask = false;
  let persistence = true;
  const tick = (ms = 10): number => (clock += ms);
  const push = <T extends LensRecord>(record: T): T => {
    records.push(record);
    return record;
  };

  const snapshot = (): StorageSnapshot => ({
    cookie: persistence && !cookieDisabled ? { ...store.cookie } : {},
    localStorage: persistence ? { ...store.local } : {},
  });

  let memory: { anonymousId: string | null; userId: string | null; traits: Record<string, Cloned> } = { anonymousId: null, userId: null, traits: {} };

  /** analytics-next's reads: localStorage wins, then the cookie, then memory; the winner is written back. */
  const read = (key: 'ajs_anonymous_id' | 'ajs_user_id'): string | null => {
    if (!persistence) return key === 'ajs_anonymous_id' ? memory.anonymousId : memory.userId;
    const local = store.local[key];
    if (local !== undefined) return JSON.parse(local) as string;
    const cookie = cookieDisabled ? undefined : store.cookie[key];
    return cookie ?? null;
  };
  const write = (key: string, value: string | null): void => {
    if (key === 'ajs_anonymous_id') memory.anonymousId = value;
    if (key === 'ajs_user_id') memory.userId = value;
    if (!persistence) return;
    if (value === null) {
      delete store.local[key];
      delete store.cookie[key];
      return;
    }
    store.local[key] = JSON.stringify(value);
    if (!cookieDisabled) store.cookie[key] = value;
  };
  const traits = (): Record<string, Cloned> =>
    persistence ? ((store.local.ajs_user_traits ? JSON.parse(store.local.ajs_user_traits) : {}) as Record<string, Cloned>) : memory.traits;
  const setTraits = (value: Record<string, Cloned>): void => {
    memory.traits = value;
    if (persistence) store.local.ajs_user_traits = JSON.stringify(value);
  };
  const anonymousId = (): string => {
    const existing = read('ajs_anonymous_id');
    if (existing !== null) {
      // getAndSync: the value read is written back to every store.
      write('ajs_anonymous_id', existing);
      return existing;
    }
    const generated = `anon-${(counter += 1)}`;
    write('ajs_anonymous_id', generated);
    return generated;
  };

  function openDocument(path: string, query?: { anonymousId: string | null; userId: string | null }) {
    documentCount += 1;
    const documentId = `doc${documentCount}`;
    const frameUrl = `${origin}${path}`;
    let seq = 0;
    let lastSnapshot = '';
    const id = (): string => `${documentId}:${(seq += 1)}`;
    const base = () => ({ id: id(), seq, at: tick() });
    const instance = { key: 'i1', shape: 'analytics-next' as const, writeKey: 'wk', global: 'analytics' };

    const storageRecord = (trigger: 'hook-installed' | 'after-call') => {
      if (oneTask && trigger === 'after-call') return undefined;
      const snap = snapshot();
      const text = JSON.stringify(snap);
      if (text === lastSnapshot && trigger !== 'hook-installed') return undefined;
      lastSnapshot = text;
      return push({ ...base(), kind: 'storage', frameUrl, snapshot: snap, changed: [], trigger });
    };

    const call = (method: CapturedMethod, args: Cloned[], extra: Partial<CallRecord> = {}): CallRecord =>
      push({
        ...base(),
        kind: 'call',
        method,
        args,
        callSite: `${frameUrl}:1:1`,
        frameUrl,
        instance,
        queued: false,
        optionsAnonymousId: null,
        optionsUserId: null,
        ...extra,
      } as CallRecord);

    /** The event the call produced: dispatched (ties the messageId), then over the wire. */
    const dispatch = (callRecord: CallRecord, type: string, fields: Record<string, Cloned>, delivery: Delivery = 'completed'): string => {
      const messageId = `msg-${callRecord.id}`;
      const event: WireMessage = { type, messageId, anonymousId: anonymousId(), userId: read('ajs_user_id'), ...fields };
      push({ ...base(), kind: 'event', phase: 'dispatched', instance, messageId, type, event, reason: null, callId: callRecord.id });
      storageRecord('after-call');
      if (delivery === 'none') return messageId;
      const started = tick(2);
      const state = delivery === 'pending' ? 'pending' : delivery === 'aborted' ? 'failed' : 'completed';
      push({
        id: `wire:${messageId}`,
        seq: 0,
        at: started,
        kind: 'wire',
        requestId: messageId,
        url: `https://api.segment.io/v1/${type[0]}`,
        method: 'POST',
        requestType: 'xmlhttprequest',
        state,
        statusCode: typeof delivery === 'number' ? delivery : state === 'completed' ? 200 : null,
        error: delivery === 'aborted' ? 'net::ERR_ABORTED' : null,
        startedAt: started,
        endedAt: state === 'pending' ? null : started + 5,
        batch: false,
        messages: [event],
        messageIds: [messageId],
        recognisedBy: 'known-host',
      });
      if (state === 'completed' && (typeof delivery !== 'number' || delivery < 400)) {
        push({ ...base(), kind: 'event', phase: 'delivered', instance, messageId, type, event, reason: null, callId: null });
      }
      return messageId;
    };

    push({ ...base(), kind: 'lifecycle', event: 'hook-installed', frameUrl, topFrame: true, ...(query ? { queryIdentity: { ...query, event: null } } : {}) });
    storageRecord('hook-installed');

    const page = {
      documentId,
      frameUrl,
      instanceRecord(writeKey = 'wk', key = 'i1') {
        return push({ ...base(), kind: 'instance', instance: { ...instance, key, writeKey }, origin: 'global', version: '1.84.3', apiHost: 'api.segment.io/v1', frameUrl });
      },
      track(name: string, properties: Record<string, Cloned> = {}, options: CallOptions = {}) {
        const record = call('track', options.options ? [name, properties, options.options] : [name, properties], {
          optionsUserId: (options.options?.userId as Cloned) ?? null,
          optionsAnonymousId: (options.options?.anonymousId as Cloned) ?? null,
        });
        if (typeof options.options?.anonymousId === 'string') write('ajs_anonymous_id', options.options.anonymousId);
        dispatch(record, 'track', { event: name, properties }, options.deliver);
        return record;
      },
      page(options: CallOptions = {}) {
        const record = call('page', []);
        dispatch(record, 'page', {}, options.deliver);
        return record;
      },
      identify(userId: string | number | null, newTraits: Record<string, Cloned> = {}, options: CallOptions = {}) {
        const record = call('identify', userId === null ? [newTraits] : [userId, newTraits]);
        const previous = read('ajs_user_id');
        if (userId !== null) {
          // analytics-next compares strictly: 123 and "123" differ.
          const changing = previous !== null && (userId as unknown) !== previous;
          if (changing) write('ajs_anonymous_id', null);
          setTraits(changing ? { ...newTraits } : { ...traits(), ...newTraits });
          write('ajs_user_id', String(userId));
        } else {
          setTraits({ ...traits(), ...newTraits });
        }
        dispatch(record, 'identify', { traits: traits() }, options.deliver);
        return record;
      },
      alias(to: string, options: CallOptions = {}) {
        const record = call('alias', [to]);
        dispatch(record, 'alias', { userId: to }, options.deliver);
        return record;
      },
      group(groupId: string) {
        const record = call('group', [groupId]);
        if (persistence) store.local.ajs_group_id = JSON.stringify(groupId);
        dispatch(record, 'group', { groupId });
        return record;
      },
      reset() {
        const record = call('reset', []);
        write('ajs_anonymous_id', null);
        write('ajs_user_id', null);
        delete store.local.ajs_user_traits;
        memory.traits = {};
        storageRecord('after-call');
        return record;
      },
      setAnonymousId(id: string) {
        const record = call('setAnonymousId', [id]);
        write('ajs_anonymous_id', id);
        storageRecord('after-call');
        return record;
      },
      readAnonymousId() {
        const before = read('ajs_anonymous_id');
        const value = anonymousId();
        const record = call('user.anonymousId', [], { returned: value, storedBefore: before === null ? null : JSON.stringify(before) });
        storageRecord('after-call');
        return record;
      },
      /** A storage read now (as the hook does after each task). */
      snapshot: () => storageRecord('after-call'),
      pagehide() {
        push({ ...base(), kind: 'lifecycle', event: 'pagehide', frameUrl, topFrame: true, persisted: false });
      },
    };
    return page;
  }

  let current = openDocument('/');
  const navigation = (path: string, navigationKind: 'load' | 'reload' = 'load') =>
    push({ id: `nav:${documentCount + 1}`, seq: 0, at: tick(), kind: 'navigation', url: `${origin}${path}`, navigation: navigationKind, transitionType: 'link', qualifiers: [], parentFrameId: -1 });

  const cookie = (details: Partial<CookieDetails> & { name: string; value: string }): CookieDetails => ({
    domain: new URL(origin).hostname,
    hostOnly: false,
    path: '/',
    secure: true,
    httpOnly: false,
    sameSite: 'lax',
    session: false,
    expirationDate: clock / 1000 + 365 * 86_400,
    ...details,
  });

  return {
    records,
    get page() {
      return current;
    },
    /** Calls made in one task of the page (e.g. identify then track in one click handler): storage is read once, after them. */
    inOneTask(calls: () => void) {
      oneTask = true;
      try {
        calls();
      } finally {
        oneTask = false;
      }
      current.snapshot();
    },
    /** Leaves the page (pagehide) and loads `path` as a new document. */
    navigate(path: string, query?: { anonymousId: string | null; userId: string | null }) {
      current.pagehide();
      // A new page load: what analytics.js kept in memory only is gone.
      memory = { anonymousId: null, userId: null, traits: {} };
      navigation(path);
      current = openDocument(path, query);
      return current;
    },
    /** The user (or a script outside analytics.js) deletes identity storage. */
    clearStorage() {
      store.cookie = {};
      store.local = {};
    },
    /** The identity cookie disappears while localStorage keeps the ID. */
    dropCookie(name: string) {
      delete store.cookie[name];
    },
    setRawCookie(name: string, raw: string) {
      store.cookie[name] = raw;
    },
    setRawLocal(name: string, raw: string) {
      store.local[name] = raw;
    },
    disableCookies() {
      cookieDisabled = true;
    },
    disablePersistence() {
      persistence = false;
    },
    cookieRecord(change: 'snapshot' | 'set' | 'removed', cookies: CookieDetails[], cause: 'explicit' | 'expired' | 'overwrite' | 'expired_overwrite' | null = null) {
      return push({ id: `cookie:${(counter += 1)}`, seq: 0, at: tick(), kind: 'cookie', change, cause, url: `${origin}/`, cookies, previous: null });
    },
    /** A response's Set-Cookie for an identity cookie (the server writing the ID). */
    serverCookie(name: string, value: string) {
      store.cookie[name] = value;
      if (name === 'ajs_anonymous_id' || name === 'ajs_user_id') store.local[name] = JSON.stringify(value);
      return push({ id: `server-cookie:${(counter += 1)}`, seq: 0, at: tick(), kind: 'server-cookie', url: `${origin}/login`, cookies: [{ name, value, attributes: 'Path=/' }] });
    },
    cookie,
    advance(ms: number) {
      tick(ms);
    },
  };
}

export type SessionBuilder = ReturnType<typeof createSessionBuilder>;
