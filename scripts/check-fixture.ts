/**
 * Self-check for the fixture shop: real @segment/analytics-next in Debian
 * Chromium (no extension), against the local collector.
 *
 *   npx esbuild scripts/check-fixture.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=.cache/check-fixture.mjs && node .cache/check-fixture.mjs
 *
 * Exits 1 if any check fails. Nothing may leave 127.0.0.1: non-local requests
 * are recorded as failures and also aborted, so a regression cannot leak.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CART_PRODUCT, OTHER_USER_ID, SIGNUP_USER_ID } from '../test/fixtures/flows';
import { startFixtureServer, type CollectedRequest, type FixtureServer } from '../test/fixtures/server';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/lib/chromium/chromium';
const TIMEOUT_MS = 15_000;

type Json = Record<string, unknown>;

interface Scenario {
  name: string;
  path: string;
  writeKey: string;
  /** context.library.version: the standalone build reports next-*, the npm build npm:next-*. */
  libraryPrefix: string;
  /** In-page predicate for "library loaded and window global swapped/instance ready". */
  loaded: () => boolean;
}

interface SentEvent {
  path: string;
  event: Json;
  request: CollectedRequest;
}

const failures: string[] = [];

function check(ok: boolean, message: string): boolean {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (!ok) failures.push(message);
  return ok;
}

function asRecord(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function dig(value: unknown, ...keys: string[]): unknown {
  let current: unknown = value;
  for (const key of keys) current = asRecord(current)?.[key];
  return current;
}

function eventsFor(server: FixtureServer, writeKey: string): SentEvent[] {
  const events: SentEvent[] = [];
  for (const request of server.received) {
    const body = asRecord(request.body);
    if (!body) continue;
    const batch = body['batch'];
    const items = Array.isArray(batch) ? batch.map(asRecord) : [body];
    for (const event of items) {
      if (event && event['writeKey'] === writeKey) events.push({ path: request.path, event, request });
    }
  }
  return events;
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = TIMEOUT_MS): Promise<T | undefined> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) {
      check(false, `timed out after ${timeoutMs} ms waiting for ${what}`);
      return undefined;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function findEvent(events: SentEvent[], type: string, predicate: (event: Json) => boolean = () => true): SentEvent | undefined {
  return events.find((e) => e.event['type'] === type && predicate(e.event));
}

function describe(e: SentEvent): string {
  const type = str(e.event['type']) ?? '?';
  const name = str(e.event['event']) ?? (type === 'page' ? str(dig(e.event, 'context', 'page', 'path')) : undefined) ?? '';
  return `${e.path.padEnd(5)} ${type.padEnd(8)} ${name.padEnd(14)} userId=${str(e.event['userId']) ?? 'null'} anonymousId=${str(e.event['anonymousId']) ?? 'null'}`;
}

function isLocal(url: string, port: number): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  // data:/blob: URLs never touch the network.
  if (parsed.protocol === 'data:' || parsed.protocol === 'blob:') return true;
  return parsed.hostname === '127.0.0.1' && parsed.port === String(port);
}

async function runScenario(browser: Browser, server: FixtureServer, scenario: Scenario): Promise<void> {
  console.log(`\n== ${scenario.name}: ${scenario.path}?wk=${scenario.writeKey}`);
  const context: BrowserContext = await browser.newContext();
  const requests: string[] = [];
  const pageErrors: string[] = [];
  context.on('request', (request) => requests.push(`${request.method()} ${request.url()}`));
  // Second line of defence: even if a check below fails, the request must not go out.
  await context.route(
    (url) => !isLocal(url.href, server.port),
    (route) => route.abort('blockedbyclient'),
  );

  try {
    const page: Page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console.error: ${message.text()}`);
    });

    await page.goto(`${server.origin}${scenario.path}?wk=${encodeURIComponent(scenario.writeKey)}`);
    await page.waitForFunction(scenario.loaded, undefined, { timeout: TIMEOUT_MS });
    check(true, 'analytics-next loaded');

    const initial = await waitFor('page + queued track', () => {
      const events = eventsFor(server, scenario.writeKey);
      const pageEvent = findEvent(events, 'page');
      const queued = findEvent(events, 'track', (e) => e['event'] === 'Snippet Queued');
      return pageEvent && queued ? { pageEvent, queued } : undefined;
    });
    if (initial) {
      check(initial.pageEvent.path === '/v1/p', `page posted to /v1/p (${initial.pageEvent.path})`);
      check(dig(initial.pageEvent.event, 'context', 'page', 'path') === scenario.path, `page context.page.path is ${scenario.path}`);
      check(dig(initial.queued.event, 'properties', 'order') === 1, "track 'Snippet Queued' {order: 1} (queued before load) received");
    }

    await page.click('#signup');
    const signup = await waitFor("identify + track 'Signed Up'", () => {
      const events = eventsFor(server, scenario.writeKey);
      const identify = findEvent(events, 'identify', (e) => e['userId'] === SIGNUP_USER_ID);
      const signedUp = findEvent(events, 'track', (e) => e['event'] === 'Signed Up');
      return identify && signedUp ? { identify, signedUp } : undefined;
    });

    if (signup && initial) {
      const { identify, signedUp } = signup;
      check(identify.path === '/v1/i', `identify posted to /v1/i (${identify.path})`);
      check(dig(identify.event, 'traits', 'plan') === 'premium', 'identify carries traits {name, email, plan}');
      check(signedUp.event['userId'] === SIGNUP_USER_ID, `track 'Signed Up' userId = ${SIGNUP_USER_ID}`);
      const anon = str(initial.pageEvent.event['anonymousId']);
      check(
        anon !== undefined && identify.event['anonymousId'] === anon && signedUp.event['anonymousId'] === anon,
        `anonymousId kept from page → identify → track (${anon ?? 'missing'})`,
      );
      const version = str(dig(signedUp.event, 'context', 'library', 'version')) ?? '';
      check(version.startsWith(scenario.libraryPrefix), `context.library.version = ${version}`);
      const expectedAuth = `Basic ${Buffer.from(`${scenario.writeKey}:`).toString('base64')}`;
      check(signedUp.request.headers['authorization'] === expectedAuth, 'Authorization: Basic base64(writeKey:) sent');
      check(signedUp.request.headers['content-type'] === 'text/plain', `Content-Type ${String(signedUp.request.headers['content-type'])}`);

      const cookies = await context.cookies(server.origin);
      const now = Date.now() / 1000;
      for (const name of ['ajs_anonymous_id', 'ajs_user_id']) {
        const cookie = cookies.find((c) => c.name === name);
        if (!check(cookie !== undefined, `cookie ${name} exists`) || !cookie) continue;
        const expiry = cookie.expires > 0 ? `${new Date(cookie.expires * 1000).toISOString()} (+${((cookie.expires - now) / 86400).toFixed(1)} days)` : 'session';
        console.log(`       ${name}=${cookie.value} domain=${cookie.domain} path=${cookie.path} sameSite=${cookie.sameSite} expires=${expiry}`);
      }
      check(cookies.find((c) => c.name === 'ajs_user_id')?.value === SIGNUP_USER_ID, `ajs_user_id cookie = ${SIGNUP_USER_ID}`);
      check(cookies.find((c) => c.name === 'ajs_anonymous_id')?.value === anon, 'ajs_anonymous_id cookie = event anonymousId');
    }

    if (signup && initial) await runOtherFlows(page, context, server, scenario, str(initial.pageEvent.event['anonymousId']) ?? '');

    // Give any late remote-metrics flush or lazy chunk a moment to show up before auditing.
    await page.waitForTimeout(1500);
    check(!server.received.some((r) => r.path === '/v1/m'), 'no remote metrics (/v1/m) posted');

    console.log('   collector received:');
    for (const e of eventsFor(server, scenario.writeKey)) console.log(`     ${describe(e)}`);

    const nonLocal = requests.filter((line) => !isLocal(line.slice(line.indexOf(' ') + 1), server.port));
    console.log(`   browser requests (${requests.length}):`);
    for (const line of Array.from(new Set(requests.map((l) => l.replace(server.origin, ''))))) console.log(`     ${line}`);
    check(nonLocal.length === 0, `every browser request stayed on 127.0.0.1:${server.port}${nonLocal.length ? ` — leaked: ${nonLocal.join(', ')}` : ''}`);
    check(pageErrors.length === 0, `no page errors${pageErrors.length ? `: ${pageErrors.join(' | ')}` : ''}`);
  } finally {
    await context.close();
  }
}

/** Clicks a flow button and waits for the first new event matching `predicate`. */
async function clickFor(
  page: Page,
  server: FixtureServer,
  scenario: Scenario,
  selector: string,
  what: string,
  predicate: (event: Json) => boolean,
): Promise<SentEvent | undefined> {
  const before = eventsFor(server, scenario.writeKey).length;
  await page.click(selector);
  return waitFor(`${what} after ${selector}`, () => eventsFor(server, scenario.writeKey).slice(before).find((e) => predicate(e.event)));
}

/** The rest of the guide's flows, in an order where each step's identity outcome is predictable. */
async function runOtherFlows(page: Page, context: BrowserContext, server: FixtureServer, scenario: Scenario, firstAnon: string): Promise<void> {
  const other = await clickFor(page, server, scenario, '#login-other', 'identify user-2', (e) => e['type'] === 'identify' && e['userId'] === OTHER_USER_ID);
  if (other) {
    // analytics-next treats a userId change without reset() as a new person and mints a new anonymousId.
    const anon = str(other.event['anonymousId']);
    check(anon !== undefined && anon !== firstAnon, `#login-other: identify('${OTHER_USER_ID}') got a NEW anonymousId (${anon ?? 'none'})`);
  }

  const loggedOut = await clickFor(page, server, scenario, '#logout', "track 'Logged Out'", (e) => e['event'] === 'Logged Out');
  if (loggedOut) check(loggedOut.event['userId'] === OTHER_USER_ID, "#logout: 'Logged Out' still carries the outgoing userId");
  const afterReset = await context.cookies(server.origin);
  check(!afterReset.some((c) => c.name === 'ajs_user_id' || c.name === 'ajs_anonymous_id'), '#logout: reset() removed ajs_user_id and ajs_anonymous_id cookies');

  await page.click('#server-anon');
  await page.waitForFunction(() => document.getElementById('flow-output')?.textContent?.startsWith("setAnonymousId('server-") === true, undefined, { timeout: TIMEOUT_MS });
  const added = await clickFor(page, server, scenario, '#add-to-cart', "track 'Product Added'", (e) => e['event'] === 'Product Added');
  if (added) {
    check(
      str(added.event['anonymousId'])?.startsWith('server-') === true && added.event['userId'] === null && dig(added.event, 'properties', 'sku') === CART_PRODUCT.sku,
      `#server-anon + #add-to-cart: anonymousId ${str(added.event['anonymousId']) ?? 'none'}, no userId, sku ${String(dig(added.event, 'properties', 'sku'))}`,
    );
  }

  const newsletter = await clickFor(page, server, scenario, '#newsletter', 'traits-only identify', (e) => e['type'] === 'identify');
  if (newsletter) {
    check(newsletter.event['userId'] === null && dig(newsletter.event, 'traits', 'email') === 'jvisitor@thissite.com', '#newsletter: identify with traits and no userId');
  }

  await page.click('#read-anon');
  await page.waitForFunction(() => document.getElementById('anon-output')?.textContent?.startsWith('server-') === true, undefined, { timeout: TIMEOUT_MS });
  check(true, `#read-anon: user().anonymousId() = ${(await page.textContent('#anon-output')) ?? ''}`);

  const login = await clickFor(page, server, scenario, '#login', "track 'Logged In'", (e) => e['event'] === 'Logged In');
  if (login) check(login.event['userId'] === SIGNUP_USER_ID && str(login.event['anonymousId'])?.startsWith('server-') === true, '#login: Logged In with userId and the kept server anonymousId');

  const visit = await clickFor(page, server, scenario, '#visit', 'page', (e) => e['type'] === 'page');
  if (visit) check(visit.event['userId'] === SIGNUP_USER_ID, '#visit: page() carries the logged-in userId');

  // The redirect flow races a navigation on purpose; only the landing page is asserted.
  const beforeRedirect = eventsFor(server, scenario.writeKey).length;
  await page.click('#signup-redirect');
  await page.waitForURL(/\/cart\.html\?wk=/, { timeout: TIMEOUT_MS });
  const landed = await waitFor('page on /cart.html', () =>
    eventsFor(server, scenario.writeKey).slice(beforeRedirect).find((e) => e.event['type'] === 'page' && dig(e.event, 'context', 'page', 'path') === '/cart.html'),
  );
  if (landed) {
    const raced = eventsFor(server, scenario.writeKey).slice(beforeRedirect).filter((e) => e.event['event'] === 'Signed Up').length;
    check(true, `#signup-redirect: landed on /cart.html via /redirect (page sent; 'Signed Up' delivered ${raced}x before/after the navigation)`);
  }
}

/** Server-side behaviour the browser run does not exercise. */
async function checkHttp(server: FixtureServer): Promise<void> {
  console.log('\n== HTTP routes');
  const { origin } = server;

  const preflight = await fetch(`${origin}/v1/t`, {
    method: 'OPTIONS',
    headers: { Origin: 'http://localhost:1234', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type,x-retry-count' },
  });
  check(
    preflight.status === 204 &&
      preflight.headers.get('access-control-allow-origin') === 'http://localhost:1234' &&
      (preflight.headers.get('access-control-allow-headers') ?? '').includes('Authorization'),
    `OPTIONS /v1/t preflight → ${preflight.status}, origin echoed, Authorization allowed`,
  );

  const redirect = await fetch(`${origin}/redirect?to=${encodeURIComponent('/cart.html?wk=x')}`, { redirect: 'manual' });
  check(redirect.status === 302 && redirect.headers.get('location') === '/cart.html?wk=x', `/redirect → ${redirect.status} ${redirect.headers.get('location') ?? ''}`);
  const offsite = await fetch(`${origin}/redirect?to=${encodeURIComponent('//example.com/')}`, { redirect: 'manual' });
  check(offsite.status === 400, `/redirect refuses protocol-relative targets (${offsite.status})`);

  const html = await (await fetch(`${origin}/cart.html`)).text();
  check(html.includes('analytics.invoked = true') && !html.includes('<!--SNIPPET-->'), 'cart.html has the snippet inline in <head>');
  check((await fetch(`${origin}/snippet.js`)).status === 404, '/snippet.js is not served on its own');

  const settings: unknown = await (await fetch(`${origin}/v1/projects/abc/settings`)).json();
  const integrations = Object.keys(asRecord(dig(settings, 'integrations')) ?? {});
  check(integrations.length === 1 && integrations[0] === 'Segment.io', `settings list only Segment.io (${integrations.join(', ')})`);

  const anon: unknown = await (await fetch(`${origin}/server-anonymous-id`)).json();
  check(/^server-[0-9a-f-]{36}$/.test(str(dig(anon, 'anonymousId')) ?? ''), '/server-anonymous-id returns server-<uuid>');

  server.setTrackingStatus(500);
  const failing = await fetch(`${origin}/v1/t`, { method: 'POST', body: '{"type":"track","writeKey":"http-check"}', headers: { 'Content-Type': 'text/plain' } });
  server.setTrackingStatus(200);
  check(failing.status === 500 && server.received.at(-1)?.path === '/v1/t', 'setTrackingStatus(500) applies and the post is still recorded');

  check((await fetch(`${origin}/nope`)).status === 404, 'unknown route → 404');
}

async function main(): Promise<void> {
  const server = await startFixtureServer();
  console.log(`fixture server at ${server.origin}`);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    console.log(`chromium ${browser.version()}`);

    await runScenario(browser, server, {
      name: 'snippet build',
      path: '/',
      writeKey: 'check-snippet',
      libraryPrefix: 'next-',
      loaded: () => (window as unknown as { analytics?: { initialized?: boolean } }).analytics?.initialized === true,
    });
    await runScenario(browser, server, {
      name: 'npm build',
      path: '/npm.html',
      writeKey: 'check-npm',
      libraryPrefix: 'npm:next-',
      loaded: () =>
        (window as unknown as { shop?: { analytics?: { instance?: { initialized?: boolean } } } }).shop?.analytics?.instance
          ?.initialized === true &&
        // The npm build must leave the global alone.
        !('analytics' in window),
    });
    await checkHttp(server);
  } finally {
    await browser?.close();
    await server.close();
  }

  console.log(failures.length === 0 ? '\nALL CHECKS PASSED' : `\n${failures.length} CHECK(S) FAILED:\n - ${failures.join('\n - ')}`);
  process.exitCode = failures.length === 0 ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
