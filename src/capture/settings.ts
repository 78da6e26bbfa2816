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

export const RETENTION_KEY = 'retention';

/** How much Identity Lens keeps: the newest sessions up to a count and a size, whichever is reached first. */
export interface RetentionSettings {
  readonly maxSessions: number;
  readonly maxMegabytes: number;
}

export const DEFAULT_RETENTION: RetentionSettings = { maxSessions: 100, maxMegabytes: 500 };

/**
 * What the options page accepts. One session is the least that still records
 * anything; below 10 MB a single long session would be evicted as it grows. The
 * maximums are far above any real use and keep a typo from meaning "no limit".
 */
export const RETENTION_LIMITS = {
  maxSessions: { min: 1, max: 10_000 },
  maxMegabytes: { min: 10, max: 1_000_000 },
} as const;

const clampWhole = (value: unknown, { min, max }: { min: number; max: number }, fallback: number): number =>
  typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : fallback;

/** The stored retention settings, made safe to act on: anything unreadable is the default, numbers are kept in range. */
export function normaliseRetention(value: unknown): RetentionSettings {
  const input = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  return {
    maxSessions: clampWhole(input.maxSessions, RETENTION_LIMITS.maxSessions, DEFAULT_RETENTION.maxSessions),
    maxMegabytes: clampWhole(input.maxMegabytes, RETENTION_LIMITS.maxMegabytes, DEFAULT_RETENTION.maxMegabytes),
  };
}
