// Resolves to WXT's native `browser` here, not the polyfill: see IN_EVERY_PAGE in wxt.config.ts.
import { browser } from 'wxt/browser';
import { BRIDGE_EVENT, BRIDGE_PORT, PAGE_EVENT } from '../protocol/messages';
import { createBridge } from './bridge';
import { createPortChannel } from './port-channel';

/** Wires the bridge to this frame's window and the extension runtime. */
export function startBridge(): void {
  const sendToBackground = createPortChannel(() => browser.runtime.connect({ name: BRIDGE_PORT }));
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
