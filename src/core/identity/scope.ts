import type { LensRecord, PageRecord } from '../../protocol/records';

/** Identity lives per origin (cookies and localStorage are per site): each origin is a scope. */
export function originOf(url: string | null | undefined): string {
  if (!url) return 'unknown';
  try {
    const parsed = new URL(url);
    return parsed.origin === 'null' ? url : parsed.origin;
  } catch {
    return 'unknown';
  }
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
