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
