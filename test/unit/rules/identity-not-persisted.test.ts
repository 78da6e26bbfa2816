import { describe, expect, it } from 'vitest';
import { findingsOf, messages } from '../helpers/evaluate';
import { createSessionBuilder } from '../helpers/session-builder';

describe('identity-not-persisted', () => {
  it('fires when events carry an anonymousId that no storage holds', () => {
    const s = createSessionBuilder();
    s.disablePersistence();
    s.page.page();
    s.page.snapshot();
    s.page.track('Viewed');
    expect(messages(findingsOf('identity-not-persisted', s.records))).toEqual(['anonymousId "anon-1" lives in memory only: no cookie or localStorage holds it']);
  });

  it('does not fire with storage, nor right after reset() clears it', () => {
    const s = createSessionBuilder();
    s.page.page();
    s.page.reset();
    expect(findingsOf('identity-not-persisted', s.records)).toEqual([]);
  });
});
