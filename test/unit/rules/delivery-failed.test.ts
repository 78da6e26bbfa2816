import { describe, expect, it } from 'vitest';
import type { LensRecord } from '../../../src/protocol/records';
import { findingsOf, messages } from '../helpers/evaluate';
import { createSessionBuilder } from '../helpers/session-builder';

describe('delivery-failed', () => {
  it('fires when the tracking API answers 4xx or 5xx', () => {
    const s = createSessionBuilder();
    s.page.track('Signed Up', {}, { deliver: 400 });
    s.page.page({ deliver: 503 });
    expect(messages(findingsOf('delivery-failed', s.records))).toEqual(['POST /v1/t answered 400 for track "Signed Up"', 'POST /v1/p answered 503 for page']);
  });

  it('fires for network failures other than a navigation abort', () => {
    const s = createSessionBuilder();
    s.page.track('Signed Up', {}, { deliver: 'aborted' });
    const blocked: LensRecord[] = s.records.map((r) => (r.kind === 'wire' ? { ...r, error: 'net::ERR_BLOCKED_BY_CLIENT' } : r));
    expect(messages(findingsOf('delivery-failed', blocked))).toEqual(['POST /v1/t failed (net::ERR_BLOCKED_BY_CLIENT) for track "Signed Up"']);
    expect(findingsOf('delivery-failed', s.records)).toEqual([]);
  });

  it('does not fire for successful or pending requests', () => {
    const s = createSessionBuilder();
    s.page.track('A');
    s.page.track('B', {}, { deliver: 'pending' });
    expect(findingsOf('delivery-failed', s.records)).toEqual([]);
  });
});
