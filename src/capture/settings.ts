import { RULE_IDS } from '../core/rules/catalogue';
import { DEFAULT_RULE_OPTIONS, type RuleOptions } from '../core/rules/rule';
import { parseApiHost } from '../core/tracking-api';

/** User settings kept in storage.local. */
export const API_HOSTS_KEY = 'apiHosts';

/** Normalises a user's list: valid hosts only, no duplicates, in the order given. */
export function normaliseApiHosts(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const out: string[] = [];
  for (const item of value) {
    if (typeof item !== 'string') continue;
    const parsed = parseApiHost(item);
    if (parsed === null) continue;
    const normalised = `${parsed.host}${parsed.pathPrefix}`;
    if (!out.includes(normalised)) out.push(normalised);
  }
  return out;
}

export const RULE_OPTIONS_KEY = 'ruleOptions';

/** The user's rule options, validated: unknown rules and non-text event names are dropped. */
export function normaliseRuleOptions(value: unknown): RuleOptions {
  const input = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const disabledRules = Array.isArray(input.disabledRules)
    ? input.disabledRules.filter((id): id is string => typeof id === 'string' && RULE_IDS.includes(id))
    : [];
  const signupEvents = Array.isArray(input.signupEvents)
    ? [...new Set(input.signupEvents.filter((name): name is string => typeof name === 'string').map((name) => name.trim()).filter((name) => name !== '' && name.length <= 200))]
    : [...DEFAULT_RULE_OPTIONS.signupEvents];
  return { ...DEFAULT_RULE_OPTIONS, disabledRules: [...new Set(disabledRules)], signupEvents };
}
