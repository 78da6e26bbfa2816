import type { RefObject } from 'preact';
import type { Severity } from '../../protocol/findings';
import type { InspectorStore } from './inspector-store';

const METHODS = ['page', 'track', 'identify', 'group', 'alias', 'screen', 'reset', 'setAnonymousId', 'user.anonymousId', 'user.id'];
const SEVERITIES: Severity[] = ['error', 'warning', 'info'];

export function Toolbar({ store, searchRef }: { store: InspectorStore; searchRef: RefObject<HTMLInputElement> }) {
  const filters = store.filters.value;
  const toggle = <T,>(list: readonly T[], item: T): T[] => (list.includes(item) ? list.filter((x) => x !== item) : [...list, item]);
  return (
    <div class="toolbar" role="toolbar" aria-label="Filters">
      <button
        type="button"
        class={`tool ${store.paused.value ? 'active' : ''}`}
        title={store.paused.value ? 'Resume live updates' : 'Pause live updates'}
        aria-pressed={store.paused.value}
        onClick={() => store.setPaused(!store.paused.value)}
      >
        {store.paused.value ? '▶' : '❚❚'}
      </button>
      <button type="button" class="tool" title="Clear" aria-label="Clear" onClick={() => store.clear()}>
        <svg width="12" height="12" viewBox="0 0 16 16" aria-hidden="true">
          <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" stroke-width="1.5" />
          <path d="M3.5 12.5l9-9" stroke="currentColor" stroke-width="1.5" />
        </svg>
      </button>
      <label class="tool-check" title="Keep calls across page loads">
        <input type="checkbox" checked={store.preserveLog.value} onChange={(e) => store.setPreserveLog((e.currentTarget as HTMLInputElement).checked)} />
        Preserve log
      </label>
      <input
        ref={searchRef}
        class="search"
        type="search"
        placeholder="Filter: event, ID, property value  (/)"
        aria-label="Filter calls"
        value={filters.text}
        onInput={(e) => store.setFilters({ text: (e.currentTarget as HTMLInputElement).value })}
      />
      <div class="chips" aria-label="Call types">
        {METHODS.map((method) => (
          <button type="button" class={`chip ${filters.methods.includes(method) ? 'active' : ''}`} aria-pressed={filters.methods.includes(method)} onClick={() => store.setFilters({ methods: toggle(filters.methods, method) })}>
            {method}
          </button>
        ))}
      </div>
      <div class="chips" aria-label="Severities">
        {SEVERITIES.map((severity) => (
          <button
            type="button"
            class={`chip severity-chip severity-${severity} ${filters.severities.includes(severity) ? 'active' : ''}`}
            aria-pressed={filters.severities.includes(severity)}
            onClick={() => store.setFilters({ severities: toggle(filters.severities, severity) })}
          >
            {severity}
          </button>
        ))}
      </div>
      <label class="tool-check">
        <input type="checkbox" checked={filters.onlyWithFindings} onChange={(e) => store.setFilters({ onlyWithFindings: (e.currentTarget as HTMLInputElement).checked })} />
        Only calls with findings
      </label>
      {filters.range ? (
        <button type="button" class="chip active" onClick={() => store.setFilters({ range: null })}>
          time range ✕
        </button>
      ) : null}
    </div>
  );
}
