import type { Finding } from '../protocol/findings';
import type { CallRecord, LensRecord } from '../protocol/records';
import { createIdentityModel, type Transition } from './identity/identity-model';
import { documentIdOf, isPageRecord } from './identity/scope';
import { compareRecords } from './link-records';
import { RULES } from './rules/catalogue';
import { DEFAULT_RULE_OPTIONS, type DocumentInfo, type FindingDraft, type Rule, type RuleContext, type RuleOptions } from './rules/rule';

export interface FindingChanges {
  readonly added: Finding[];
  /** Ids of findings withdrawn. */
  readonly removed: string[];
}

export interface RuleEngine {
  /** Feeds one record (in time order); a wire record seen again with its final state is an update. */
  add(record: LensRecord): FindingChanges;
  /** The session ended (its tab closed): its open pages end too. */
  end(): FindingChanges;
  findings(): Finding[];
  timeline(): Transition[];
  readonly model: ReturnType<typeof createIdentityModel>;
}

const NAVIGATIONS_THAT_END_PAGES: ReadonlySet<string> = new Set(['load', 'reload', 'back-forward']);

export function compareFindings(a: Finding, b: Finding): number {
  return a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Evaluates the rule catalogue incrementally. Deterministic: the same records
 * in the same order give the same findings, and evaluating one record at a time
 * gives what evaluating the whole session gives.
 */
export function createRuleEngine(options: Partial<RuleOptions> = {}, catalogue: readonly Rule[] = RULES): RuleEngine {
  const settings: RuleOptions = { ...DEFAULT_RULE_OPTIONS, ...options };
  const model = createIdentityModel();
  const documents = new Map<string, DocumentInfo>();
  const calls = new Map<string, CallRecord>();
  const callIdByMessage = new Map<string, string>();
  const findings = new Map<string, Finding>();
  const transitions: Transition[] = [];
  let changes: { added: Finding[]; removed: string[] } = { added: [], removed: [] };

  const active = catalogue
    .filter((rule) => !settings.disabledRules.includes(rule.id))
    .map((rule) => ({ rule, handlers: rule.create() }));

  const contextFor = (rule: Rule): RuleContext => ({
    options: settings,
    model,
    documentOf: (record) => {
      const id = documentIdOf(record);
      return id === null ? undefined : documents.get(id);
    },
    callById: (id) => calls.get(id),
    callForMessage: (messageId) => {
      const callId = callIdByMessage.get(messageId);
      return callId === undefined ? undefined : calls.get(callId);
    },
    report(draft: FindingDraft) {
      const id = `${rule.id}:${draft.anchor}`;
      if (findings.has(id)) return;
      const finding: Finding = {
        id,
        rule: rule.id,
        severity: rule.severity,
        message: draft.message,
        recordIds: [...draft.recordIds],
        at: draft.at,
        scope: draft.scope,
      };
      findings.set(id, finding);
      changes.added.push(finding);
    },
    retract(anchor: string) {
      const id = `${rule.id}:${anchor}`;
      if (!findings.delete(id)) return;
      const index = changes.added.findIndex((f) => f.id === id);
      if (index >= 0) changes.added.splice(index, 1);
      else changes.removed.push(id);
    },
  });
  const contexts = new Map(active.map(({ rule }) => [rule.id, contextFor(rule)]));
  const each = (run: (handlers: (typeof active)[number]['handlers'], context: RuleContext) => void): void => {
    for (const { rule, handlers } of active) run(handlers, contexts.get(rule.id) as RuleContext);
  };

  const endDocument = (document: DocumentInfo): void => {
    if (document.ended) return;
    document.ended = true;
    each((handlers, context) => handlers.onDocumentEnd?.(document, context));
  };

  const trackDocument = (record: LensRecord): void => {
    if (!isPageRecord(record)) return;
    const id = documentIdOf(record);
    if (id === null || documents.has(id)) return;
    const frameUrl = 'frameUrl' in record && typeof record.frameUrl === 'string' ? record.frameUrl : '';
    const frameId = 'frameId' in record && typeof record.frameId === 'number' ? record.frameId : null;
    documents.set(id, {
      id,
      scope: model.scopeOf(record),
      frameUrl,
      topFrame: record.kind === 'lifecycle' ? record.topFrame : frameId === 0,
      frameId,
      startedAt: record.at,
      ended: false,
    });
  };

  const take = (): FindingChanges => {
    const taken = changes;
    changes = { added: [], removed: [] };
    return taken;
  };

  return {
    model,
    add(record) {
      trackDocument(record);
      if (record.kind === 'call') calls.set(record.id, record);
      if (record.kind === 'call-result' && record.messageId !== null) callIdByMessage.set(record.messageId, record.callId);
      if (record.kind === 'event' && record.messageId !== null && record.callId !== null) callIdByMessage.set(record.messageId, record.callId);
      const transition = model.apply(record);
      each((handlers, context) => handlers.onRecord?.(record, context));
      if (transition) {
        transitions.push(transition);
        each((handlers, context) => handlers.onTransition?.(transition, context));
      }
      if (record.kind === 'lifecycle' && record.event === 'pagehide' && record.persisted !== true) {
        const id = documentIdOf(record);
        const document = id === null ? undefined : documents.get(id);
        if (document) endDocument(document);
      }
      if (record.kind === 'navigation' && NAVIGATIONS_THAT_END_PAGES.has(record.navigation)) {
        const frameId = 'frameId' in record && typeof record.frameId === 'number' ? record.frameId : 0;
        for (const document of documents.values()) {
          if (document.ended || document.startedAt > record.at) continue;
          // A top-level navigation ends every document of the tab; a frame's, that frame's.
          if (frameId === 0 || document.frameId === frameId) endDocument(document);
        }
      }
      return take();
    },
    end() {
      for (const document of documents.values()) endDocument(document);
      return take();
    },
    findings: () => [...findings.values()].sort(compareFindings),
    timeline: () => [...transitions],
  };
}

/** Evaluates a whole session at once: what the background, an imported file and the CLI all use. */
export function evaluateSession(
  records: readonly LensRecord[],
  options: Partial<RuleOptions> & { ended?: boolean } = {},
): { findings: Finding[]; timeline: Transition[] } {
  const engine = createRuleEngine(options);
  for (const record of [...records].sort(compareRecords)) engine.add(record);
  if (options.ended) engine.end();
  return { findings: engine.findings(), timeline: engine.timeline() };
}
