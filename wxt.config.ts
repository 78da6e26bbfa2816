import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** WXT's own `browser` (the native `browser`/`chrome` global), without the polyfill. */
const nativeBrowser = require.resolve('wxt/browser');
/**
 * Entrypoints that run in every frame of every page keep out the webextension-polyfill
 * (about 11 KB each): the bridge needs only `runtime.connect`, native in Chrome MV3 and
 * Firefox, and looks the runtime up itself (src/bridge/start-bridge.ts); should either
 * import `wxt/browser`, it gets the native one. The background and the UI pages keep the
 * polyfill.
 */
const IN_EVERY_PAGE = new Set(['bridge', 'page-hook']);

/**
 * The bridge's manifest entry (entrypoints/bridge.ts is an unlisted script, see there).
 * First in `content_scripts`, so that at document_start it runs before the page hook and
 * is listening when the hook says hello.
 */
const bridgeContentScript = () => ({
  matches: ['<all_urls>'],
  all_frames: true,
  match_about_blank: true,
  run_at: 'document_start' as const,
  js: ['bridge.js'],
});

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
  vite: () => ({ plugins: [preact()], ...(process.env.LENS_NO_MINIFY ? { build: { minify: false } } : {}) }),
  hooks: {
    'build:manifestGenerated'(_wxt, manifest) {
      manifest.content_scripts = [bridgeContentScript(), ...(manifest.content_scripts ?? [])];
    },
    'vite:build:extendConfig'(entrypoints, config) {
      if (!entrypoints.every((entrypoint) => IN_EVERY_PAGE.has(entrypoint.name))) return;
      const alias = config.resolve?.alias;
      if (Array.isArray(alias)) {
        for (const entry of alias) if (entry.find === 'wxt/browser') entry.replacement = nativeBrowser;
      } else if (alias) {
        (alias as Record<string, string>)['wxt/browser'] = nativeBrowser;
      }
    },
  },
});
