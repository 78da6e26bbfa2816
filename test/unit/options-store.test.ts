import { describe, expect, it } from 'vitest';
import { createOptionsStore } from '../../src/ui/options/options-store';

function memoryStorage(initial: string[] = [], failSave = false) {
  let saved = initial;
  return {
    storage: {
      load: async () => saved,
      save: async (hosts: string[]) => {
        if (failSave) throw new Error('quota exceeded');
        saved = hosts;
      },
    },
    saved: () => saved,
  };
}

describe('options store', () => {
  it('loads, adds normalised hosts and removes them, saving each change', async () => {
    const memory = memoryStorage(['a.example']);
    const store = createOptionsStore(memory.storage);
    await store.load();
    expect(store.hosts.value).toEqual(['a.example']);
    expect(await store.add(' https://Collect.Example.com/seg/v1/ ')).toEqual({ ok: true });
    expect(memory.saved()).toEqual(['a.example', 'collect.example.com/seg/v1']);
    await store.remove('a.example');
    expect(memory.saved()).toEqual(['collect.example.com/seg/v1']);
  });

  it('refuses what is not a host, duplicates and the built-in hosts, with a message', async () => {
    const store = createOptionsStore(memoryStorage(['a.example']).storage);
    await store.load();
    expect(await store.add('not a host!')).toMatchObject({ ok: false });
    expect(store.error.value).toContain('is not a host');
    expect(await store.add('a.example')).toMatchObject({ ok: false, error: 'a.example is in the list already.' });
    expect(await store.add('api.segment.io')).toMatchObject({ ok: false, error: 'api.segment.io is recognised already.' });
    expect(store.hosts.value).toEqual(['a.example']);
  });

  it('keeps the previous list and says why when saving fails', async () => {
    const store = createOptionsStore(memoryStorage([], true).storage);
    await store.load();
    expect(await store.add('b.example')).toMatchObject({ ok: false });
    expect(store.hosts.value).toEqual([]);
    expect(store.error.value).toBe('Could not save: quota exceeded');
  });
});

describe('rule options store', () => {
  it('switches rules off and on, and keeps the sign-up names one per line', async () => {
    const { createRuleOptionsStore } = await import('../../src/ui/options/rule-options-store');
    const { DEFAULT_RULE_OPTIONS } = await import('../../src/core/rules/rule');
    let saved = DEFAULT_RULE_OPTIONS;
    const store = createRuleOptionsStore({ load: async () => saved, save: async (o) => void (saved = o) });
    await store.load();
    await store.setEnabled('reset-called', false);
    expect(saved.disabledRules).toEqual(['reset-called']);
    expect(store.isEnabled('reset-called')).toBe(false);
    await store.setEnabled('reset-called', true);
    expect(saved.disabledRules).toEqual([]);
    await store.setSignupEvents(' Trial Started \n\nSigned Up\nSigned Up\n');
    expect(saved.signupEvents).toEqual(['Trial Started', 'Signed Up']);
    await store.restoreDefaults();
    expect(saved).toEqual(DEFAULT_RULE_OPTIONS);
  });

  it('reads stored options defensively: unknown rules and junk are dropped', async () => {
    const { normaliseRuleOptions } = await import('../../src/capture/settings');
    expect(normaliseRuleOptions({ disabledRules: ['reset-called', 'no-such-rule', 7], signupEvents: ['  A ', '', 3] })).toMatchObject({
      disabledRules: ['reset-called'],
      signupEvents: ['A'],
    });
    expect(normaliseRuleOptions('garbage').signupEvents).toContain('Signed Up');
  });
});

describe('retention store', () => {
  it('saves whole numbers in range, and says what is wrong with anything else', async () => {
    const { createRetentionStore } = await import('../../src/ui/options/retention-store');
    let saved = { maxSessions: 100, maxMegabytes: 500 };
    const store = createRetentionStore({ load: async () => saved, save: async (limits) => void (saved = limits) }, async () => 12 * 1024 * 1024);
    await store.load();
    expect(store.usageBytes.value).toBe(12 * 1024 * 1024);
    expect(await store.save(' 2 ', '50')).toEqual({ ok: true });
    expect(saved).toEqual({ maxSessions: 2, maxMegabytes: 50 });
    expect(store.saved.value).toBe(true);
    const refusals: Array<[string, string, string]> = [
      ['2.5', '50', 'Sessions to keep: enter a whole number, like 100.'],
      ['0', '50', 'Sessions to keep: at least 1 session.'],
      ['20000', '50', 'Sessions to keep: at most 10,000 sessions.'],
      ['2', 'lots', 'Storage limit: enter a whole number, like 500.'],
      ['2', '5', 'Storage limit: at least 10 MB.'],
      ['-1', '2000000', 'Sessions to keep: enter a whole number, like 100. Storage limit: at most 1,000,000 MB.'],
    ];
    for (const [sessions, megabytes, error] of refusals) {
      expect(await store.save(sessions, megabytes)).toEqual({ ok: false, error });
      expect(store.error.value).toBe(error);
      expect(store.saved.value).toBe(false);
    }
    expect(saved).toEqual({ maxSessions: 2, maxMegabytes: 50 });
  });
});
