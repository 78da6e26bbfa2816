import { render } from 'preact';
import browser from 'webextension-polyfill';
import type { UiResponse } from '../../protocol/ui-messages';
import { downloadText } from '../request';
import { createPopupStore } from './popup-store';
import { PopupView } from './popup-view';

/** The popup follows the active tab; `popup.html?tab=ID` (tests, or a pinned tab) names one. */
export async function startPopup(root: HTMLElement): Promise<void> {
  document.documentElement.dataset.theme = window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  const param = new URLSearchParams(location.search).get('tab');
  const tab = param !== null ? await browser.tabs.get(Number(param)) : (await browser.tabs.query({ active: true, currentWindow: true }))[0];
  const store = createPopupStore({
    request: (request) => browser.runtime.sendMessage(request) as Promise<UiResponse>,
    tab: tab?.id === undefined ? null : { id: tab.id, url: tab.url ?? null },
    openLibrary: (sessionId) => void browser.tabs.create({ url: browser.runtime.getURL(`/sessions.html${sessionId ? `?session=${encodeURIComponent(sessionId)}` : ''}`) }),
    openOptions: () => void browser.runtime.openOptionsPage(),
    save: downloadText,
  });
  render(<PopupView store={store} platform={{ copy: (text) => void navigator.clipboard?.writeText(text), now: () => Date.now() }} />, root);
  await store.load();
}
