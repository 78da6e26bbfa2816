import { render } from 'preact';
import browser from 'webextension-polyfill';
import type { BackgroundToUi, SubscriptionTarget } from '../../protocol/ui-messages';
import { UI_PORT } from '../../protocol/ui-messages';
import { createInspectorStore, type InspectorTransport } from './inspector-store';
import { InspectorView } from './inspector-view';
import { callSiteOpener, type ViewPlatform } from './platform';

/** A runtime port to the background; it closes when the service worker stops, and the store reconnects. */
export const portTransport: InspectorTransport = {
  connect(handlers) {
    const port = browser.runtime.connect({ name: UI_PORT });
    port.onMessage.addListener((message: unknown) => handlers.onMessage(message as BackgroundToUi));
    port.onDisconnect.addListener(() => handlers.onDisconnect());
    return { send: (message) => port.postMessage(message), close: () => port.disconnect() };
  },
};

function copyText(text: string): void {
  if (navigator.clipboard?.writeText) {
    void navigator.clipboard.writeText(text).catch(() => fallbackCopy(text));
    return;
  }
  fallbackCopy(text);
}

function fallbackCopy(text: string): void {
  // DevTools panels may not be granted the async clipboard; a selected textarea always copies.
  const area = document.createElement('textarea');
  area.value = text;
  document.body.append(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

/**
 * Mounts the inspector. In DevTools it follows the inspected tab and the DevTools
 * theme; opened as a tab (`devtools-panel.html?tab=ID` or `?session=ID`) it
 * follows that tab or stored session and the system theme.
 */
export function startInspector(root: HTMLElement): void {
  const devtools = (browser as { devtools?: typeof browser.devtools }).devtools;
  const params = new URLSearchParams(location.search);
  const tabParam = params.get('tab');
  const sessionParam = params.get('session');
  const target: SubscriptionTarget = devtools?.inspectedWindow
    ? { tabId: devtools.inspectedWindow.tabId }
    : sessionParam
      ? { sessionId: sessionParam }
      : { tabId: Number(tabParam ?? -1) };

  const dark = devtools?.panels ? devtools.panels.themeName === 'dark' : window.matchMedia?.('(prefers-color-scheme: dark)').matches;
  const theme = params.get('theme') ?? (dark ? 'dark' : 'light');
  document.documentElement.dataset.theme = theme;

  const openCallSite = callSiteOpener(devtools?.panels);
  const platform: ViewPlatform = { copy: copyText, now: () => Date.now(), ...(openCallSite ? { openCallSite } : {}) };
  const store = createInspectorStore({ transport: portTransport, target, platform: { setTimer: (callback, ms) => setTimeout(callback, ms) } });
  render(<InspectorView store={store} platform={platform} />, root);
}
