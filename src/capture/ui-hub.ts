import type { Finding } from '../protocol/findings';
import type { CapturedRecord, LensRecord, Session } from '../protocol/records';
import { FIRST_SNAPSHOT_CHUNK, SNAPSHOT_CHUNK, type BackgroundToUi, type CaptureStatus, type SubscriptionTarget } from '../protocol/ui-messages';
import type { StoredRecord } from './db';

/** A connected UI's port, as much of it as the hub uses (a runtime port, or a fake in tests). */
export interface UiPort {
  postMessage(message: BackgroundToUi): void;
  onMessage(listener: (message: unknown) => void): void;
  onDisconnect(listener: () => void): void;
}

export interface UiHubDeps {
  openSession(tabId: number): Promise<Session | undefined>;
  getSession(sessionId: string): Promise<Session | undefined>;
  /** Reads a session's records in time order, handing over each chunk as soon as it is read. */
  streamRecords(sessionId: string, chunkSize: (chunkIndex: number) => number, onChunk: (records: StoredRecord[]) => void): Promise<number>;
  findingsOf(sessionId: string): Promise<Finding[]>;
  /** Whether capture is storing (or paused for lack of room); told to every UI as it subscribes. */
  captureStatus?(): Promise<CaptureStatus>;
  /** Records per snapshot message (SNAPSHOT_CHUNK unless a test wants small ones). */
  readonly chunkSize?: number;
}

interface Subscriber {
  readonly port: UiPort;
  target: SubscriptionTarget | null;
  /** The session this UI has a snapshot of. */
  sessionId: string | null;
}

function isSubscribe(message: unknown): message is { type: 'subscribe'; target: SubscriptionTarget } {
  if (typeof message !== 'object' || message === null) return false;
  const { type, target } = message as { type?: unknown; target?: unknown };
  if (type !== 'subscribe' || typeof target !== 'object' || target === null) return false;
  const t = target as { tabId?: unknown; sessionId?: unknown };
  return (typeof t.tabId === 'number' && Number.isInteger(t.tabId)) || typeof t.sessionId === 'string';
}

/**
 * Serves the inspector UIs: a snapshot of the session a UI subscribes to (in
 * chunks), then every record and finding stored for it. Nothing is kept but the
 * list of connected ports: after a service worker restart the UIs reconnect and
 * ask for a snapshot again.
 */
export function createUiHub(deps: UiHubDeps) {
  const subscribers = new Set<Subscriber>();

  async function sendSnapshot(subscriber: Subscriber, session: Session | null): Promise<void> {
    subscriber.sessionId = session?.id ?? null;
    if (!session) {
      subscriber.port.postMessage({ type: 'snapshot', session: null, findings: [], records: [], done: true });
      return;
    }
    const findings = await deps.findingsOf(session.id);
    // Each chunk goes out as it is read, so the UI shows its first rows while the rest is
    // read. The first chunk is small: a screenful of rows, in front of the user at once.
    const chunkSize = deps.chunkSize ?? SNAPSHOT_CHUNK;
    let held: StoredRecord[] | null = null;
    let first = true;
    await deps.streamRecords(
      session.id,
      (index) => (index === 0 ? Math.min(FIRST_SNAPSHOT_CHUNK, chunkSize) : chunkSize),
      (chunk) => {
        // The first chunk never waits; later ones are held back one step so that the last can carry done: true.
        if (first) {
          first = false;
          subscriber.port.postMessage({ type: 'snapshot', session, findings, records: chunk, done: false });
          return;
        }
        if (held !== null) subscriber.port.postMessage({ type: 'snapshot', session, findings, records: held, done: false });
        held = chunk;
      },
    );
    subscriber.port.postMessage({ type: 'snapshot', session, findings, records: held ?? [], done: true });
  }

  const matches = (subscriber: Subscriber, sessionId: string, tabId: number): boolean => {
    const target = subscriber.target;
    if (target === null) return false;
    return 'sessionId' in target ? target.sessionId === sessionId : target.tabId === tabId;
  };

  const safePost = (subscriber: Subscriber, message: BackgroundToUi): void => {
    try {
      subscriber.port.postMessage(message);
    } catch {
      // The UI went away between our check and the post.
      subscribers.delete(subscriber);
    }
  };

  return {
    connect(port: UiPort): void {
      const subscriber: Subscriber = { port, target: null, sessionId: null };
      subscribers.add(subscriber);
      port.onDisconnect(() => subscribers.delete(subscriber));
      port.onMessage((message) => {
        if (!isSubscribe(message)) return;
        subscriber.target = message.target;
        const target = message.target;
        const session = 'sessionId' in target ? deps.getSession(target.sessionId) : deps.openSession(target.tabId);
        void session.then((found) => sendSnapshot(subscriber, found ?? null)).catch((error: unknown) => console.error('[Identity Lens] snapshot failed', error));
        void deps.captureStatus?.().then((status) => safePost(subscriber, { type: 'capture-status', status }));
      });
    },

    /** Capture paused or resumed: every UI says so, whatever it follows. */
    publishCaptureStatus(status: CaptureStatus): void {
      for (const subscriber of subscribers) safePost(subscriber, { type: 'capture-status', status });
    },

    /** Records of a session were stored: a UI following it gets them, a UI following its tab gets a snapshot of a new session. */
    publishRecords(sessionId: string, tabId: number, records: readonly LensRecord[]): void {
      for (const subscriber of subscribers) {
        if (!matches(subscriber, sessionId, tabId)) continue;
        if (subscriber.sessionId !== sessionId) {
          void deps.getSession(sessionId).then((session) => sendSnapshot(subscriber, session ?? null));
          continue;
        }
        safePost(subscriber, { type: 'records', sessionId, records: records as readonly CapturedRecord[] });
      }
    },

    publishFindings(sessionId: string, tabId: number, findings: readonly Finding[]): void {
      for (const subscriber of subscribers) {
        if (matches(subscriber, sessionId, tabId) && subscriber.sessionId === sessionId) safePost(subscriber, { type: 'findings', sessionId, findings });
      }
    },

    publishSession(session: Session): void {
      for (const subscriber of subscribers) {
        if (matches(subscriber, session.id, session.tabId) && subscriber.sessionId === session.id) safePost(subscriber, { type: 'session', session });
      }
    },

    get size(): number {
      return subscribers.size;
    },
  };
}

export type UiHub = ReturnType<typeof createUiHub>;
