import { compareFindings, createRuleEngine, type RuleEngine } from '../core/engine';
import { compareRecords } from '../core/link-records';
import type { RuleOptions } from '../core/rules/rule';
import type { Finding, Severity } from '../protocol/findings';
import type { LensRecord, Session } from '../protocol/records';
import type { LensDatabase, StoredFinding } from './db';
import { readSessionRecords } from './session-store';

export interface FindingsDeps {
  readonly db: LensDatabase;
  readonly ruleOptions: () => Promise<Partial<RuleOptions>>;
  /** Shows the tab's error and warning count (the toolbar badge). */
  readonly showCount: (tabId: number, counts: Record<Severity, number>) => void;
  /** Defers work briefly so records that arrive together are evaluated in time order. */
  readonly later: (callback: () => void, ms: number) => void;
  /** Told of every evaluation saved (the UIs following the session). */
  readonly onSaved?: (session: Session, findings: readonly Finding[]) => void;
}

/** How long records gather before they are evaluated: page and background records of one moment arrive a few ms apart. */
export const EVALUATION_DELAY_MS = 50;

interface SessionEvaluation {
  engine: RuleEngine;
  /** Ids of the records evaluated, so the session can say how far evaluation has come. */
  seen: Set<string>;
  /** The newest record the engine has seen, in evaluation order. */
  last: { at: number; seq: number; id: string } | null;
}

const countBySeverity = (findings: readonly Finding[]): Record<Severity, number> => {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
};

/**
 * Keeps each open session's findings current as records arrive. The engine lives
 * in memory only as a cache: after a service worker restart, or when a record
 * arrives older than what the engine has seen, the session is evaluated again
 * from IndexedDB, which gives the same findings (the engine is deterministic).
 *
 * A session's evaluations run one at a time, in the order they were asked for. Run
 * side by side, an evaluation that rebuilt the session from IndexedDB could replace an
 * engine another one had just fed, and a session's end could be saved before an
 * earlier evaluation's findings, which would then overwrite it.
 */
export function createFindingsService(deps: FindingsDeps) {
  const evaluations = new Map<string, SessionEvaluation>();
  const pending = new Map<string, { tabId: number; records: LensRecord[] }>();
  /** Each session's last queued evaluation; the next one starts when it has settled. */
  const queues = new Map<string, Promise<void>>();
  let options: Promise<Partial<RuleOptions>> | null = null;
  const ruleOptions = () => (options ??= deps.ruleOptions());

  function serially(sessionId: string, task: () => Promise<void>): Promise<void> {
    const run = (queues.get(sessionId) ?? Promise.resolve()).then(task);
    const settled = run.catch(() => undefined);
    queues.set(sessionId, settled);
    void settled.then(() => {
      if (queues.get(sessionId) === settled) queues.delete(sessionId);
    });
    return run;
  }

  async function rebuild(sessionId: string, ended: boolean): Promise<SessionEvaluation> {
    const engine = createRuleEngine(await ruleOptions());
    const records = await readSessionRecords(deps.db, sessionId);
    for (const record of records) engine.add(record);
    if (ended) engine.end();
    const evaluation = { engine, seen: new Set(records.map((r) => r.id)), last: records[records.length - 1] ?? null };
    evaluations.set(sessionId, evaluation);
    return evaluation;
  }

  async function save(sessionId: string, tabId: number, findings: readonly Finding[], evaluatedRecords: number): Promise<void> {
    const tx = deps.db.transaction(['findings', 'sessions'], 'readwrite');
    const session = await tx.objectStore('sessions').get(sessionId);
    if (!session) {
      // Deleted while it was being evaluated (the library, or retention): its findings would be orphans.
      evaluations.delete(sessionId);
      await tx.done;
      return;
    }
    const store = tx.objectStore('findings');
    const keep = new Set(findings.map((f) => f.id));
    const existing = await store.index('bySession').getAll(sessionId);
    const writes: Promise<unknown>[] = [];
    for (const old of existing) if (!keep.has(old.id)) writes.push(store.delete([sessionId, old.id]));
    for (const finding of findings) writes.push(store.put({ ...finding, sessionId } satisfies StoredFinding));
    const counts = countBySeverity(findings);
    writes.push(tx.objectStore('sessions').put({ ...session, findingCounts: counts, evaluatedRecords }));
    await Promise.all([...writes, tx.done]);
    if (session.endedAt === null) deps.showCount(tabId, counts);
    deps.onSaved?.({ ...session, findingCounts: counts, evaluatedRecords }, findings);
  }

  async function evaluate(sessionId: string): Promise<void> {
    const batch = pending.get(sessionId);
    pending.delete(sessionId);
    if (!batch) return;
    let evaluation = evaluations.get(sessionId);
    // A record a rebuild has already read from IndexedDB comes back here when its own
    // notice follows: it is not new, and taken as new it would look late and make every
    // evaluation of a burst a rebuild. A wire record seen again is its request
    // completing, which the rules take in any order.
    const seen = (record: LensRecord): boolean => evaluation !== undefined && evaluation.seen.has(record.id);
    const records = batch.records.filter((r) => r.kind === 'wire' || !seen(r)).sort(compareRecords);
    const first = records.find((r) => !seen(r));
    const inOrder = evaluation !== undefined && (evaluation.last === null || first === undefined || compareRecords(first, evaluation.last) > 0);
    if (evaluation && inOrder) {
      for (const record of records) {
        evaluation.engine.add(record);
        evaluation.seen.add(record.id);
      }
      const newest = records[records.length - 1];
      if (newest && (evaluation.last === null || compareRecords(newest, evaluation.last) > 0)) evaluation.last = newest;
    } else {
      evaluation = await rebuild(sessionId, false);
    }
    await save(sessionId, batch.tabId, evaluation.engine.findings(), evaluation.seen.size);
  }

  return {
    /** New or updated records of a session were stored. */
    recordsStored(sessionId: string, tabId: number, records: readonly LensRecord[]): void {
      const entry = pending.get(sessionId);
      if (entry) {
        entry.records.push(...records);
        return;
      }
      pending.set(sessionId, { tabId, records: [...records] });
      deps.later(() => {
        serially(sessionId, () => evaluate(sessionId)).catch((error: unknown) => console.error('[Identity Lens] evaluation failed', error));
      }, EVALUATION_DELAY_MS);
    },

    /** The session ended: its open pages end too (identify-without-track, undelivered calls…). */
    sessionEnded(sessionId: string, tabId: number): Promise<void> {
      // What is still pending is in IndexedDB already, so the final rebuild reads it.
      pending.delete(sessionId);
      return serially(sessionId, async () => {
        const evaluation = await rebuild(sessionId, true);
        evaluations.delete(sessionId);
        await save(sessionId, tabId, evaluation.engine.findings(), evaluation.seen.size);
      });
    },

    /** The user changed the rule options: open sessions are evaluated again with them. */
    async optionsChanged(openSessions: ReadonlyArray<{ id: string; tabId: number }>): Promise<void> {
      options = null;
      evaluations.clear();
      for (const session of openSessions) {
        await serially(session.id, async () => {
          const evaluation = await rebuild(session.id, false);
          await save(session.id, session.tabId, evaluation.engine.findings(), evaluation.seen.size);
        });
      }
    },

    async findingsOf(sessionId: string): Promise<Finding[]> {
      const stored = await deps.db.getAllFromIndex('findings', 'bySession', sessionId);
      return stored.map(({ sessionId: _session, ...finding }) => finding).sort(compareFindings);
    },
  };
}

export type FindingsService = ReturnType<typeof createFindingsService>;
