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

export type SubscriptionTarget = { readonly tabId: number } | { readonly sessionId: string };

export type UiToBackground = { readonly type: 'subscribe'; readonly target: SubscriptionTarget };

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
  | { readonly type: 'session'; readonly session: Session };
