import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredRecord } from '../../src/capture/db';
import type { CapturedRecord } from '../../src/protocol/records';
import { waitFor, type LensStore } from '../e2e/browser';
import { OTHER_USER_ID, SIGNUP_TRAITS, SIGNUP_USER_ID } from '../fixtures/flows';
import { startFixtureServer, type FixtureServer } from '../fixtures/server';
import { launchFirefoxWithExtension, type LensFirefox } from './firefox';

const WRITE_KEY = 'firefox-smoke';

const ofKind = <K extends CapturedRecord['kind']>(records: StoredRecord[], kind: K) =>
  records.filter((r): r is Extract<StoredRecord, { kind: K }> => r.kind === kind);

let server: FixtureServer | undefined;
let firefox: LensFirefox | undefined;
let store: LensStore;
let shopUrl: string;

function env(): { server: FixtureServer; firefox: LensFirefox } {
  if (!server || !firefox) throw new Error('the fixture server or Firefox is not running');
  return { server, firefox };
}

const waitForAnalytics = (page: Page): Promise<true> =>
  waitFor('analytics.js to load', () => page.evaluate(() => (window as unknown as { analytics?: { initialized?: boolean } }).analytics?.initialized === true));

beforeAll(async () => {
  server = await startFixtureServer();
  firefox = await launchFirefoxWithExtension();
  const { origin } = server;
  const received = server.received;

  // The demo shop's sign-up: identify with the database id and traits, then track "Signed Up".
  shopUrl = `${origin}/?wk=${WRITE_KEY}`;
  const shop = await firefox.browser.newPage();
  await shop.goto(shopUrl);
  await waitForAnalytics(shop);
  await shop.click('#signup');
  await waitFor('the collector to receive Signed Up', async () => received.some((r) => (r.body as { event?: string } | null)?.event === 'Signed Up'));
  // Another account logs in without reset(): analytics.js overwrites the userId cookie.
  await shop.click('#login-other');
  await waitFor('the collector to receive the second identify', async () => received.some((r) => (r.body as { userId?: string } | null)?.userId === OTHER_USER_ID));
  // A server response that writes the identity cookie itself, then the cart: a second page in the session.
  await shop.goto(`${origin}/server-login?to=${encodeURIComponent(`/cart.html?wk=${WRITE_KEY}`)}`);
  await waitForAnalytics(shop);

  const instance = firefox;
  store = await waitFor('the calls, their delivery, the Set-Cookie and the cart page to be stored', async () => {
    const now = await instance.readStore();
    const signedUp = ofKind(now.records, 'wire').find((w) => w.messages.some((m) => m.event === 'Signed Up'));
    const missing = [
      signedUp?.state === 'completed' ? null : `the Signed Up request completed (${signedUp?.state ?? 'no request'})`,
      ofKind(now.records, 'navigation').some((n) => n.parentFrameId === -1 && n.url.includes('/cart.html')) ? null : 'the cart page load',
      ofKind(now.records, 'server-cookie').length > 0 ? null : "the server's Set-Cookie",
    ].filter((item) => item !== null);
    // Thrown, so a timeout says what never came.
    if (missing.length > 0) throw new Error(`still missing ${missing.join(', ')}`);
    return now;
  });
}, 60_000);

afterAll(async () => {
  await firefox?.close();
  await server?.close();
});

describe('Identity Lens in Firefox ESR, installed as a temporary add-on', () => {
  it('holds its host permission from install: Firefox grants MV3 host permissions when the add-on is installed', async () => {
    const granted = await env().firefox.inExtension(() =>
      (globalThis as unknown as { browser: { permissions: { contains(p: { origins: string[] }): Promise<boolean> } } }).browser.permissions.contains({ origins: ['<all_urls>'] }),
    );
    expect(granted).toBe(true);
  });

  it("captures, from the page's main world, the calls the snippet queued before analytics.js loaded and the identify and track after", () => {
    const calls = ofKind(store.records, 'call').filter((c) => c.instance.writeKey === WRITE_KEY || c.frameUrl.includes(`wk=${WRITE_KEY}`));
    expect(calls.filter((c) => c.queued).slice(0, 2).map((c) => [c.method, c.args[0] ?? null])).toEqual([
      ['page', null],
      ['track', 'Snippet Queued'],
    ]);
    const identify = calls.find((c) => c.method === 'identify');
    expect(identify?.args).toEqual([SIGNUP_USER_ID, SIGNUP_TRAITS]);
    expect(identify?.instance).toMatchObject({ shape: 'analytics-next', writeKey: WRITE_KEY, global: 'analytics' });
    expect(identify?.callSite).toMatch(/\/shop\.js:\d+:\d+$/);
    const signedUp = calls.find((c) => c.method === 'track' && c.args[0] === 'Signed Up');
    expect(signedUp?.at).toBeGreaterThan(identify?.at ?? Infinity);
  });

  it('records the events as analytics.js finalised them, and their requests with body and status (webRequest)', () => {
    const delivered = ofKind(store.records, 'event').filter((e) => e.phase === 'delivered' && e.instance.writeKey === WRITE_KEY);
    expect(delivered.find((e) => e.type === 'identify')?.event).toMatchObject({ userId: SIGNUP_USER_ID });
    const wires = ofKind(store.records, 'wire').filter((w) => w.messages.some((m) => m.writeKey === WRITE_KEY));
    const identifyWire = wires.find((w) => w.messages.some((m) => m.type === 'identify'));
    const trackWire = wires.find((w) => w.messages.some((m) => m.event === 'Signed Up'));
    expect(identifyWire).toMatchObject({ state: 'completed', statusCode: 200, messages: [{ type: 'identify', userId: SIGNUP_USER_ID }] });
    expect(trackWire).toMatchObject({ state: 'completed', statusCode: 200, messages: [{ type: 'track', userId: SIGNUP_USER_ID }] });
  });

  it('records identity cookies (cookies API, with their causes), the Set-Cookie a server sent, storage and page loads', () => {
    const cookies = ofKind(store.records, 'cookie');
    const userIdChanges = cookies.filter((c) => c.change === 'set' && c.cookies[0]?.name === 'ajs_user_id');
    expect(userIdChanges.map((c) => [c.cause, c.cookies[0]?.value, c.previous?.value ?? null])).toEqual([
      ['explicit', SIGNUP_USER_ID, null],
      ['overwrite', OTHER_USER_ID, SIGNUP_USER_ID],
    ]);
    const snapshot = cookies.find((c) => c.change === 'snapshot' && c.cookies.some((k) => k.name === 'ajs_anonymous_id'));
    expect(snapshot?.cookies.find((k) => k.name === 'ajs_anonymous_id')).toMatchObject({ domain: '127.0.0.1', hostOnly: true, session: false });
    expect(ofKind(store.records, 'server-cookie').find((r) => r.url.includes('/server-login'))).toMatchObject({ cookies: [{ name: 'ajs_anonymous_id' }] });
    const storage = ofKind(store.records, 'storage').find((s) => s.snapshot.localStorage.ajs_user_id === JSON.stringify(OTHER_USER_ID));
    expect(storage?.snapshot.cookie.ajs_user_id).toBe(OTHER_USER_ID);
    const session = store.sessions.find((s) => s.pages.some((p) => p.url === shopUrl));
    expect(session?.pages.map((p) => new URL(p.url).pathname)).toEqual(['/', '/cart.html']);
  });

  it("shows the identifies and the track in the panel's page, delivered, and who the visitor is now", async () => {
    const { firefox: ff } = env();
    const tabId = await waitFor('the shop’s tab', () =>
      ff.inExtension(async () => {
        const tabs = await (globalThis as unknown as { browser: { tabs: { query(q: object): Promise<Array<{ id?: number; url?: string }>> } } }).browser.tabs.query({});
        return tabs.find((tab) => tab.url?.includes('/cart.html'))?.id;
      }),
    );
    const panel = await ff.openExtensionPage(`devtools-panel.html?tab=${tabId}`);
    const rowsOf = () =>
      panel.evaluate(() =>
        [...document.querySelectorAll('.call-row')].map((row) => ({
          method: row.querySelector('.method')?.textContent ?? '',
          label: row.querySelector('.label')?.childNodes[0]?.textContent ?? '',
          delivery: row.querySelector('.delivery')?.textContent ?? '',
        })),
      );
    const rows = await waitFor('the panel to list both identifies and the Signed Up track, every call delivered', async () => {
      const now = await rowsOf();
      const listed = (method: string, label: string) => now.some((r) => r.method === method && r.label === label);
      const undelivered = now.filter((r) => r.delivery !== '200');
      // Thrown, so a timeout shows the rows.
      if (!listed('identify', SIGNUP_USER_ID) || !listed('track', 'Signed Up') || !listed('identify', OTHER_USER_ID) || undelivered.length > 0) {
        throw new Error(`the panel lists ${JSON.stringify(now)}`);
      }
      return now;
    });
    expect(rows.map((r) => r.method).slice(0, 5)).toEqual(['page', 'track', 'identify', 'track', 'identify']);
    const userId = await panel.evaluate(() => document.querySelector('.identity-bar [data-field="userId"] .identity-value')?.textContent);
    expect(userId).toBe(OTHER_USER_ID);
    await panel.close();
  });

  it('sends nothing off the machine: Firefox itself tried no request beyond 127.0.0.1', () => {
    expect(env().firefox.offMachineAttempts).toEqual([]);
  });
});
