import type { InspectorTransport } from '../../../src/ui/inspector/inspector-store';
import type { BackgroundToUi, UiToBackground } from '../../../src/protocol/ui-messages';
import type { CapturedRecord, LensRecord, Session } from '../../../src/protocol/records';

/** A background that the test speaks for: it records what the UI sends and pushes what the test says. */
export function createFakeUiTransport() {
  const sent: UiToBackground[] = [];
  let handlers: { onMessage(message: BackgroundToUi): void; onDisconnect(): void } | null = null;
  let connections = 0;
  const transport: InspectorTransport = {
    connect(h) {
      handlers = h;
      connections += 1;
      return { send: (message) => sent.push(message), close: () => undefined };
    },
  };
  return {
    transport,
    sent,
    get connections() {
      return connections;
    },
    push(message: BackgroundToUi) {
      handlers?.onMessage(message);
    },
    /** The service worker stopped: the port closes. */
    disconnect() {
      handlers?.onDisconnect();
    },
  };
}

export function sessionOf(records: readonly LensRecord[], id = 's1'): { session: Session; records: CapturedRecord[] } {
  const withProvenance = records.map((record) => ({ ...record, sessionId: id, tabId: 7, frameId: 0 }) as CapturedRecord);
  const pages = records.flatMap((r) => (r.kind === 'lifecycle' && r.event === 'hook-installed' ? [{ url: r.frameUrl, startedAt: r.at }] : []));
  return {
    session: { id, tabId: 7, title: 'shop.example', startedAt: records[0]?.at ?? 0, endedAt: null, pages, currentUrl: pages[pages.length - 1]?.url ?? null, recordCount: records.length, apiHosts: [] },
    records: withProvenance,
  };
}
