// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluateSession } from '../../../src/core/engine';
import { createInspectorStore, type InspectorStore } from '../../../src/ui/inspector/inspector-store';
import { InspectorView } from '../../../src/ui/inspector/inspector-view';
import type { ViewPlatform } from '../../../src/ui/inspector/platform';
import { createFakeUiTransport, sessionOf } from '../helpers/fake-ui-transport';
import { createSessionBuilder } from '../helpers/session-builder';

afterEach(() => cleanup());

const copied: string[] = [];
const platform: ViewPlatform = { copy: (text) => copied.push(text), now: () => 1_790_000_100_000 };

function demoSession() {
  const s = createSessionBuilder();
  s.page.instanceRecord();
  s.page.page();
  s.page.identify(null, { firstName: '<img src=x onerror=alert(1)>' });
  s.page.identify('97980cfea0067', { plan: 'premium' });
  s.page.track('Signed Up', { plan: 'premium' });
  s.page.identify('user-2-b6f1');
  s.navigate('/cart');
  s.page.track('Product Added', { sku: 'LCC-ESP-250' });
  return s;
}

function mount(records = demoSession().records) {
  const fake = createFakeUiTransport();
  const timers: Array<() => void> = [];
  const store = createInspectorStore({ transport: fake.transport, target: { tabId: 7 }, platform: { setTimer: (callback) => timers.push(callback) } });
  const { session, records: captured } = sessionOf(records);
  const { findings } = evaluateSession(captured, { ended: false });
  fake.push({ type: 'snapshot', session, findings, records: captured, done: true });
  render(<InspectorView store={store} platform={platform} />);
  return { store, fake, timers, captured, findings };
}

const callRows = () => screen.getAllByRole('row').filter((row) => row.classList.contains('call-row'));

describe('inspector', () => {
  it('subscribes to its tab and lists one row per call with page separators', () => {
    const { fake } = mount();
    expect(fake.sent).toEqual([{ type: 'subscribe', target: { tabId: 7 } }]);
    const rows = screen.getAllByRole('row');
    expect(rows.map((r) => (r.classList.contains('page-row') ? '⤷ /cart' : r.querySelector('.method')?.textContent))).toEqual([
      'page',
      'identify',
      'identify',
      'track',
      'identify',
      '⤷ /cart',
      'track',
    ]);
    expect(within(callRows()[4] as HTMLElement).getByText('user-2-b6f1')).toBeTruthy();
  });

  it('shows the identity now, with copy buttons and the findings count', () => {
    const { findings } = mount();
    const bar = screen.getByLabelText('Current identity');
    expect(within(bar).getByTitle('user-2-b6f1')).toBeTruthy();
    fireEvent.click(within(bar).getByLabelText('Copy userId'));
    expect(copied).toContain('user-2-b6f1');
    expect(bar.textContent).toContain(`✖ ${findings.filter((f) => f.severity === 'error').length}`);
  });

  it('selects a call on click and with the arrow keys, and shows its detail', () => {
    const { store } = mount();
    fireEvent.click(callRows()[3] as HTMLElement);
    expect(screen.getByText('track()')).toBeTruthy();
    expect(screen.getAllByText('"Signed Up"').length).toBeGreaterThan(0);
    fireEvent.keyDown(document, { key: 'ArrowDown' });
    expect(store.selected.value?.kind === 'call' && store.selected.value.args[0]).toBe('user-2-b6f1');
    // The identity change this identify caused, with its cause.
    expect(screen.getAllByText('userId change', { selector: 'td' }).length).toBeGreaterThanOrEqual(2);
    // The traits the new user did not inherit, as a diff.
    expect(screen.getByText('plan: "premium"', { exact: false }).closest('li')?.className).toBe('diff-removed');
    fireEvent.keyDown(document, { key: 'ArrowUp' });
    expect(store.selected.value?.kind === 'call' && store.selected.value.args[0]).toBe('Signed Up');
  });

  it('filters by text, by call type, by severity and to calls with findings; / focuses the search and Esc clears it', () => {
    mount();
    fireEvent.keyDown(document, { key: '/' });
    const search = screen.getByLabelText('Filter calls') as HTMLInputElement;
    expect(document.activeElement).toBe(search);
    fireEvent.input(search, { target: { value: 'lcc-esp' } });
    expect(callRows().map((r) => r.textContent)).toEqual([expect.stringContaining('Product Added')]);
    fireEvent.keyDown(search, { key: 'Escape' });
    expect(callRows()).toHaveLength(6);
    fireEvent.click(screen.getByRole('button', { name: 'identify' }));
    expect(callRows().every((r) => r.querySelector('.method')?.textContent === 'identify')).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'identify' }));
    fireEvent.click(screen.getByRole('button', { name: 'error' }));
    expect(callRows().map((r) => r.querySelector('.label')?.textContent)).toEqual(['user-2-b6f1']);
    fireEvent.click(screen.getByRole('button', { name: 'error' }));
    fireEvent.click(screen.getByLabelText('Only calls with findings'));
    expect(callRows().length).toBeGreaterThan(0);
    expect(callRows().length).toBeLessThan(6);
  });

  it('draws the identity lanes with one segment per distinct ID and the cause of each change', () => {
    mount();
    const svg = screen.getByRole('img', { name: 'Identity timeline' });
    const anonymous = [...svg.querySelectorAll('.segment-anonymousId')].map((g) => g.getAttribute('data-value')).filter(Boolean);
    expect(anonymous).toEqual(['anon-1', 'anon-2']);
    const users = [...svg.querySelectorAll('.segment-userId')].map((g) => g.getAttribute('data-value')).filter(Boolean);
    expect(users).toEqual(['97980cfea0067', 'user-2-b6f1']);
    expect([...svg.querySelectorAll('.cause')].map((t) => t.textContent)).toEqual(expect.arrayContaining(['generated', 'identify', 'userId change']));
    expect(svg.querySelectorAll('.page-boundary')).toHaveLength(1);
    expect(svg.querySelectorAll('.finding-mark').length).toBeGreaterThan(0);
  });

  it('renders page data as text, never as HTML', () => {
    mount();
    fireEvent.click(callRows()[1] as HTMLElement);
    expect(screen.getAllByText((text) => text.includes('<img src=x onerror=alert(1)>')).length).toBeGreaterThan(0);
    expect(document.querySelector('img')).toBeNull();
  });

  it('lists findings with why, fix, the guide and links to their records', () => {
    const { store } = mount();
    fireEvent.click(screen.getByRole('tab', { name: /findings/ }));
    const overwrite = document.querySelector('[data-rule="userid-overwrite"]') as HTMLElement;
    expect(overwrite.textContent).toContain('replaced userId "97980cfea0067" → "user-2-b6f1"');
    expect(within(overwrite).getByText(/Guide: ID expiration and overwriting/)).toBeTruthy();
    fireEvent.click(within(overwrite).getAllByRole('button')[0] as HTMLElement);
    expect(store.selected.value?.kind).toBe('call');
  });

  it('says what to do when the tab has no Segment calls', () => {
    mount([]);
    expect(screen.getByText('No Segment calls captured on this tab yet.')).toBeTruthy();
  });
});

describe('inspector store', () => {
  it('takes in a snapshot sent in chunks one message per task, drawing the first chunk at once, and keeps the order messages came in', () => {
    const fake = createFakeUiTransport();
    const timers: Array<() => void> = [];
    const store = createInspectorStore({ transport: fake.transport, target: { tabId: 7 }, platform: { setTimer: (callback) => timers.push(callback) } });
    const { session, records } = sessionOf(demoSession().records);
    const calls = records.filter((r) => r.kind === 'call');
    const [first, second, third] = [records.slice(0, 4), records.slice(4, 8), records.slice(8)];
    const late = { ...(calls[0] as (typeof calls)[number]), id: 'late:1', at: (records.at(-1)?.at ?? 0) + 1_000 };
    render(<InspectorView store={store} platform={platform} />);
    act(() => {
      // As the hub sends them, faster than a panel takes them in.
      fake.push({ type: 'snapshot', session, findings: [], records: first, done: false });
      fake.push({ type: 'snapshot', session, findings: [], records: second, done: false });
      fake.push({ type: 'records', sessionId: session.id, records: [late] });
      fake.push({ type: 'snapshot', session, findings: [], records: third, done: true });
    });
    expect(store.records().map((r) => r.id)).toEqual(first.map((r) => r.id));
    expect(callRows().length).toBe(first.filter((r) => r.kind === 'call').length);
    const taken = [store.records().length];
    while (timers.length > 0) {
      act(() => timers.shift()?.());
      taken.push(store.records().length);
    }
    // One message per task, in the order they came: the live record came before the last chunk.
    expect(taken).toEqual([4, 8, 9, records.length + 1]);
    expect(store.status.value).toBe('live');
    expect(store.records().at(-1)?.id).toBe('late:1');
    expect(callRows().length).toBe(calls.length + 1);
  });

  it('appends live records, and after a lost connection resubscribes and merges without duplicates', () => {
    const { store, fake, timers, captured } = mount();
    const before = callRows().length;
    const s = createSessionBuilder();
    s.page.track('Late Event');
    const late = sessionOf(s.records).records.filter((r) => r.kind === 'call').map((r) => ({ ...r, id: `late:${r.id}`, at: r.at + 10_000_000 }));
    act(() => fake.push({ type: 'records', sessionId: 's1', records: late }));
    expect(callRows().length).toBe(before + 1);
    act(() => fake.disconnect());
    expect(store.status.value).toBe('reconnecting');
    timers.splice(0).forEach((t) => t());
    expect(fake.connections).toBe(2);
    expect(fake.sent).toHaveLength(2);
    // The new snapshot repeats what the UI had: nothing is shown twice.
    act(() => fake.push({ type: 'snapshot', session: sessionOf(captured).session, findings: [], records: [...captured, ...late], done: true }));
    expect(store.status.value).toBe('live');
    expect(callRows().length).toBe(before + 1);
  });

  it('holds live records while paused and shows them on resume; preserve log off shows the last page only', () => {
    const { store, fake } = mount();
    const all = callRows().length;
    store.setPreserveLog(false);
    expect(store.visibleRows.value.filter((r) => r.kind === 'call')).toHaveLength(1);
    store.setPreserveLog(true);
    store.setPaused(true);
    const s = createSessionBuilder();
    s.page.track('While Paused');
    const paused = sessionOf(s.records).records.filter((r) => r.kind === 'call').map((r) => ({ ...r, id: `p:${r.id}`, at: r.at + 10_000_000 }));
    fake.push({ type: 'records', sessionId: 's1', records: paused });
    expect(store.visibleRows.value.filter((r) => r.kind === 'call')).toHaveLength(all);
    store.setPaused(false);
    expect(store.visibleRows.value.filter((r) => r.kind === 'call')).toHaveLength(all + 1);
  });
});

export type { InspectorStore };
