import type { InspectorStore } from './inspector-store';
import { CopyButton } from './copy-button';
import { colourOf, describeExpiry } from './format';
import type { ViewPlatform } from './platform';

function IdentityValue({ name, value, where, expiry, platform }: { name: string; value: string | null; where?: string; expiry?: string; platform: ViewPlatform }) {
  return (
    <div class="identity-item" data-field={name}>
      <span class="identity-name">{name}</span>
      {value === null ? (
        <span class="identity-value identity-none">none</span>
      ) : (
        <>
          <span class="identity-swatch" style={{ background: colourOf(value) }} />
          <code class="identity-value" title={value}>
            {value}
          </code>
          <CopyButton text={value} platform={platform} label={name} />
        </>
      )}
      {where ? <span class="identity-where">{where}</span> : null}
      {expiry ? <span class="identity-expiry">{expiry}</span> : null}
    </div>
  );
}

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
        where={identity.storedIn.anonymousId.join(' + ')}
        expiry={anonymousCookie ? describeExpiry(anonymousCookie.expirationDate, now) : undefined}
        platform={platform}
      />
      <IdentityValue
        name="userId"
        value={identity.userId}
        where={identity.storedIn.userId.join(' + ')}
        expiry={userCookie ? describeExpiry(userCookie.expirationDate, now) : undefined}
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
