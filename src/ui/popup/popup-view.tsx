import { ruleById } from '../../core/rules/catalogue';
import { CopyButton } from '../inspector/copy-button';
import { colourOf, describeExpiry } from '../inspector/format';
import type { ViewPlatform } from '../inspector/platform';
import type { PopupStore } from './popup-store';

function Row({ name, value, platform, detail }: { name: string; value: string | null; platform: ViewPlatform; detail?: string }) {
  return (
    <div class="popup-row" data-field={name}>
      <span class="identity-name">{name}</span>
      {value === null ? (
        <span class="identity-none">none</span>
      ) : (
        <>
          <span class="identity-swatch" style={{ background: colourOf(value) }} />
          <code class="identity-value" title={value}>
            {value}
          </code>
          <CopyButton text={value} platform={platform} label={name} />
        </>
      )}
      {detail ? <div class="popup-detail">{detail}</div> : null}
    </div>
  );
}

/** The active tab at a glance: who the visitor is, where that lives, and what is wrong. */
export function PopupView({ store, platform }: { store: PopupStore; platform: ViewPlatform }) {
  const summary = store.summary.value;
  if (store.error.value) return <p class="notice-error" role="alert">{store.error.value}</p>;
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
      {summary.session === null || summary.callCount === 0 ? (
        <p class="empty popup-empty">
          No Segment calls on this tab yet. Reload the page, and check that analytics.js loads (window.analytics, or an npm build of @segment/analytics-next).
          {summary.captureEnabled ? '' : ' Capture is off for this site.'}
        </p>
      ) : (
        <>
          <Row name="anonymousId" value={identity.anonymousId} platform={platform} detail={where(identity.storedIn.anonymousId, identity.cookieExpiry.anonymousId)} />
          <Row name="userId" value={identity.userId} platform={platform} detail={where(identity.storedIn.userId, identity.cookieExpiry.userId)} />
          <Row name="groupId" value={identity.groupId} platform={platform} />
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
