import type { RetentionNotice } from '../protocol/ui-messages';
import { planEviction, type EvictionPlan, type SessionFootprint } from './retention';
import type { RetentionSettings } from './settings';

/** storage.local key of the notice the popup and the session library show until dismissed. */
export const RETENTION_NOTICE_KEY = 'retentionNotice';

/** Checks gather for this long: a burst of tabs opening is one check. */
export const RETENTION_DELAY_MS = 1000;
/** Records stored between two size checks while sessions neither start nor end. */
export const RECORDS_BETWEEN_CHECKS = 10_000;
/** How long a past eviction's freed bytes are still subtracted from a usage figure that has not caught up. */
export const FREED_CREDIT_MS = 10 * 60_000;

export interface RetentionDeps {
  listSessions(): Promise<readonly SessionFootprint[]>;
  /** The capture service's delete (records and findings go with each session). */
  deleteSessions(ids: readonly string[]): Promise<readonly unknown[]>;
  /** Bytes the extension's IndexedDB uses (navigator.storage.estimate), or null when the browser does not say. */
  usage(): Promise<number | null>;
  settings(): Promise<RetentionSettings>;
  loadNotice(): Promise<RetentionNotice | null>;
  saveNotice(notice: RetentionNotice | null): Promise<void>;
  now(): number;
  later(callback: () => void, ms: number): void;
}

/** Bytes Identity Lens stores: Chrome says what IndexedDB alone uses; elsewhere the origin's total is close enough. */
export async function estimateStorageUsage(): Promise<number | null> {
  const estimate = await navigator.storage.estimate();
  return (estimate as { usageDetails?: { indexedDB?: number } }).usageDetails?.indexedDB ?? estimate.usage ?? null;
}

export function parseNotice(value: unknown): RetentionNotice | null {
  if (typeof value !== 'object' || value === null) return null;
  const { at, evicted, reason, maxSessions, maxMegabytes } = value as Record<string, unknown>;
  if (typeof at !== 'number' || typeof evicted !== 'number' || typeof maxSessions !== 'number' || typeof maxMegabytes !== 'number') return null;
  if (reason !== 'sessions' && reason !== 'size' && reason !== 'storage-full') return null;
  return { at, evicted, reason, maxSessions, maxMegabytes };
}

/**
 * Keeps storage within the user's retention settings: checks (debounced) when a
 * session starts or ends, when the settings change and every RECORDS_BETWEEN_CHECKS
 * records, deletes what `planEviction` names through the one delete path, and
 * leaves a notice. Also frees room when the browser refuses a write.
 */
export function createRetentionService(deps: RetentionDeps) {
  let scheduled = false;
  let running: Promise<EvictionPlan> | null = null;
  let again = false;
  let recordsSinceCheck = 0;
  /**
   * The browser's usage figure lags deletions (IndexedDB frees space when it
   * compacts): what an eviction freed is subtracted from later figures until they
   * show it, so the next check does not evict again for space already freed.
   */
  let credit: { usage: number; freed: number; at: number } | null = null;

  async function currentUsage(): Promise<number> {
    const usage = (await deps.usage().catch(() => null)) ?? 0;
    if (credit === null) return usage;
    if (usage <= credit.usage - credit.freed || deps.now() - credit.at > FREED_CREDIT_MS) {
      credit = null;
      return usage;
    }
    return Math.max(0, usage - credit.freed);
  }

  async function evict(trigger: 'limits' | 'storage-full'): Promise<EvictionPlan> {
    const [sessions, usage, settings] = await Promise.all([deps.listSessions(), currentUsage(), deps.settings()]);
    const plan = planEviction(sessions, usage, settings, trigger);
    if (plan.ids.length === 0 || plan.reason === null) return plan;
    const deleted = await deps.deleteSessions(plan.ids);
    if (deleted.length === 0) return { ids: [], reason: null };
    const totalRecords = sessions.reduce((sum, s) => sum + s.recordCount, 0);
    const freedRecords = sessions.filter((s) => plan.ids.includes(s.id)).reduce((sum, s) => sum + s.recordCount, 0);
    if (totalRecords > 0 && usage > 0) credit = { usage: (credit?.usage ?? usage), freed: (credit?.freed ?? 0) + (usage * freedRecords) / totalRecords, at: deps.now() };
    const previous = await deps.loadNotice().catch(() => null);
    await deps
      .saveNotice({
        at: deps.now(),
        evicted: (previous?.evicted ?? 0) + deleted.length,
        reason: plan.reason,
        maxSessions: settings.maxSessions,
        maxMegabytes: settings.maxMegabytes,
      })
      .catch(() => undefined);
    return plan;
  }

  /** One check at a time; a check asked for while one runs runs after it. */
  function enforce(): Promise<EvictionPlan> {
    if (running) {
      again = true;
      return running;
    }
    recordsSinceCheck = 0;
    running = evict('limits').finally(() => {
      running = null;
      if (again) {
        again = false;
        void enforce().catch(() => undefined);
      }
    });
    return running;
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    deps.later(() => {
      scheduled = false;
      void enforce().catch((error: unknown) => console.error('[Identity Lens] retention failed', error));
    }, RETENTION_DELAY_MS);
  }

  return {
    enforce,
    schedule,
    recordsStored(count: number): void {
      recordsSinceCheck += count;
      if (recordsSinceCheck >= RECORDS_BETWEEN_CHECKS) {
        recordsSinceCheck = 0;
        schedule();
      }
    },
    /**
     * The browser refused a write: frees a tenth of what is stored, oldest ended
     * sessions first. Not serialised with `enforce`: it runs inside a tab's turn,
     * which an eviction of that tab's session would wait for.
     */
    freeSpace: (): Promise<EvictionPlan> => evict('storage-full'),
    notice: (): Promise<RetentionNotice | null> => deps.loadNotice(),
    dismissNotice: (): Promise<void> => deps.saveNotice(null),
  };
}

export type RetentionService = ReturnType<typeof createRetentionService>;
