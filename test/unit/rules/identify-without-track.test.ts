import { describe, expect, it } from 'vitest';
import { findingsOf, messages } from '../helpers/evaluate';
import { createSessionBuilder } from '../helpers/session-builder';

describe('identify-without-track', () => {
  it('fires when a newsletter identify() is not followed by a track() before the page ends', () => {
    const s = createSessionBuilder();
    s.page.identify(null, { email: 'joe@example.com', firstName: 'Joe' });
    s.navigate('/thanks');
    expect(messages(findingsOf('identify-without-track', s.records))).toEqual(['identify() with traits (email, firstName) was not followed by a track() on this page']);
  });

  it('does not fire when a track() follows on the same page', () => {
    const s = createSessionBuilder();
    s.page.identify('97980cfea0067', { plan: 'premium' });
    s.page.track('Signed Up');
    s.navigate('/welcome');
    expect(findingsOf('identify-without-track', s.records)).toEqual([]);
  });

  it('does not fire for re-identifying the logged-in user on page load, nor before the page ends', () => {
    const s = createSessionBuilder();
    s.page.identify('97980cfea0067');
    s.page.track('Logged In');
    s.navigate('/account');
    s.page.identify('97980cfea0067');
    s.navigate('/orders');
    const open = createSessionBuilder();
    open.page.identify('u-1');
    expect(findingsOf('identify-without-track', s.records)).toEqual([]);
    expect(findingsOf('identify-without-track', open.records, { ended: false })).toEqual([]);
  });
});
