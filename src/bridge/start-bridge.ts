import browser from 'webextension-polyfill';
import { createBridge } from './bridge';

/** Wires the bridge to this frame's window and the extension runtime. */
export function startBridge(): void {
  const bridge = createBridge({
    listenToPage(callback) {
      window.addEventListener('message', (event) => {
        // Only our own page: other frames' messages are theirs to relay.
        if (event.source === window) callback(event.data);
      });
    },
    postToPage(message) {
      window.postMessage(message, '*');
    },
    sendToBackground: (message) => browser.runtime.sendMessage(message),
    setTimer(callback, ms) {
      setTimeout(callback, ms);
    },
  });
  // The hook flushes on pagehide in the page; relay that batch at once too.
  window.addEventListener('pagehide', () => setTimeout(() => bridge.flush(), 0));
}
