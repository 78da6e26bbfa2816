import { describe, expect, it } from 'vitest';
import type { Session } from '../../../src/protocol/records';
import type { UiRequest, UiResponse } from '../../../src/protocol/ui-messages';
import { createPopupStore } from '../../../src/ui/popup/popup-store';
import { createLibraryStore } from '../../../src/ui/sessions/library-store';

const session = (id: string, title: string, startedAt: number, calls: number, errors = 0): Session => ({
  id,
  tabId: 1,
  title,
  startedAt,
  endedAt: null,
  pages: [{ url: `https://${title}/`, startedAt }],
  currentUrl: null,
  recordCount: calls * 3,
  apiHosts: [],
  callCount: calls,
  findingCounts: { error: errors, warning: 0, info: 0 },
});

function fakeBackground(sessions: Session[]) {
  const asked: UiRequest[] = [];
  const request = async (message: UiRequest): Promise<UiResponse> => {
    asked.push(message);
    switch (message.type) {
      case 'list-sessions':
        return { ok: true, sessions };
      case 'delete-sessions':
        sessions = sessions.filter((s) => !message.ids.includes(s.id));
        return { ok: true, deleted: message.ids.length };
      case 'import-sessions':
        return message.text.startsWith('{') ? { ok: true, imported: 1 } : { ok: false, error: 'Not valid JSON at line 1, column 1: Unexpected token' };
      case 'export-sessions':
        return { ok: true, fileName: 'x.identity-lens.json', mimeType: 'application/json', text: '{}' };
      case 'tab-summary':
        return { ok: false, error: 'No such tab' };
      default:
        return { ok: true };
    }
  };
  return { request, asked };
}

describe('library store', () => {
  it('searches and sorts sessions', async () => {
    const { request } = fakeBackground([session('a', 'alpha.example', 3, 10), session('b', 'beta.example', 1, 50, 2), session('c', 'gamma.example', 2, 5)]);
    const store = createLibraryStore(request, () => {});
    await store.refresh();
    expect(store.visible.value.map((s) => s.id)).toEqual(['a', 'c', 'b']);
    store.sortBy('records');
    expect(store.visible.value.map((s) => s.id)).toEqual(['b', 'a', 'c']);
    store.sortBy('findings');
    expect(store.visible.value[0]?.id).toBe('b');
    store.query.value = 'GAMMA';
    expect(store.visible.value.map((s) => s.id)).toEqual(['c']);
  });

  it('exports all or the selection, deletes the selection, and reports a refused import by file name', async () => {
    const { request, asked } = fakeBackground([session('a', 'alpha.example', 3, 10), session('b', 'beta.example', 1, 50)]);
    const saved: string[] = [];
    const store = createLibraryStore(request, (name) => saved.push(name));
    await store.refresh();
    await store.exportAll('json', true);
    expect(asked.at(-1)).toMatchObject({ type: 'export-sessions', ids: 'all', format: 'json', redact: true });
    expect(saved).toEqual(['x.identity-lens.json']);
    store.toggle('b');
    await store.exportSelected('har', false);
    expect(asked.at(-1)).toMatchObject({ ids: ['b'], format: 'har' });
    await store.deleteSelected();
    expect(store.sessions.value.map((s) => s.id)).toEqual(['a']);
    await store.importFiles([{ name: 'bad.json', size: 3, text: async () => 'nop' }]);
    expect(store.message.value).toEqual({ kind: 'error', text: 'bad.json: Not valid JSON at line 1, column 1: Unexpected token' });
    await store.importFiles([{ name: 'huge.json', size: 200 * 1024 * 1024, text: async () => '{}' }]);
    expect(store.message.value?.text).toMatch(/^huge\.json: the file is 200 MB/);
  });
});

describe('popup store', () => {
  it('shows the background’s error instead of a summary', async () => {
    const { request } = fakeBackground([]);
    const store = createPopupStore({ request, tab: { id: 4, url: 'https://shop.example/' }, openLibrary: () => {}, save: () => {} });
    await store.load();
    expect(store.error.value).toBe('No such tab');
    const noTab = createPopupStore({ request, tab: null, openLibrary: () => {}, save: () => {} });
    await noTab.load();
    expect(noTab.error.value).toBe('No active tab.');
  });
});
