import aliasAfterIdentify from './alias-after-identify';
import anonymousidLost from './anonymousid-lost';
import anonymousidOverwrite from './anonymousid-overwrite';
import anonymousidReadGenerated from './anonymousid-read-generated';
import cookieExpired from './cookie-expired';
import cookieExpiringSoon from './cookie-expiring-soon';
import cookieHostOnly from './cookie-host-only';
import deliveryFailed from './delivery-failed';
import identifyWithoutTrack from './identify-without-track';
import identityNotPersisted from './identity-not-persisted';
import legacyCookieFormat from './legacy-cookie-format';
import missingIdentity from './missing-identity';
import multipleInstances from './multiple-instances';
import resetCalled from './reset-called';
import type { Rule } from './rule';
import storageMismatch from './storage-mismatch';
import trackBeforeIdentify from './track-before-identify';
import undeliveredOnNavigation from './undelivered-on-navigation';
import useridMismatch from './userid-mismatch';
import useridNotStatic from './userid-not-static';
import useridOverwrite from './userid-overwrite';

/** Every rule, in the order findings are evaluated and documented (most severe concerns first). */
export const RULES: readonly Rule[] = [
  useridOverwrite,
  anonymousidOverwrite,
  anonymousidLost,
  anonymousidReadGenerated,
  resetCalled,
  useridNotStatic,
  useridMismatch,
  missingIdentity,
  identifyWithoutTrack,
  trackBeforeIdentify,
  aliasAfterIdentify,
  undeliveredOnNavigation,
  deliveryFailed,
  cookieExpired,
  cookieExpiringSoon,
  storageMismatch,
  identityNotPersisted,
  cookieHostOnly,
  multipleInstances,
  legacyCookieFormat,
];

export const RULE_IDS: readonly string[] = RULES.map((rule) => rule.id);

export function ruleById(id: string): Rule | undefined {
  return RULES.find((rule) => rule.id === id);
}
