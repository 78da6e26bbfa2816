import { RULES } from '../../core/rules/catalogue';
import { DEFAULT_RULE_OPTIONS, type RuleOptions } from '../../core/rules/rule';
import { createStoredSetting, type SettingStorage } from './stored-setting';

export type RuleOptionsStorage = SettingStorage<RuleOptions>;

/** The options page's rule settings: which rules run, and which track names mean a sign-up or log-in. */
export function createRuleOptionsStore(storage: RuleOptionsStorage) {
  const setting = createStoredSetting<RuleOptions>(storage, DEFAULT_RULE_OPTIONS);
  const options = setting.value;
  const persist = setting.save;

  return {
    options,
    error: setting.error,
    rules: RULES,
    load: setting.load,
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
