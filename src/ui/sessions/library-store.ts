import { computed, signal } from '@preact/signals';
import type { Session } from '../../protocol/records';
import type { ExportFormat, StorageState } from '../../protocol/ui-messages';
import { makeRequest, type RequestFn } from '../request';

export type SortKey = 'startedAt' | 'title' | 'records' | 'findings';

/** The session library's state: the stored sessions, the selection, and what the user asked for. */
export function createLibraryStore(request: RequestFn, save: (fileName: string, mimeType: string, text: string) => void) {
  const sessions = signal<readonly Session[]>([]);
  const selected = signal<ReadonlySet<string>>(new Set());
  const opened = signal<string | null>(null);
  const query = signal('');
  const sort = signal<{ key: SortKey; descending: boolean }>({ key: 'startedAt', descending: true });
  const message = signal<{ kind: 'info' | 'error'; text: string } | null>(null);
  const busy = signal(false);
  /** Capture paused for lack of room, and sessions retention removed. */
  const storage = signal<StorageState | null>(null);

  const findingTotal = (s: Session) => (s.findingCounts ? s.findingCounts.error * 1_000_000 + s.findingCounts.warning * 1000 + s.findingCounts.info : 0);

  const visible = computed(() => {
    const text = query.value.trim().toLowerCase();
    const list = sessions.value.filter((s) => text === '' || `${s.title} ${s.pages[0]?.url ?? ''} ${s.id}`.toLowerCase().includes(text));
    const { key, descending } = sort.value;
    const value = (s: Session): number | string =>
      key === 'title' ? s.title.toLowerCase() : key === 'records' ? (s.callCount ?? s.recordCount) : key === 'findings' ? findingTotal(s) : s.startedAt;
    return [...list].sort((a, b) => {
      const [x, y] = [value(a), value(b)];
      const order = x < y ? -1 : x > y ? 1 : 0;
      return descending ? -order : order;
    });
  });

  async function refresh(): Promise<void> {
    const [response, state] = await Promise.all([request(makeRequest('list-sessions', {})), request(makeRequest('storage-state', {}))]);
    if (response.ok && 'sessions' in response) sessions.value = response.sessions;
    else if (!response.ok) message.value = { kind: 'error', text: response.error };
    if (state.ok && 'storage' in state) storage.value = state.storage;
  }

  async function exportSessions(ids: readonly string[] | 'all', format: ExportFormat, redact: boolean): Promise<void> {
    busy.value = true;
    try {
      const response = await request(makeRequest('export-sessions', { ids, format, redact }));
      if (response.ok && 'text' in response) {
        save(response.fileName, response.mimeType, response.text);
        message.value = { kind: 'info', text: `Exported ${response.fileName}` };
      } else if (!response.ok) message.value = { kind: 'error', text: response.error };
    } finally {
      busy.value = false;
    }
  }

  return {
    sessions,
    selected,
    opened,
    query,
    sort,
    message,
    busy,
    storage,
    visible,
    refresh,
    async dismissRetentionNotice(): Promise<void> {
      const response = await request(makeRequest('dismiss-retention-notice', {}));
      if (!response.ok) message.value = { kind: 'error', text: response.error };
      await refresh();
    },
    toggle(id: string) {
      const next = new Set(selected.value);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      selected.value = next;
    },
    open(id: string | null) {
      opened.value = id;
    },
    sortBy(key: SortKey) {
      sort.value = { key, descending: sort.value.key === key ? !sort.value.descending : key !== 'title' };
    },
    exportSelected: (format: ExportFormat, redact: boolean) => exportSessions([...selected.value], format, redact),
    exportAll: (format: ExportFormat, redact: boolean) => exportSessions('all', format, redact),
    async deleteSelected(): Promise<void> {
      const ids = [...selected.value];
      if (ids.length === 0) return;
      const response = await request(makeRequest('delete-sessions', { ids }));
      if (response.ok && 'deleted' in response) message.value = { kind: 'info', text: `Deleted ${response.deleted} session${response.deleted === 1 ? '' : 's'}.` };
      else if (!response.ok) message.value = { kind: 'error', text: response.error };
      if (opened.value !== null && ids.includes(opened.value)) opened.value = null;
      selected.value = new Set();
      await refresh();
    },
    /** Imports files one by one; each is all or nothing, and the first problem of a bad one is shown. */
    async importFiles(files: ReadonlyArray<{ name: string; size: number; text(): Promise<string> }>): Promise<void> {
      busy.value = true;
      try {
        for (const file of files) {
          if (file.size > 100 * 1024 * 1024) {
            message.value = { kind: 'error', text: `${file.name}: the file is ${Math.round(file.size / 1048576)} MB; Identity Lens imports files up to 100 MB.` };
            continue;
          }
          const response = await request(makeRequest('import-sessions', { text: await file.text() }));
          if (response.ok && 'imported' in response) message.value = { kind: 'info', text: `${file.name}: imported ${response.imported} session${response.imported === 1 ? '' : 's'}.` };
          else if (!response.ok) message.value = { kind: 'error', text: `${file.name}: ${response.error}` };
        }
        await refresh();
      } finally {
        busy.value = false;
      }
    },
  };
}

export type LibraryStore = ReturnType<typeof createLibraryStore>;
