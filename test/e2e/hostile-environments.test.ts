/**
 * Issue 7, "the page must keep working", in hostile pages: a `window.analytics` that is frozen,
 * a throwing getter, a throwing Proxy, owned by the page or replaced a hundred times; built-ins
 * the hook relies on replaced by spies or broken, before the page's first script and after the
 * library loaded. Each page runs the same calls with the extension (A) and in the same Chromium
 * without it (B): what the page sees must be identical, and where analytics.js is usable the
 * calls must still reach IndexedDB.
 *
 * "Before" means the first element of <head>: the earliest a page's own script can run, and
 * already after the hook (a `world: "MAIN"` content script at document_start). Playwright's
 * `addInitScript` runs earlier than the hook; it stands for no page, so only the probe uses it.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { waitFor } from './browser';
import { useLensEnvironment, waitForAnalytics, usePlainBrowser } from './environment';
import type { ProbeCall } from './hostile-values';
import { expectedCapture, normalise, receivedFor, wirePayloads } from './page-compare';
import { breakBuiltIns, defineHostileGlobal, freezeAnalytics, installSpies, replaceAnalyticsHundredTimes, type BrokenBuiltIns, type GlobalHostility } from './page-hostility';
import { installProbe, type BatchOutcome, type Probe } from './page-probe';

const env = useLensEnvironment();
const plain = usePlainBrowser();

const str = (v: string) => ({ t: 'str', v }) as const;
/** What a page does with analytics.js, every identity method once. */
const SCENARIO: ProbeCall[] = [
  { m: 'setAnonymousId', args: [str('hostile-visitor')] },
  { m: 'identify', args: [str('user-1'), { t: 'object', nullProto: false, entries: [['plan', str('gold')], ['tags', { t: 'array', items: [str('a'), str('b')] }]] }] },
  { m: 'track', args: [str('Hostile Env'), { t: 'object', nullProto: false, entries: [['n', { t: 'num', v: 1 }]] }] },
  { m: 'page', args: [str('Docs'), str('Hostile')] },
  { m: 'group', args: [str('group-1'), { t: 'object', nullProto: false, entries: [['size', { t: 'num', v: 2 }]] }] },
  { m: 'alias', args: [str('user-1'), str('hostile-visitor')] },
  { m: 'user.anonymousId', args: [] },
  { m: 'user.id', args: [] },
  { m: 'reset', args: [] },
  { m: 'track', args: [str('After Reset')] },
];

/** A page script, as source: the function is sent whole, with its argument. */
const script = <A>(fn: (arg: A) => unknown, arg?: A): string => `(${fn.toString()})(${arg === undefined ? '' : JSON.stringify(arg)});`;

interface HostileCase {
  readonly name: string;
  /** Source of the first element of <head>. */
  readonly first?: string;
  /** Source of a script right after the inline snippet. */
  readonly afterSnippet?: string;
  /** Run once analytics.js loaded (or, when it cannot, once the page loaded); its result must match too. */
  readonly afterLoad?: (page: Page) => Promise<unknown>;
  readonly stubOnly?: boolean;
  /** Whether analytics.js loads on this page, with the extension and without. */
  readonly loads: boolean;
  /** Whether the scenario's calls can be captured: false where the page broke its own analytics. */
  readonly captures: boolean;
  readonly spies?: boolean;
}

const CASES: HostileCase[] = [
  { name: 'built-ins replaced by spies before the snippet runs', first: script(installSpies), loads: true, captures: true, spies: true },
  { name: 'built-ins replaced by spies after analytics.js loaded', afterLoad: (page) => page.evaluate(installSpies), loads: true, captures: true, spies: true },
  {
    name: 'JSON, events, CustomEvent, postMessage, MessageChannel and queueMicrotask broken after load',
    afterLoad: (page) => page.evaluate(breakBuiltIns, ['json', 'events', 'messaging'] satisfies BrokenBuiltIns[]),
    loads: true,
    captures: true,
  },
  { name: 'Error.stackTraceLimit a throwing accessor before the snippet', first: script(breakBuiltIns, ['stack-trace-limit'] satisfies BrokenBuiltIns[]), loads: true, captures: true },
  { name: "Prototype.js's Array.prototype.toJSON before the snippet", first: script(breakBuiltIns, ['prototype-js'] satisfies BrokenBuiltIns[]), loads: true, captures: true },
  { name: 'window.analytics frozen: the snippet stub', stubOnly: true, afterSnippet: script(freezeAnalytics), loads: false, captures: true },
  { name: 'window.analytics frozen: the loaded instance', afterLoad: (page) => page.evaluate(freezeAnalytics), loads: true, captures: true },
  { name: 'window.analytics frozen and empty before the snippet', first: script(defineHostileGlobal, 'frozen-empty-stub' satisfies GlobalHostility), loads: false, captures: false },
  { name: 'window.analytics a getter that throws', first: script(defineHostileGlobal, 'getter-throws' satisfies GlobalHostility), loads: false, captures: false },
  { name: 'window.analytics a Proxy that throws', first: script(defineHostileGlobal, 'proxy-throws' satisfies GlobalHostility), loads: false, captures: false },
  { name: 'window.analytics owned by the page (its own getter and setter)', first: script(defineHostileGlobal, 'getter-owned-by-page' satisfies GlobalHostility), loads: true, captures: true },
  {
    name: 'window.analytics replaced a hundred times, with methods that are not functions among them',
    afterLoad: (page) => page.evaluate(replaceAnalyticsHundredTimes),
    loads: true,
    captures: true,
  },
];

interface Visit {
  readonly outcome: BatchOutcome;
  readonly afterLoad: unknown;
  readonly foreignCalls: unknown;
  /** For pages with a first script: whether the hook was installed before it ran. */
  readonly hookBeforeFirstScript: boolean | null;
}

async function visit(context: BrowserContext, hostile: HostileCase, wk: string): Promise<Visit> {
  await context.clearCookies();
  const page = await context.newPage();
  try {
    await page.addInitScript(() => localStorage.clear());
    await page.addInitScript(installProbe);
    if (hostile.first !== undefined || hostile.afterSnippet !== undefined) {
      await page.route(
        (url) => url.pathname === '/bare.html',
        async (route) => {
          const response = await route.fetch();
          let body = await response.text();
          // The first script notes whether the hook was there before it.
          const note = `window.__hookBeforeFirstScript = Symbol.for('identity-lens.hook') in window;`;
          if (hostile.first !== undefined) body = body.replace('<head>', () => `<head><script>${note}${hostile.first}</script>`);
          if (hostile.afterSnippet !== undefined) body = body.replace('</head>', () => `<script>${hostile.afterSnippet}</script></head>`);
          await route.fulfill({ response, body });
        },
      );
    }
    await page.goto(`${env.server.origin}/bare.html?wk=${wk}${hostile.stubOnly ? '&no-load=1' : ''}`);
    if (hostile.loads) {
      await waitForAnalytics(page);
      // The snippet's own page() and track() delivered first: what the page does next (break
      // JSON.stringify, freeze the instance…) must find both browsers in the same state.
      await waitFor("the snippet's queued calls to reach the collector", async () => receivedFor(env.server.received, wk).length >= 2);
    }
    const afterLoad = hostile.afterLoad ? await hostile.afterLoad(page) : null;
    const outcome = await page.evaluate(
      ([list, settle]) => (window as unknown as { __identityLensProbe: Probe }).__identityLensProbe.run(list, settle),
      [SCENARIO, 15_000] as const,
    );
    const { foreignCalls, hookBeforeFirstScript } = await page.evaluate(() => {
      const notes = window as unknown as { __foreignCalls?: string[]; __hookBeforeFirstScript?: boolean };
      return { foreignCalls: notes.__foreignCalls ?? [], hookBeforeFirstScript: notes.__hookBeforeFirstScript ?? null };
    });
    return { outcome, afterLoad, foreignCalls, hookBeforeFirstScript };
  } finally {
    await page.close();
  }
}

describe('hostile pages keep working exactly as without the extension, and stay captured', () => {
  CASES.forEach((hostile, n) => {
    it(hostile.name, async () => {
      const wkA = `hostileA${n}x`;
      const wkB = `hostileB${n}x`;
      const a = await visit(env.lens.context, hostile, wkA);
      const b = await visit(plain.context, hostile, wkB);

      expect(normalise(a.outcome.outcomes, wkA), 'returns, exceptions and promise results').toEqual(normalise(b.outcome.outcomes, wkB));
      expect(normalise(a.outcome.queued, wkA), "the snippet stub's queue").toEqual(normalise(b.outcome.queued, wkB));
      expect(normalise(a.outcome.windowErrors, wkA), 'uncaught errors').toEqual(normalise(b.outcome.windowErrors, wkB));
      expect(normalise(a.outcome.unhandledRejections, wkA), 'unhandled rejections').toEqual(normalise(b.outcome.unhandledRejections, wkB));
      expect(normalise(a.afterLoad, wkA), "what the page's own script saw").toEqual(normalise(b.afterLoad, wkB));
      expect(wirePayloads(env.server.received, wkA), 'what reached the collector').toEqual(wirePayloads(env.server.received, wkB));
      if (hostile.spies) expect(a.foreignCalls, "the page's replaced built-ins the extension called").toEqual([]);
      // "Before" is real: the hook was in place before the page's first script replaced anything.
      if (hostile.first !== undefined) expect([a.hookBeforeFirstScript, b.hookBeforeFirstScript]).toEqual([true, false]);

      if (!hostile.captures) return;
      const expected = expectedCapture(SCENARIO, a.outcome.outcomes, hostile.stubOnly === true).map((m, i) => `${i}:${m}`);
      const captured = await waitFor(
        'the calls to reach IndexedDB',
        async () => {
          const { records } = await env.lens.readStore();
          const calls = records.filter((r) => r.kind === 'call' && r.frameUrl.includes(`wk=${wkA}`));
          // The scenario is the last thing the page does: its calls are the last ones captured.
          const tail = calls.slice(-expected.length).map((r, i) => `${i}:${r.kind === 'call' ? r.method : ''}`);
          return tail.length === expected.length && tail.every((t, i) => t === expected[i]) ? tail : undefined;
        },
        15_000,
      ).catch(async () => {
        const { records } = await env.lens.readStore();
        return records.filter((r) => r.kind === 'call' && r.frameUrl.includes(`wk=${wkA}`)).map((r) => (r.kind === 'call' ? r.method : ''));
      });
      expect(captured, 'the scenario captured, in order').toEqual(expected);
      const { sessions, records } = await env.lens.readStore();
      const ours = new Set(sessions.filter((s) => s.pages.some((p) => p.url.includes(`wk=${wkA}`))).map((s) => s.id));
      expect(records.filter((r) => r.kind === 'hook-error' && ours.has(r.sessionId)), 'errors the hook swallowed').toEqual([]);
    });
  });

  it('posts the page no message: window hears the same message events with the extension as without', async () => {
    const heard = async (context: BrowserContext, wk: string): Promise<string[]> => {
      const page = await context.newPage();
      try {
        // Before the extension's scripts: nothing they post can be missed.
        await page.addInitScript(() => {
          const notes = window as unknown as { __messages: string[] };
          notes.__messages = [];
          addEventListener('message', (event) => notes.__messages.push(typeof event.data === 'string' ? event.data : JSON.stringify(event.data)));
        });
        await page.goto(`${env.server.origin}/bare.html?wk=${wk}`);
        await waitForAnalytics(page);
        await page.evaluate(() => (window as unknown as { analytics: { track(e: string): Promise<unknown> } }).analytics.track('Listened'));
        // A posted message arrives as a task of its own: let any that are due arrive.
        await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));
        return await page.evaluate(() => (window as unknown as { __messages: string[] }).__messages);
      } finally {
        await page.close();
      }
    };
    const a = await heard(env.lens.context, 'hostile-messagesA');
    const b = await heard(plain.context, 'hostile-messagesB');
    expect(normalise(a, 'hostile-messagesA')).toEqual(normalise(b, 'hostile-messagesB'));
  });

  it("orders scripts as these tests assume: the hook, then the page's first script; Playwright's addInitScript before both", async () => {
    const page = await env.lens.context.newPage();
    try {
      await page.addInitScript(() => {
        (window as unknown as { __hookBeforeInitScript: boolean }).__hookBeforeInitScript = Symbol.for('identity-lens.hook') in window;
      });
      await page.route(
        (url) => url.pathname === '/bare.html',
        async (route) => {
          const response = await route.fetch();
          const first = `<script>window.__hookBeforeFirstScript = Symbol.for('identity-lens.hook') in window;</script>`;
          await route.fulfill({ response, body: (await response.text()).replace('<head>', () => `<head>${first}`) });
        },
      );
      await page.goto(`${env.server.origin}/bare.html?wk=hostile-order&no-load=1`);
      const order = await page.evaluate(() => {
        const notes = window as unknown as { __hookBeforeInitScript: boolean; __hookBeforeFirstScript: boolean };
        return { initScript: notes.__hookBeforeInitScript, firstScript: notes.__hookBeforeFirstScript };
      });
      expect(order).toEqual({ initScript: false, firstScript: true });
    } finally {
      await page.close();
    }
  });
});
