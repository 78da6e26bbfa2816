import { ruleById } from '../../core/rules/catalogue';
import { describeExpiry } from '../inspector/format';
import { IdentityValue } from '../inspector/identity-value';
import type { ViewPlatform } from '../inspector/platform';
import { CapturePausedNote, RetentionNoticeNote } from '../storage-notices';
import type { PopupStore } from './popup-store';

/** The active tab at a glance: who the visitor is, where that lives, and what is wrong. */
export function PopupView({ store, platform }: { store: PopupStore; platform: ViewPlatform }) {
  const summary = store.summary.value;
  const storage = store.storage.value;
  const notes = (
    <>
      <CapturePausedNote status={storage?.capture ?? null} openLibrary={() => store.openLibrary()} openOptions={store.openOptions} />
      <RetentionNoticeNote notice={storage?.notice ?? null} onDismiss={() => void store.dismissRetentionNotice()} openOptions={store.openOptions} />
    </>
  );
  if (store.error.value)
    return (
      <div class="popup">
        {notes}
        {storage?.capture.state === 'paused-storage-full' ? (
          // The summary is read from the same full storage: the pause above says why, the details stay at hand.
          <p class="muted" title={store.error.value}>
            This tab's summary can be read again once there is room.
          </p>
        ) : (
          <p class="notice-error" role="alert">
            {store.error.value}
          </p>
        )}
      </div>
    );
  if (!summary) return <p class="muted">Loading…</p>;
  const { identity, counts } = summary;
  const now = platform.now();
  const where = (list: readonly string[], expiry: number | null) =>
    [list.join(' + '), list.includes('cookie') && expiry !== null ? describeExpiry(expiry, now) : ''].filter(Boolean).join(' · ');
  const traits = Object.entries(identity.traits).slice(0, 4);
  return (
    <div class="popup">
      <header class="popup-head">
        <strong>Identity Lens</strong>
        <span class="muted">{summary.origin ?? ''}</span>
      </header>
      {notes}
      {summary.session === null || summary.callCount === 0 ? (
        <p class="empty popup-empty">
          No Segment calls on this tab yet. Reload the page, and check that analytics.js loads (window.analytics, or an npm build of @segment/analytics-next).
          {summary.captureEnabled ? '' : ' Capture is off for this site.'}
        </p>
      ) : (
        <>
          <IdentityValue className="popup-row" name="anonymousId" value={identity.anonymousId} platform={platform} notes={[where(identity.storedIn.anonymousId, identity.cookieExpiry.anonymousId)]} />
          <IdentityValue className="popup-row" name="userId" value={identity.userId} platform={platform} notes={[where(identity.storedIn.userId, identity.cookieExpiry.userId)]} />
          <IdentityValue className="popup-row" name="groupId" value={identity.groupId} platform={platform} />
          {traits.length > 0 ? (
            <ul class="popup-traits" aria-label="Traits">
              {traits.map(([key, value]) => (
                <li>
                  <span class="identity-name">{key}</span> <code>{typeof value === 'string' ? value : JSON.stringify(value)}</code>
                </li>
              ))}
              {Object.keys(identity.traits).length > traits.length ? <li class="muted">+{Object.keys(identity.traits).length - traits.length} more</li> : null}
            </ul>
          ) : null}
          <div class="identity-counts popup-counts" aria-label="Findings">
            <span class="count count-error">✖ {counts.error}</span>
            <span class="count count-warning">▲ {counts.warning}</span>
            <span class="count count-info">● {counts.info}</span>
          </div>
          <ul class="popup-findings">
            {summary.topFindings.map((finding) => (
              <li class={`finding-line severity-${finding.severity}`} title={ruleById(finding.rule)?.why ?? ''}>
                <strong>{finding.severity}</strong> {finding.message}
              </li>
            ))}
          </ul>
        </>
      )}
      <label class="tool-check popup-capture">
        <input type="checkbox" checked={summary.captureEnabled} disabled={summary.origin === null} onChange={(e) => void store.setCapture((e.currentTarget as HTMLInputElement).checked)} />
        Capture on this site
      </label>
      <div class="popup-actions">
        <button type="button" onClick={() => store.openLibrary()}>
          {summary.session ? 'Open in session library' : 'Session library'}
        </button>
        <button type="button" disabled={!summary.session} onClick={() => void store.exportSession()}>
          Export
        </button>
        <button type="button" disabled={!summary.session} onClick={() => void store.clearSession()}>
          Clear
        </button>
      </div>
      {store.notice.value ? <p class="muted">{store.notice.value}</p> : null}
    </div>
  );
}
