import { describe, expect, it } from 'vitest';
import { findingsOf, messages } from '../helpers/evaluate';
import { createSessionBuilder } from '../helpers/session-builder';

describe('multiple-instances', () => {
  it('fires once when a second analytics instance loads on the same page', () => {
    const s = createSessionBuilder();
    s.page.instanceRecord('web', 'i1');
    s.page.instanceRecord('web', 'i2');
    s.page.instanceRecord('other', 'i3');
    expect(messages(findingsOf('multiple-instances', s.records))).toEqual(['2 analytics instances on this page share the identity keys (writeKeys "web", "web")']);
  });

  it('does not fire for one instance per page', () => {
    const s = createSessionBuilder();
    s.page.instanceRecord('web');
    s.navigate('/cart');
    s.page.instanceRecord('web');
    expect(findingsOf('multiple-instances', s.records)).toEqual([]);
  });
});
