import type { Severity } from '../../protocol/findings';
import type { CallRecord, LensRecord } from '../../protocol/records';
import type { IdentityModel, Transition } from '../identity/identity-model';

/** User-adjustable settings of the rule catalogue (options page). */
export interface RuleOptions {
  /** Track event names that record a sign-up or log-in, compared case-insensitively. */
  readonly signupEvents: readonly string[];
  readonly disabledRules: readonly string[];
  /** `cookie-expiring-soon` fires below this many days. */
  readonly expiringSoonDays: number;
}

export const DEFAULT_RULE_OPTIONS: RuleOptions = {
  signupEvents: ['Signed Up', 'Logged In', 'Account Created', 'Signed In', 'User Signed Up', 'User Registered', 'Registered', 'Sign Up', 'Log In', 'Login'],
  disabledRules: [],
  expiringSoonDays: 7,
};

/** A section of Segment's guide "Best Practices for Identifying Users". */
export interface GuideSection {
  readonly title: string;
  /** The heading's anchor on the guide's page. */
  readonly anchor: string;
}

export const GUIDE_URL = 'https://segment.com/docs/guides/how-to-guides/best-practices-identify/';

export interface RuleMeta {
  /** Stable, and the name of the rule's file. */
  readonly id: string;
  readonly severity: Severity;
  readonly title: string;
  /** Why it matters, in a sentence or two. */
  readonly why: string;
  /** How to fix it, with the code to call. */
  readonly fix: string;
  readonly fixCode: string;
  readonly guide: GuideSection;
  /** For docs/rules.md: a situation that triggers it and the message it gives. */
  readonly example: { readonly scenario: string; readonly message: string };
}

/** One page load in one frame. */
export interface DocumentInfo {
  readonly id: string;
  readonly scope: string;
  readonly frameUrl: string;
  readonly topFrame: boolean;
  readonly frameId: number | null;
  readonly startedAt: number;
  ended: boolean;
}

export interface FindingDraft {
  /** What makes this finding unique for its rule: usually the id of the record it is about. */
  readonly anchor: string;
  readonly message: string;
  readonly recordIds: readonly string[];
  readonly at: number;
  readonly scope: string;
}

export interface RuleContext {
  readonly options: RuleOptions;
  readonly model: IdentityModel;
  documentOf(record: LensRecord): DocumentInfo | undefined;
  callById(id: string): CallRecord | undefined;
  /** The call whose event carried this messageId, once the library has told us. */
  callForMessage(messageId: string): CallRecord | undefined;
  report(finding: FindingDraft): void;
  /** Withdraws a finding later records showed to be wrong (a message that was delivered after all). */
  retract(anchor: string): void;
}

/** A rule's handlers; `create()` gives each engine fresh state, so evaluation is repeatable. */
export interface RuleHandlers {
  onRecord?(record: LensRecord, context: RuleContext): void;
  onTransition?(transition: Transition, context: RuleContext): void;
  onDocumentEnd?(document: DocumentInfo, context: RuleContext): void;
}

export interface Rule extends RuleMeta {
  create(): RuleHandlers;
}

export const defineRule = (rule: Rule): Rule => rule;

/** Quotes a value for a one-line message, shortened if long. */
export function show(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const clipped = text.length > 60 ? `${text.slice(0, 57)}…` : text;
  return typeof value === 'string' ? `"${clipped}"` : clipped;
}

export const EVENT_METHODS: ReadonlySet<string> = new Set(['track', 'page', 'screen', 'identify', 'group', 'alias']);
