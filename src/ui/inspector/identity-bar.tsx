import type { InspectorStore } from './inspector-store';
import { describeExpiry } from './format';
import { IdentityValue } from './identity-value';
import type { ViewPlatform } from './platform';

/** Who the visitor is now: always visible at the top of the inspector. */
export function IdentityBar({ store, platform }: { store: InspectorStore; platform: ViewPlatform }) {
  const identity = store.identity.value;
  const counts = store.counts.value;
  const now = platform.now();
  const cookie = (name: string) => identity.cookies[name];
  const anonymousCookie = cookie('ajs_anonymous_id');
  const userCookie = cookie('ajs_user_id');
  return (
    <header class="identity-bar" aria-label="Current identity">
      <IdentityValue
        name="anonymousId"
        value={identity.anonymousId}
        notes={[identity.storedIn.anonymousId.join(' + '), anonymousCookie ? describeExpiry(anonymousCookie.expirationDate, now) : '']}
        platform={platform}
      />
      <IdentityValue
        name="userId"
        value={identity.userId}
        notes={[identity.storedIn.userId.join(' + '), userCookie ? describeExpiry(userCookie.expirationDate, now) : '']}
        platform={platform}
      />
      <IdentityValue name="groupId" value={identity.groupId} platform={platform} />
      <div class="identity-item">
        <span class="identity-name">traits</span>
        <span class="identity-value" title={Object.keys(identity.traits).join(', ')}>
          {Object.keys(identity.traits).length}
        </span>
      </div>
      <div class="identity-counts" aria-label="Findings">
        <span class="count count-error" title="errors">✖ {counts.error}</span>
        <span class="count count-warning" title="warnings">▲ {counts.warning}</span>
        <span class="count count-info" title="info">● {counts.info}</span>
      </div>
      <span class={`status status-${store.status.value}`}>{store.status.value === 'live' ? '' : store.status.value === 'connecting' ? 'connecting…' : 'reconnecting…'}</span>
    </header>
  );
}
