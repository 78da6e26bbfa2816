import { describe, expect, it } from 'vitest';
import { findingsOf, messages } from '../helpers/evaluate';
import { createSessionBuilder } from '../helpers/session-builder';

describe('anonymousid-read-generated', () => {
  it('fires when user().anonymousId() is read before any ID exists', () => {
    const s = createSessionBuilder();
    s.page.readAnonymousId();
    expect(messages(findingsOf('anonymousid-read-generated', s.records))).toEqual(['user().anonymousId() found no ID and generated "anon-1"']);
  });

  it('does not fire when the ID already existed', () => {
    const s = createSessionBuilder();
    s.page.page();
    s.page.readAnonymousId();
    expect(findingsOf('anonymousid-read-generated', s.records)).toEqual([]);
  });
});
