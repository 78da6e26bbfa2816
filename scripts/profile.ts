/**
 * `npm run profile -- <what>`: the CPU profiles and traces behind docs/performance.md, in
 * Debian's Chromium with the built extension (build with `LENS_NO_MINIFY=1 npx wxt build`
 * first for readable function names). Prints the heaviest functions or trace events.
 *
 *   loop [track|identify]  the page's own loop of 50,000 calls on the snippet stub (per-call cost)
 *   burst                  the page (hook and bridge) during a 100,000-call burst, until stored
 *   worker                 the service worker during a 100,000-call burst, until stored
 *   panel-scroll           main-thread work per frame while the panel scrolls 100,000 records
 *   page-load              what the renderer does for Identity Lens before a page's first script
 *                          (Chromium's script injection, our two scripts' compile and run), ten loads
 */
import type { CDPSession, Page } from 'playwright-core';
import { routeFirstScriptProbe } from '../bench/page';
import { benchPanel } from '../bench/panel';
import { launchWithExtension, waitFor, type LensBrowser } from '../test/e2e/browser';
import { startFixtureServer } from '../test/fixtures/server';

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

/** Self and inclusive time per function, heaviest first. */
function summarise(profile: CpuProfile, top = 25): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const name = (id: number): string => {
    const frame = byId.get(id)?.callFrame;
    return frame ? `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}:${frame.lineNumber}` : '?';
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  profile.samples.forEach((sample, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(name(sample), (self.get(name(sample)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
      const key = name(id);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
    }
  });
  for (const [title, table] of [['inclusive', inclusive], ['self', self]] as const) {
    console.log(`--- ${title} (ms)`);
    for (const [key, us] of [...table.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${(us / 1000).toFixed(0).padStart(7)}  ${key}`);
  }
}

/** A CDP session to the extension's service worker (Playwright opens sessions to pages only). */
async function workerSession(lens: LensBrowser): Promise<(method: string, params?: object) => Promise<Record<string, unknown>>> {
  const browser = (lens.context as unknown as { _browser: { newBrowserCDPSession(): Promise<CDPSession> } })._browser;
  const cdp = await browser.newBrowserCDPSession();
  const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: Array<{ type: string; targetId: string }> };
  const worker = targetInfos.find((target) => target.type === 'service_worker');
  if (!worker) throw new Error('no service worker target');
  const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false })) as { sessionId: string };
  let id = 0;
  const waiting = new Map<number, (result: Record<string, unknown>) => void>();
  cdp.on('Target.receivedMessageFromTarget', (event: { message: string }) => {
    const message = JSON.parse(event.message) as { id?: number; result?: Record<string, unknown>; error?: Record<string, unknown> };
    if (message.id === undefined) return;
    waiting.get(message.id)?.(message.result ?? message.error ?? {});
    waiting.delete(message.id);
  });
  return (method, params = {}) =>
    new Promise((resolve) => {
      id += 1;
      waiting.set(id, resolve);
      void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
    });
}

/** Calls of the burst stored so far, from the sessions' own counts. */
const storedCalls = (lens: LensBrowser): Promise<number> =>
  lens.serviceWorker().then((worker) =>
    worker.evaluate(async () => {
      const db: IDBDatabase = await new Promise((resolve) => {
        const request = indexedDB.open('identity-lens');
        request.onsuccess = () => resolve(request.result);
      });
      const sessions: Array<{ batchedCalls?: number }> = await new Promise((resolve) => {
        const request = db.transaction('sessions').objectStore('sessions').getAll();
        request.onsuccess = () => resolve(request.result);
      });
      db.close();
      return sessions.reduce((sum, session) => sum + (session.batchedCalls ?? 0), 0);
    }),
  );

async function burstPage(lens: LensBrowser, origin: string): Promise<Page> {
  const page = await lens.context.newPage();
  await page.goto(`${origin}/cart.html?wk=profile&no-load=1`);
  return page;
}

const fireBurst = (page: Page, calls: number) =>
  page.evaluate((n) => {
    const analytics = (window as unknown as { analytics: { track(event: string, properties: object): unknown } }).analytics;
    const started = performance.now();
    for (let i = 0; i < n; i += 1) analytics.track('Burst', { i });
    return performance.now() - started;
  }, calls);

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: Record<string, unknown>;
}

/**
 * Ten loads of a page whose first script is the first thing in it: the renderer's main-thread
 * events under `ScriptInjection::InjectJs` (what runs at document_start), nested events
 * indented, medians over the loads. Tracing slows everything it measures; compare rows.
 */
async function traceFirstScript(lens: LensBrowser, origin: string, loads = 10): Promise<void> {
  const rows = new Map<string, number[]>();
  for (let load = 0; load < loads; load += 1) {
    const page = await lens.context.newPage();
    const url = await routeFirstScriptProbe(page, origin);
    const cdp = await lens.context.newCDPSession(page);
    const events: TraceEvent[] = [];
    cdp.on('Tracing.dataCollected', (event) => events.push(...(event.value as unknown as TraceEvent[])));
    const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.start', { categories: 'devtools.timeline,v8,v8.execute,blink,extensions,disabled-by-default-v8.compile', transferMode: 'ReportEvents' });
    await page.goto(url);
    await cdp.send('Tracing.end');
    await complete;
    await page.close();
    const injections = events.filter((e) => e.name === 'ScriptInjection::InjectJs' && e.ph === 'X');
    const depthOf: number[] = [];
    // Keyed by the path from InjectJs, so that the bridge's compile and the hook's stay apart.
    const pathOf: string[] = [];
    const inside = events
      .filter((e) => e.ph === 'X' && injections.some((i) => e.pid === i.pid && e.tid === i.tid && e.ts >= i.ts && e.ts < i.ts + (i.dur ?? 0)))
      .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
    const sums = new Map<string, number>();
    for (const event of inside) {
      while (depthOf.length > 0 && event.ts >= (depthOf[depthOf.length - 1] ?? 0)) {
        depthOf.pop();
        pathOf.pop();
      }
      const depth = depthOf.length;
      const script = /(bridge|page-hook)\.js/.exec(JSON.stringify(event.args ?? {}))?.[1];
      const label = `${event.name}${script ? ` [${script}]` : ''}`;
      const key = [...pathOf, label].join(' > ');
      depthOf.push(event.ts + (event.dur ?? 0));
      pathOf.push(label);
      if (depth > 3) continue;
      sums.set(key, (sums.get(key) ?? 0) + (event.dur ?? 0) / 1000);
    }
    for (const [key, ms] of sums) rows.set(key, [...(rows.get(key) ?? []), ms]);
  }
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? 0;
  console.log(`ms per load, median of ${loads} loads (under tracing)`);
  for (const [key, list] of rows) {
    const path = key.split(' > ');
    if (median(list) >= 0.05) console.log(`${median(list).toFixed(2).padStart(7)}  ${'  '.repeat(path.length - 1)}${path[path.length - 1]}`);
  }
}

const what = process.argv[2] ?? 'loop';
const server = await startFixtureServer();
const lens = await launchWithExtension();
try {
  if (what === 'loop' || what === 'burst') {
    const page = await burstPage(lens, server.origin);
    const cdp = await lens.context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
    if (what === 'loop') {
      const method = process.argv[3] === 'identify' ? 'identify' : 'track';
      const ms = await page.evaluate((m) => {
        const analytics = (window as unknown as { analytics: Record<string, (...args: unknown[]) => unknown> }).analytics;
        const started = performance.now();
        for (let i = 0; i < 50_000; i += 1) m === 'track' ? analytics.track?.('Burst', { i }) : analytics.identify?.(`user-${i % 5}`, { plan: 'pro' });
        return performance.now() - started;
      }, method);
      console.log(`50,000 ${method} calls: ${Math.round(ms)} ms`);
    } else {
      const started = Date.now();
      const loop = await fireBurst(page, 100_000);
      await waitFor('every call stored', async () => (await storedCalls(lens)) >= 100_000, 300_000);
      console.log(`100,000 calls: loop ${Math.round(loop)} ms, stored after ${Date.now() - started} ms`);
    }
    summarise((await cdp.send('Profiler.stop')).profile as unknown as CpuProfile);
  } else if (what === 'worker') {
    const send = await workerSession(lens);
    await send('Profiler.enable');
    await send('Profiler.setSamplingInterval', { interval: 200 });
    const page = await burstPage(lens, server.origin);
    await send('Profiler.start');
    const started = Date.now();
    await fireBurst(page, 100_000);
    await waitFor('every call stored', async () => (await storedCalls(lens)) >= 100_000, 300_000);
    console.log(`100,000 calls stored after ${Date.now() - started} ms`);
    summarise((await send('Profiler.stop')).profile as unknown as CpuProfile);
  } else if (what === 'panel-scroll') {
    await benchPanel(lens, 50_000); // seeds the 100,000-record session
    const panel = await lens.context.newPage();
    await panel.setViewportSize({ width: 1280, height: 800 });
    await panel.goto(`chrome-extension://${lens.extensionId}/devtools-panel.html?session=measure-session`);
    await waitFor('every row', async () => Number(await panel.locator('.call-list').getAttribute('aria-rowcount')) >= 50_000, 60_000);
    const cdp = await lens.context.newCDPSession(panel);
    const events: Array<{ name: string; ph: string; pid: number; tid: number; dur?: number }> = [];
    cdp.on('Tracing.dataCollected', (event) => events.push(...(event.value as unknown as typeof events)));
    const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.start', { categories: 'devtools.timeline,blink', transferMode: 'ReportEvents' });
    const steps = 240;
    await panel.evaluate(async (n) => {
      const list = document.querySelector('.call-list') as HTMLElement;
      let top = list.scrollTop;
      for (let step = 0; step < n; step += 1) {
        top += 400;
        list.scrollTop = top;
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      }
    }, steps);
    await cdp.send('Tracing.end');
    await complete;
    // The renderer's main thread: the thread with the most script.
    const calls = new Map<string, number>();
    for (const event of events) if (event.name === 'FunctionCall') calls.set(`${event.pid}:${event.tid}`, (calls.get(`${event.pid}:${event.tid}`) ?? 0) + 1);
    const main = [...calls.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    const sums = new Map<string, number>();
    for (const event of events) {
      if (`${event.pid}:${event.tid}` !== main || event.ph !== 'X' || event.dur === undefined) continue;
      sums.set(event.name, (sums.get(event.name) ?? 0) + event.dur / 1000);
    }
    console.log(`ms per frame over ${steps} scroll steps of 400 px (events nest: a phase includes its parts)`);
    for (const [name, ms] of [...sums.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${(ms / steps).toFixed(2).padStart(7)}  ${name}`);
  } else if (what === 'page-load') {
    await traceFirstScript(lens, server.origin);
  } else {
    throw new Error(`unknown profile "${what}": loop, burst, worker, panel-scroll or page-load`);
  }
} finally {
  await lens.close();
  await server.close();
}
