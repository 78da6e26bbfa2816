import { describe, expect, it } from 'vitest';
import { hasParentDomain } from '../../../src/core/rules/cookie-host-only';
import { findingsOf, messages } from '../helpers/evaluate';
import { createSessionBuilder } from '../helpers/session-builder';

describe('cookie-host-only', () => {
  it('fires for a host-only identity cookie on a host with a parent domain', () => {
    const s = createSessionBuilder('https://shop.example.com');
    s.cookieRecord('snapshot', [s.cookie({ name: 'ajs_anonymous_id', value: 'a', domain: 'shop.example.com', hostOnly: true })]);
    expect(messages(findingsOf('cookie-host-only', s.records))).toEqual(['cookie ajs_anonymous_id is host-only on shop.example.com: other subdomains get another anonymousId']);
  });

  it('does not fire for a domain cookie, an IP address or a single-label host', () => {
    const s = createSessionBuilder('https://shop.example.com');
    s.cookieRecord('snapshot', [s.cookie({ name: 'ajs_anonymous_id', value: 'a', domain: '.example.com', hostOnly: false })]);
    expect(findingsOf('cookie-host-only', s.records)).toEqual([]);
    expect([hasParentDomain('127.0.0.1'), hasParentDomain('localhost'), hasParentDomain('[::1]'), hasParentDomain('example.com')]).toEqual([false, false, false, true]);
  });
});
