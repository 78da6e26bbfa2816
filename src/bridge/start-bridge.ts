import type { browser } from 'wxt/browser';
import { BRIDGE_EVENT, BRIDGE_PORT, PAGE_EVENT } from '../protocol/messages';
import { createBridge } from './bridge';
import { createPortChannel } from './port-channel';

/**
 * The extension runtime, looked up when the first batch goes, not at document_start:
 * the first touch of `chrome` in a frame's isolated world builds its API bindings
 * (0.8-3.7 ms per frame in a profile of page loads), and most pages never have a batch
 * to send (nothing leaves a page without analytics.js). Native, as WXT's `wxt/browser`
 * resolves it, never the polyfill (see IN_EVERY_PAGE in wxt.config.ts).
 */
type Runtime = typeof browser.runtime;

function extensionRuntime(): Runtime {
  const scope = globalThis as unknown as { browser?: { runtime?: { id?: string } }; chrome: unknown };
  return ((scope.browser?.runtime?.id ? scope.browser : scope.chrome) as { runtime: Runtime }).runtime;
}

/** Wires the bridge to this frame's window and the extension runtime. */
export function startBridge(): void {
  const sendToBackground = createPortChannel(() => extensionRuntime().connect({ name: BRIDGE_PORT }));
  const bridge = createBridge({
    listenToPage(callback) {
      window.addEventListener(PAGE_EVENT, (event) => callback((event as CustomEvent<unknown>).detail));
    },
    postToPage(message) {
      window.dispatchEvent(new CustomEvent(BRIDGE_EVENT, { detail: JSON.stringify(message) }));
    },
    sendToBackground,
    setTimer(callback, ms) {
      setTimeout(callback, ms);
    },
  });
  // Anything still waiting for a retry goes now: the page may not live to see the timer.
  window.addEventListener('pagehide', () => bridge.flush());
}
