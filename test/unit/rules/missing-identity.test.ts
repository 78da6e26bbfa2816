import { describe, expect, it } from 'vitest';
import type { LensRecord, WireRecord } from '../../../src/protocol/records';
import { findingsOf, messages } from '../helpers/evaluate';
import { createSessionBuilder } from '../helpers/session-builder';

/** What a middleware that strips identity would put on the wire. */
const stripIdentity = (records: LensRecord[]): LensRecord[] =>
  records.map((r) => (r.kind === 'wire' ? ({ ...r, messages: r.messages.map((m) => ({ ...m, anonymousId: null, userId: null })) } as WireRecord) : r));

describe('missing-identity', () => {
  it('fires for every message sent with neither userId nor anonymousId', () => {
    const s = createSessionBuilder();
    s.page.track('Viewed');
    s.page.track('Clicked');
    expect(messages(findingsOf('missing-identity', stripIdentity(s.records)))).toEqual([
      'track "Viewed" went to the tracking API with neither userId nor anonymousId',
      'track "Clicked" went to the tracking API with neither userId nor anonymousId',
    ]);
  });

  it('does not fire when either id is present (an empty string does not count)', () => {
    const s = createSessionBuilder();
    s.page.track('Viewed');
    const emptyUser = s.records.map((r) => (r.kind === 'wire' ? ({ ...r, messages: r.messages.map((m) => ({ ...m, userId: '' })) } as WireRecord) : r));
    expect(findingsOf('missing-identity', emptyUser)).toEqual([]);
  });
});
