import { describe, expect, it } from 'vitest';
import { findingsOf, messages } from '../helpers/evaluate';
import { createSessionBuilder } from '../helpers/session-builder';

describe('anonymousid-lost', () => {
  it('fires when storage is cleared from outside and a new anonymousId appears', () => {
    const s = createSessionBuilder();
    s.page.page();
    s.clearStorage();
    s.navigate('/cart');
    s.page.page();
    expect(messages(findingsOf('anonymousid-lost', s.records))).toEqual(['anonymousId "anon-1" was lost (storage cleared) and replaced by "anon-2"']);
  });

  it('fires when identity lives in memory only and a reload gives a new one', () => {
    const s = createSessionBuilder();
    s.disablePersistence();
    s.page.page();
    s.navigate('/');
    s.page.page();
    expect(findingsOf('anonymousid-lost', s.records)).toHaveLength(1);
  });

  it('does not fire after reset(), the intended way to start over', () => {
    const s = createSessionBuilder();
    s.page.identify('97980cfea0067');
    s.page.reset();
    s.page.page();
    expect(findingsOf('anonymousid-lost', s.records)).toEqual([]);
  });

  it('does not fire when only the cookie is gone and localStorage still has the ID', () => {
    const s = createSessionBuilder();
    s.page.page();
    s.dropCookie('ajs_anonymous_id');
    s.navigate('/cart');
    s.page.page();
    expect(findingsOf('anonymousid-lost', s.records)).toEqual([]);
  });
});
