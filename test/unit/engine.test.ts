import { describe, expect, it } from 'vitest';
import { createRuleEngine, evaluateSession } from '../../src/core/engine';
import { compareRecords } from '../../src/core/link-records';
import { RULES } from '../../src/core/rules/catalogue';
import type { LensRecord } from '../../src/protocol/records';
import { createSessionBuilder, type SessionBuilder } from './helpers/session-builder';

/** The guide's happy path: anonymous page → identify with a database ID → track "Signed Up" → navigate → track. */
function cleanFlow(): SessionBuilder {
  const s = createSessionBuilder();
  s.page.instanceRecord();
  s.page.page();
  s.page.identify('97980cfea0067', { name: 'Peter Gibbons', email: 'peter@example.com', plan: 'premium' });
  s.page.track('Signed Up', { plan: 'premium' });
  s.navigate('/cart');
  s.page.instanceRecord();
  s.page.page();
  s.page.track('Product Added', { sku: 'LCC-ESP-250' });
  return s;
}

/** Every kind of mistake the catalogue knows, in one session. */
function messyFlow(): SessionBuilder {
  const s = createSessionBuilder();
  s.page.readAnonymousId();
  s.page.track('Signed Up');
  s.page.identify('peter@example.com', { plan: 'premium' });
  s.page.alias('peter@example.com');
  s.page.setAnonymousId('server-81c0');
  s.page.identify('user-2-b6f1');
  s.page.track('Order', { userId: 'USER-2-B6F1' });
  s.page.track('Failed', {}, { deliver: 400 });
  s.page.track('Cut off', {}, { deliver: 'aborted' });
  s.clearStorage();
  s.navigate('/cart');
  s.page.page();
  s.page.identify(null, { newsletter: true });
  s.page.reset();
  s.navigate('/done');
  return s;
}

/** A seeded shuffle, so a failing order can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('rule engine', () => {
  it('gives the guide’s clean flow no warning and no error', () => {
    const { findings } = evaluateSession(cleanFlow().records, { ended: true });
    expect(findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('finds every mistake of a messy flow, each once', () => {
    const { findings } = evaluateSession(messyFlow().records, { ended: true });
    const rules = findings.map((f) => f.rule);
    expect(new Set(rules)).toEqual(
      new Set([
        'anonymousid-read-generated',
        'track-before-identify',
        'userid-not-static',
        'alias-after-identify',
        'anonymousid-overwrite',
        'userid-overwrite',
        'userid-mismatch',
        'delivery-failed',
        'undelivered-on-navigation',
        'anonymousid-lost',
        'identify-without-track',
        'reset-called',
      ]),
    );
    expect(new Set(findings.map((f) => f.id)).size).toBe(findings.length);
  });

  it('gives the same findings one record at a time as for the whole session at once', () => {
    for (const flow of [cleanFlow(), messyFlow()]) {
      const sorted = [...flow.records].sort(compareRecords);
      const engine = createRuleEngine();
      const seen = new Map<string, unknown>();
      for (const record of sorted) {
        const change = engine.add(record);
        for (const finding of change.added) seen.set(finding.id, finding);
        for (const id of change.removed) seen.delete(id);
      }
      for (const finding of engine.end().added) seen.set(finding.id, finding);
      const whole = evaluateSession(flow.records, { ended: true }).findings;
      expect([...seen.values()]).toEqual(expect.arrayContaining(whole));
      expect(seen.size).toBe(whole.length);
      expect(engine.findings()).toEqual(whole);
    }
  });

  it('is deterministic: any input order of the same records gives the same findings and timeline', () => {
    const records: LensRecord[] = messyFlow().records;
    const reference = evaluateSession(records, { ended: true });
    for (let seed = 1; seed <= 25; seed += 1) {
      const result = evaluateSession(shuffled(records, seed), { ended: true });
      expect(result.findings, `seed ${seed}`).toEqual(reference.findings);
      expect(result.timeline, `seed ${seed}`).toEqual(reference.timeline);
    }
  });

  it('skips disabled rules', () => {
    const { findings } = evaluateSession(messyFlow().records, { ended: true, disabledRules: ['reset-called', 'userid-overwrite'] });
    expect(findings.some((f) => f.rule === 'reset-called' || f.rule === 'userid-overwrite')).toBe(false);
  });

  it('costs each record work proportional to the record, not to the session', () => {
    // Deterministic budget, not a timing: the engine keeps no per-record scan of the session.
    const s = createSessionBuilder();
    for (let i = 0; i < 2000; i += 1) s.page.track('Burst', { i });
    const engine = createRuleEngine();
    let maxChanges = 0;
    for (const record of [...s.records].sort(compareRecords)) maxChanges = Math.max(maxChanges, engine.add(record).added.length);
    expect(maxChanges).toBeLessThanOrEqual(1);
    expect(engine.timeline()).toHaveLength(1);
  });
});

describe('identity timeline', () => {
  it('names the cause of every transition', () => {
    const s = createSessionBuilder();
    s.page.page();
    s.page.identify('97980cfea0067', { plan: 'premium' });
    s.page.identify('user-2-b6f1');
    s.page.setAnonymousId('server-81c0');
    s.page.reset();
    s.page.track('Again');
    s.page.group('acme');
    const { timeline } = evaluateSession(s.records);
    const causes = timeline.flatMap((t) => t.changes.map((c) => `${c.field}:${c.cause}`));
    expect(causes).toEqual([
      'anonymousId:first-generation',
      'userId:identify',
      'traits:identify',
      'userId:userid-change',
      'anonymousId:userid-change',
      'traits:userid-change',
      'anonymousId:setAnonymousId',
      'userId:reset',
      'anonymousId:reset',
      'anonymousId:first-generation',
      'groupId:group',
    ]);
    const last = timeline[timeline.length - 1];
    expect(last?.after).toMatchObject({ anonymousId: 'anon-3', userId: null, groupId: 'acme' });
    expect(last?.after.storedIn.anonymousId).toEqual(['cookie', 'localStorage']);
  });

  it('knows where the identity lives, and when storage holds none of it', () => {
    const s = createSessionBuilder();
    s.disableCookies();
    s.page.page();
    const memory = createSessionBuilder();
    memory.disablePersistence();
    memory.page.page();
    expect(evaluateSession(s.records).timeline[0]?.after.storedIn.anonymousId).toEqual(['localStorage']);
    expect(evaluateSession(memory.records).timeline[0]?.after.storedIn.anonymousId).toEqual(['memory']);
  });

  it('explains identity from the URL and from the server', () => {
    const s = createSessionBuilder();
    s.page.page();
    s.serverCookie('ajs_anonymous_id', 'from-server');
    s.navigate('/account');
    const causes = evaluateSession(s.records).timeline.flatMap((t) => t.changes.map((c) => c.cause));
    expect(causes).toEqual(['first-generation', 'server-cookie']);
    const fromUrl = createSessionBuilder();
    fromUrl.page.page();
    // analytics.js applies ?ajs_aid= with setAnonymousId() once it loads.
    fromUrl.navigate('/landing?ajs_aid=from-link', { anonymousId: 'from-link', userId: null });
    fromUrl.page.setAnonymousId('from-link');
    const urlCauses = evaluateSession(fromUrl.records).timeline.flatMap((t) => t.changes.map((c) => c.cause));
    expect(urlCauses).toEqual(['first-generation', 'query-string']);
  });
});

describe('rule catalogue', () => {
  it('gives every rule complete metadata', () => {
    for (const rule of RULES) {
      expect(rule.title, rule.id).not.toBe('');
      expect(rule.why.length, rule.id).toBeGreaterThan(40);
      expect(rule.fixCode.length, rule.id).toBeGreaterThan(10);
      expect(rule.guide.anchor, rule.id).toMatch(/^[a-z-]+$/);
      expect(['error', 'warning', 'info']).toContain(rule.severity);
    }
  });
});
