import type { Finding } from './findings';
import type { CapturedRecord, Session } from './records';

/**
 * The background ↔ UI contract (DevTools panel, and later the popup and session
 * library), over a runtime port named UI_PORT. A UI subscribes to a tab's open
 * session or to a stored session; the background answers with a snapshot, sent
 * in chunks, then pushes what changes. Every push is idempotent by id, so a UI
 * that reconnects after the service worker restarted asks for a snapshot again
 * and ends up with nothing missing and nothing twice.
 */
export const UI_PORT = 'identity-lens-ui';

/** Records per snapshot message: a 100,000-record session arrives in pieces the UI can render between. */
export const SNAPSHOT_CHUNK = 5000;
/** Records in a snapshot's first message: enough for the first screen of rows. */
export const FIRST_SNAPSHOT_CHUNK = 200;

export type SubscriptionTarget = { readonly tabId: number } | { readonly sessionId: string };

export type UiToBackground = { readonly type: 'subscribe'; readonly target: SubscriptionTarget };

/** Whether capture stores what it sees; shown in the popup, the session library and the panel. */
export type CaptureStatus =
  | { readonly state: 'capturing' }
  | {
      /** The browser refused to store more (a full disk, or a quota): pages keep their records and resend them. */
      readonly state: 'paused-storage-full';
      readonly since: number;
      /** The browser's own words, for a bug report. */
      readonly error: string;
    };

export type EvictionReason = 'sessions' | 'size' | 'storage-full';

/** Sessions retention removed since the user last dismissed the notice. */
export interface RetentionNotice {
  readonly at: number;
  readonly evicted: number;
  /** What made the last eviction: the session count, the size limit, or the browser refusing to store more. */
  readonly reason: EvictionReason;
  /** The limits in force then, to name them. */
  readonly maxSessions: number;
  readonly maxMegabytes: number;
}

export interface StorageState {
  readonly capture: CaptureStatus;
  readonly notice: RetentionNotice | null;
}

export type BackgroundToUi =
  | {
      readonly type: 'snapshot';
      readonly session: Session | null;
      readonly findings: readonly Finding[];
      readonly records: readonly CapturedRecord[];
      /** False while more chunks of the same snapshot follow. */
      readonly done: boolean;
    }
  | { readonly type: 'records'; readonly sessionId: string; readonly records: readonly CapturedRecord[] }
  | { readonly type: 'findings'; readonly sessionId: string; readonly findings: readonly Finding[] }
  | { readonly type: 'session'; readonly session: Session }
  | { readonly type: 'capture-status'; readonly status: CaptureStatus };

/** Requests a UI makes with runtime.sendMessage; the reply is the matching response. */
export const UI_REQUEST_CHANNEL = 'identity-lens-ui';

export type ExportFormat = 'json' | 'ndjson' | 'har';

export type UiRequest =
  | { readonly channel: typeof UI_REQUEST_CHANNEL; readonly type: 'list-sessions' }
  | { readonly channel: typeof UI_REQUEST_CHANNEL; readonly type: 'delete-sessions'; readonly ids: readonly string[] }
  | { readonly channel: typeof UI_REQUEST_CHANNEL; readonly type: 'import-sessions'; readonly text: string }
  | { readonly channel: typeof UI_REQUEST_CHANNEL; readonly type: 'export-sessions'; readonly ids: readonly string[] | 'all'; readonly format: ExportFormat; readonly redact: boolean }
  | { readonly channel: typeof UI_REQUEST_CHANNEL; readonly type: 'tab-summary'; readonly tabId: number; readonly url: string | null }
  | { readonly channel: typeof UI_REQUEST_CHANNEL; readonly type: 'set-capture'; readonly origin: string; readonly enabled: boolean }
  | { readonly channel: typeof UI_REQUEST_CHANNEL; readonly type: 'storage-state' }
  | { readonly channel: typeof UI_REQUEST_CHANNEL; readonly type: 'dismiss-retention-notice' };

export interface TabSummary {
  readonly session: Session | null;
  readonly identity: {
    readonly anonymousId: string | null;
    readonly userId: string | null;
    readonly groupId: string | null;
    readonly traits: Readonly<Record<string, unknown>>;
    readonly storedIn: { readonly anonymousId: readonly string[]; readonly userId: readonly string[] };
    readonly cookieExpiry: { readonly anonymousId: number | null; readonly userId: number | null };
  };
  readonly counts: { readonly error: number; readonly warning: number; readonly info: number };
  readonly topFindings: readonly Finding[];
  readonly callCount: number;
  readonly origin: string | null;
  readonly captureEnabled: boolean;
}

export type UiResponse =
  | { readonly ok: true; readonly sessions: readonly Session[] }
  | { readonly ok: true; readonly deleted: number }
  | { readonly ok: true; readonly imported: number }
  | { readonly ok: true; readonly fileName: string; readonly mimeType: string; readonly text: string }
  | { readonly ok: true; readonly summary: TabSummary }
  | { readonly ok: true; readonly storage: StorageState }
  | { readonly ok: true }
  | { readonly ok: false; readonly error: string };
