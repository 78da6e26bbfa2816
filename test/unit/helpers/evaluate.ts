import { evaluateSession } from '../../../src/core/engine';
import type { RuleOptions } from '../../../src/core/rules/rule';
import type { Finding } from '../../../src/protocol/findings';
import type { LensRecord } from '../../../src/protocol/records';

/** The findings of one rule for a recorded session (ended, so open pages are judged too). */
export function findingsOf(rule: string, records: readonly LensRecord[], options: Partial<RuleOptions> & { ended?: boolean } = {}): Finding[] {
  return evaluateSession(records, { ended: true, ...options }).findings.filter((f) => f.rule === rule);
}

export const messages = (findings: readonly Finding[]): string[] => findings.map((f) => f.message);
