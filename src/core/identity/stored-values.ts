import type { Cloned, IdentityKey, StorageSnapshot } from '../../protocol/records';

/**
 * How analytics.js stores identity, decoded. localStorage values are always
 * JSON (`"uuid"`); analytics-next writes cookies raw, classic analytics.js wrote
 * them JSON-quoted (`"uuid"` after percent-decoding), and analytics-next reads both.
 */

export interface StoredId {
  readonly value: string | null;
  /** The raw value was classic analytics.js's JSON-quoted cookie format. */
  readonly legacyQuoted: boolean;
}

const NONE: StoredId = { value: null, legacyQuoted: false };

export function decodeLocalStorageId(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === 'string') return parsed;
    if (typeof parsed === 'number' && Number.isFinite(parsed)) return String(parsed);
    return null;
  } catch {
    // A value written by something other than analytics.js: analytics-next would use it as it is.
    return raw;
  }
}

export function decodeCookieId(raw: string | null | undefined): StoredId {
  if (raw === null || raw === undefined || raw === '') return NONE;
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed === 'string') return { value: parsed, legacyQuoted: true };
    } catch {
      // Not JSON after all: fall through to the raw value.
    }
  }
  return { value: raw, legacyQuoted: false };
}

export function decodeTraits(raw: string | null | undefined): Record<string, Cloned> {
  if (raw === null || raw === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, Cloned>;
  } catch {
    // Unreadable traits count as none.
  }
  return {};
}

export interface StoredIdentity {
  readonly anonymousId: string | null;
  readonly userId: string | null;
  readonly groupId: string | null;
  readonly traits: Record<string, Cloned>;
  /** Where each id was found. */
  readonly anonymousIdIn: { cookie: string | null; localStorage: string | null };
  readonly userIdIn: { cookie: string | null; localStorage: string | null };
  readonly legacyCookies: IdentityKey[];
}

/**
 * The identity analytics-next would read from this storage: localStorage wins
 * over the cookie by default (its store order is localStorage, cookie, memory).
 */
export function readStoredIdentity(snapshot: StorageSnapshot): StoredIdentity {
  const legacyCookies: IdentityKey[] = [];
  const pair = (key: 'ajs_anonymous_id' | 'ajs_user_id' | 'ajs_group_id') => {
    const cookie = decodeCookieId(snapshot.cookie[key]);
    if (cookie.legacyQuoted) legacyCookies.push(key);
    return { cookie: cookie.value, localStorage: decodeLocalStorageId(snapshot.localStorage[key]) };
  };
  const anonymousIdIn = pair('ajs_anonymous_id');
  const userIdIn = pair('ajs_user_id');
  const groupIn = pair('ajs_group_id');
  return {
    anonymousId: anonymousIdIn.localStorage ?? anonymousIdIn.cookie,
    userId: userIdIn.localStorage ?? userIdIn.cookie,
    groupId: groupIn.localStorage ?? groupIn.cookie,
    traits: decodeTraits(snapshot.localStorage.ajs_user_traits),
    anonymousIdIn,
    userIdIn,
    legacyCookies,
  };
}
