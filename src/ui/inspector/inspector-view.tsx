import { useEffect, useRef, useState } from 'preact/hooks';
import { CallList } from './call-list';
import { DetailPane } from './detail-pane';
import { FindingsPane } from './findings-pane';
import type { InspectorStore } from './inspector-store';
import { IdentityBar } from './identity-bar';
import type { ViewPlatform } from './platform';
import { StoragePane } from './storage-pane';
import { TimelineView } from './timeline-view';
import { Toolbar } from './toolbar';
import { CapturePausedNote } from '../storage-notices';

type Tab = 'details' | 'findings' | 'storage';

function EmptyState({ store }: { store: InspectorStore }) {
  if (store.status.value !== 'live') return <p class="empty">Connecting to Identity Lens…</p>;
  return (
    <div class="empty empty-session">
      <p>
        <strong>No Segment calls captured on this tab yet.</strong>
      </p>
      <p>Reload the page with DevTools open, or check that analytics.js is loaded (window.analytics, or an npm build of @segment/analytics-next).</p>
    </div>
  );
}

/** The inspector: identity bar, timeline, call list, and the detail, findings and storage panes. */
export function InspectorView({ store, platform, showCaptureStatus = true }: { store: InspectorStore; platform: ViewPlatform; showCaptureStatus?: boolean }) {
  const [tab, setTab] = useState<Tab>('details');
  const searchRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const inField = event.target instanceof HTMLElement && ['INPUT', 'TEXTAREA'].includes(event.target.tagName);
      if (event.key === '/' && !inField) {
        event.preventDefault();
        searchRef.current?.focus();
      } else if (event.key === 'Escape' && event.target === searchRef.current) {
        store.setFilters({ text: '' });
        searchRef.current?.blur();
      } else if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && !inField) {
        event.preventDefault();
        store.move(event.key === 'ArrowDown' ? 1 : -1);
        setTab('details');
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [store]);

  const hasCalls = store.rows.value.some((row) => row.kind === 'call');
  const counts = store.counts.value;
  return (
    <div class="inspector">
      <IdentityBar store={store} platform={platform} />
      {showCaptureStatus ? <CapturePausedNote status={store.captureStatus.value} /> : null}
      <Toolbar store={store} searchRef={searchRef} />
      {hasCalls ? <TimelineView store={store} /> : null}
      <div class="main">
        <div class="list-pane">{hasCalls ? <CallList store={store} /> : <EmptyState store={store} />}</div>
        <div class="side-pane">
          <div class="tabs" role="tablist">
            {(['details', 'findings', 'storage'] as const).map((name) => (
              <button type="button" role="tab" aria-selected={tab === name} class={`tab ${tab === name ? 'active' : ''}`} onClick={() => setTab(name)}>
                {name === 'findings' ? `findings (${counts.error + counts.warning + counts.info})` : name}
              </button>
            ))}
          </div>
          <div class="tab-body" role="tabpanel">
            {tab === 'details' ? <DetailPane store={store} platform={platform} /> : null}
            {tab === 'findings' ? (
              <FindingsPane
                store={{
                  ...store,
                  select: (id: string | null) => {
                    store.select(id);
                    setTab('details');
                  },
                }}
              />
            ) : null}
            {tab === 'storage' ? <StoragePane store={store} platform={platform} /> : null}
          </div>
        </div>
      </div>
    </div>
  );
}
