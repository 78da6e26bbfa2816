import { describe, expect, it } from 'vitest';
import { isTrackingPath, matchesApiHost, parseApiHost, parseTrackingBody, recogniseUrl } from '../../src/core/tracking-api';

const noHosts = { pageHosts: [], userHosts: [] };

describe('tracking API recognition', () => {
  it.each([
    ['https://api.segment.io/v1/t', 'known-host'],
    ['https://api.segment.io/v1/batch', 'known-host'],
    ['https://events.eu1.segmentapis.com/v1/i', 'known-host'],
    ['https://api.segment.io/v1/m', null],
    ['https://api.segment.io/v1/projects/x/settings', null],
    ['https://shop.example/seg/v1/p', 'maybe'],
    ['ftp://api.segment.io/v1/t', null],
    ['not a url', null],
  ])('%s → %s', (url, expected) => {
    expect(recogniseUrl(url, noHosts)).toBe(expected);
  });

  it('recognises proxies named by the page settings or the user', () => {
    expect(recogniseUrl('https://t.shop.example/seg/v1/t', { pageHosts: ['t.shop.example/seg/v1'], userHosts: [] })).toBe('page-settings');
    expect(recogniseUrl('https://t.shop.example/seg/v1/t', { pageHosts: [], userHosts: ['https://t.shop.example/seg'] })).toBe('user-host');
    // A host that matches but a path outside the configured prefix is not the proxy.
    expect(recogniseUrl('https://t.shop.example/other/t', { pageHosts: ['t.shop.example/seg/v1'], userHosts: [] })).toBe('maybe');
  });

  it('parses api hosts with and without scheme, port and path', () => {
    expect(parseApiHost('127.0.0.1:8787/v1')).toEqual({ host: '127.0.0.1:8787', pathPrefix: '/v1' });
    expect(parseApiHost('https://Proxy.Example.com/')).toEqual({ host: 'proxy.example.com', pathPrefix: '' });
    expect(parseApiHost('   ')).toBeNull();
    expect(parseApiHost('bad host!/v1')).toBeNull();
    expect(matchesApiHost(new URL('http://127.0.0.1:8787/v1/t'), '127.0.0.1:8787/v1')).toBe(true);
    expect(matchesApiHost(new URL('http://127.0.0.1:9999/v1/t'), '127.0.0.1:8787/v1')).toBe(false);
    expect(isTrackingPath('/v1/identify')).toBe(true);
  });
});

describe('tracking bodies', () => {
  const message = { type: 'track', event: 'Signed Up', messageId: 'm1', anonymousId: 'a1', userId: null };

  it('splits batch bodies into their messages', () => {
    const body = JSON.stringify({ batch: [message, { ...message, messageId: 'm2' }], sentAt: 'now', writeKey: 'wk' });
    const parsed = parseTrackingBody('https://api.segment.io/v1/b', body, false);
    expect(parsed?.batch).toBe(true);
    expect(parsed?.messages.map((m) => m.messageId)).toEqual(['m1', 'm2']);
  });

  it('takes a single message type from the path when the body leaves it out', () => {
    const { type: _omitted, ...untyped } = message;
    const parsed = parseTrackingBody('https://api.segment.io/v1/i', JSON.stringify(untyped), false);
    expect(parsed?.messages[0]?.type).toBe('identify');
  });

  it('in strict mode (an unknown host) accepts only Segment-shaped bodies', () => {
    expect(parseTrackingBody('https://x.example/t', JSON.stringify(message), true)).not.toBeNull();
    expect(parseTrackingBody('https://x.example/t', JSON.stringify({ hello: 1 }), true)).toBeNull();
    expect(parseTrackingBody('https://x.example/t', JSON.stringify({ batch: [{ a: 1 }] }), true)).toBeNull();
    expect(parseTrackingBody('https://x.example/t', '<html>', true)).toBeNull();
  });
});
