import { render } from 'preact';
import browser from 'webextension-polyfill';
import type { UiResponse } from '../../protocol/ui-messages';
import { portTransport } from '../inspector/start-inspector';
import { downloadText } from '../request';
import { createLibraryStore } from './library-store';
import { LibraryView } from './library-view';

export function startLibrary(root: HTMLElement): void {
  document.documentElement.dataset.theme = window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  const store = createLibraryStore((request) => browser.runtime.sendMessage(request) as Promise<UiResponse>, downloadText);
  const opened = new URLSearchParams(location.search).get('session');
  void store.refresh().then(() => {
    if (opened) store.open(opened);
  });
  render(
    <LibraryView
      store={store}
      transport={portTransport}
      platform={{ copy: (text) => void navigator.clipboard?.writeText(text), now: () => Date.now() }}
      openOptions={() => void browser.runtime.openOptionsPage()}
    />,
    root,
  );
}
