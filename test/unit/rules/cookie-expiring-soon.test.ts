import { describe, expect, it } from 'vitest';
import { findingsOf, messages } from '../helpers/evaluate';
import { createSessionBuilder } from '../helpers/session-builder';

describe('cookie-expiring-soon', () => {
  it('fires for an identity cookie that expires within 7 days, or at the end of the browser session', () => {
    const s = createSessionBuilder();
    const now = Date.now();
    s.cookieRecord('snapshot', [
      s.cookie({ name: 'ajs_anonymous_id', value: 'a', expirationDate: null, session: true }),
      s.cookie({ name: 'ajs_user_id', value: 'u', expirationDate: Math.round(now / 1000) }),
    ]);
    const [record] = s.records.filter((r) => r.kind === 'cookie');
    const at = record?.at ?? 0;
    const inOneDay = s.records.map((r) => (r.kind === 'cookie' ? { ...r, cookies: r.cookies.map((c) => (c.name === 'ajs_user_id' ? { ...c, expirationDate: at / 1000 + 86_400 } : c)) } : r));
    expect(messages(findingsOf('cookie-expiring-soon', inOneDay))).toEqual([
      'cookie ajs_anonymous_id expires when the browser closes (a session cookie)',
      'cookie ajs_user_id expires in 1 day',
    ]);
  });

  it('does not fire for the default one-year cookie, nor for other cookies', () => {
    const s = createSessionBuilder();
    s.cookieRecord('snapshot', [s.cookie({ name: 'ajs_anonymous_id', value: 'a' }), s.cookie({ name: 'other', value: 'x', expirationDate: null })]);
    expect(findingsOf('cookie-expiring-soon', s.records)).toEqual([]);
    expect(findingsOf('cookie-expiring-soon', s.records, { expiringSoonDays: 400 })).toHaveLength(1);
  });
});
