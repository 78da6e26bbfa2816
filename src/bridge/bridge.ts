import { parsePageMessage, validatePageRecord } from '../protocol/guards';
import {
  PROTOCOL_VERSION,
  WINDOW_TAG,
  type BackgroundToBridge,
  pageRecordsMessage,
  type BridgeToBackground,
  type BridgeToPage,
} from '../protocol/messages';
import type { PageRecord } from '../protocol/records';

/** How the bridge talks to each side; given to it so tests need no browser. */
export interface BridgeTransport {
  /** Subscribes to this frame's page events; `detail` is the JSON text the hook sent. */
  listenToPage(callback: (detail: unknown) => void): void;
  postToPage(message: BridgeToPage): void;
  /** Resolves with the background's reply; rejects when the background is unreachable (service worker restarting). */
  sendToBackground(message: BridgeToBackground): Promise<unknown>;
  setTimer(callback: () => void, ms: number): void;
}

export const MAX_RECORDS_PER_BATCH = 1000;
/** A page message larger than this is dropped, not parsed (the hook's clone limits keep real ones far below). */
export const MAX_MESSAGE_CHARS = 64 * 1024 * 1024;
const RETRY_DELAYS_MS = [50, 100, 250, 500, 1000, 2000];

export interface Bridge {
  /** Sends everything pending now (pagehide). */
  flush(): void;
  readonly pending: number;
  readonly unacknowledged: number;
  readonly dropped: Readonly<Record<string, number>>;
}

function isAck(reply: unknown): reply is BackgroundToBridge & { ok: true } {
  return typeof reply === 'object' && reply !== null && (reply as { ok?: unknown }).ok === true;
}

function isRefusal(reply: unknown): reply is BackgroundToBridge & { ok: false } {
  return typeof reply === 'object' && reply !== null && (reply as { ok?: unknown }).ok === false && (reply as { retry?: unknown }).retry === false;
}

/**
 * Relays page records to the background. A batch stays in memory until the
 * background has acknowledged storing it; a failed send (the MV3 service worker
 * was stopped, or is starting) is retried with backoff. The background's writes
 * are idempotent by record id, so a resend after a lost reply stores nothing twice.
 */
export function createBridge(transport: BridgeTransport): Bridge {
  let pending: PageRecord[] = [];
  const inFlight = new Map<number, PageRecord[]>();
  let batchNumber = 0;
  let flushScheduled = false;
  let failures = 0;
  /**
   * The background is up but answered that it cannot store (out of room): new records
   * wait and one batch goes per retry. Unlike a stopped worker, which the next send
   * wakes, sending sooner gains nothing.
   */
  let refusing = false;
  // No prototype: reason names may echo page input (a refused reply's error).
  let droppedSinceLastSend: Record<string, number> = Object.create(null) as Record<string, number>;
  const droppedTotal: Record<string, number> = Object.create(null) as Record<string, number>;

  const countDrop = (reason: string): void => {
    droppedSinceLastSend[reason] = (droppedSinceLastSend[reason] ?? 0) + 1;
    droppedTotal[reason] = (droppedTotal[reason] ?? 0) + 1;
    scheduleFlush(0);
  };

  const send = (batch: number, records: PageRecord[], dropped: Record<string, number>): void => {
    inFlight.set(batch, records);
    transport.sendToBackground(pageRecordsMessage(batch, records, dropped)).then(
      (reply) => {
        if (isAck(reply)) {
          inFlight.delete(batch);
          const wasRefusing = refusing;
          failures = 0;
          refusing = false;
          // Records held back while the background was refusing go now.
          if (wasRefusing && pending.length > 0) scheduleFlush(0);
          return;
        }
        if (isRefusal(reply)) {
          // The background will never take this batch (another protocol version after
          // an update): resending would loop forever. Count it and let it go.
          inFlight.delete(batch);
          droppedTotal[`refused-${reply.error}`] = (droppedTotal[`refused-${reply.error}`] ?? 0) + records.length;
          return;
        }
        // Answered, but not stored (out of room): hold back until a batch is taken.
        refusing = true;
        retry(batch, dropped);
      },
      () => retry(batch, dropped),
    );
  };

  const retry = (batch: number, dropped: Record<string, number>): void => {
    const records = inFlight.get(batch);
    inFlight.delete(batch);
    if (!records) return;
    // Back in front of anything newer; order in storage comes from each record's own time anyway.
    pending = records.concat(pending);
    for (const [reason, count] of Object.entries(dropped)) {
      droppedSinceLastSend[reason] = (droppedSinceLastSend[reason] ?? 0) + count;
    }
    const delay = RETRY_DELAYS_MS[Math.min(failures, RETRY_DELAYS_MS.length - 1)] ?? 2000;
    failures += 1;
    scheduleFlush(delay);
  };

  /**
   * Sends what is pending. While the background refuses for lack of room (which can
   * last hours), one batch goes per retry and the rest waits for its answer:
   * resending everything each time would copy the whole backlog to a background
   * that cannot take it.
   */
  const flush = (everything: boolean = !refusing): void => {
    flushScheduled = false;
    const hasDrops = Object.keys(droppedSinceLastSend).length > 0;
    if (pending.length === 0 && !hasDrops) return;
    do {
      const records = pending.slice(0, MAX_RECORDS_PER_BATCH);
      pending = pending.slice(records.length);
      const dropped = droppedSinceLastSend;
      droppedSinceLastSend = Object.create(null) as Record<string, number>;
      batchNumber += 1;
      send(batchNumber, records, dropped);
    } while (pending.length > 0 && everything);
  };

  function scheduleFlush(delay: number): void {
    if (flushScheduled) return;
    flushScheduled = true;
    transport.setTimer(() => flush(), delay);
  }

  transport.listenToPage((detail) => {
    if (typeof detail !== 'string') {
      countDrop('message-not-text');
      return;
    }
    if (detail.length > MAX_MESSAGE_CHARS) {
      countDrop('message-too-large');
      return;
    }
    let data: unknown;
    try {
      data = JSON.parse(detail);
    } catch {
      countDrop('message-not-json');
      return;
    }
    const parsed = parsePageMessage(data);
    if (parsed === null) return;
    if (!parsed.ok) {
      countDrop(parsed.reason);
      return;
    }
    const message = parsed.value;
    if (message.type === 'hello') {
      transport.postToPage({ [WINDOW_TAG]: PROTOCOL_VERSION, type: 'bridge-ready' });
      return;
    }
    let leaving = false;
    for (const record of message.records) {
      const checked = validatePageRecord(record);
      if (checked.ok) {
        pending.push(checked.value);
        if (checked.value.kind === 'lifecycle' && checked.value.event === 'pagehide') leaving = true;
      } else countDrop(checked.reason);
    }
    // At once, not on a timer: this may be the batch the hook flushed at pagehide, and
    // then everything goes, whatever the background said before; and a stopped worker
    // is woken by the send. While the background refuses for lack of room, other records
    // wait for the retry already scheduled (or in flight).
    if (leaving) flush(true);
    else if (!refusing) flush();
  });
  // The hook may have said hello before we listened; announce ourselves as well.
  transport.postToPage({ [WINDOW_TAG]: PROTOCOL_VERSION, type: 'bridge-ready' });

  return {
    flush: () => flush(true),
    get pending() {
      return pending.length;
    },
    get unacknowledged() {
      let count = 0;
      for (const records of inFlight.values()) count += records.length;
      return count;
    },
    dropped: droppedTotal,
  };
}
