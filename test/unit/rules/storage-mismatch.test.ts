import { describe, expect, it } from 'vitest';
import { findingsOf, messages } from '../helpers/evaluate';
import { createSessionBuilder } from '../helpers/session-builder';

describe('storage-mismatch', () => {
  it('fires when cookie and localStorage hold different anonymousIds', () => {
    const s = createSessionBuilder();
    s.page.page();
    s.setRawCookie('ajs_anonymous_id', 'server-81c0');
    s.page.snapshot();
    expect(messages(findingsOf('storage-mismatch', s.records))).toEqual(['ajs_anonymous_id: cookie "server-81c0" ≠ localStorage "anon-1"']);
  });

  it('does not fire when they agree, including a classic quoted cookie of the same value', () => {
    const s = createSessionBuilder();
    s.page.page();
    s.setRawCookie('ajs_anonymous_id', '"anon-1"');
    s.page.snapshot();
    expect(findingsOf('storage-mismatch', s.records)).toEqual([]);
  });
});
