import { describe, expect, it } from 'vitest';
import { findingsOf, messages } from '../helpers/evaluate';
import { createSessionBuilder } from '../helpers/session-builder';

describe('alias-after-identify', () => {
  it('fires when alias() for a user comes after identify() for that user', () => {
    const s = createSessionBuilder();
    s.page.identify('97980cfea0067');
    s.page.alias('97980cfea0067');
    expect(messages(findingsOf('alias-after-identify', s.records))).toEqual(['alias("97980cfea0067") came after identify("97980cfea0067"); alias must come first']);
  });

  it('does not fire when alias() comes first, or aliases another user', () => {
    const s = createSessionBuilder();
    s.page.alias('97980cfea0067');
    s.page.identify('97980cfea0067');
    s.page.alias('someone-else');
    expect(findingsOf('alias-after-identify', s.records)).toEqual([]);
  });
});
