import { IDENTITY_KEYS, type IdentityKey, type StorageArea, type StorageSnapshot } from '../protocol/records';

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
  const cookieGetter = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie')?.get;
  const getItem = Storage.prototype.getItem;
  return {
    readCookies: () => (cookieGetter ? String(cookieGetter.call(doc)) : ''),
    readLocal: (key) => {
      // Sandboxed frames and blocked storage throw on access.
      const storage = win.localStorage;
      return getItem.call(storage, key);
    },
  };
}

const IDENTITY_KEY_SET: ReadonlySet<string> = new Set(IDENTITY_KEYS);

export function parseIdentityCookies(cookieHeader: string): Partial<Record<IdentityKey, string | null>> {
  const out: Partial<Record<IdentityKey, string | null>> = {};
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!IDENTITY_KEY_SET.has(name)) continue;
    const raw = part.slice(eq + 1).trim();
    let value = raw;
    try {
      value = decodeURIComponent(raw);
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
    for (const key of IDENTITY_KEYS) {
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
  for (const area of ['cookie', 'localStorage'] as const) {
    for (const key of IDENTITY_KEYS) {
      const before = previous?.[area][key] ?? null;
      const after = next[area][key] ?? null;
      if (before !== after) changed.push({ area, key });
    }
  }
  return changed;
}
