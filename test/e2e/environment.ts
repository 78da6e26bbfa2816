import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../fixtures/server';
import { launchPlain, launchWithExtension, waitFor, type LensBrowser } from './browser';

export interface LensEnvironment {
  readonly server: FixtureServer;
  readonly lens: LensBrowser;
}

/**
 * One fixture server and one Chromium with the extension for a test file, started
 * before its tests and closed after. The getters throw if used outside a test.
 */
export function useLensEnvironment(): LensEnvironment {
  let server: FixtureServer | undefined;
  let lens: LensBrowser | undefined;
  beforeAll(async () => {
    server = await startFixtureServer();
    lens = await launchWithExtension();
  });
  afterAll(async () => {
    await lens?.close();
    await server?.close();
  });
  return {
    get server() {
      if (!server) throw new Error('the fixture server is not running (used outside a test?)');
      return server;
    },
    get lens() {
      if (!lens) throw new Error('the browser is not running (used outside a test?)');
      return lens;
    },
  };
}

/**
 * The same Chromium without the extension, for a test file that compares a page with and
 * without Identity Lens; started before its tests and closed after.
 */
export function usePlainBrowser(): { readonly context: BrowserContext } {
  let plain: Awaited<ReturnType<typeof launchPlain>> | undefined;
  beforeAll(async () => {
    plain = await launchPlain();
  });
  afterAll(async () => {
    await plain?.close();
  });
  return {
    get context() {
      if (!plain) throw new Error('the plain browser is not running (used outside a test?)');
      return plain.context;
    },
  };
}

/** Waits until the page's analytics.js (under `global`) has loaded and replaced the snippet. */
export function waitForAnalytics(page: Page, global = 'analytics'): Promise<true> {
  return waitFor(`${global} to load`, () =>
    page.evaluate((key) => (window as unknown as Record<string, { initialized?: boolean } | undefined>)[key]?.initialized === true, global),
  );
}

/** Makes the next visit a first-time visitor's: the tests share one origin and one browser profile. */
export async function forgetVisitor(env: LensEnvironment): Promise<void> {
  await env.lens.context.clearCookies();
  const page = await env.lens.context.newPage();
  await page.goto(`${env.server.origin}/collector/received`);
  await page.evaluate(() => localStorage.clear());
  await page.close();
}

/**
 * The id of the tab whose URL starts with `urlPrefix`, as the extension's tabs API sees it
 * (a prefix, not a match pattern: hostile URLs hold characters patterns treat specially).
 */
export async function tabIdOf(env: LensEnvironment, urlPrefix: string): Promise<number> {
  const worker = await env.lens.serviceWorker();
  return waitFor(`the tab of ${urlPrefix}`, () =>
    worker.evaluate(async (prefix) => {
      const chromeApi = (globalThis as unknown as { chrome: { tabs: { query: (q: object) => Promise<Array<{ id?: number; url?: string }>> } } }).chrome;
      return (await chromeApi.tabs.query({})).find((tab) => tab.url?.startsWith(prefix))?.id;
    }, urlPrefix),
  );
}
