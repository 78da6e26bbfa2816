import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';

// Both browsers build as MV3: the page hook must run in the page's main world
// before any page script, which only a manifest-declared `world: "MAIN"` content
// script guarantees (Chrome 111+, Firefox 128+). See README "Architecture".
// Firefox's minimum is 140 (142 on Android): the first versions that know
// `data_collection_permissions`, Firefox's built-in consent for data collection.
export default defineConfig({
  srcDir: '.',
  entrypointsDir: 'entrypoints',
  modules: ['@wxt-dev/webextension-polyfill'],
  manifestVersion: 3,
  manifest: {
    name: 'Identity Lens',
    description:
      'See who the visitor is, live: Segment identity state, its history, and the mistakes that break attribution.',
    permissions: ['storage', 'cookies', 'webRequest', 'webNavigation', 'unlimitedStorage'],
    host_permissions: ['<all_urls>'],
    action: { default_title: 'Identity Lens' },
    browser_specific_settings: {
      gecko: {
        id: 'identity-lens@example.org',
        strict_min_version: '140.0',
        // Identity Lens transmits nothing: what it captures stays in the browser.
        data_collection_permissions: { required: ['none'] },
      },
      gecko_android: { strict_min_version: '142.0' },
    },
  },
  vite: () => ({ plugins: [preact()] }),
});
