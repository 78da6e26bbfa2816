import type { VNode } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Delivery, InspectorStore, Row } from './inspector-store';
import { callLabel, colourOf, relativeTime, shortId } from './format';

export const ROW_HEIGHT = 22;
const OVERSCAN = 12;

function DeliveryCell({ delivery }: { delivery: Delivery }) {
  switch (delivery.state) {
    case 'delivered':
      return <span class="delivery delivery-ok" title={delivery.ms === null ? '' : `${delivery.ms} ms`}>{delivery.status}</span>;
    case 'failed':
      return <span class="delivery delivery-failed" title={delivery.error ?? ''}>{delivery.status ?? 'failed'}</span>;
    case 'cut-off':
      return <span class="delivery delivery-failed" title={delivery.error}>cut off</span>;
    case 'never-sent':
      return <span class="delivery delivery-failed">never sent</span>;
    case 'pending':
      return <span class="delivery delivery-pending">pending</span>;
    case 'not-an-event':
      return <span class="delivery">—</span>;
  }
}

function IdChip({ id }: { id: string | null }) {
  if (id === null) return <span class="id-chip id-none">—</span>;
  return (
    <span class="id-chip" title={id}>
      <span class="id-swatch" style={{ background: colourOf(id) }} />
      {shortId(id)}
    </span>
  );
}

/** Rows drawn for the current records, findings and first time; see CallList. */
interface DrawnRows {
  readonly generation: readonly unknown[];
  rows: Map<string, { readonly index: number; readonly selected: boolean; readonly vnode: VNode }>;
}

const sameGeneration = (a: readonly unknown[], b: readonly unknown[]): boolean => a.length === b.length && a.every((value, i) => value === b[i]);

/**
 * One row per call, with page separators, virtualised: only the rows in view (and a
 * few around) are in the DOM, so 100,000 rows scroll like 100.
 */
export function CallList({ store }: { store: InspectorStore }) {
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);
  const drawn = useRef<DrawnRows | null>(null);
  const rows = store.visibleRows.value;
  const selectedId = store.selectedId.value;
  const byRecord = store.findingsByRecord.value;
  const start = store.records()[0]?.at ?? 0;

  useEffect(() => {
    const element = viewport.current;
    if (!element) return;
    const measure = () => setHeight(element.clientHeight || 400);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // Keep the selection in view when the keyboard moves it.
  useEffect(() => {
    const element = viewport.current;
    if (!element || selectedId === null) return;
    const index = rows.findIndex((row) => row.id === selectedId);
    if (index < 0) return;
    const top = index * ROW_HEIGHT;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + ROW_HEIGHT > element.scrollTop + element.clientHeight) element.scrollTop = top + ROW_HEIGHT - element.clientHeight;
  }, [selectedId]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);

  const renderRow = (index: number, row: Row): VNode => {
    const top = `${index * ROW_HEIGHT}px`;
    if (row.kind === 'page') {
      return (
        <div key={row.id} class="row page-row" role="row" style={{ top }}>
          <span class="page-url" title={row.url}>
            ⤷ {row.url}
          </span>
        </div>
      );
    }
    const call = row.call;
    const identity = store.identityOf(call);
    const own = byRecord.get(call.id) ?? [];
    const worst = own.some((f) => f.severity === 'error') ? 'error' : own.some((f) => f.severity === 'warning') ? 'warning' : own.length > 0 ? 'info' : null;
    const label = callLabel(call.method, call.args);
    return (
      <div
        key={row.id}
        class={`row call-row${row.id === selectedId ? ' selected' : ''}`}
        role="row"
        aria-selected={row.id === selectedId}
        data-id={row.id}
        style={{ top }}
        onClick={() => store.select(row.id)}
      >
        <span class={`method method-${call.method.replace('.', '-')}`}>{call.method}</span>
        <span class="label" title={label}>
          {label}
          {call.queued ? <span class="queued">queued</span> : null}
        </span>
        <span class="time">{relativeTime(call.at - start)}</span>
        <IdChip id={identity.anonymousId} />
        <IdChip id={identity.userId} />
        <DeliveryCell delivery={store.deliveryOf(call)} />
        <span class="markers">{worst ? <span class={`finding-dot severity-${worst}`} title={own.map((f) => f.message).join('\n')} /> : null}</span>
      </div>
    );
  };

  // A row already drawn is handed to Preact as the same vnode, which it does not diff
  // again: scrolling then builds only the rows coming into view. Everything a row shows
  // comes from the records (version), the findings, the first record's time, its place
  // and whether it is selected; any other change draws every row afresh.
  const generation = [store.version.value, rows, byRecord, start];
  if (drawn.current === null || !sameGeneration(drawn.current.generation, generation)) drawn.current = { generation, rows: new Map() };
  const previous = drawn.current.rows;
  const current: DrawnRows['rows'] = new Map();
  const visible: VNode[] = [];
  for (let index = first; index < last; index += 1) {
    const row = rows[index] as Row;
    const selected = row.id === selectedId;
    const kept = previous.get(row.id);
    const vnode = kept !== undefined && kept.index === index && kept.selected === selected ? kept.vnode : renderRow(index, row);
    current.set(row.id, { index, selected, vnode });
    visible.push(vnode);
  }
  drawn.current.rows = current;

  return (
    <div class="call-list" ref={viewport} role="grid" aria-label="Captured calls" aria-rowcount={rows.length} onScroll={(event) => setScrollTop((event.currentTarget as HTMLDivElement).scrollTop)}>
      <div class="call-list-spacer" style={{ height: `${rows.length * ROW_HEIGHT}px` }}>
        {visible}
      </div>
    </div>
  );
}
