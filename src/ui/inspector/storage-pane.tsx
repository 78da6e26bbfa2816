import { decodeCookieId, decodeLocalStorageId } from '../../core/identity/stored-values';
import type { CookieRecord, StorageRecord } from '../../protocol/records';
import { describeExpiry } from './format';
import type { InspectorStore } from './inspector-store';
import type { ViewPlatform } from './platform';

/** The identity cookies and localStorage keys now, and how they changed. */
export function StoragePane({ store, platform }: { store: InspectorStore; platform: ViewPlatform }) {
  void store.version.value;
  const records = store.records();
  let snapshot: StorageRecord | undefined;
  let cookies: CookieRecord | undefined;
  const history: Array<CookieRecord> = [];
  for (const record of records) {
    if (record.kind === 'storage') snapshot = record;
    if (record.kind === 'cookie') {
      if (record.change === 'snapshot') cookies = record;
      else history.push(record);
    }
  }
  const identity = store.identity.value;
  const now = platform.now();
  const cookieRows = Object.values(identity.cookies);
  const localEntries = snapshot ? Object.entries(snapshot.snapshot.localStorage) : [];
  return (
    <div class="storage">
      <h3>Cookies</h3>
      {cookieRows.length === 0 && !cookies ? (
        <p class="empty">No identity cookie seen yet.</p>
      ) : (
        <table class="storage-table">
          <thead>
            <tr>
              <th>name</th>
              <th>value</th>
              <th>domain</th>
              <th>path</th>
              <th>expiry</th>
              <th>SameSite</th>
              <th>Secure</th>
            </tr>
          </thead>
          <tbody>
            {cookieRows.map((cookie) => (
              <tr>
                <td>{cookie.name}</td>
                <td>
                  <code>{decodeCookieId(cookie.value).value ?? cookie.value}</code>
                </td>
                <td>{cookie.hostOnly ? `${cookie.domain} (host only)` : cookie.domain}</td>
                <td>{cookie.path}</td>
                <td>{describeExpiry(cookie.expirationDate, now)}</td>
                <td>{cookie.sameSite}</td>
                <td>{cookie.secure ? 'yes' : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>localStorage</h3>
      {localEntries.length === 0 ? (
        <p class="empty">No identity key in localStorage.</p>
      ) : (
        <table class="storage-table">
          <tbody>
            {localEntries.map(([key, raw]) => (
              <tr>
                <td>{key}</td>
                <td>
                  <code>{key.endsWith('_id') ? (decodeLocalStorageId(raw) ?? '') : (raw ?? '')}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Cookie changes</h3>
      {history.length === 0 ? (
        <p class="empty">No identity cookie changed while captured.</p>
      ) : (
        <ul class="cookie-history">
          {history.map((change) => (
            <li>
              <button type="button" class="link" onClick={() => store.select(change.id)}>
                {change.cookies[0]?.name} {change.change === 'removed' ? 'removed' : `= ${change.cookies[0]?.value ?? ''}`}
              </button>{' '}
              <span class="muted">
                {change.cause ?? ''}
                {change.previous ? ` (was ${change.previous.value})` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
