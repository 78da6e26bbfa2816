import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { readLensDatabase, sortStore, waitFor, type LensStore } from '../e2e/browser';
import { findRepoRoot } from '../repo-root';

export const FIREFOX_EXTENSION_PATH = join(findRepoRoot(), '.output/firefox-mv3');

const FIREFOX_CANDIDATES = ['/usr/bin/firefox-esr', '/usr/bin/firefox'];

/**
 * The moz-extension:// host Firefox gives the add-on. Firefox draws a random one
 * per profile unless `extensions.webextensions.uuids` names it before install.
 */
const EXTENSION_UUID = '5e0c7b8a-1d2f-4c3b-9a4e-6f7d8c9b0a1e';

/** Debian's Firefox ESR (or FIREFOX_PATH). Missing it is a failure with instructions, never a silent pass. */
export function findFirefox(): string {
  const fromEnv = process.env.FIREFOX_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`FIREFOX_PATH=${fromEnv} does not exist.`);
    return fromEnv;
  }
  const found = FIREFOX_CANDIDATES.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      "No Firefox found for the Firefox smoke test. Install Debian's ESR (`sudo apt-get install -y firefox-esr`) " +
        'or point FIREFOX_PATH at a Firefox binary (140 or later).',
    );
  }
  return found;
}

interface FirefoxManifest {
  browser_specific_settings: { gecko: { id: string; strict_min_version: string } };
}

export function readFirefoxManifest(): FirefoxManifest {
  const path = join(FIREFOX_EXTENSION_PATH, 'manifest.json');
  if (!existsSync(path)) {
    throw new Error(`The Firefox build is missing at ${FIREFOX_EXTENSION_PATH}: run \`npm run build:firefox\` first (npm test does).`);
  }
  return JSON.parse(readFileSync(path, 'utf8')) as FirefoxManifest;
}

/**
 * Firefox's own background traffic, switched off so a run is hermetic. The proxy
 * below catches whatever is left; these keep it empty.
 */
const QUIET_PREFS: Record<string, string | number | boolean> = {
  // Telemetry and data reporting.
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.unified': false,
  'toolkit.telemetry.archive.enabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.usage.uploadEnabled': false,
  // Updates of Firefox, add-ons, system add-ons, search engines and media plugins.
  'app.update.disabledForTesting': true,
  'app.update.auto': false,
  'extensions.update.enabled': false,
  'extensions.systemAddon.update.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'browser.search.update': false,
  'media.gmp-manager.updateEnabled': false,
  // Safe Browsing lookups and list downloads.
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.safebrowsing.blockedURIs.enabled': false,
  'browser.safebrowsing.provider.google4.updateURL': '',
  'browser.safebrowsing.provider.mozilla.updateURL': '',
  // Captive portal and connectivity probes.
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  // Remote settings (blocklists, experiments, studies). Release builds ignore a custom
  // server unless MOZ_DISABLE_NONLOCAL_CONNECTIONS is set (see launch); with it, this
  // dummy server makes Firefox skip remote settings altogether.
  'services.settings.server': 'data:,#remote-settings-dummy/v1',
  'app.normandy.enabled': false,
  'app.shield.optoutstudies.enabled': false,
  'messaging-system.rsexperimentloader.enabled': false,
  // Push, region and geolocation lookups, DNS-over-HTTPS, prefetching and speculative connections.
  'dom.push.connection.enabled': false,
  'browser.region.network.url': '',
  'browser.region.update.enabled': false,
  'geo.provider.network.url': '',
  'network.trr.mode': 5,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.predictor.enabled': false,
  'network.http.speculative-parallel-limit': 0,
};

/**
 * A proxy for every request Firefox makes to anything but 127.0.0.1/localhost
 * (which Firefox never proxies): it records the target and refuses, so nothing
 * leaves the machine and the test can see what tried.
 */
async function startRefusingProxy(): Promise<{ port: number; attempts: string[]; close(): Promise<void> }> {
  const attempts: string[] = [];
  const proxy = createServer((request, response) => {
    attempts.push(`${request.method ?? 'GET'} ${request.url ?? ''}`);
    response.writeHead(502).end();
  });
  proxy.on('connect', (request, socket) => {
    attempts.push(`CONNECT ${request.url ?? ''}`);
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
  });
  await new Promise<void>((resolveListen) => proxy.listen(0, '127.0.0.1', resolveListen));
  return {
    port: (proxy.address() as AddressInfo).port,
    attempts,
    close: () =>
      new Promise<void>((resolveClose) => {
        proxy.closeAllConnections();
        proxy.close(() => resolveClose());
      }),
  };
}

/**
 * Puppeteer's `goto` waits for BiDi navigation events, which Firefox does not send
 * for extension pages (bug 1755014), so it would time out: this starts the
 * navigation without waiting, and the caller waits for the page itself.
 */
async function startNavigation(page: Page, url: string): Promise<void> {
  const context = (page.mainFrame() as unknown as { browsingContext?: { navigate(url: string, wait: 'none'): Promise<void> } }).browsingContext;
  if (typeof context?.navigate !== 'function') {
    throw new Error('puppeteer-core no longer exposes a frame’s BiDi browsing context: update startNavigation in test/firefox/firefox.ts.');
  }
  await context.navigate(url, 'none');
}

export interface LensFirefox {
  readonly browser: Browser;
  /** `firefox/153.8.0` */
  readonly version: string;
  readonly extensionId: string;
  readonly extensionOrigin: string;
  /** Opens one of the extension's pages (`sessions.html`, `devtools-panel.html?tab=…`) in a new tab, loaded. */
  openExtensionPage(path: string): Promise<Page>;
  /** Runs `task` in an extension page, where `browser.*` and the extension's IndexedDB are at hand. */
  inExtension<T>(task: () => Promise<T>): Promise<T>;
  /** Everything Identity Lens stored, read from IndexedDB inside the extension. */
  readStore(): Promise<LensStore>;
  /** Every request Firefox tried to send off the machine; the proxy refused them all. */
  readonly offMachineAttempts: readonly string[];
  close(): Promise<void>;
}

/**
 * Firefox headless in a fresh profile, driven over WebDriver BiDi, with the Firefox
 * build installed as a temporary add-on, as about:debugging's *Load Temporary Add-on* does.
 */
export async function launchFirefoxWithExtension(): Promise<LensFirefox> {
  const executablePath = findFirefox();
  const manifest = readFirefoxManifest();
  const profileDir = mkdtempSync(join(tmpdir(), 'identity-lens-firefox-'));
  const proxy = await startRefusingProxy();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    userDataDir: profileDir,
    // Without it, BiDi refuses to navigate a tab to a moz-extension:// page.
    args: ['--remote-allow-system-access'],
    // Firefox's test-harness switch: remote settings honour the dummy server above.
    env: { ...process.env, MOZ_DISABLE_NONLOCAL_CONNECTIONS: '1' },
    extraPrefsFirefox: {
      ...QUIET_PREFS,
      'network.proxy.type': 1,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': proxy.port,
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': proxy.port,
      'network.proxy.no_proxies_on': '',
      'network.proxy.allow_hijacking_localhost': false,
      'extensions.webextensions.uuids': JSON.stringify({ [manifest.browser_specific_settings.gecko.id]: EXTENSION_UUID }),
    },
  });
  const close = async (): Promise<void> => {
    await browser.close();
    await proxy.close();
    rmSync(profileDir, { recursive: true, force: true });
  };
  try {
    const version = await browser.version();
    const major = Number(/(\d+)\./.exec(version)?.[1]);
    const required = Number.parseInt(manifest.browser_specific_settings.gecko.strict_min_version, 10);
    if (!(major >= required)) {
      throw new Error(`${executablePath} is ${version}; Identity Lens needs Firefox ${required} or later (\`sudo apt-get install -y firefox-esr\`, or set FIREFOX_PATH).`);
    }
    const extensionId = await browser.installExtension(FIREFOX_EXTENSION_PATH);
    const extensionOrigin = `moz-extension://${EXTENSION_UUID}`;

    const openExtensionPage = async (path: string): Promise<Page> => {
      const url = `${extensionOrigin}/${path}`;
      const page = await browser.newPage();
      await startNavigation(page, url);
      await waitFor(`${url} to load`, () => page.evaluate((target) => location.href === target && document.readyState === 'complete', url));
      return page;
    };
    let extensionPage: Page | undefined;
    const inExtension = async <T>(task: () => Promise<T>): Promise<T> => {
      // Any page of the extension serves: they share its APIs and its storage.
      extensionPage ??= await openExtensionPage('sessions.html');
      return extensionPage.evaluate(task) as Promise<T>;
    };
    return {
      browser,
      version,
      extensionId,
      extensionOrigin,
      openExtensionPage,
      inExtension,
      readStore: () => inExtension(readLensDatabase).then(sortStore),
      offMachineAttempts: proxy.attempts,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
