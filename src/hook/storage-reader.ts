import { IDENTITY_KEYS, type IdentityKey, type StorageArea, type StorageSnapshot } from '../protocol/records';
import { append, decodeUriComponent, getterOf, listHas, uncurry } from './intrinsics';

/**
 * Reads identity storage passively: document.cookie and localStorage only. Never
 * through `user().id()` or `user().anonymousId()`, which write storage back and
 * can create an anonymousId, changing what we observe.
 */
export interface StorageSource {
  readCookies(): string;
  readLocal(key: string): string | null;
}

export function browserStorageSource(doc: Document, win: Window): StorageSource {
  // Captured at install; a page that replaces them later does not blind us.
  const readCookie = getterOf<Document>(Document.prototype, 'cookie');
  const getItem = uncurry(Storage.prototype.getItem);
  return {
    readCookies: () => (readCookie ? `${readCookie(doc) as string}` : ''),
    // Sandboxed frames and blocked storage throw on access.
    readLocal: (key) => getItem(win.localStorage, key),
  };
}

export function parseIdentityCookies(cookieHeader: string): Partial<Record<IdentityKey, string | null>> {
  const out: Partial<Record<IdentityKey, string | null>> = {};
  const parts = cookieHeader.split(';');
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i] as string;
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!listHas(IDENTITY_KEYS, name)) continue;
    const raw = part.slice(eq + 1).trim();
    let value = raw;
    try {
      value = decodeUriComponent(raw);
    } catch {
      // js-cookie percent-encodes; a malformed sequence is kept raw rather than dropped.
    }
    out[name as IdentityKey] = value;
  }
  return out;
}

export function readIdentityStorage(source: StorageSource): StorageSnapshot {
  let cookie: Partial<Record<IdentityKey, string | null>> = {};
  try {
    cookie = parseIdentityCookies(source.readCookies());
  } catch {
    // Cookies blocked in this frame: the snapshot says so by having none.
  }
  const local: Partial<Record<IdentityKey, string | null>> = {};
  try {
    for (let i = 0; i < IDENTITY_KEYS.length; i += 1) {
      const key = IDENTITY_KEYS[i] as IdentityKey;
      const value = source.readLocal(key);
      if (value !== null) local[key] = value;
    }
  } catch {
    // localStorage blocked (sandboxed frame, privacy settings).
  }
  return { cookie, localStorage: local };
}

export function diffSnapshots(
  previous: StorageSnapshot | null,
  next: StorageSnapshot,
): Array<{ area: StorageArea; key: IdentityKey }> {
  const changed: Array<{ area: StorageArea; key: IdentityKey }> = [];
  const areas: readonly StorageArea[] = ['cookie', 'localStorage'];
  for (let a = 0; a < areas.length; a += 1) {
    const area = areas[a] as StorageArea;
    for (let k = 0; k < IDENTITY_KEYS.length; k += 1) {
      const key = IDENTITY_KEYS[k] as IdentityKey;
      const before = previous?.[area][key] ?? null;
      const after = next[area][key] ?? null;
      if (before !== after) append(changed, { area, key });
    }
  }
  return changed;
}
