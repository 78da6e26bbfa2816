import { appendTo } from '../../core/collections';
import { batch, computed, signal } from '@preact/signals';
import { createIdentityModel, EMPTY_IDENTITY, type IdentityState, type Transition } from '../../core/identity/identity-model';
import { documentIdOf, originOf } from '../../core/identity/scope';
import { compareRecords } from '../../core/link-records';
import { isAbortError } from '../../core/rules/undelivered-on-navigation';
import type { Finding, Severity } from '../../protocol/findings';
import type { CallRecord, CapturedRecord, EventRecord, NavigationRecord, Session, WireRecord } from '../../protocol/records';
import type { BackgroundToUi, CaptureStatus, SubscriptionTarget, UiToBackground } from '../../protocol/ui-messages';

/** How the store reaches the background; the panel passes a runtime port, tests a fake. */
export interface InspectorConnection {
  send(message: UiToBackground): void;
  close(): void;
}
export interface InspectorTransport {
  connect(handlers: { onMessage(message: BackgroundToUi): void; onDisconnect(): void }): InspectorConnection;
}

export interface InspectorPlatform {
  setTimer(callback: () => void, ms: number): void;
}

export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting';

export type Delivery =
  | { readonly state: 'delivered'; readonly status: number; readonly ms: number | null }
  | { readonly state: 'failed'; readonly status: number | null; readonly error: string | null }
  | { readonly state: 'cut-off'; readonly error: string }
  | { readonly state: 'pending' }
  | { readonly state: 'never-sent' }
  | { readonly state: 'not-an-event' };

export type Row =
  | { readonly kind: 'page'; readonly id: string; readonly url: string; readonly at: number }
  | { readonly kind: 'call'; readonly id: string; readonly call: CallRecord; readonly search: string };

export interface Filters {
  readonly text: string;
  /** Call methods to show; empty means all. */
  readonly methods: readonly string[];
  /** Severities a call must have a finding of; empty means any call. */
  readonly severities: readonly Severity[];
  readonly onlyWithFindings: boolean;
  /** Brushed on the timeline: [from, to] in record time. */
  readonly range: readonly [number, number] | null;
}

export const EMPTY_FILTERS: Filters = { text: '', methods: [], severities: [], onlyWithFindings: false, range: null };

const EVENT_METHODS: ReadonlySet<string> = new Set(['track', 'page', 'screen', 'identify', 'group', 'alias']);
const RECONNECT_DELAYS_MS = [100, 250, 500, 1000, 2000];

function searchText(call: CallRecord): string {
  let args = '';
  try {
    args = JSON.stringify(call.args).slice(0, 2000);
  } catch {
    args = '';
  }
  return `${call.method} ${args} ${call.instance.writeKey ?? ''}`.toLowerCase();
}

/**
 * The inspector's state, fed only by messages from a transport, so the same
 * view runs in the DevTools panel, in an extension tab, and in tests.
 */
export function createInspectorStore(options: { transport: InspectorTransport; target: SubscriptionTarget; platform: InspectorPlatform }) {
  const { transport, target, platform } = options;

  const status = signal<ConnectionStatus>('connecting');
  /** Whether the background stores what it captures, or is paused for lack of room. */
  const captureStatus = signal<CaptureStatus | null>(null);
  const session = signal<Session | null>(null);
  const findings = signal<readonly Finding[]>([]);
  /** Bumped whenever records change; the arrays below are not signals, to keep 100,000 records cheap. */
  const version = signal(0);
  const selectedId = signal<string | null>(null);
  const filters = signal<Filters>(EMPTY_FILTERS);
  const paused = signal(false);
  const preserveLog = signal(true);
  const clearedAt = signal<number | null>(null);

  const byId = new Map<string, CapturedRecord>();
  let ordered: CapturedRecord[] = [];
  let model = createIdentityModel();
  let transitions: Transition[] = [];
  let heldWhilePaused: CapturedRecord[] = [];
  // Indexes kept as records arrive.
  const callIdByMessage = new Map<string, string>();
  const messageIdByCall = new Map<string, string>();
  /** Where each record stands in `ordered`, so an update replaces it without a scan. */
  const positions = new Map<string, number>();
  const eventsByCall = new Map<string, EventRecord[]>();
  const wiresByMessage = new Map<string, WireRecord>();
  const endedDocuments = new Set<string>();
  const documentStarts = new Map<string, number>();

  /** Rows are rebuilt on every change; a call's row (and its search text) is made once. */
  const rowCache = new Map<string, Row>();
  const rowOf = (call: CallRecord): Row => {
    let row = rowCache.get(call.id);
    if (!row || (row.kind === 'call' && row.call !== call)) {
      row = { kind: 'call', id: call.id, call, search: searchText(call) };
      rowCache.set(call.id, row);
    }
    return row;
  };

  const resetIndexes = (): void => {
    byId.clear();
    ordered = [];
    model = createIdentityModel();
    transitions = [];
    callIdByMessage.clear();
    rowCache.clear();
    messageIdByCall.clear();
    positions.clear();
    eventsByCall.clear();
    wiresByMessage.clear();
    endedDocuments.clear();
    documentStarts.clear();
  };

  const index = (record: CapturedRecord): void => {
    switch (record.kind) {
      case 'call-result':
        if (record.messageId !== null) {
          callIdByMessage.set(record.messageId, record.callId);
          messageIdByCall.set(record.callId, record.messageId);
        }
        break;
      case 'event':
        if (record.messageId !== null && record.callId !== null) {
          callIdByMessage.set(record.messageId, record.callId);
          messageIdByCall.set(record.callId, record.messageId);
        }
        if (record.callId !== null) appendTo(eventsByCall, record.callId, record);
        else if (record.messageId !== null) {
          const callId = callIdByMessage.get(record.messageId);
          if (callId) appendTo(eventsByCall, callId, record);
        }
        break;
      case 'wire':
        for (const messageId of record.messageIds) wiresByMessage.set(messageId, record);
        break;
      case 'lifecycle':
        if (record.event === 'hook-installed') documentStarts.set(documentIdOf(record) ?? '', record.at);
        if (record.event === 'pagehide' && !record.persisted) endedDocuments.add(documentIdOf(record) ?? '');
        break;
      case 'navigation':
        if (record.frameId === 0 && record.navigation !== 'history' && record.navigation !== 'fragment') {
          for (const [documentId, startedAt] of documentStarts) if (startedAt <= record.at) endedDocuments.add(documentId);
        }
        break;
      default:
        break;
    }
  };

  /** Adds records idempotently; in order, they extend the timeline; out of order, it is rebuilt. */
  const ingest = (incoming: readonly CapturedRecord[]): void => {
    let outOfOrder = false;
    const fresh: CapturedRecord[] = [];
    for (const record of incoming) {
      const known = byId.get(record.id);
      byId.set(record.id, record);
      if (known) {
        // An update (a request that completed): replace it where it stands.
        const at = positions.get(record.id);
        if (at !== undefined) ordered[at] = record;
        index(record);
        continue;
      }
      fresh.push(record);
    }
    fresh.sort(compareRecords);
    for (const record of fresh) {
      const last = ordered[ordered.length - 1];
      if (last && compareRecords(record, last) < 0) outOfOrder = true;
      positions.set(record.id, ordered.length);
      ordered.push(record);
      index(record);
    }
    if (outOfOrder) {
      ordered.sort(compareRecords);
      ordered.forEach((record, position) => positions.set(record.id, position));
      model = createIdentityModel();
      transitions = [];
      for (const record of ordered) {
        const transition = model.apply(record);
        if (transition) transitions.push(transition);
      }
    } else {
      for (const record of fresh) {
        const transition = model.apply(record);
        if (transition) transitions.push(transition);
      }
    }
    version.value += 1;
  };

  const apply = (message: BackgroundToUi): void => {
    switch (message.type) {
      case 'snapshot':
        batch(() => {
          if (message.session?.id !== session.value?.id) {
            resetIndexes();
            clearedAt.value = null;
          }
          session.value = message.session;
          findings.value = message.findings;
          ingest(message.records);
          if (message.done) status.value = 'live';
        });
        break;
      case 'records':
        if (message.sessionId !== session.value?.id) return;
        if (paused.value) {
          heldWhilePaused.push(...message.records);
          return;
        }
        ingest(message.records);
        break;
      case 'findings':
        if (message.sessionId === session.value?.id) findings.value = message.findings;
        break;
      case 'session':
        if (message.session.id === session.value?.id || session.value === null) session.value = message.session;
        break;
      case 'capture-status':
        captureStatus.value = message.status;
        break;
    }
  };

  /**
   * A large snapshot arrives as a run of chunks faster than they are taken in (5,000 records
   * each, tens of ms apiece). Taken in as they arrive, they run back to back and the panel
   * draws its first rows only after the last: a 100,000-record session had its first row in
   * the DOM at 0.2 s and on screen for a test at 0.7–0.8 s. So once a snapshot has begun,
   * what arrives waits in order here and is taken in one message per task, and the browser
   * draws (and answers input) in between.
   */
  const waiting: BackgroundToUi[] = [];
  let loadingSnapshot = false;
  let drainScheduled = false;
  const applyPaced = (message: BackgroundToUi): void => {
    apply(message);
    if (message.type === 'snapshot') loadingSnapshot = !message.done;
  };
  const drain = (): void => {
    drainScheduled = false;
    const next = waiting.shift();
    if (next === undefined || disposed) return;
    applyPaced(next);
    scheduleDrain();
  };
  const scheduleDrain = (): void => {
    if (drainScheduled || waiting.length === 0) return;
    drainScheduled = true;
    platform.setTimer(drain, 0);
  };
  const receive = (message: BackgroundToUi): void => {
    if (loadingSnapshot || waiting.length > 0) {
      waiting.push(message);
      scheduleDrain();
      return;
    }
    applyPaced(message);
  };

  let connection: InspectorConnection | null = null;
  let attempts = 0;
  let disposed = false;
  const connect = (): void => {
    connection = transport.connect({
      onMessage: (message) => {
        attempts = 0;
        receive(message);
      },
      onDisconnect: () => {
        connection = null;
        if (disposed) return;
        // The service worker stopped or restarted: ask again; records are merged by id.
        status.value = 'reconnecting';
        const delay = RECONNECT_DELAYS_MS[Math.min(attempts, RECONNECT_DELAYS_MS.length - 1)] ?? 2000;
        attempts += 1;
        platform.setTimer(() => {
          if (!disposed) connect();
        }, delay);
      },
    });
    connection.send({ type: 'subscribe', target });
  };
  connect();

  // --- derived views -----------------------------------------------------------

  const findingsByRecord = computed(() => {
    const map = new Map<string, Finding[]>();
    for (const finding of findings.value) {
      for (const id of finding.recordIds) appendTo(map, id, finding);
    }
    return map;
  });

  const rows = computed<Row[]>(() => {
    void version.value;
    const from = preserveLog.value ? clearedAt.value : Math.max(clearedAt.value ?? -Infinity, lastTopNavigation()?.at ?? -Infinity);
    const out: Row[] = [];
    for (const record of ordered) {
      if (from !== null && record.at < from) continue;
      if (record.kind === 'navigation' && record.frameId === 0 && record.navigation !== 'fragment') {
        out.push({ kind: 'page', id: record.id, url: record.url, at: record.at });
      } else if (record.kind === 'call') {
        out.push(rowOf(record));
      }
    }
    return out;
  });

  function lastTopNavigation(): NavigationRecord | undefined {
    for (let i = ordered.length - 1; i >= 0; i -= 1) {
      const record = ordered[i] as CapturedRecord;
      if (record.kind === 'navigation' && record.frameId === 0 && record.navigation !== 'history' && record.navigation !== 'fragment') return record;
    }
    return undefined;
  }

  const visibleRows = computed<Row[]>(() => {
    const all = rows.value;
    const f = filters.value;
    const text = f.text.trim().toLowerCase();
    const methods = new Set(f.methods);
    const severities = new Set(f.severities);
    const byRecord = findingsByRecord.value;
    const filtering = text !== '' || methods.size > 0 || severities.size > 0 || f.onlyWithFindings || f.range !== null;
    if (!filtering) return all;
    const out: Row[] = [];
    for (const row of all) {
      if (row.kind === 'page') {
        if (!f.range || (row.at >= f.range[0] && row.at <= f.range[1])) out.push(row);
        continue;
      }
      const call = row.call;
      if (methods.size > 0 && !methods.has(call.method)) continue;
      if (f.range && (call.at < f.range[0] || call.at > f.range[1])) continue;
      const own = byRecord.get(call.id);
      if (f.onlyWithFindings && !own) continue;
      if (severities.size > 0 && !own?.some((finding) => severities.has(finding.severity))) continue;
      if (text !== '' && !row.search.includes(text) && !identitySearch(call).includes(text)) continue;
      out.push(row);
    }
    // Drop page separators left with no call under them.
    return out.filter((row, i) => row.kind === 'call' || out[i + 1]?.kind === 'call');
  });

  function identitySearch(call: CallRecord): string {
    const identity = identityOf(call);
    return `${identity.anonymousId ?? ''} ${identity.userId ?? ''}`.toLowerCase();
  }

  const timeline = computed<readonly Transition[]>(() => {
    void version.value;
    return [...transitions];
  });

  /** The main scope: the origin of the tab's page now. */
  const scope = computed(() => originOf(session.value?.currentUrl ?? session.value?.pages[session.value.pages.length - 1]?.url ?? null));

  const identity = computed<IdentityState>(() => {
    void version.value;
    return session.value ? model.identity(scope.value) : EMPTY_IDENTITY;
  });

  const counts = computed(() => {
    const out: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
    for (const finding of findings.value) out[finding.severity] += 1;
    return out;
  });

  const selected = computed(() => {
    void version.value;
    return selectedId.value === null ? undefined : byId.get(selectedId.value);
  });

  function messageIdOf(call: CallRecord): string | null {
    return messageIdByCall.get(call.id) ?? null;
  }

  /** The identity the call's event left with (what analytics.js put on it), or the identity at the time. */
  function identityOf(call: CallRecord): { anonymousId: string | null; userId: string | null } {
    for (const event of eventsByCall.get(call.id) ?? []) {
      const payload = event.event as Record<string, unknown> | null;
      if (payload && typeof payload === 'object') {
        return {
          anonymousId: typeof payload.anonymousId === 'string' ? payload.anonymousId : null,
          userId: typeof payload.userId === 'string' ? payload.userId : null,
        };
      }
    }
    return { anonymousId: null, userId: null };
  }

  function deliveryOf(call: CallRecord): Delivery {
    if (!EVENT_METHODS.has(call.method)) return { state: 'not-an-event' };
    const messageId = messageIdOf(call);
    const wire = messageId === null ? undefined : wiresByMessage.get(messageId);
    if (wire) {
      if (wire.state === 'pending') return { state: 'pending' };
      if (wire.state === 'completed' && wire.statusCode !== null && wire.statusCode < 400) {
        return { state: 'delivered', status: wire.statusCode, ms: wire.endedAt === null ? null : Math.round(wire.endedAt - wire.startedAt) };
      }
      if (wire.state === 'failed' && isAbortError(wire.error)) return { state: 'cut-off', error: wire.error ?? 'aborted' };
      return { state: 'failed', status: wire.statusCode, error: wire.error };
    }
    const documentId = documentIdOf(call);
    if (documentId !== null && endedDocuments.has(documentId)) return { state: 'never-sent' };
    return { state: 'pending' };
  }

  function wiresOf(call: CallRecord): WireRecord[] {
    const messageId = messageIdOf(call);
    if (messageId === null) return [];
    const wire = wiresByMessage.get(messageId);
    return wire ? [wire] : [];
  }

  /** The transition a call caused: the first one after it whose cause names it. */
  function transitionOf(call: CallRecord): Transition | undefined {
    return transitions.find((t) => t.changes.some((c) => c.causeRecordId === call.id));
  }

  const selectableIds = computed(() => visibleRows.value.filter((row) => row.kind === 'call').map((row) => row.id));

  return {
    status,
    captureStatus,
    session,
    findings,
    version,
    selectedId,
    selected,
    filters,
    paused,
    preserveLog,
    rows,
    visibleRows,
    timeline,
    identity,
    counts,
    findingsByRecord,
    scope,
    records: () => ordered,
    record: (id: string) => byId.get(id),
    eventsOf: (call: CallRecord) => eventsByCall.get(call.id) ?? [],
    identityOf,
    deliveryOf,
    wiresOf,
    transitionOf,
    select(id: string | null) {
      selectedId.value = id;
    },
    /** Arrow keys: the next or previous visible call. */
    move(step: 1 | -1) {
      const ids = selectableIds.value;
      if (ids.length === 0) return;
      const at = selectedId.value === null ? -1 : ids.indexOf(selectedId.value);
      const next = at < 0 ? (step > 0 ? 0 : ids.length - 1) : Math.min(ids.length - 1, Math.max(0, at + step));
      selectedId.value = ids[next] ?? null;
    },
    setFilters(change: Partial<Filters>) {
      filters.value = { ...filters.value, ...change };
    },
    setPaused(value: boolean) {
      paused.value = value;
      if (!value && heldWhilePaused.length > 0) {
        const held = heldWhilePaused;
        heldWhilePaused = [];
        ingest(held);
      }
    },
    setPreserveLog(value: boolean) {
      preserveLog.value = value;
    },
    /** Hides what was captured so far, like DevTools' Clear; stored records stay in the session library. */
    clear() {
      const last = ordered[ordered.length - 1];
      clearedAt.value = last ? last.at + 0.001 : null;
      selectedId.value = null;
    },
    dispose() {
      disposed = true;
      connection?.close();
    },
  };
}

export type InspectorStore = ReturnType<typeof createInspectorStore>;
