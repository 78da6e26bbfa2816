import type { PageRecord } from './records';

/**
 * The only contract between contexts. Messages are named by direction; a breaking
 * change bumps PROTOCOL_VERSION so that a stale content script in an old tab is
 * recognised instead of misread.
 */
export const PROTOCOL_VERSION = 1;

/** Every page message of ours carries this tag and version. */
export const WINDOW_TAG = '__identityLens';

/**
 * Page and bridge talk through DOM events on window whose `detail` is a JSON
 * string. Unlike window.postMessage, dispatchEvent reaches the other world's
 * listener synchronously, so the batch flushed at pagehide is relayed before the
 * document goes away; and strings cross worlds unchanged in Chrome and Firefox,
 * where objects would need per-browser cloning.
 */
export const PAGE_EVENT = 'identity-lens:page';
export const BRIDGE_EVENT = 'identity-lens:bridge';

/** Page (main world) → bridge (content script), as a PAGE_EVENT. */
export type PageToBridge =
  | { readonly [WINDOW_TAG]: typeof PROTOCOL_VERSION; readonly type: 'hello' }
  | {
      readonly [WINDOW_TAG]: typeof PROTOCOL_VERSION;
      readonly type: 'records';
      readonly records: readonly PageRecord[];
    };

/** Bridge → page, as a BRIDGE_EVENT. */
export type BridgeToPage = {
  readonly [WINDOW_TAG]: typeof PROTOCOL_VERSION;
  readonly type: 'bridge-ready';
};

/**
 * The bridge's long-lived port to the background (runtime.connect). A port, not
 * runtime.sendMessage: a one-off message sent while its tab is closing was dropped
 * with the closing frame (thousands of records of a burst lost in a real-browser
 * test), while messages already posted on an open port are delivered before its
 * disconnect.
 */
export const BRIDGE_PORT = 'identity-lens-bridge';

/** Bridge → background, on the BRIDGE_PORT. The sender (tab, frame) comes from the runtime, never from here. */
export type BridgeToBackground = {
  readonly channel: 'identity-lens';
  readonly version: typeof PROTOCOL_VERSION;
  readonly type: 'page-records';
  /** Monotonic per bridge; lets the background log gaps, though records are idempotent anyway. */
  readonly batch: number;
  readonly records: readonly PageRecord[];
  /** Page messages the bridge dropped since its last batch, by reason. */
  readonly dropped: Readonly<Record<string, number>>;
};

/** The bridge's message carrying a batch of page records (tests build theirs the same way). */
export const pageRecordsMessage = (batch: number, records: readonly PageRecord[], dropped: Readonly<Record<string, number>> = {}): BridgeToBackground => ({
  channel: 'identity-lens',
  version: PROTOCOL_VERSION,
  type: 'page-records',
  batch,
  records,
  dropped,
});

/** Background → bridge: the reply to a BridgeToBackground message. */
export type BackgroundToBridge =
  | { readonly ok: true; readonly stored: number; readonly sessionId: string }
  | { readonly ok: false; readonly error: string; readonly retry: boolean };

/** Background → bridge on the BRIDGE_PORT: the reply, with the batch it answers. */
export type BackgroundToBridgeOnPort = { readonly batch: number; readonly reply: BackgroundToBridge };
