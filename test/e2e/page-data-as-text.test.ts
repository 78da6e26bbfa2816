import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { GUIDE_URL } from '../../src/core/rules/rule';
import { HOSTILE, HOSTILE_TITLE, USER_BEFORE_HOSTILE } from '../fixtures/hostile-data';
import { waitFor } from './browser';
import { tabIdOf, useLensEnvironment } from './environment';

// Issue 7, "nothing gets in": whatever a page puts in its analytics calls, its URL or its title
// is shown as text by the panel, the popup and the session library; none of it becomes markup,
// a link, a script, a navigation or a dialog. test/fixtures/hostile-data.ts holds the payloads.

const env = useLensEnvironment();

/** Each UI page gets these before its own scripts run; they record anything page data could have made. */
function installTripwires(): void {
  const found: string[] = [];
  const links: string[] = [];
  Object.assign(window, { __tripwires: found, __links: links });
  const own = `${location.origin}/`;
  // Elements the UIs never render: any of them in the DOM came from data.
  const foreign = new Set(['IMG', 'IFRAME', 'FRAME', 'FRAMESET', 'OBJECT', 'EMBED', 'BASE', 'FORM', 'STYLE', 'TEMPLATE', 'VIDEO', 'AUDIO', 'SOURCE', 'PORTAL', 'MATH']);
  const urlAttributes = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'srcdoc', 'background', 'poster']);
  const show = (element: Element): string => element.outerHTML.slice(0, 160);
  const checkAttribute = (element: Element, name: string): void => {
    const value = element.getAttribute(name) ?? '';
    if (/^on/i.test(name)) found.push(`event handler attribute ${name}: ${show(element)}`);
    if (urlAttributes.has(name.toLowerCase()) && /^\s*(?:javascript|vbscript|data):/i.test(value)) found.push(`${name}=${value.slice(0, 80)}: ${show(element)}`);
    if (name === 'style' && /url\(|expression\(|@import/i.test(value)) found.push(`style loads something: ${show(element)}`);
    if (name === 'http-equiv') found.push(`meta http-equiv: ${show(element)}`);
    if (element.tagName === 'A' && name === 'href') links.push(value);
  };
  const checkElement = (element: Element): void => {
    if (foreign.has(element.tagName)) found.push(`<${element.tagName.toLowerCase()}> in the page: ${show(element)}`);
    if (element.tagName === 'SCRIPT' && !(element as HTMLScriptElement).src.startsWith(own)) found.push(`a script not of the extension: ${show(element)}`);
    if (element.tagName === 'LINK' && !(element as HTMLLinkElement).href.startsWith(own)) found.push(`a <link> not to the extension: ${show(element)}`);
    for (const name of element.getAttributeNames()) checkAttribute(element, name);
  };
  new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      if (mutation.type === 'attributes' && mutation.attributeName !== null) checkAttribute(mutation.target as Element, mutation.attributeName);
      for (const node of mutation.addedNodes) {
        if (!(node instanceof Element)) continue;
        checkElement(node);
        node.querySelectorAll('*').forEach(checkElement);
      }
    }
  }).observe(document, { childList: true, subtree: true, attributes: true });
  // The extension pages' CSP would block an injected handler or inline script; the attempt is still a failure.
  document.addEventListener('securitypolicyviolation', (event) => found.push(`CSP violation: ${event.violatedDirective} ${event.blockedURI} ${event.sample}`));
}

interface Watched {
  readonly page: Page;
  readonly url: string;
  readonly navigations: string[];
}

const dialogs: string[] = [];

async function openUi(path: string): Promise<Watched> {
  const page = await env.lens.context.newPage();
  await page.addInitScript(installTripwires);
  const navigations: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations.push(frame.url());
  });
  const url = `chrome-extension://${env.lens.extensionId}/${path}`;
  await page.goto(url);
  return { page, url, navigations };
}

/** Opens every collapsed JSON node and every <details>, so all the data is rendered. */
async function expandEverything(page: Page): Promise<void> {
  await page.evaluate(async () => {
    for (let round = 0; round < 50; round += 1) {
      document.querySelectorAll('details').forEach((details) => (details.open = true));
      const closed = [...document.querySelectorAll<HTMLButtonElement>('.json-toggle[aria-expanded="false"]')];
      if (closed.length === 0) return;
      closed.forEach((toggle) => toggle.click());
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    throw new Error('JSON trees kept opening new nodes after 50 rounds');
  });
}

const textOf = (page: Page): Promise<string> => page.evaluate(() => document.documentElement.textContent ?? '');

/** Which of `expected` the text does not show, as typed or as the JSON tree escapes it. */
function missingFrom(text: string, expected: readonly string[]): string[] {
  return expected.filter((value) => !text.includes(value) && !text.includes(JSON.stringify(value).slice(1, -1))).map((value) => value.slice(0, 80));
}

/** Nothing injected, no link but the guide's or a download's, no frame, no navigation away. */
async function expectInert(ui: Watched): Promise<void> {
  const { tripwires, links, frames } = await ui.page.evaluate(() => ({
    tripwires: (window as unknown as { __tripwires: string[] }).__tripwires,
    links: [...(window as unknown as { __links: string[] }).__links, ...[...document.querySelectorAll('a')].map((a) => a.getAttribute('href') ?? '')],
    frames: window.frames.length,
  }));
  expect(tripwires).toEqual([]);
  const own = `blob:chrome-extension://${env.lens.extensionId}/`;
  expect(links.filter((href) => !href.startsWith(`${GUIDE_URL}#`) && !href.startsWith(own))).toEqual([]);
  expect(frames).toBe(0);
  expect(ui.page.frames()).toHaveLength(1);
  const here = new URL(ui.url);
  expect(ui.navigations.map((url) => `${new URL(url).origin}${new URL(url).pathname}`).filter((url) => url !== `${here.origin}${here.pathname}`)).toEqual([]);
  expect(dialogs).toEqual([]);
}

const FULL_PAYLOADS = Object.entries(HOSTILE)
  .filter(([name]) => name !== 'long')
  .map(([, value]) => value);
/** The hook keeps the first 16,384 characters of a longer string. */
const LONG_HEAD = HOSTILE.long.slice(0, 16_384);

let tabId: number;
let hostileHref: string;

beforeAll(async () => {
  env.lens.context.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()} on ${dialog.page()?.url() ?? 'no page'}`);
    void dialog.dismiss();
  });
  const site = await env.lens.context.newPage();
  await site.goto(`${env.server.origin}/hostile.html?wk=hostile&q=<img src=x onerror=alert('il-xss:query')>&next=javascript:alert('il-xss:next')#<script>alert('il-xss:hash')</script>`);
  hostileHref = await site.evaluate(() => location.href);
  expect(await site.title()).toBe(HOSTILE_TITLE);
  tabId = await tabIdOf(env, `${env.server.origin}/hostile.html`);
  // Everything stored and evaluated: the last call sent, and the userId overwrite found.
  await waitFor('the hostile calls to be stored, sent and evaluated', async () => {
    const { sessions, records, findings } = await env.lens.readStore();
    const session = sessions.find((s) => s.tabId === tabId && s.endedAt === null);
    if (!session) return false;
    const ours = records.filter((r) => r.sessionId === session.id);
    const sent = ours.some((r) => r.kind === 'event' && r.phase === 'delivered' && JSON.stringify(r.event).includes('long event name'));
    return sent && findings.some((f) => f.sessionId === session.id && f.rule === 'userid-overwrite') && ours;
  }).then((ours) => {
    // Hostile is not malformed: all of it is stored, none dropped.
    expect(ours.filter((r) => r.kind === 'bridge-stats')).toEqual([]);
  });
  expect(dialogs).toEqual([]);
}, 30_000);

describe('hostile page data, shown by every UI', () => {
  it('the panel shows it as text in the list, the timeline, every call\'s details, the findings and the storage pane', async () => {
    const panel = await openUi(`devtools-panel.html?tab=${tabId}`);
    const rows = panel.page.locator('.call-row');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(7);
    expect(await panel.page.locator('.call-row .label').allTextContents()).toContain(HOSTILE.script);
    expect(await panel.page.locator('.identity-bar [data-field="userId"] .identity-value').textContent()).toBe(HOSTILE.img);

    let seen = await textOf(panel.page);
    for (const id of await rows.evaluateAll((list) => list.map((row) => row.getAttribute('data-id') ?? ''))) {
      await panel.page.locator(`.call-row[data-id="${id}"]`).click();
      await expect.poll(() => panel.page.locator('.detail h3').count()).toBeGreaterThan(0);
      await expandEverything(panel.page);
      seen += await textOf(panel.page);
    }
    await panel.page.click('role=tab[name=/findings/]');
    const overwrite = panel.page.locator('[data-rule="userid-overwrite"] .finding-message');
    await expect.poll(() => overwrite.textContent()).toContain(`"${USER_BEFORE_HOSTILE}" → "${HOSTILE.img}"`);
    await expandEverything(panel.page);
    seen += await textOf(panel.page);
    await panel.page.click('role=tab[name="storage"]');
    await expect.poll(() => panel.page.locator('.storage').count()).toBe(1);
    seen += await textOf(panel.page);

    await expectInert(panel);
    expect(missingFrom(seen, [...FULL_PAYLOADS, LONG_HEAD, HOSTILE_TITLE, hostileHref])).toEqual([]);
    await panel.page.close();
  });

  it('the popup shows the hostile identity, traits and findings as text', async () => {
    const popup = await openUi(`popup.html?tab=${tabId}`);
    await expect.poll(() => popup.page.locator('[data-field="userId"] .identity-value').textContent(), { timeout: 10_000 }).toBe(HOSTILE.img);
    await expect.poll(() => popup.page.locator('.popup-findings li').count()).toBeGreaterThan(0);
    const text = await textOf(popup.page);
    // The anonymousId, the groupId, a trait key and its value, and the finding that quotes the userId.
    await expectInert(popup);
    expect(missingFrom(text, [HOSTILE.img, HOSTILE.template, HOSTILE.attribute, HOSTILE.svg, HOSTILE.script, USER_BEFORE_HOSTILE])).toEqual([]);
    await popup.page.close();
  });

  it('the session library lists the hostile URL as text, and opens the session in the same inert inspector', async () => {
    const library = await openUi('sessions.html');
    const row = library.page.locator('.session-table tbody tr', { hasText: '/hostile.html' });
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    expect(await row.locator('.session-url').textContent()).toBe(hostileHref);
    await row.locator('.session-title').click();
    const track = library.page.locator('.call-row', { hasText: HOSTILE.script });
    await expect.poll(() => track.count(), { timeout: 10_000 }).toBe(1);
    await track.click();
    await expandEverything(library.page);
    const text = await textOf(library.page);
    await expectInert(library);
    expect(missingFrom(text, [hostileHref, HOSTILE.script, HOSTILE.javascriptUrl, HOSTILE.iframe, HOSTILE.template, HOSTILE.angular, HOSTILE.link, HOSTILE.svg])).toEqual([]);
    await library.page.close();
  });
});
