import { PROTOCOL_VERSION, WINDOW_TAG, type PageToBridge } from '../protocol/messages';
import type { HookErrorRecord, PageRecord } from '../protocol/records';
import { append, arraySlice, NativeError } from './intrinsics';

/** What the recorder needs from the window; injected so tests can drive it without a browser. */
export interface PageTransport {
  post(message: PageToBridge): void;
  /** Calls back when the bridge announces itself. */
  onBridgeReady(callback: () => void): void;
  /** Defers a flush to the end of the current task (a microtask in the page). */
  defer(callback: () => void): void;
  /** Runs a callback in a later task, so that a large backlog is sent in slices between the page's own work. */
  later(callback: () => void): void;
  now(): number;
  randomId(): string;
}

/** Record fields the recorder fills in. */
type Stamped = 'id' | 'seq' | 'at';
export type RecordDraft = PageRecord extends infer R ? (R extends PageRecord ? Omit<R, Stamped> & { at?: number } : never) : never;

/**
 * Records held while the bridge is not yet listening. The hook starts before the
 * content script in many loads; nothing may be lost in that window, but a page
 * that never gets a bridge (extension disabled mid-load) must not grow without end.
 */
export const MAX_UNSENT_RECORDS = 100_000;

/**
 * Records per posted event (and per task, for a backlog); well under the bridge's
 * MAX_RECORDS_PER_MESSAGE. A slice's task also runs the bridge's parsing and checks (the
 * event reaches it synchronously): at 1,000 records that task took 109 ms in the bench,
 * over the 50 ms a page should ever wait for us.
 */
export const RECORDS_PER_POST = 400;

export interface Recorder {
  /** Stamps and queues a record; returns its id. Never throws. */
  emit(draft: RecordDraft, finalise?: (record: PageRecord) => PageRecord): string;
  /** Counts an exception the hook swallowed, reported as one `hook-error` record per site. */
  countError(where: string, error: unknown): void;
  /** Sends everything queued now (pagehide cannot wait for a microtask). */
  flush(): void;
  /**
   * The page has analytics.js: from now on records are sent, those held since the
   * page started included. Until then nothing leaves the page, so tabs without
   * Segment never get a session.
   */
  activate(): void;
  readonly pageLoadId: string;
}

export function createRecorder(transport: PageTransport): Recorder {
  const pageLoadId = transport.randomId();
  let seq = 0;
  let bridgeReady = false;
  let active = false;
  let flushScheduled = false;
  let queue: Array<{ record: PageRecord; finalise?: (record: PageRecord) => PageRecord }> = [];
  /**
   * Where the unsent records start in `queue`. Sent or dropped records are passed over, not
   * cut out: re-slicing the rest of a 100,000-record backlog for every slice, or shifting
   * the whole queue for every record dropped past the limit, cost the page in proportion to
   * the backlog each time.
   */
  let head = 0;
  let overflowed = 0;
  // A handful of sites at most: a list, so that no page-replaceable Map method is involved.
  let errors: Array<{ where: string; count: number; message: string }> = [];

  /**
   * Sends what is queued: one slice of RECORDS_PER_POST now and the rest in later
   * tasks, so that a page making 100,000 calls at once is not frozen while they are
   * serialised; or everything at once (`now`), when the page is going away.
   */
  const flush = (now = false): void => {
    flushScheduled = false;
    if (!bridgeReady || !active) return;
    const counted = errors;
    errors = [];
    for (let i = 0; i < counted.length; i += 1) {
      const { where, count, message } = counted[i] as (typeof counted)[number];
      const record: HookErrorRecord = {
        id: `${pageLoadId}:${(seq += 1)}`,
        seq,
        at: transport.now(),
        kind: 'hook-error',
        where,
        message,
        count,
      };
      append(queue, { record });
    }
    while (head < queue.length) {
      const end = Math.min(queue.length, head + RECORDS_PER_POST);
      const records: PageRecord[] = [];
      for (let i = head; i < end; i += 1) {
        const item = queue[i] as (typeof queue)[number];
        try {
          append(records, item.finalise ? item.finalise(item.record) : item.record);
        } catch (error) {
          append(records, item.record);
          countError('finalise', error);
        }
      }
      head = end;
      try {
        transport.post({ [WINDOW_TAG]: PROTOCOL_VERSION, type: 'records', records });
      } catch (error) {
        countError('post', error);
      }
      if (!now && head < queue.length) {
        flushScheduled = true;
        transport.later(() => flush());
        return;
      }
    }
    queue = [];
    head = 0;
  };

  const schedule = (): void => {
    if (flushScheduled || !bridgeReady || !active) return;
    flushScheduled = true;
    transport.defer(flush);
  };

  /** Never throws: it is what every guard calls with the exception it caught. */
  const countError = (where: string, error: unknown): void => {
    let message = 'unknown';
    try {
      message = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 500);
    } catch {
      // An exception whose toString throws is still counted.
    }
    for (let i = 0; i < errors.length; i += 1) {
      const entry = errors[i] as (typeof errors)[number];
      if (entry.where === where) {
        entry.count += 1;
        return;
      }
    }
    append(errors, { where, count: 1, message });
    schedule();
  };

  transport.onBridgeReady(() => {
    bridgeReady = true;
    schedule();
  });

  return {
    pageLoadId,
    emit(draft, finalise) {
      seq += 1;
      const id = `${pageLoadId}:${seq}`;
      const record = { ...draft, id, seq, at: draft.at ?? transport.now() } as PageRecord;
      if (queue.length - head >= MAX_UNSENT_RECORDS) {
        head += 1; // the oldest unsent record goes
        if (head >= MAX_UNSENT_RECORDS) {
          // Now and then, so that what was dropped does not pile up.
          queue = arraySlice(queue, head);
          head = 0;
        }
        overflowed += 1;
        if (overflowed === 1 || overflowed % 1000 === 0) countError('overflow', new NativeError(`${overflowed} records dropped before the bridge was ready`));
      }
      append(queue, finalise ? { record, finalise } : { record });
      schedule();
      return id;
    },
    countError,
    flush: () => flush(true),
    activate() {
      if (active) return;
      active = true;
      // The bridge announced itself at its start, before we listened (it runs first).
      // Asked now, not at install: nothing goes to the bridge before this, and saying
      // hello runs the bridge's listener for the first time, which a page without
      // analytics.js need never pay for. The answer comes back synchronously.
      if (!bridgeReady) {
        try {
          transport.post({ [WINDOW_TAG]: PROTOCOL_VERSION, type: 'hello' });
        } catch (error) {
          countError('post', error);
        }
      }
      schedule();
    },
  };
}
