import { describe, expect, it } from 'vitest';
import { findingsOf, messages } from '../helpers/evaluate';
import { createSessionBuilder } from '../helpers/session-builder';

describe('reset-called', () => {
  it('reports what reset() cleared', () => {
    const s = createSessionBuilder();
    s.page.identify('97980cfea0067', { plan: 'premium' });
    s.page.reset();
    const findings = findingsOf('reset-called', s.records);
    expect(messages(findings)).toEqual(['reset() cleared userId "97980cfea0067", anonymousId "anon-1" and 1 trait']);
    expect(findings[0]?.severity).toBe('info');
  });

  it('reports nothing when reset() is never called', () => {
    const s = createSessionBuilder();
    s.page.identify('97980cfea0067');
    expect(findingsOf('reset-called', s.records)).toEqual([]);
  });
});
