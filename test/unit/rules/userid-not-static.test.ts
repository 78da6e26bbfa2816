import { describe, expect, it } from 'vitest';
import { describeUnstableId } from '../../../src/core/rules/userid-not-static';
import { findingsOf, messages } from '../helpers/evaluate';
import { createSessionBuilder } from '../helpers/session-builder';

describe('userid-not-static', () => {
  it.each([
    ['peter@example.com', 'an email address'],
    ['+1 (555) 555-5555', 'a phone number'],
    ['jsmith', 'a user name'],
    ['john.doe', 'a user name'],
    ['97980cfea0067', null],
    ['507f191e810c19729de860ea', null],
    ['123abc', null],
    ['user-2-b6f1', null],
    ['42', null],
    ['5555555', null],
    ['f47ac10b-58cc-4372-a567-0e02b2c3d479', null],
  ])('%s → %s', (id, expected) => {
    expect(describeUnstableId(id)).toBe(expected);
  });

  it('fires once per unstable userId', () => {
    const s = createSessionBuilder();
    s.page.identify('peter@example.com');
    s.page.identify('peter@example.com');
    expect(messages(findingsOf('userid-not-static', s.records))).toEqual(['userId "peter@example.com" looks like an email address, which can change']);
  });
});
