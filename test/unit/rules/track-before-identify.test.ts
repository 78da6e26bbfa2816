import { describe, expect, it } from 'vitest';
import { findingsOf, messages } from '../helpers/evaluate';
import { createSessionBuilder } from '../helpers/session-builder';

describe('track-before-identify', () => {
  it('fires when a sign-up track is sent before its identify', () => {
    const s = createSessionBuilder();
    const track = s.page.track('Signed Up');
    const identify = s.page.identify('97980cfea0067');
    const findings = findingsOf('track-before-identify', s.records);
    expect(messages(findings)).toEqual(['track("Signed Up") was sent before identify("97980cfea0067")']);
    expect(findings[0]?.recordIds).toEqual([track.id, identify.id]);
  });

  it('uses the configured event names, case-insensitively', () => {
    const s = createSessionBuilder();
    s.page.track('trial started');
    s.page.identify('u-1');
    expect(findingsOf('track-before-identify', s.records, { signupEvents: ['Trial Started'] })).toHaveLength(1);
    expect(findingsOf('track-before-identify', s.records)).toEqual([]);
  });

  it('does not fire for a sign-up tracked right after its identify in the same task, when another user logs in later', () => {
    const s = createSessionBuilder();
    s.inOneTask(() => {
      s.page.identify('97980cfea0067');
      s.page.track('Signed Up');
    });
    s.page.identify('user-2-b6f1');
    expect(findingsOf('track-before-identify', s.records)).toEqual([]);
  });

  it('does not fire in the right order, or when the user was already identified', () => {
    const s = createSessionBuilder();
    s.page.identify('97980cfea0067');
    s.page.track('Signed Up');
    s.page.track('Logged In');
    s.page.identify('97980cfea0067');
    expect(findingsOf('track-before-identify', s.records)).toEqual([]);
  });
});
