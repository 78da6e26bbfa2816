import { describe, expect, it } from 'vitest';
import { findingsOf, messages } from '../helpers/evaluate';
import { createSessionBuilder } from '../helpers/session-builder';

describe('legacy-cookie-format', () => {
  it('fires once for a JSON-quoted identity cookie', () => {
    const s = createSessionBuilder();
    s.page.page();
    s.setRawCookie('ajs_anonymous_id', '"anon-1"');
    s.page.snapshot();
    s.page.snapshot();
    expect(messages(findingsOf('legacy-cookie-format', s.records))).toEqual(['cookie ajs_anonymous_id holds the classic JSON-quoted format']);
  });

  it('does not fire for raw cookies', () => {
    const s = createSessionBuilder();
    s.page.page();
    expect(findingsOf('legacy-cookie-format', s.records)).toEqual([]);
  });
});
