// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import type { CaptureStatus, RetentionNotice, StorageState, UiRequest, UiResponse } from '../../../src/protocol/ui-messages';
import { createInspectorStore } from '../../../src/ui/inspector/inspector-store';
import { InspectorView } from '../../../src/ui/inspector/inspector-view';
import type { ViewPlatform } from '../../../src/ui/inspector/platform';
import { createPopupStore } from '../../../src/ui/popup/popup-store';
import { PopupView } from '../../../src/ui/popup/popup-view';
import { createLibraryStore } from '../../../src/ui/sessions/library-store';
import { LibraryView } from '../../../src/ui/sessions/library-view';
import { createFakeUiTransport } from '../helpers/fake-ui-transport';

afterEach(() => cleanup());

const platform: ViewPlatform = { copy: () => undefined, now: () => 1_790_000_100_000 };
const paused: CaptureStatus = { state: 'paused-storage-full', since: 1_790_000_000_000, error: 'QuotaExceededError: Encountered full disk' };
const evicted: RetentionNotice = { at: 1_790_000_000_000, evicted: 3, reason: 'sessions', maxSessions: 100, maxMegabytes: 500 };

/** A background holding a capture status and a notice; it answers the popup's and the library's requests. */
function fakeBackground(storage: StorageState) {
  const asked: UiRequest['type'][] = [];
  let state = storage;
  const request = async (message: UiRequest): Promise<UiResponse> => {
    asked.push(message.type);
    switch (message.type) {
      case 'storage-state':
        return { ok: true, storage: state };
      case 'dismiss-retention-notice':
        state = { ...state, notice: null };
        return { ok: true };
      case 'list-sessions':
        return { ok: true, sessions: [] };
      case 'tab-summary':
        return {
          ok: true,
          summary: {
            session: null,
            identity: { anonymousId: null, userId: null, groupId: null, traits: {}, storedIn: { anonymousId: [], userId: [] }, cookieExpiry: { anonymousId: null, userId: null } },
            counts: { error: 0, warning: 0, info: 0 },
            topFindings: [],
            callCount: 0,
            origin: 'https://shop.example',
            captureEnabled: true,
          },
        };
      default:
        return { ok: true };
    }
  };
  return { request, asked };
}

describe('popup', () => {
  it('says capture is paused and what to do, and shows the retention notice until it is dismissed', async () => {
    const background = fakeBackground({ capture: paused, notice: evicted });
    let optionsOpened = 0;
    const store = createPopupStore({ request: background.request, tab: { id: 4, url: 'https://shop.example/' }, openLibrary: () => {}, openOptions: () => void (optionsOpened += 1), save: () => {} });
    render(<PopupView store={store} platform={platform} />);
    await act(() => store.load());
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('Capture paused since'));
    expect(screen.getByRole('alert').textContent).toContain('Delete sessions in the session library, or lower the storage limits in Options.');
    expect(screen.getByRole('status').textContent).toContain('The 3 oldest sessions were removed to keep within 100 sessions / 500 MB.');
    fireEvent.click(screen.getByText('Change in Options'));
    expect(optionsOpened).toBe(1);
    fireEvent.click(screen.getByText('Dismiss'));
    await waitFor(() => expect(screen.queryByRole('status')).toBeNull());
    expect(background.asked).toContain('dismiss-retention-notice');
  });

  it('says the summary waits for room when storage cannot be read while paused, keeping the browser\'s words at hand', async () => {
    const background = fakeBackground({ capture: paused, notice: null });
    const request = async (message: UiRequest): Promise<UiResponse> =>
      message.type === 'tab-summary' ? { ok: false, error: 'Internal error opening backing store for indexedDB.open.' } : background.request(message);
    const store = createPopupStore({ request, tab: { id: 4, url: 'https://shop.example/' }, openLibrary: () => {}, save: () => {} });
    render(<PopupView store={store} platform={platform} />);
    await act(() => store.load());
    await waitFor(() => expect(screen.getByText("This tab's summary can be read again once there is room.")).toBeTruthy());
    expect(screen.getByText("This tab's summary can be read again once there is room.").getAttribute('title')).toBe('Internal error opening backing store for indexedDB.open.');
    expect(screen.getAllByRole('alert').map((a) => a.className)).toEqual(['capture-paused']);
  });

  it('shows neither when capture runs and nothing was removed', async () => {
    const background = fakeBackground({ capture: { state: 'capturing' }, notice: null });
    const store = createPopupStore({ request: background.request, tab: { id: 4, url: 'https://shop.example/' }, openLibrary: () => {}, save: () => {} });
    render(<PopupView store={store} platform={platform} />);
    await act(() => store.load());
    await waitFor(() => expect(screen.getByText('Capture on this site')).toBeTruthy());
    expect(document.querySelector('.capture-paused')).toBeNull();
    expect(document.querySelector('.retention-notice')).toBeNull();
  });
});

describe('session library', () => {
  it('shows the notice for sessions removed by the browser refusing to store more, and the pause', async () => {
    const background = fakeBackground({ capture: paused, notice: { ...evicted, evicted: 1, reason: 'storage-full' } });
    const store = createLibraryStore(background.request, () => {});
    render(<LibraryView store={store} transport={createFakeUiTransport().transport} platform={platform} />);
    await act(() => store.refresh());
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('The oldest session was removed because the browser had no room to store more.'));
    expect(screen.getByRole('alert').textContent).toContain('Capture paused');
    fireEvent.click(screen.getByText('Dismiss'));
    await waitFor(() => expect(document.querySelector('.retention-notice')).toBeNull());
  });
});

describe('panel', () => {
  it('shows the pause as the background reports it, and clears it when capture resumes', () => {
    const fake = createFakeUiTransport();
    const store = createInspectorStore({ transport: fake.transport, target: { tabId: 7 }, platform: { setTimer: () => undefined } });
    render(<InspectorView store={store} platform={platform} />);
    expect(document.querySelector('.capture-paused')).toBeNull();
    act(() => fake.push({ type: 'capture-status', status: paused }));
    const note = screen.getByRole('alert');
    expect(note.textContent).toContain('the browser has no room to store more');
    expect(note.getAttribute('title')).toBe('QuotaExceededError: Encountered full disk');
    act(() => fake.push({ type: 'capture-status', status: { state: 'capturing' } }));
    expect(document.querySelector('.capture-paused')).toBeNull();
  });
});
