import { describe, expect, it } from 'vitest';
import { findingsOf, messages } from '../helpers/evaluate';
import { createSessionBuilder } from '../helpers/session-builder';

describe('anonymousid-overwrite', () => {
  it('fires when setAnonymousId() replaces an existing anonymousId (a server-given ID)', () => {
    const s = createSessionBuilder();
    s.page.page();
    s.page.setAnonymousId('server-81c0');
    expect(messages(findingsOf('anonymousid-overwrite', s.records))).toEqual(['setAnonymousId() replaced anonymousId "anon-1" → "server-81c0"']);
  });

  it('fires for options.anonymousId on a call', () => {
    const s = createSessionBuilder();
    s.page.page();
    s.page.track('Viewed', {}, { options: { anonymousId: 'forced-1' } });
    expect(messages(findingsOf('anonymousid-overwrite', s.records))).toEqual(['options.anonymousId replaced anonymousId "anon-1" → "forced-1"']);
  });

  it('does not fire when the ID is set before any exists, or set to the value it already has', () => {
    const s = createSessionBuilder();
    s.page.setAnonymousId('server-81c0');
    s.page.page();
    s.page.setAnonymousId('server-81c0');
    expect(findingsOf('anonymousid-overwrite', s.records)).toEqual([]);
  });
});
