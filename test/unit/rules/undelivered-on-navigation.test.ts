import { describe, expect, it } from 'vitest';
import { createRuleEngine } from '../../../src/core/engine';
import { compareRecords } from '../../../src/core/link-records';
import type { WireRecord } from '../../../src/protocol/records';
import { findingsOf, messages } from '../helpers/evaluate';
import { createSessionBuilder } from '../helpers/session-builder';

describe('undelivered-on-navigation', () => {
  it('fires for calls whose request a navigation aborted, and for calls never sent before the page unloaded', () => {
    const s = createSessionBuilder();
    s.page.identify('97980cfea0067', {}, { deliver: 'aborted' });
    s.page.track('Signed Up', {}, { deliver: 'none' });
    s.navigate('/welcome');
    expect(messages(findingsOf('undelivered-on-navigation', s.records))).toEqual([
      'identify("97980cfea0067") never completed: its page unloaded first (net::ERR_ABORTED)',
      'track("Signed Up") was never sent: its page unloaded first',
    ]);
  });

  it('does not fire when the requests completed, or while the page is still open', () => {
    const s = createSessionBuilder();
    s.page.track('Signed Up');
    s.navigate('/welcome');
    const open = createSessionBuilder();
    open.page.track('Signed Up', {}, { deliver: 'none' });
    expect(findingsOf('undelivered-on-navigation', s.records)).toEqual([]);
    expect(findingsOf('undelivered-on-navigation', open.records, { ended: false })).toEqual([]);
  });

  it('withdraws the finding when the request turns out to have completed (a keepalive request that outlived the page)', () => {
    const s = createSessionBuilder();
    s.page.track('Signed Up', {}, { deliver: 'pending' });
    s.navigate('/welcome');
    const engine = createRuleEngine();
    for (const record of [...s.records].sort(compareRecords)) engine.add(record);
    expect(engine.findings().filter((f) => f.rule === 'undelivered-on-navigation')).toEqual([]);
    const pending = s.records.find((r): r is WireRecord => r.kind === 'wire') as WireRecord;
    const aborted = engine.add({ ...pending, state: 'failed', error: 'net::ERR_ABORTED', endedAt: pending.at + 3 });
    expect(aborted.added.map((f) => f.rule)).toEqual(['undelivered-on-navigation']);
    const completed = engine.add({ ...pending, state: 'completed', statusCode: 200, error: null, endedAt: pending.at + 3 });
    expect(completed.removed).toEqual([aborted.added[0]?.id]);
  });
});
