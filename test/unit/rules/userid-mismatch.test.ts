import { describe, expect, it } from 'vitest';
import { findingsOf, messages } from '../helpers/evaluate';
import { createSessionBuilder } from '../helpers/session-builder';

describe('userid-mismatch', () => {
  it('fires when an event names another userId than the identified one', () => {
    const s = createSessionBuilder();
    s.page.identify('97980cfea0067');
    s.page.track('Order Completed', { userId: 'someone-else' });
    expect(messages(findingsOf('userid-mismatch', s.records))).toEqual([
      'track() names userId "someone-else" in properties.userId, but the identified user is "97980cfea0067"',
    ]);
  });

  it('fires for variants of the same user: case and whitespace in options, a number in identify', () => {
    const s = createSessionBuilder();
    s.page.identify('97980CFEA0067'.toLowerCase());
    s.page.track('Order Completed', {}, { options: { userId: ' 97980CFEA0067' } });
    const other = createSessionBuilder();
    other.page.identify('123');
    other.page.identify(123);
    expect(messages(findingsOf('userid-mismatch', s.records))).toEqual([
      'track() names userId " 97980CFEA0067" in options.userId, a variant of the identified "97980cfea0067"',
    ]);
    expect(messages(findingsOf('userid-mismatch', other.records))).toEqual([
      'identify(123) passes a number where "123" is stored: analytics.js sees a new user and rotates the anonymousId',
    ]);
    // The rotation that follows is explained, not reported as a lost ID.
    expect(findingsOf('anonymousid-lost', other.records)).toEqual([]);
  });

  it('judges an event by the identify just before it in the same task, not by storage read afterwards', () => {
    const s = createSessionBuilder();
    s.page.identify('user-a');
    s.page.reset();
    s.inOneTask(() => {
      s.page.identify('user-b');
      s.page.track('Order', { userId: 'user-b' });
    });
    expect(findingsOf('userid-mismatch', s.records)).toEqual([]);
  });

  it('does not fire when the event repeats the identified userId, as the guide shows', () => {
    const s = createSessionBuilder();
    s.page.identify('97980cfea0067');
    s.page.track('Signed Up', { userId: '97980cfea0067', plan: 'premium' });
    s.page.track('Viewed', {}, { options: { userId: 'anyone' } });
    // …but an options.userId before anyone is identified is the way to name the user: not a mismatch.
    const anonymous = createSessionBuilder();
    anonymous.page.track('Viewed', {}, { options: { userId: 'u-1' } });
    expect(findingsOf('userid-mismatch', s.records)).toHaveLength(1);
    expect(findingsOf('userid-mismatch', anonymous.records)).toEqual([]);
  });
});
