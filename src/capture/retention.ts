import type { EvictionReason } from '../protocol/ui-messages';
import type { StoredSession } from './db';
import type { RetentionSettings } from './settings';

/** What eviction needs to know of a stored session. */
export interface SessionFootprint {
  readonly id: string;
  readonly startedAt: number;
  readonly recordCount: number;
  /** Still recording on a live tab. */
  readonly open: boolean;
}

export type { EvictionReason };

export interface EvictionPlan {
  /** Oldest first. */
  readonly ids: readonly string[];
  /** What made the plan evict; null when nothing needs to go. */
  readonly reason: EvictionReason | null;
}

/** A stored session as eviction sees it. An imported session ages from its import: an old capture opened to look at it must not be the first to go. */
export const footprintOf = (session: StoredSession): SessionFootprint => ({
  id: session.id,
  startedAt: session.importedAt ?? session.startedAt,
  recordCount: session.recordCount,
  open: session.openTabId !== undefined,
});

export const BYTES_PER_MEGABYTE = 1024 * 1024;

/**
 * Size eviction aims this far below the limit: the browser's usage figure lags
 * deletions (IndexedDB frees space when it compacts), so aiming at the limit itself
 * would evict again at the next record.
 */
export const SIZE_TARGET = 0.9;

const oldestFirst = (a: SessionFootprint, b: SessionFootprint): number => a.startedAt - b.startedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Which sessions to delete to get back within the user's retention settings,
 * oldest first. Size is apportioned by records: each record is taken to weigh
 * usage / total records, as the browser reports usage for the whole database only.
 *
 * Sessions still recording on a live tab are spared by the count limit (deleting
 * one gains nothing: the tab's next call starts a new session) and are evicted for
 * size only when every ended session is gone and usage is still above the limit,
 * because a limit on disk use that one long recording could break would be no limit.
 *
 * `storage-full` (the browser refused a write) frees a tenth of what is stored,
 * from ended sessions only: the user's live recording is what capture is for.
 */
export function planEviction(
  sessions: readonly SessionFootprint[],
  usageBytes: number,
  settings: RetentionSettings,
  trigger: 'limits' | 'storage-full' = 'limits',
): EvictionPlan {
  const ordered = [...sessions].sort(oldestFirst);
  const evicted = new Set<string>();
  let reason: EvictionReason | null = null;

  if (trigger === 'limits') {
    let excess = ordered.length - settings.maxSessions;
    for (const session of ordered) {
      if (excess <= 0) break;
      if (session.open) continue;
      evicted.add(session.id);
      excess -= 1;
    }
    if (evicted.size > 0) reason = 'sessions';
  }

  const totalRecords = ordered.reduce((sum, s) => sum + s.recordCount, 0);
  const bytesPerRecord = totalRecords > 0 ? Math.max(0, usageBytes) / totalRecords : 0;
  let remaining = Math.max(0, usageBytes) - ordered.filter((s) => evicted.has(s.id)).reduce((sum, s) => sum + s.recordCount * bytesPerRecord, 0);
  const limit = trigger === 'storage-full' ? usageBytes : settings.maxMegabytes * BYTES_PER_MEGABYTE;
  if (trigger === 'storage-full' || remaining > limit) {
    const target = limit * SIZE_TARGET;
    const candidates = trigger === 'storage-full' ? ordered.filter((s) => !s.open) : [...ordered.filter((s) => !s.open), ...ordered.filter((s) => s.open)];
    let bySize = 0;
    for (const session of candidates) {
      if (remaining <= target) break;
      if (evicted.has(session.id)) continue;
      evicted.add(session.id);
      bySize += 1;
      remaining -= session.recordCount * bytesPerRecord;
    }
    if (bySize > 0) reason = trigger === 'storage-full' ? 'storage-full' : 'size';
  }

  return { ids: ordered.filter((s) => evicted.has(s.id)).map((s) => s.id), reason };
}
