/**
 * The panel at scale: a stored session seeded straight into IndexedDB, opened in
 * the inspector (as a tab): time to first rows, a text filter, scrolling, heap.
 */
import { waitFor, type LensBrowser } from '../test/e2e/browser';
import { median, percentile, round } from './stats';

export async function benchPanel(lens: LensBrowser, CALLS: number) {
  const worker = await lens.serviceWorker();
  const total = await worker.evaluate(async (calls: number) => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const request = indexedDB.open('identity-lens');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const sessionId = 'measure-session';
    const start = Date.now() - calls * 20;
    // Stored as capture stores page records (schema v3): rows of 400, as the bridge sends them.
    const tx = db.transaction(['sessions', 'pageBatches', 'pageDocuments'], 'readwrite');
    const batches = tx.objectStore('pageBatches');
    let row: Array<Record<string, unknown> & { at: number; id: string }> = [];
    const flushRow = () => {
      if (row.length > 0) batches.put({ sessionId, at: row[0]!.at, id: row[0]!.id, records: row });
      row = [];
    };
    let count = 0;
    const frameUrl = 'https://shop.example/';
    const instance = { key: 'i1', shape: 'analytics-next', writeKey: 'wk', global: 'analytics' };
    const put = (record: Record<string, unknown> & { at: number; id: string }) => {
      row.push({ ...record, sessionId, tabId: 999, frameId: 0 });
      if (row.length === 400) flushRow();
      count += 1;
    };
    put({ id: 'doc:0', seq: 0, at: start, kind: 'lifecycle', event: 'hook-installed', frameUrl, topFrame: true });
    for (let i = 1; i <= calls; i += 1) {
      const at = start + i * 20;
      const callId = `doc:${i * 2}`;
      const messageId = `msg-${i}`;
      put({ id: callId, seq: i * 2, at, kind: 'call', method: i % 10 === 0 ? 'identify' : 'track', args: i % 10 === 0 ? [`user-${i % 7}`] : [`Event ${i % 50}`, { i, sku: `SKU-${i}` }], callSite: `${frameUrl}app.js:1:1`, frameUrl, instance, queued: false, optionsAnonymousId: null, optionsUserId: null });
      put({ id: `doc:${i * 2 + 1}`, seq: i * 2 + 1, at: at + 1, kind: 'event', phase: 'dispatched', instance, messageId, type: 'track', event: { type: 'track', messageId, anonymousId: 'anon-1', userId: `user-${i % 7}` }, reason: null, callId });
    }
    flushRow();
    tx.objectStore('pageDocuments').put({ sessionId, document: 'doc', seen: [0, calls * 2 + 1] });
    tx.objectStore('sessions').put({ id: sessionId, tabId: 999, title: 'measure', startedAt: start, endedAt: Date.now(), pages: [{ url: frameUrl, startedAt: start }], currentUrl: frameUrl, recordCount: count, apiHosts: [], batchedCalls: calls });
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
    return count;
  }, CALLS);

  const panel = await lens.context.newPage();
  await panel.setViewportSize({ width: 1280, height: 800 });
  const opened = Date.now();
  await panel.goto(`chrome-extension://${lens.extensionId}/devtools-panel.html?session=measure-session`);
  await waitFor('the first rows', async () => (await panel.locator('.call-row').count()) > 0, 60_000);
  const firstRows = Date.now() - opened;
  await waitFor('every row', async () => Number(await panel.locator('.call-list').getAttribute('aria-rowcount')) >= CALLS, 60_000);
  const allRows = Date.now() - opened;

  const filterTimes: number[] = [];
  for (const text of ['event 42', 'sku-4999', 'user-3', '']) {
    const elapsed = await panel.evaluate(async (value) => {
      const input = document.querySelector('input.search') as HTMLInputElement;
      const started = performance.now();
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      return performance.now() - started;
    }, text);
    filterTimes.push(elapsed);
  }

  /**
   * 240 scroll steps of 400 px, one per frame. For each: the frame's work, from the scroll
   * event to the end of that frame's rendering (the scroll handler and the re-render, rAF
   * callbacks, style, layout and paint: a message posted from rAF runs once the frame is
   * drawn), which is what must fit in 16 ms; and the interval between frames, which at
   * 60 Hz is 16.7 ms or a multiple, so a frame over 1.5× the median was dropped.
   */
  const steps = await panel.evaluate(async () => {
    const list = document.querySelector('.call-list') as HTMLElement;
    const channel = new MessageChannel();
    const work: number[] = [];
    const intervals: number[] = [];
    let scrolledAt = 0;
    list.addEventListener('scroll', () => (scrolledAt = performance.now()), { capture: true });
    let top = list.scrollTop;
    let last = performance.now();
    for (let step = 0; step < 240; step += 1) {
      top += 400;
      list.scrollTop = top;
      const drawn = await new Promise<{ frame: number; done: number }>((resolve) =>
        requestAnimationFrame(() => {
          const frame = performance.now();
          channel.port1.onmessage = () => resolve({ frame, done: performance.now() });
          channel.port2.postMessage(null);
        }),
      );
      work.push(drawn.done - scrolledAt);
      intervals.push(drawn.frame - last);
      last = drawn.frame;
    }
    return { work, intervals };
  });
  const frames = steps.intervals;
  const heap = await panel.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? null);

  await panel.close();
  const dropped = frames.filter((f) => f > median(frames) * 1.5).length;
  return {
    records: total,
    calls: CALLS,
    firstRowsMs: firstRows,
    allRowsMs: allRows,
    filterMedianMs: round(median(filterTimes), 1),
    scrollWorkMedianMs: round(median(steps.work), 1),
    scrollP95Ms: round(percentile(steps.work, 0.95), 1),
    frameIntervalMedianMs: round(median(frames), 1),
    frameIntervalP95Ms: round(percentile(frames, 0.95), 1),
    droppedFrames: `${dropped}/${frames.length}`,
    heapMB: heap === null ? null : Math.round(heap / 1048576),
  };
}
