import type {
  CallRecord,
  LensRecord,
  Cloned,
  CookieDetails,
  CookieRecord,
  EventRecord,
  ServerCookieRecord,
  StorageRecord,
} from '../../protocol/records';
import { readStoredIdentity } from './stored-values';
import { documentIdOf, originOf, scopeOf } from './scope';

/** Why an identity value changed. */
export type TransitionCause =
  | 'first-generation'
  | 'identify'
  | 'userid-change'
  | 'reset'
  | 'setAnonymousId'
  | 'options.anonymousId'
  | 'query-string'
  | 'read-generated'
  | 'group'
  | 'storage-cleared'
  | 'cookie-expired'
  | 'server-cookie'
  | 'unexplained';

export type IdentityField = 'anonymousId' | 'userId' | 'traits' | 'groupId';
export type StorageLocation = 'cookie' | 'localStorage' | 'memory';

export interface IdentityState {
  readonly anonymousId: string | null;
  readonly userId: string | null;
  readonly groupId: string | null;
  readonly traits: Readonly<Record<string, Cloned>>;
  /** Where each id lives now; `memory` when the library uses it but no storage holds it. */
  readonly storedIn: { readonly anonymousId: StorageLocation[]; readonly userId: StorageLocation[] };
  /** The identity cookies as last seen by the cookies API (expiry, domain…), by name. */
  readonly cookies: Readonly<Record<string, CookieDetails>>;
}

export interface FieldChange {
  readonly field: IdentityField;
  readonly from: Cloned;
  readonly to: Cloned;
  readonly cause: TransitionCause;
  /** The call (or background record) that explains it, when one does. */
  readonly causeRecordId: string | null;
}

export interface Transition {
  readonly id: string;
  readonly at: number;
  readonly scope: string;
  /** The record that showed the new identity (a storage snapshot or a finalised event). */
  readonly recordId: string;
  readonly changes: readonly FieldChange[];
  readonly before: IdentityState;
  readonly after: IdentityState;
}

export const EMPTY_IDENTITY: IdentityState = {
  anonymousId: null,
  userId: null,
  groupId: null,
  traits: {},
  storedIn: { anonymousId: [], userId: [] },
  cookies: {},
};

interface ScopeState {
  identity: IdentityState;
  /** Calls and background facts since the identity was last observed: the candidates to explain a change. */
  recentCalls: CallRecord[];
  recentCookieChanges: CookieRecord[];
  recentServerCookies: ServerCookieRecord[];
  /** Once storage has held an id, storage is the truth; before that, finalised events are (memory-only identity). */
  persisted: boolean;
  /** The userId the calls since the last observation set (undefined: none did), and its value before the latest call. */
  callUserId: string | null | undefined;
  beforeLatestCall: { callId: string; userId: string | null } | null;
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

const idArg = (value: Cloned | undefined): string | null =>
  typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : null;

/** The userId an identify call passes, if any (its first argument, when that is not the traits object). */
export function identifyUserId(call: CallRecord): string | null {
  return call.method === 'identify' ? idArg(call.args[0]) : null;
}

function findLast<T>(items: readonly T[], predicate: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i -= 1) {
    const item = items[i] as T;
    if (predicate(item)) return item;
  }
  return undefined;
}

/**
 * Reduces a session's records to identity states per origin, one transition per
 * observed change, each change with its cause. Pure and incremental: `apply`
 * costs work proportional to the record, not to the session.
 */
export function createIdentityModel() {
  const scopes = new Map<string, ScopeState>();
  /** `ajs_aid`/`ajs_uid` of each document's URL. */
  const queryByDocument = new Map<string, { anonymousId: string | null; userId: string | null }>();
  /** Records such as events and call results carry no URL: their document's origin is their scope. */
  const scopeByDocument = new Map<string, string>();

  const scopeOfRecord = (record: LensRecord): string => {
    const documentId = documentIdOf(record);
    if ('frameUrl' in record && typeof record.frameUrl === 'string') {
      const origin = originOf(record.frameUrl);
      if (documentId !== null && !scopeByDocument.has(documentId)) scopeByDocument.set(documentId, origin);
      return origin;
    }
    if (documentId !== null) return scopeByDocument.get(documentId) ?? 'unknown';
    return scopeOf(record);
  };

  const scope = (name: string): ScopeState => {
    let state = scopes.get(name);
    if (!state) {
      state = { identity: EMPTY_IDENTITY, recentCalls: [], recentCookieChanges: [], recentServerCookies: [], persisted: false, callUserId: undefined, beforeLatestCall: null };
      scopes.set(name, state);
    }
    return state;
  };

  function explain(state: ScopeState, field: IdentityField, from: Cloned, to: Cloned, userIdChanged: boolean, documentId: string | null): [TransitionCause, string | null] {
    const calls = state.recentCalls;
    const reset = findLast(calls, (c) => c.method === 'reset');
    const query = documentId === null ? undefined : queryByDocument.get(documentId);
    const cookieName = field === 'anonymousId' ? 'ajs_anonymous_id' : field === 'userId' ? 'ajs_user_id' : null;
    const expired = cookieName === null ? undefined : findLast(state.recentCookieChanges, (c) => c.change === 'removed' && c.cause === 'expired' && c.cookies[0]?.name === cookieName);
    const server = cookieName === null ? undefined : findLast(state.recentServerCookies, (c) => c.cookies.some((k) => k.name === cookieName && k.value === to));
    if (field === 'traits') {
      if (reset) return ['reset', reset.id];
      if (userIdChanged) return ['userid-change', findLast(calls, (c) => c.method === 'identify')?.id ?? null];
      const identify = findLast(calls, (c) => c.method === 'identify');
      if (identify) return ['identify', identify.id];
      return [sameJson(to, {}) ? 'storage-cleared' : 'unexplained', null];
    }
    if (to === null) {
      if (reset) return ['reset', reset.id];
      if (expired) return ['cookie-expired', expired.id];
      return ['storage-cleared', null];
    }
    switch (field) {
      case 'anonymousId': {
        const set = findLast(calls, (c) => c.method === 'setAnonymousId' && idArg(c.args[0]) === to);
        if (set) return [query?.anonymousId === to ? 'query-string' : 'setAnonymousId', set.id];
        const byOptions = findLast(calls, (c) => c.optionsAnonymousId === to);
        if (byOptions) return ['options.anonymousId', byOptions.id];
        if (server) return ['server-cookie', server.id];
        const read = findLast(calls, (c) => c.method === 'user.anonymousId' && (c.storedBefore ?? null) === null && c.returned === to);
        if (reset) return ['reset', reset.id];
        if (userIdChanged) return ['userid-change', findLast(calls, (c) => c.method === 'identify')?.id ?? null];
        // analytics-next compares userIds strictly: identify(123) after "123" is a change to it.
        const numericIdentify = findLast(calls, (c) => c.method === 'identify' && typeof c.args[0] === 'number');
        if (numericIdentify && from !== null) return ['userid-change', numericIdentify.id];
        if (read) return ['read-generated', read.id];
        if (from === null) return ['first-generation', calls[0]?.id ?? null];
        return ['unexplained', null];
      }
      case 'userId': {
        const identify = findLast(calls, (c) => identifyUserId(c) === to);
        if (identify) return [from === null ? 'identify' : 'userid-change', identify.id];
        if (query?.userId === to) return ['query-string', null];
        if (server) return ['server-cookie', server.id];
        return ['unexplained', null];
      }
      case 'groupId': {
        const group = findLast(calls, (c) => c.method === 'group');
        if (group) return ['group', group.id];
        if (reset) return ['reset', reset.id];
        return ['unexplained', null];
      }
    }
  }

  function observe(
    name: string,
    record: StorageRecord | EventRecord,
    observed: { anonymousId?: string | null; userId?: string | null; groupId?: string | null; traits?: Record<string, Cloned> },
    storedIn: IdentityState['storedIn'],
  ): Transition | null {
    const state = scope(name);
    const before = state.identity;
    const documentId = documentIdOf(record);
    const userIdChanged =
      observed.userId !== undefined && before.userId !== null && observed.userId !== null && observed.userId !== before.userId;
    const changes: FieldChange[] = [];
    for (const field of ['userId', 'anonymousId', 'traits', 'groupId'] as const) {
      const to = observed[field];
      if (to === undefined) continue;
      const from = before[field] as Cloned;
      if (sameJson(from, to)) continue;
      const [cause, causeRecordId] = explain(state, field, from, to, userIdChanged, documentId);
      changes.push({ field, from, to, cause, causeRecordId });
    }
    const after: IdentityState = {
      ...before,
      ...(observed.anonymousId !== undefined ? { anonymousId: observed.anonymousId } : {}),
      ...(observed.userId !== undefined ? { userId: observed.userId } : {}),
      ...(observed.groupId !== undefined ? { groupId: observed.groupId } : {}),
      ...(observed.traits !== undefined ? { traits: observed.traits } : {}),
      storedIn,
    };
    state.identity = after;
    state.recentCalls = [];
    state.callUserId = undefined;
    if (changes.length === 0) return null;
    // A cookie a server wrote, or one that expired, may show only a few reads later (analytics.js
    // decides between cookie and localStorage when it loads): they explain the next change, not just the next read.
    state.recentCookieChanges = [];
    state.recentServerCookies = [];
    return { id: `t:${record.id}`, at: record.at, scope: name, recordId: record.id, changes, before, after };
  }

  function locations(value: string | null, where: { cookie: string | null; localStorage: string | null }): StorageLocation[] {
    if (value === null) return [];
    const found: StorageLocation[] = [];
    if (where.cookie === value) found.push('cookie');
    if (where.localStorage === value) found.push('localStorage');
    return found.length > 0 ? found : ['memory'];
  }

  return {
    /** Feeds one record; returns the transition it showed, if any. */
    apply(record: LensRecord): Transition | null {
      switch (record.kind) {
        case 'call': {
          const state = scope(scopeOfRecord(record));
          state.recentCalls.push(record);
          // Kept as calls come, so that rules asking "who is identified now" pay O(1) per call.
          const current = state.callUserId === undefined ? state.identity.userId : state.callUserId;
          state.beforeLatestCall = { callId: record.id, userId: current };
          if (record.method === 'reset') state.callUserId = null;
          else {
            const userId = identifyUserId(record);
            if (userId !== null) state.callUserId = userId;
          }
          return null;
        }
        case 'lifecycle':
          scopeOfRecord(record);
          if (record.event === 'hook-installed' && record.queryIdentity) {
            queryByDocument.set(documentIdOf(record) ?? '', { anonymousId: record.queryIdentity.anonymousId, userId: record.queryIdentity.userId });
          }
          return null;
        case 'cookie': {
          const state = scope(originOf(record.url));
          const cookies = { ...state.identity.cookies };
          if (record.change === 'snapshot') {
            for (const name of Object.keys(cookies)) delete cookies[name];
            for (const cookie of record.cookies) cookies[cookie.name] = cookie;
          } else {
            for (const cookie of record.cookies) {
              if (record.change === 'removed') delete cookies[cookie.name];
              else cookies[cookie.name] = cookie;
            }
            state.recentCookieChanges.push(record);
          }
          state.identity = { ...state.identity, cookies };
          return null;
        }
        case 'server-cookie':
          scope(originOf(record.url)).recentServerCookies.push(record);
          return null;
        case 'storage': {
          const stored = readStoredIdentity(record.snapshot);
          const name = scopeOfRecord(record);
          const state = scope(name);
          if (stored.anonymousId !== null || stored.userId !== null) state.persisted = true;
          if (!state.persisted) {
            // Nothing stored yet: the library may keep identity in memory only; events tell.
            return null;
          }
          return observe(
            name,
            record,
            { anonymousId: stored.anonymousId, userId: stored.userId, groupId: stored.groupId, traits: stored.traits },
            { anonymousId: locations(stored.anonymousId, stored.anonymousIdIn), userId: locations(stored.userId, stored.userIdIn) },
          );
        }
        case 'event': {
          const name = scopeOfRecord(record);
          const state = scope(name);
          // Only once the library has worked on the event: by then the hook has read storage
          // after the call, so an identity no storage holds really is in memory only.
          if (state.persisted || (record.phase !== 'enriched' && record.phase !== 'delivered')) return null;
          const event = record.event as Record<string, Cloned> | null;
          if (typeof event !== 'object' || event === null) return null;
          const anonymousId = idArg(event.anonymousId);
          const userId = idArg(event.userId);
          return observe(name, record, { anonymousId, userId }, {
            anonymousId: anonymousId === null ? [] : ['memory'],
            userId: userId === null ? [] : ['memory'],
          });
        }
        default:
          scopeOfRecord(record);
          return null;
      }
    },
    scopeOf: scopeOfRecord,
    identity(name: string): IdentityState {
      return scopes.get(name)?.identity ?? EMPTY_IDENTITY;
    },
    /**
     * The userId as the page's calls have set it so far. Storage is read at the end
     * of the page's task, so right after identify() in the same task the observed
     * identity is still the old one; rules that judge a call use this instead.
     */
    userIdNow(name: string, before?: CallRecord): string | null {
      const state = scopes.get(name);
      if (!state) return null;
      // The call being judged is already applied; what counts is the state just before it.
      if (before !== undefined && state.beforeLatestCall?.callId === before.id) return state.beforeLatestCall.userId;
      return state.callUserId === undefined ? state.identity.userId : state.callUserId;
    },
    isPersisted(name: string): boolean {
      return scopes.get(name)?.persisted ?? false;
    },
    scopes(): string[] {
      return [...scopes.keys()];
    },
  };
}

export type IdentityModel = ReturnType<typeof createIdentityModel>;

/** The identity of a scope after all these records (cookies' details included, which transitions do not carry). */
export function identityAfter(records: readonly LensRecord[], scope: string): IdentityState {
  const model = createIdentityModel();
  for (const record of records) model.apply(record);
  return model.identity(scope);
}
