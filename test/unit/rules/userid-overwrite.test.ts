import { describe, expect, it } from 'vitest';
import { createSessionBuilder } from '../helpers/session-builder';
import { findingsOf, messages } from '../helpers/evaluate';

describe('userid-overwrite', () => {
  it('fires when identify() brings another userId with no reset(), naming the rotation and dropped traits', () => {
    const s = createSessionBuilder();
    s.page.page();
    s.page.identify('97980cfea0067', { plan: 'premium', email: 'p@example.com' });
    s.page.track('Signed Up');
    const second = s.page.identify('user-2-b6f1', { name: 'Other' });
    const findings = findingsOf('userid-overwrite', s.records);
    expect(messages(findings)).toEqual([
      'identify() replaced userId "97980cfea0067" → "user-2-b6f1" without reset(); anonymousId rotated "anon-1" → "anon-2"; 2 traits dropped (plan, email)',
    ]);
    expect(findings[0]?.recordIds[0]).toBe(second.id);
    // The rotation is part of this finding, not another one.
    expect(findingsOf('anonymousid-lost', s.records)).toEqual([]);
    expect(findingsOf('anonymousid-overwrite', s.records)).toEqual([]);
  });

  it('does not fire when reset() comes between the two users', () => {
    const s = createSessionBuilder();
    s.page.identify('97980cfea0067');
    s.page.track('Logged Out');
    s.page.reset();
    s.page.identify('user-2-b6f1');
    expect(findingsOf('userid-overwrite', s.records)).toEqual([]);
  });

  it('does not fire for a first identify, or the same user identified again', () => {
    const s = createSessionBuilder();
    s.page.identify('97980cfea0067');
    s.navigate('/account');
    s.page.identify('97980cfea0067', { plan: 'pro' });
    expect(findingsOf('userid-overwrite', s.records)).toEqual([]);
  });
});
