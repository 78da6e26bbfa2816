import { signal } from '@preact/signals';
import type { StorageState, TabSummary } from '../../protocol/ui-messages';
import { makeRequest, type RequestFn } from '../request';

/** The popup's state: the active tab's summary, and its actions. */
export function createPopupStore(options: {
  request: RequestFn;
  tab: { id: number; url: string | null } | null;
  openLibrary: (sessionId: string | null) => void;
  openOptions?: () => void;
  save: (fileName: string, mimeType: string, text: string) => void;
}) {
  const summary = signal<TabSummary | null>(null);
  const error = signal<string | null>(null);
  const notice = signal<string | null>(null);
  /** Capture paused for lack of room, and sessions retention removed: shown above the tab's summary. */
  const storage = signal<StorageState | null>(null);
  const { request, tab } = options;

  async function loadStorage(): Promise<void> {
    const response = await request(makeRequest('storage-state', {}));
    if (response.ok && 'storage' in response) storage.value = response.storage;
  }

  async function load(): Promise<void> {
    void loadStorage().catch(() => undefined);
    if (!tab) {
      error.value = 'No active tab.';
      return;
    }
    const response = await request(makeRequest('tab-summary', { tabId: tab.id, url: tab.url }));
    if (response.ok && 'summary' in response) summary.value = response.summary;
    else if (!response.ok) error.value = response.error;
  }

  return {
    summary,
    error,
    notice,
    storage,
    load,
    openLibrary: () => options.openLibrary(summary.value?.session?.id ?? null),
    openOptions: options.openOptions,
    async dismissRetentionNotice(): Promise<void> {
      const response = await request(makeRequest('dismiss-retention-notice', {}));
      if (!response.ok) error.value = response.error;
      await loadStorage();
    },
    async exportSession(): Promise<void> {
      const id = summary.value?.session?.id;
      if (!id) return;
      const response = await request(makeRequest('export-sessions', { ids: [id], format: 'json', redact: false }));
      if (response.ok && 'text' in response) {
        options.save(response.fileName, response.mimeType, response.text);
        notice.value = `Saved ${response.fileName}`;
      } else if (!response.ok) error.value = response.error;
    },
    async clearSession(): Promise<void> {
      const id = summary.value?.session?.id;
      if (!id) return;
      const response = await request(makeRequest('delete-sessions', { ids: [id] }));
      if (!response.ok) error.value = response.error;
      await load();
    },
    async setCapture(enabled: boolean): Promise<void> {
      const origin = summary.value?.origin;
      if (!origin) return;
      const response = await request(makeRequest('set-capture', { origin, enabled }));
      if (!response.ok) error.value = response.error;
      await load();
    },
  };
}

export type PopupStore = ReturnType<typeof createPopupStore>;
