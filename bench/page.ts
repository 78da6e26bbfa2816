/**
 * In-browser figures, each measured with the extension (A) and in the same
 * Chromium without it (B), alternating A B A B in one process so that machine
 * noise hits both alike.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { waitFor, type LensBrowser } from '../test/e2e/browser';
import type { FixtureServer } from '../test/fixtures/server';
import { median, round } from './stats';

const loaded = (page: Page) => waitFor('analytics.js', () => page.evaluate(() => (window as unknown as { analytics?: { initialized?: boolean } }).analytics?.initialized === true));

/**
 * Synchronous cost of track() and identify(), per call: on the real analytics-next (what
 * a page pays), and on the snippet's stub (the hook's own cost, without analytics-next's
 * cookie reads and writes, whose variance between runs is larger than the hook's cost).
 */
export async function benchCallOverhead(withLens: BrowserContext, without: BrowserContext, server: FixtureServer, rounds = 6, calls = 500) {
  /** Per-call µs of a loop of `n` calls (1 in 10 an identify): the first loop on a fresh page, and on the stub a second one, warm. */
  const measure = async (context: BrowserContext, wk: string, stub: boolean) => {
    const page = await context.newPage();
    await page.goto(stub ? `${server.origin}/cart.html?wk=${wk}&no-load=1` : `${server.origin}/?wk=${wk}`);
    if (!stub) await loaded(page);
    const loop = () =>
      page.evaluate((n) => {
        const analytics = (window as unknown as { analytics: { track: (e: string, p: object) => unknown; identify: (id: string, t: object) => unknown } }).analytics;
        const started = performance.now();
        for (let i = 0; i < n; i += 1) {
          if (i % 10 === 0) void analytics.identify('bench-user', { i });
          else void analytics.track('Bench', { i });
        }
        return ((performance.now() - started) * 1000) / n;
      }, stub ? calls * 4 : calls);
    const cold = await loop();
    const warm = stub ? await loop() : cold;
    await page.close();
    return { cold, warm };
  };
  const figures = async (stub: boolean) => {
    const a: Array<{ cold: number; warm: number }> = [];
    const b: Array<{ cold: number; warm: number }> = [];
    for (let round_ = 0; round_ < rounds; round_ += 1) {
      a.push(await measure(withLens, `bench-a-${round_}`, stub));
      b.push(await measure(without, `bench-b-${round_}`, stub));
    }
    const m = (list: typeof a, key: 'cold' | 'warm') => median(list.map((x) => x[key]));
    const cold = { withUs: round(m(a, 'cold')), withoutUs: round(m(b, 'cold')), addedUs: round(m(a, 'cold') - m(b, 'cold')), ratio: round(m(a, 'cold') / m(b, 'cold')) };
    // The page's code and ours have been compiled by then: what each further call costs.
    return stub ? { ...cold, warmWithUs: round(m(a, 'warm')), warmWithoutUs: round(m(b, 'warm')), warmAddedUs: round(m(a, 'warm') - m(b, 'warm')) } : cold;
  };
  const analyticsNext = await figures(false);
  const stub = await figures(true);
  return { ...analyticsNext, stub };
}

/**
 * Serves, on `page`, a page whose first script is the first thing in it and notes when it
 * ran (`window.lensFirstScriptAt`); returns its URL. Everything Identity Lens does at load
 * happens before that script.
 */
export async function routeFirstScriptProbe(page: Page, origin: string): Promise<string> {
  const url = `${origin}/first-script.html`;
  const body = '<!doctype html><html><head><script>window.lensFirstScriptAt = performance.now();</script></head><body>probe</body></html>';
  await page.route(url, (route) => route.fulfill({ contentType: 'text/html', body }));
  return url;
}

/** DOMContentLoaded and load of the demo shop. */
export async function benchPageLoad(withLens: BrowserContext, without: BrowserContext, server: FixtureServer, rounds = 8) {
  const measure = async (context: BrowserContext) => {
    const page = await context.newPage();
    await page.goto(`${server.origin}/?wk=bench-load`, { waitUntil: 'load' });
    const timing = await page.evaluate(() => {
      const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return { dcl: entry.domContentLoadedEventEnd, load: entry.loadEventEnd };
    });
    await page.close();
    return timing;
  };
  const a: Array<{ dcl: number; load: number }> = [];
  const b: Array<{ dcl: number; load: number }> = [];
  for (let i = 0; i < rounds; i += 1) {
    a.push(await measure(withLens));
    b.push(await measure(without));
  }
  const m = (list: typeof a, key: 'dcl' | 'load') => median(list.map((t) => t[key]));
  // The demo shop's load swings by tens of ms from run to run (it loads analytics-next from
  // the local server). What Identity Lens adds is all at document_start, before the page's
  // first script: a page whose first script notes the time measures that alone.
  const firstScript = async (context: BrowserContext) => {
    const page = await context.newPage();
    await page.goto(await routeFirstScriptProbe(page, server.origin));
    const at = await page.evaluate(() => {
      const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return (window as unknown as { lensFirstScriptAt: number }).lensFirstScriptAt - entry.responseEnd;
    });
    await page.close();
    return at;
  };
  // A pair is one load each way, back to back: the median of the pairs' differences shares
  // the machine's drift between A and B, which a difference of two medians does not.
  const pairs: number[] = [];
  for (let i = 0; i < rounds * 6; i += 1) {
    const a = await firstScript(withLens);
    const b = await firstScript(without);
    pairs.push(a - b);
  }
  return {
    dclAddedMs: round(m(a, 'dcl') - m(b, 'dcl')),
    loadAddedMs: round(m(a, 'load') - m(b, 'load')),
    dclWithMs: round(m(a, 'dcl')),
    loadWithMs: round(m(a, 'load')),
    firstScriptAddedMs: round(median(pairs)),
  };
}

/**
 * A page fires `calls` calls as fast as it can (on the snippet stub, so no request is
 * sent and what is measured is capture); every one must be stored. Also the page's
 * longest task with and without the hook.
 */
export async function benchThroughput(lens: LensBrowser, without: BrowserContext, server: FixtureServer, calls = 100_000) {
  const burst = async (context: BrowserContext, wk: string) => {
    const page = await context.newPage();
    await page.goto(`${server.origin}/cart.html?wk=${wk}&no-load=1`);
    const result = await page.evaluate((n) => {
      const tasks: Array<{ start: number; duration: number }> = [];
      const observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) tasks.push({ start: entry.startTime, duration: entry.duration });
      });
      observer.observe({ type: 'longtask', buffered: false });
      (window as unknown as { lensBenchTasks: typeof tasks }).lensBenchTasks = tasks;
      const analytics = (window as unknown as { analytics: { track: (e: string, p: object) => unknown } }).analytics;
      const started = Date.now();
      const loopStart = performance.now();
      for (let i = 0; i < n; i += 1) analytics.track('Burst', { i });
      const loopEnd = performance.now();
      return { started, loopStart, loopEnd };
    }, calls);
    return { page, ...result };
  };
  /**
   * The page's own loop is one long task in both runs (the hook lengthens it by the
   * per-call cost, figure 1); the tasks the hook runs on its own come after it: the
   * slices of records it sends, which are what "the longest task caused by the hook" is.
   */
  const longTasks = (run: Awaited<ReturnType<typeof burst>>) =>
    run.page.evaluate((loopEnd) => {
      const tasks = (window as unknown as { lensBenchTasks: Array<{ start: number; duration: number }> }).lensBenchTasks;
      const after = tasks.filter((t) => t.start >= loopEnd - 1);
      return { afterLoopMs: Math.max(0, ...after.map((t) => t.duration))};
    }, run.loopEnd);
  const worker = await lens.serviceWorker();
  const stored = async (wk: string, exact: boolean) =>
    worker.evaluate(async ([key, exactCount]) => {
      const db: IDBDatabase = await new Promise((resolve, reject) => {
        const request = indexedDB.open('identity-lens');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const sessions: Array<{ id: string; pages: Array<{ url: string }> }> = await new Promise((resolve) => {
        const request = db.transaction('sessions').objectStore('sessions').getAll();
        request.onsuccess = () => resolve(request.result);
      });
      const session = sessions.find((s) => s.pages.some((p) => p.url.includes(`wk=${key}`)));
      if (!session) {
        db.close();
        return 0;
      }
      // While waiting, the session's own count of calls (capture keeps it as it stores
      // them; a cursor over 100,000 records in the worker would slow the very thing
      // measured); at the end, only the burst's calls, exactly.
      if (!exactCount) {
        db.close();
        return (session as { batchedCalls?: number }).batchedCalls ?? 0;
      }
      const count: number = await new Promise((resolve) => {
        let n = 0;
        const request = db.transaction('pageBatches').objectStore('pageBatches').openCursor(IDBKeyRange.bound([session.id], [session.id, []]));
        request.onsuccess = () => {
          const cursor = request.result;
          if (!cursor) return resolve(n);
          for (const record of (cursor.value as { records: Array<{ kind: string; args?: unknown[] }> }).records) {
            if (record.kind === 'call' && record.args?.[0] === 'Burst') n += 1;
          }
          cursor.continue();
        };
      });
      db.close();
      return count;
    }, [wk, exact] as const);
  const a = await burst(lens.context, 'bench-burst');
  // The page's snippet makes two calls of its own (page, and a queued track).
  const storedAll = await waitFor('every call to be stored', async () => ((await stored('bench-burst', false)) >= calls + 2 ? Date.now() : undefined), 300_000);
  const count = await stored('bench-burst', true);
  const aTasks = await longTasks(a);
  await a.page.close();
  const b = await burst(without, 'bench-burst-plain');
  await b.page.waitForTimeout(1000);
  const bTasks = await longTasks(b);
  await b.page.close();
  const seconds = (storedAll - a.started) / 1000;
  return {
    calls,
    stored: count,
    lost: calls - Math.min(count, calls),
    duplicated: Math.max(0, count - calls),
    recordsPerSecond: Math.round(count / seconds),
    secondsToLastRecord: round(seconds, 1),
    pageLoopWithMs: round(a.loopEnd - a.loopStart, 0),
    pageLoopWithoutMs: round(b.loopEnd - b.loopStart, 0),
    longestHookTaskMs: round(aTasks.afterLoopMs, 0),
    longestTaskAfterLoopWithoutMs: round(bTasks.afterLoopMs, 0),
  };
}
