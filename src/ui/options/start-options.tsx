import { render } from 'preact';
import browser from 'webextension-polyfill';
import { API_HOSTS_KEY, normaliseApiHosts } from '../../capture/settings';
import { OptionsApp } from './options-app';
import { createOptionsStore } from './options-store';

export function startOptions(root: HTMLElement): void {
  const store = createOptionsStore({
    load: async () => normaliseApiHosts((await browser.storage.local.get(API_HOSTS_KEY))[API_HOSTS_KEY]),
    save: (hosts) => browser.storage.local.set({ [API_HOSTS_KEY]: hosts }),
  });
  void store.load();
  render(<OptionsApp store={store} />, root);
}
