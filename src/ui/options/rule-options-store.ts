import { signal } from '@preact/signals';
import { RULES } from '../../core/rules/catalogue';
import { DEFAULT_RULE_OPTIONS, type RuleOptions } from '../../core/rules/rule';

export interface RuleOptionsStorage {
  load(): Promise<RuleOptions>;
  save(options: RuleOptions): Promise<void>;
}

/** The options page's rule settings: which rules run, and which track names mean a sign-up or log-in. */
export function createRuleOptionsStore(storage: RuleOptionsStorage) {
  const options = signal<RuleOptions>(DEFAULT_RULE_OPTIONS);
  const error = signal<string | null>(null);

  const persist = async (next: RuleOptions): Promise<void> => {
    const previous = options.value;
    options.value = next;
    try {
      await storage.save(next);
      error.value = null;
    } catch (cause) {
      options.value = previous;
      error.value = `Could not save: ${cause instanceof Error ? cause.message : String(cause)}`;
    }
  };

  return {
    options,
    error,
    rules: RULES,
    async load(): Promise<void> {
      try {
        options.value = await storage.load();
      } catch (cause) {
        error.value = `Could not read settings: ${cause instanceof Error ? cause.message : String(cause)}`;
      }
    },
    isEnabled: (ruleId: string): boolean => !options.value.disabledRules.includes(ruleId),
    async setEnabled(ruleId: string, enabled: boolean): Promise<void> {
      const disabled = options.value.disabledRules.filter((id) => id !== ruleId);
      await persist({ ...options.value, disabledRules: enabled ? disabled : [...disabled, ruleId] });
    },
    /** One event name per line; blank lines and duplicates are dropped. */
    async setSignupEvents(text: string): Promise<void> {
      const names = [...new Set(text.split('\n').map((line) => line.trim()).filter((line) => line !== ''))];
      await persist({ ...options.value, signupEvents: names });
    },
    async restoreDefaults(): Promise<void> {
      await persist(DEFAULT_RULE_OPTIONS);
    },
  };
}

export type RuleOptionsStore = ReturnType<typeof createRuleOptionsStore>;
