import type { LensRecord, PageRecord } from '../../protocol/records';

/**
 * Parsed origins by URL. A session's records name a handful of frame URLs over and over,
 * and parsing a URL per record was a tenth of the background's time in a 100,000-call burst.
 */
const origins = new Map<string, string>();
const MAX_CACHED_ORIGINS = 512;

/** Identity lives per origin (cookies and localStorage are per site): each origin is a scope. */
export function originOf(url: string | null | undefined): string {
  if (!url) return 'unknown';
  const cached = origins.get(url);
  if (cached !== undefined) return cached;
  let origin: string;
  try {
    const parsed = new URL(url);
    origin = parsed.origin === 'null' ? url : parsed.origin;
  } catch {
    origin = 'unknown';
  }
  if (origins.size >= MAX_CACHED_ORIGINS) origins.clear();
  origins.set(url, origin);
  return origin;
}

const PAGE_KINDS: ReadonlySet<string> = new Set(['call', 'call-result', 'event', 'instance', 'storage', 'lifecycle', 'hook-error']);

export function isPageRecord(record: LensRecord): record is PageRecord {
  return PAGE_KINDS.has(record.kind);
}

/**
 * The document (one page load in one frame) a page record comes from. The hook
 * names its records `${pageLoadId}:${seq}` (src/hook/recorder.ts).
 */
export function documentIdOf(record: LensRecord): string | null {
  if (!isPageRecord(record)) return null;
  const colon = record.id.lastIndexOf(':');
  return colon > 0 ? record.id.slice(0, colon) : null;
}

/** The scope of a page record: the origin of the frame that made it. */
export function scopeOf(record: LensRecord): string {
  if ('frameUrl' in record && typeof record.frameUrl === 'string') return originOf(record.frameUrl);
  if ('url' in record && typeof record.url === 'string') return originOf(record.url);
  return 'unknown';
}
