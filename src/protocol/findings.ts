/**
 * Findings: what the rule engine reports. Stored with the session, exported, and
 * shown by every UI. The explanation, the fix and the guide section live with the
 * rule (src/core/rules), not in each finding: a finding names its rule.
 */
export type Severity = 'error' | 'warning' | 'info';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export interface Finding {
  /** `${rule}:${anchor}`: the same records always give the same ids. */
  readonly id: string;
  readonly rule: string;
  readonly severity: Severity;
  /** One line naming the values involved, old → new. */
  readonly message: string;
  /** The records it rests on, the anchor first. */
  readonly recordIds: readonly string[];
  /** When it happened (the anchor record's time). */
  readonly at: number;
  /** The origin whose identity it concerns. */
  readonly scope: string;
}
