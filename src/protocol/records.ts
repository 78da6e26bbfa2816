/**
 * The records Identity Lens captures. Every capture layer produces one of these
 * typed shapes; they are stored as they are in IndexedDB and exported as they are,
 * so a field added here is a format change (bump RECORD_SCHEMA_VERSION).
 */

export const RECORD_SCHEMA_VERSION = 1;

/**
 * A JSON-safe copy of a page value. Values that JSON cannot hold, or that we refused
 * to copy in full, are replaced by a marker object `{ $il: ... }` so that a page
 * string such as "[Circular]" can never be mistaken for one of ours.
 */
export type Cloned =
  | null
  | boolean
  | number
  | string
  | Cloned[]
  | { [key: string]: Cloned };

export type CloneMarkerKind =
  | 'undefined'
  | 'function'
  | 'symbol'
  | 'bigint'
  | 'circular'
  | 'dom'
  | 'thrown'
  | 'truncated'
  | 'depth'
  | 'non-finite'
  | 'unserialisable';

export const TRACKED_METHODS = [
  'identify',
  'track',
  'page',
  'screen',
  'group',
  'alias',
  'reset',
  'setAnonymousId',
] as const;
export type TrackedMethod = (typeof TRACKED_METHODS)[number];
export type UserReadMethod = 'user.anonymousId' | 'user.id';
export type CapturedMethod = TrackedMethod | UserReadMethod;

/** Which kind of analytics object a call was made on. */
export type InstanceShape =
  | 'snippet' // the stub array that queues calls before the library loads
  | 'analytics-next' // a loaded analytics-next `Analytics`
  | 'classic' // classic analytics.js (analytics.js-core)
  | 'buffered'; // an `AnalyticsBrowser` / `AnalyticsBuffered` an app put on window

/** How the hook found the instance. */
export type InstanceOrigin = 'global' | 'inspector' | 'forwarded';

export interface InstanceRef {
  /** Stable within one page load: `i1`, `i2`… */
  readonly key: string;
  readonly shape: InstanceShape;
  readonly writeKey: string | null;
  /** The window property it lives on (`analytics`, or a custom global key), if any. */
  readonly global: string | null;
}

export type LifecycleEvent =
  | 'hook-installed'
  | 'dom-content-loaded'
  | 'load'
  | 'pagehide'
  | 'pageshow'
  | 'visibility-hidden';

export type StorageArea = 'cookie' | 'localStorage';

/** The keys analytics.js keeps identity in (legacy ones are read, never written, by analytics-next). */
export const IDENTITY_KEYS = [
  'ajs_anonymous_id',
  'ajs_user_id',
  'ajs_user_traits',
  'ajs_group_id',
  'ajs_group_properties',
  'ajs_user',
  '_sio',
] as const;
export type IdentityKey = (typeof IDENTITY_KEYS)[number];

/** Raw values as the page sees them: `null` when absent. */
export type StorageSnapshot = {
  readonly [area in StorageArea]: Readonly<Partial<Record<IdentityKey, string | null>>>;
};

export interface CookieDetails {
  readonly name: string;
  readonly value: string;
  readonly domain: string;
  readonly hostOnly: boolean;
  readonly path: string;
  readonly secure: boolean;
  readonly httpOnly: boolean;
  readonly sameSite: string;
  readonly session: boolean;
  /** Seconds since the epoch, as the cookies API reports it; null for session cookies. */
  readonly expirationDate: number | null;
}

export type CookieChangeCause =
  | 'explicit'
  | 'overwrite'
  | 'expired'
  | 'expired_overwrite'
  | 'evicted';

export type NavigationKind =
  | 'load' // a new document in the frame (link, typed URL, form, redirect…)
  | 'reload'
  | 'back-forward'
  | 'history' // pushState/replaceState
  | 'fragment';

/**
 * `dispatched`: created inside the call (ties the messageId to it); `enriched`: after the
 * library's first plugin; both carry only the event's ids. `delivered`: its destinations are done
 * with it (analytics-next says so even when the request failed: the wire record says whether it
 * arrived); `failed`: the library gave up. These two carry the whole event as the library finished it.
 */
export type DeliveryPhase = 'dispatched' | 'enriched' | 'delivered' | 'failed';

export type WireState = 'pending' | 'completed' | 'failed';

/** A Segment message as it went over the wire (one element of a batch, or a whole single-event body). */
export type WireMessage = { readonly [key: string]: Cloned };

interface RecordBase {
  /** Unique and stable: writing the same record twice leaves one copy (resends are idempotent). */
  readonly id: string;
  /** Epoch milliseconds with sub-millisecond precision where the source has it. */
  readonly at: number;
  /** Order of records from one source at the same `at` (page: per page load; background: per session). */
  readonly seq: number;
}

/** Fields the background adds from the message's sender; never trusted from the page. */
export interface Provenance {
  readonly sessionId: string;
  readonly tabId: number;
  readonly frameId: number;
}

/** Records the hook in the page produces. */
export interface CallRecord extends RecordBase {
  readonly kind: 'call';
  readonly method: CapturedMethod;
  /** The arguments as the page passed them (the snippet's buffered page context removed). */
  readonly args: Cloned[];
  /** First stack frame outside Identity Lens and the analytics library wrapper: `url:line:col`. */
  readonly callSite: string | null;
  /** The call site was not captured: the call was one of a burst (over 100 in one run of page script). */
  readonly callSiteSkipped?: true;
  readonly frameUrl: string;
  readonly instance: InstanceRef;
  /** True when the call was queued on the snippet stub before the library loaded. */
  readonly queued: boolean;
  /** Identity passed per call through `options`, which analytics-next persists. */
  readonly optionsAnonymousId: Cloned;
  readonly optionsUserId: Cloned;
  /** For reads (`user().anonymousId()`…): the value returned and whether storage had one before. */
  readonly returned?: Cloned;
  readonly storedBefore?: string | null;
}

/**
 * The outcome of a call that returned or threw. A promise the library returns is not observed
 * (a handler would hide its rejection from the page); `resolved` and `rejected` come only from
 * sessions captured before that, and analytics-next's calls meet their messageId through the
 * `dispatched` event.
 */
export interface CallResultRecord extends RecordBase {
  readonly kind: 'call-result';
  readonly callId: string;
  readonly outcome: 'resolved' | 'rejected' | 'returned' | 'threw';
  readonly messageId: string | null;
  readonly error: string | null;
}

/** The event as analytics.js finalised it, from its own emitter. */
export interface EventRecord extends RecordBase {
  readonly kind: 'event';
  readonly phase: DeliveryPhase;
  readonly instance: InstanceRef;
  readonly messageId: string | null;
  readonly type: string | null;
  readonly event: Cloned;
  readonly reason: string | null;
  /** The call it came from, when the library tells us synchronously (classic `invoke`); otherwise linked by messageId. */
  readonly callId: string | null;
}

export interface InstanceRecord extends RecordBase {
  readonly kind: 'instance';
  readonly instance: InstanceRef;
  readonly origin: InstanceOrigin;
  readonly version: string | null;
  /** Tracking API host the instance sends to (`api.segment.io/v1`, or a proxy). */
  readonly apiHost: string | null;
  readonly frameUrl: string;
}

export interface StorageRecord extends RecordBase {
  readonly kind: 'storage';
  readonly frameUrl: string;
  readonly snapshot: StorageSnapshot;
  /** Keys whose value differs from the previous snapshot of this page load. */
  readonly changed: ReadonlyArray<{ area: StorageArea; key: IdentityKey }>;
  /** What prompted the read. */
  readonly trigger: 'hook-installed' | 'after-call' | 'event' | 'storage-event' | 'pagehide';
}

export interface LifecycleRecord extends RecordBase {
  readonly kind: 'lifecycle';
  readonly event: LifecycleEvent;
  readonly frameUrl: string;
  readonly topFrame: boolean;
  /** Identity carried in the URL (`ajs_aid`, `ajs_uid`, `ajs_event`), which analytics.js applies at load. */
  readonly queryIdentity?: { anonymousId: string | null; userId: string | null; event: string | null };
  readonly persisted?: boolean;
}

export interface HookErrorRecord extends RecordBase {
  readonly kind: 'hook-error';
  readonly where: string;
  readonly message: string;
  readonly count: number;
}

export type PageRecord =
  | CallRecord
  | CallResultRecord
  | EventRecord
  | InstanceRecord
  | StorageRecord
  | LifecycleRecord
  | HookErrorRecord;

export type PageRecordKind = PageRecord['kind'];

/** Records the background produces. */
export interface WireRecord extends RecordBase {
  readonly kind: 'wire';
  readonly requestId: string;
  readonly url: string;
  readonly method: string;
  readonly requestType: string;
  readonly state: WireState;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly batch: boolean;
  readonly messages: WireMessage[];
  /** Index field: every messageId in this request. */
  readonly messageIds: string[];
  /** Why we took this request for a tracking API call. */
  readonly recognisedBy: 'known-host' | 'page-settings' | 'user-host' | 'shape';
}

export interface CookieRecord extends RecordBase {
  readonly kind: 'cookie';
  /** `snapshot` is the state of the identity cookies for the page's URL; `change` is one `cookies.onChanged`. */
  readonly change: 'snapshot' | 'set' | 'removed';
  readonly cause: CookieChangeCause | null;
  readonly url: string | null;
  readonly cookies: CookieDetails[];
  /** For a change: the cookie as it was before (an overwrite replaces it), when known. */
  readonly previous: CookieDetails | null;
}

export interface NavigationRecord extends RecordBase {
  readonly kind: 'navigation';
  readonly url: string;
  readonly navigation: NavigationKind;
  readonly transitionType: string | null;
  readonly qualifiers: string[];
  readonly parentFrameId: number;
}

/** An identity cookie set by a server response's Set-Cookie header (as opposed to the page's script). */
export interface ServerCookieRecord extends RecordBase {
  readonly kind: 'server-cookie';
  readonly url: string;
  readonly cookies: ReadonlyArray<{ readonly name: string; readonly value: string; readonly attributes: string }>;
}

export interface BridgeStatsRecord extends RecordBase {
  readonly kind: 'bridge-stats';
  /** Page messages the bridge rejected as malformed, by reason. */
  readonly dropped: Readonly<Record<string, number>>;
}

export type BackgroundRecord = WireRecord | CookieRecord | ServerCookieRecord | NavigationRecord | BridgeStatsRecord;

/** Any record, with or without the provenance the background adds. */
export type LensRecord = PageRecord | BackgroundRecord;
export type CapturedRecord = LensRecord & Provenance;
export type RecordKind = CapturedRecord['kind'];

export interface SessionPage {
  readonly url: string;
  readonly startedAt: number;
}

export interface Session {
  readonly id: string;
  readonly tabId: number;
  readonly title: string;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly pages: SessionPage[];
  /** The top frame's URL now: cookie changes are attributed to sessions by it. */
  readonly currentUrl: string | null;
  readonly recordCount: number;
  /** Tracking API hosts learned from the page's own analytics settings. */
  readonly apiHosts: string[];
  /** Findings now, by severity (absent until the session was first evaluated). */
  readonly findingCounts?: { readonly error: number; readonly warning: number; readonly info: number };
  /** How many of the session's records the findings account for; equal to recordCount once evaluation caught up. */
  readonly evaluatedRecords?: number;
  /** Calls captured, when a listing counted them (the session library). */
  readonly callCount?: number;
}
