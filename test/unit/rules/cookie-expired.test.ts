import { describe, expect, it } from 'vitest';
import { findingsOf, messages } from '../helpers/evaluate';
import { createSessionBuilder } from '../helpers/session-builder';

describe('cookie-expired', () => {
  it('fires when the browser reports an identity cookie expired', () => {
    const s = createSessionBuilder();
    s.page.page();
    s.cookieRecord('removed', [s.cookie({ name: 'ajs_anonymous_id', value: 'anon-1' })], 'expired');
    expect(messages(findingsOf('cookie-expired', s.records))).toEqual(['cookie ajs_anonymous_id ("anon-1") expired']);
  });

  it('fires when the cookie seen earlier vanished while localStorage kept the ID', () => {
    const s = createSessionBuilder();
    s.page.page();
    s.dropCookie('ajs_anonymous_id');
    s.navigate('/cart');
    expect(messages(findingsOf('cookie-expired', s.records))).toEqual(['cookie ajs_anonymous_id was gone while localStorage still held "anon-1"']);
  });

  it('fires for a returning visitor whose cookie expired, once analytics.js restores it from localStorage', () => {
    const s = createSessionBuilder();
    s.setRawLocal('ajs_anonymous_id', '"returning-1"');
    s.navigate('/');
    s.page.page(); // analytics.js writes the ID back to the cookie
    expect(messages(findingsOf('cookie-expired', s.records))).toEqual(['cookie ajs_anonymous_id was gone while localStorage still held "returning-1"; analytics.js restored it']);
  });

  it('does not fire where cookies are not used at all, nor for a removal by reset()', () => {
    const s = createSessionBuilder();
    s.disableCookies();
    s.page.page();
    s.navigate('/cart');
    s.page.page();
    const reset = createSessionBuilder();
    reset.page.page();
    reset.cookieRecord('removed', [reset.cookie({ name: 'ajs_anonymous_id', value: 'anon-1' })], 'expired_overwrite');
    expect(findingsOf('cookie-expired', s.records)).toEqual([]);
    expect(findingsOf('cookie-expired', reset.records)).toEqual([]);
  });
});
