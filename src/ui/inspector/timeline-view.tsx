import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Transition } from '../../core/identity/identity-model';
import type { Cloned } from '../../protocol/records';
import type { InspectorStore } from './inspector-store';
import { CAUSE_LABELS, colourOf, shortId } from './format';

const LANES = { pages: 14, anonymousId: 34, userId: 58, traits: 82, calls: 104, findings: 122 } as const;
const HEIGHT = 136;
const LEFT = 78;

interface Segment {
  readonly from: number;
  readonly to: number;
  readonly value: string | null;
  readonly cause: string | null;
}

/** Consecutive values of one identity field, from the transitions that changed it. */
function segmentsOf(transitions: readonly Transition[], field: 'anonymousId' | 'userId' | 'traits', start: number, end: number): Segment[] {
  const out: Segment[] = [];
  let value: string | null = null;
  let from = start;
  let cause: string | null = null;
  const show = (v: Cloned): string | null =>
    field === 'traits' ? `${Object.keys((v as Record<string, unknown> | null) ?? {}).length} traits` : typeof v === 'string' ? v : null;
  for (const transition of transitions) {
    const change = transition.changes.find((c) => c.field === field);
    if (!change) continue;
    out.push({ from, to: transition.at, value, cause });
    value = show(change.to);
    from = transition.at;
    cause = CAUSE_LABELS[change.cause] ?? change.cause;
  }
  out.push({ from, to: end, value, cause });
  return out.filter((s) => s.to > s.from || s.value !== null);
}

/**
 * The session drawn like the guide's illustrations: time runs left to right, one
 * lane per identity field with each distinct ID in its own colour, calls and
 * findings as marks, page loads as boundaries. Marks are gathered per pixel, so
 * 100,000 records draw as fast as 100. Wheel zooms, dragging selects a time range
 * that filters the call list, double-click resets.
 */
export function TimelineView({ store }: { store: InspectorStore }) {
  const host = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(900);
  const [zoom, setZoom] = useState<readonly [number, number] | null>(null);
  const [drag, setDrag] = useState<{ from: number; to: number } | null>(null);
  const version = store.version.value;
  const transitions = store.timeline.value;
  const rows = store.rows.value;
  const findings = store.findings.value;
  const range = store.filters.value.range;

  useEffect(() => {
    const element = host.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setWidth(Math.max(320, element.clientWidth)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const records = store.records();
  const first = records[0]?.at ?? 0;
  const last = records[records.length - 1]?.at ?? first + 1;
  const [t0, t1] = zoom ?? [first, Math.max(last, first + 1)];
  const plot = width - LEFT - 8;
  const x = (t: number) => LEFT + ((t - t0) / (t1 - t0)) * plot;
  const timeAt = (px: number) => t0 + ((px - LEFT) / plot) * (t1 - t0);

  const drawn = useMemo(() => {
    const callBuckets = new Map<number, { count: number; id: string; label: string }>();
    const pages: Array<{ x: number; label: string; id: string }> = [];
    for (const row of rows) {
      if (row.kind === 'page') {
        if (row.at >= t0 && row.at <= t1) pages.push({ x: x(row.at), label: pathOf(row.url), id: row.id });
        continue;
      }
      if (row.call.at < t0 || row.call.at > t1) continue;
      const bucket = Math.round(x(row.call.at));
      const known = callBuckets.get(bucket);
      if (known) known.count += 1;
      else callBuckets.set(bucket, { count: 1, id: row.id, label: `${row.call.method} ${String(row.call.args[0] ?? '')}`.slice(0, 80) });
    }
    const findingBuckets = new Map<number, { severity: string; messages: string[]; recordId: string }>();
    const rank = { error: 0, warning: 1, info: 2 } as const;
    for (const finding of findings) {
      if (finding.at < t0 || finding.at > t1) continue;
      const bucket = Math.round(x(finding.at));
      const known = findingBuckets.get(bucket);
      if (!known) findingBuckets.set(bucket, { severity: finding.severity, messages: [finding.message], recordId: finding.recordIds[0] ?? '' });
      else {
        known.messages.push(finding.message);
        if (rank[finding.severity] < rank[known.severity as keyof typeof rank]) known.severity = finding.severity;
      }
    }
    return { callBuckets, findingBuckets, pages };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [version, rows, findings, t0, t1, width]);

  const lanes = (['anonymousId', 'userId', 'traits'] as const).map((field) => ({
    field,
    segments: segmentsOf(transitions, field, first, Math.max(last, first + 1)),
  }));

  const onWheel = (event: WheelEvent) => {
    event.preventDefault();
    const box = (event.currentTarget as SVGElement).getBoundingClientRect();
    const center = timeAt(event.clientX - box.left);
    const factor = event.deltaY > 0 ? 1.25 : 0.8;
    const next: [number, number] = [center - (center - t0) * factor, center + (t1 - center) * factor];
    setZoom(next[1] - next[0] >= (last - first) * 1.001 ? null : [Math.max(first, next[0]), Math.min(Math.max(last, first + 1), next[1])]);
  };
  const pointerX = (event: PointerEvent) => event.clientX - (event.currentTarget as SVGElement).getBoundingClientRect().left;

  if (records.length === 0) return <div class="timeline timeline-empty" ref={host} />;

  return (
    <div class="timeline" ref={host}>
      <svg
        width={width}
        height={HEIGHT}
        role="img"
        aria-label="Identity timeline"
        onWheel={onWheel}
        onDblClick={() => {
          setZoom(null);
          store.setFilters({ range: null });
        }}
        onPointerDown={(event) => {
          const px = pointerX(event);
          if (px >= LEFT) setDrag({ from: px, to: px });
        }}
        onPointerMove={(event) => {
          if (drag) setDrag({ ...drag, to: pointerX(event) });
        }}
        onPointerUp={() => {
          if (drag && Math.abs(drag.to - drag.from) > 4) {
            const a = timeAt(Math.min(drag.from, drag.to));
            const b = timeAt(Math.max(drag.from, drag.to));
            store.setFilters({ range: [a, b] });
          }
          setDrag(null);
        }}
      >
        {(['anonymousId', 'userId', 'traits'] as const).map((field) => (
          <text class="lane-label" x={4} y={LANES[field] + 4}>
            {field}
          </text>
        ))}
        <text class="lane-label" x={4} y={LANES.calls + 4}>
          calls
        </text>
        <text class="lane-label" x={4} y={LANES.findings + 4}>
          findings
        </text>
        {lanes.map(({ field, segments }) => {
          // Cause labels are spaced per lane so they never overprint each other.
          let lastLabelX = -Infinity;
          return segments.map((segment) => {
            const left = Math.max(LEFT, x(segment.from));
            const right = Math.min(width - 8, x(segment.to));
            if (right < LEFT || left > width) return null;
            const label = segment.cause !== null && left - lastLabelX > 70 && left > LEFT + 2;
            if (label) lastLabelX = left;
            return (
              <g class={`segment segment-${field}`} data-value={segment.value ?? ''}>
                <rect
                  x={left}
                  y={LANES[field] - 7}
                  width={Math.max(1, right - left)}
                  height={14}
                  rx={2}
                  fill={segment.value === null ? 'var(--lane-empty)' : field === 'traits' ? 'var(--lane-traits)' : colourOf(segment.value)}
                >
                  <title>{`${field}: ${segment.value ?? 'none'}${segment.cause ? ` (${segment.cause})` : ''}`}</title>
                </rect>
                {right - left > 60 && segment.value !== null ? (
                  <text class="segment-text" x={left + 4} y={LANES[field] + 4}>
                    {field === 'traits' ? segment.value : shortId(segment.value)}
                  </text>
                ) : null}
                {label ? (
                  <text class="cause" x={left + 2} y={LANES[field] - 9}>
                    {segment.cause}
                  </text>
                ) : null}
              </g>
            );
          });
        })}
        {drawn.pages.map((page) => (
          <g class="page-boundary">
            <line x1={page.x} x2={page.x} y1={4} y2={HEIGHT - 2} />
            <text x={page.x + 3} y={LANES.pages - 2}>
              {page.label}
            </text>
          </g>
        ))}
        {[...drawn.callBuckets].map(([bucket, mark]) => (
          <rect class="call-mark" x={bucket - 0.5} y={LANES.calls - 6} width={2} height={12} onClick={() => store.select(mark.id)}>
            <title>{mark.count > 1 ? `${mark.count} calls` : mark.label}</title>
          </rect>
        ))}
        {[...drawn.findingBuckets].map(([bucket, mark]) => (
          <circle class={`finding-mark severity-${mark.severity}`} cx={bucket} cy={LANES.findings} r={4} onClick={() => store.select(mark.recordId)}>
            <title>{mark.messages.join('\n')}</title>
          </circle>
        ))}
        {range ? <rect class="brush" x={x(range[0])} y={2} width={Math.max(1, x(range[1]) - x(range[0]))} height={HEIGHT - 4} /> : null}
        {drag ? <rect class="brush" x={Math.min(drag.from, drag.to)} y={2} width={Math.abs(drag.to - drag.from)} height={HEIGHT - 4} /> : null}
      </svg>
    </div>
  );
}

function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname + (parsed.search.length > 30 ? `${parsed.search.slice(0, 30)}…` : parsed.search);
  } catch {
    return url;
  }
}
