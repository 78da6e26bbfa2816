import { useState } from 'preact/hooks';

/** A collapsible JSON tree. Every value is rendered as text: page data is never interpreted. */
export function JsonTree({ value, label, depth = 0 }: { value: unknown; label?: string; depth?: number }) {
  const [open, setOpen] = useState(depth < 1);
  const isObject = typeof value === 'object' && value !== null;
  if (!isObject) {
    return (
      <div class="json-row">
        {label !== undefined ? <span class="json-key">{label}: </span> : null}
        <span class={`json-${value === null ? 'null' : typeof value}`}>{typeof value === 'string' ? JSON.stringify(value) : String(value)}</span>
      </div>
    );
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
  const marker = !Array.isArray(value) && typeof (value as { $il?: unknown }).$il === 'string' ? `‹${String((value as { $il: string }).$il)}›` : null;
  return (
    <div class="json-node">
      <button type="button" class="json-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span class="json-arrow">{open ? '▾' : '▸'}</span>
        {label !== undefined ? <span class="json-key">{label}: </span> : null}
        <span class="json-summary">{marker ?? (Array.isArray(value) ? `Array(${entries.length})` : `{${entries.length}}`)}</span>
      </button>
      {open ? (
        <div class="json-children">
          {entries.map(([key, child]) => (
            <JsonTree key={key} label={key} value={child} depth={depth + 1} />
          ))}
        </div>
      ) : null}
    </div>
  );
}
