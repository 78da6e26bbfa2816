import { useSignal } from '@preact/signals';
import { useEffect, useMemo } from 'preact/hooks';
import type { ExportFormat } from '../../protocol/ui-messages';
import { createInspectorStore, type InspectorTransport } from '../inspector/inspector-store';
import { InspectorView } from '../inspector/inspector-view';
import type { ViewPlatform } from '../inspector/platform';
import { CapturePausedNote, RetentionNoticeNote } from '../storage-notices';
import type { LibraryStore, SortKey } from './library-store';

const when = (ms: number | null) => (ms === null ? 'open' : new Date(ms).toLocaleString());

function SortHeader({ store, label, sortKey }: { store: LibraryStore; label: string; sortKey: SortKey }) {
  const sort = store.sort.value;
  const arrow = sort.key === sortKey ? (sort.descending ? ' ▾' : ' ▴') : '';
  return (
    <th aria-sort={sort.key === sortKey ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
      <button type="button" class="sort" onClick={() => store.sortBy(sortKey)}>
        {label}
        {arrow}
      </button>
    </th>
  );
}

function OpenedSession({ sessionId, transport, platform }: { sessionId: string; transport: InspectorTransport; platform: ViewPlatform }) {
  const store = useMemo(() => createInspectorStore({ transport, target: { sessionId }, platform: { setTimer: (callback, ms) => setTimeout(callback, ms) } }), [sessionId]);
  useEffect(() => () => store.dispose(), [store]);
  // The library says whether capture is paused above its list already.
  return <InspectorView store={store} platform={platform} showCaptureStatus={false} />;
}

/** Every stored session: search, sort, open in the inspector, delete, import, export. */
export function LibraryView({ store, transport, platform, openOptions }: { store: LibraryStore; transport: InspectorTransport; platform: ViewPlatform; openOptions?: () => void }) {
  const format = useSignal<ExportFormat>('json');
  const redact = useSignal(false);
  const dragging = useSignal(false);
  const selected = store.selected.value;
  const opened = store.opened.value;
  const sessions = store.visible.value;

  const onFiles = (list: FileList | null) => {
    if (list && list.length > 0) void store.importFiles([...list]);
  };

  return (
    <div
      class={`library${dragging.value ? ' dragging' : ''}`}
      onDragOver={(event) => {
        event.preventDefault();
        dragging.value = true;
      }}
      onDragLeave={() => (dragging.value = false)}
      onDrop={(event) => {
        event.preventDefault();
        dragging.value = false;
        onFiles(event.dataTransfer?.files ?? null);
      }}
    >
      <header class="library-bar">
        <h1>Sessions</h1>
        <input class="search" type="search" placeholder="Search title, URL, id" aria-label="Search sessions" value={store.query.value} onInput={(e) => (store.query.value = (e.currentTarget as HTMLInputElement).value)} />
        <label class="tool-check">
          Format
          <select aria-label="Export format" value={format.value} onChange={(e) => (format.value = (e.currentTarget as HTMLSelectElement).value as ExportFormat)}>
            <option value="json">Identity Lens JSON</option>
            <option value="ndjson">Segment messages (NDJSON)</option>
            <option value="har">HAR</option>
          </select>
        </label>
        <label class="tool-check">
          <input type="checkbox" checked={redact.value} onChange={(e) => (redact.value = (e.currentTarget as HTMLInputElement).checked)} />
          Redact
        </label>
        <button type="button" disabled={selected.size === 0 || store.busy.value} onClick={() => void store.exportSelected(format.value, redact.value)}>
          Export selected
        </button>
        <button type="button" disabled={store.sessions.value.length === 0 || store.busy.value} onClick={() => void store.exportAll(format.value, redact.value)}>
          Export all
        </button>
        <label class="button-like">
          Import…
          <input type="file" accept=".json,application/json" multiple hidden onChange={(e) => onFiles((e.currentTarget as HTMLInputElement).files)} />
        </label>
        <button type="button" disabled={selected.size === 0} onClick={() => void store.deleteSelected()}>
          Delete
        </button>
      </header>
      <CapturePausedNote status={store.storage.value?.capture ?? null} openOptions={openOptions} />
      <RetentionNoticeNote notice={store.storage.value?.notice ?? null} onDismiss={() => void store.dismissRetentionNotice()} openOptions={openOptions} />
      {store.message.value ? (
        <p class={`notice notice-${store.message.value.kind}`} role={store.message.value.kind === 'error' ? 'alert' : 'status'}>
          {store.message.value.text}
        </p>
      ) : null}
      <div class="library-main">
        <div class="session-table-wrap">
          {store.sessions.value.length === 0 ? (
            <p class="empty">No sessions yet. Browse a site that uses Segment with Identity Lens on, or import an .identity-lens.json file (drop it here).</p>
          ) : (
            <table class="session-table">
              <thead>
                <tr>
                  <th />
                  <SortHeader store={store} label="Session" sortKey="title" />
                  <SortHeader store={store} label="Started" sortKey="startedAt" />
                  <th>Ended</th>
                  <SortHeader store={store} label="Calls" sortKey="records" />
                  <SortHeader store={store} label="Findings" sortKey="findings" />
                </tr>
              </thead>
              <tbody>
                {sessions.map((session) => (
                  <tr class={session.id === opened ? 'opened' : ''} data-session={session.id}>
                    <td>
                      <input type="checkbox" aria-label={`Select ${session.title}`} checked={selected.has(session.id)} onChange={() => store.toggle(session.id)} />
                    </td>
                    <td>
                      <button type="button" class="link session-title" onClick={() => store.open(session.id)}>
                        {session.title}
                      </button>
                      {(session as { imported?: boolean }).imported ? <span class="queued">imported</span> : null}
                      <div class="muted session-url">{session.pages[0]?.url ?? ''}</div>
                    </td>
                    <td>{when(session.startedAt)}</td>
                    <td>{when(session.endedAt)}</td>
                    <td title={`${session.recordCount} records`}>{session.callCount ?? '—'}</td>
                    <td class="counts">
                      <span class="count-error">✖ {session.findingCounts?.error ?? 0}</span> <span class="count-warning">▲ {session.findingCounts?.warning ?? 0}</span>{' '}
                      <span class="count-info">● {session.findingCounts?.info ?? 0}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        {opened !== null ? (
          <div class="opened-session">
            <OpenedSession sessionId={opened} transport={transport} platform={platform} />
          </div>
        ) : null}
      </div>
    </div>
  );
}
