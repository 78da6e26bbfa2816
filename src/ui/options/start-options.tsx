import { render } from 'preact';
import browser from 'webextension-polyfill';
import { API_HOSTS_KEY, normaliseApiHosts, normaliseRetention, normaliseRuleOptions, RETENTION_KEY, RULE_OPTIONS_KEY } from '../../capture/settings';
import { OptionsApp } from './options-app';
import { createOptionsStore } from './options-store';
import { estimateStorageUsage } from '../../capture/retention-service';
import { createRetentionStore } from './retention-store';
import { createRuleOptionsStore } from './rule-options-store';

export function startOptions(root: HTMLElement): void {
  const store = createOptionsStore({
    load: async () => normaliseApiHosts((await browser.storage.local.get(API_HOSTS_KEY))[API_HOSTS_KEY]),
    save: (hosts) => browser.storage.local.set({ [API_HOSTS_KEY]: hosts }),
  });
  const rules = createRuleOptionsStore({
    load: async () => normaliseRuleOptions((await browser.storage.local.get(RULE_OPTIONS_KEY))[RULE_OPTIONS_KEY]),
    save: (options) => browser.storage.local.set({ [RULE_OPTIONS_KEY]: { disabledRules: [...options.disabledRules], signupEvents: [...options.signupEvents] } }),
  });
  const retention = createRetentionStore(
    {
      load: async () => normaliseRetention((await browser.storage.local.get(RETENTION_KEY))[RETENTION_KEY]),
      save: (limits) => browser.storage.local.set({ [RETENTION_KEY]: { maxSessions: limits.maxSessions, maxMegabytes: limits.maxMegabytes } }),
    },
    // The options page shares the extension's origin, so its estimate is the extension's storage.
    estimateStorageUsage,
  );
  void store.load();
  void rules.load();
  void retention.load();
  render(<OptionsApp store={store} rules={rules} retention={retention} />, root);
}
