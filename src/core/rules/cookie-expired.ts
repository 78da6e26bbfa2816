import { readStoredIdentity } from '../identity/stored-values';
import { defineRule, show } from './rule';

const ID_COOKIES = ['ajs_anonymous_id', 'ajs_user_id'] as const;

export default defineRule({
  id: 'cookie-expired',
  severity: 'warning',
  title: 'Identity cookie expired',
  why: 'When the identity cookie expires and no localStorage copy exists, the visitor gets a new anonymousId; with a copy, analytics.js restores the cookie, but server-side code and other subdomains that read only the cookie have already lost the ID.',
  fix: 'Keep identity cookies a year (the default maxage), set them from the server where browsers cap script-set cookies, and use the parent domain so subdomains share them.',
  fixCode: "analytics.load('WRITE_KEY', { cookie: { maxage: 365 } });",
  guide: { title: 'ID expiration and overwriting', anchor: 'id-expiration-and-overwriting' },
  example: { scenario: 'the ajs_anonymous_id cookie reaches its expiry while the page is open', message: 'cookie ajs_anonymous_id ("3f2a…") expired' },
  create: () => {
    /** Per scope: identity cookies seen, and cookies missing while localStorage holds the ID (waiting for proof cookies are in use). */
    const cookieSeen = new Set<string>();
    const missing = new Map<string, { recordId: string; at: number; value: string }>();
    return {
      onRecord(record, context) {
        if (record.kind === 'cookie' && record.change === 'removed' && record.cause === 'expired') {
          for (const cookie of record.cookies) {
            if (!(ID_COOKIES as readonly string[]).includes(cookie.name)) continue;
            context.report({ anchor: `${record.id}:${cookie.name}`, message: `cookie ${cookie.name} (${show(cookie.value)}) expired`, recordIds: [record.id], at: record.at, scope: context.model.scopeOf(record) });
          }
          return;
        }
        if (record.kind !== 'storage') return;
        const scope = context.model.scopeOf(record);
        const stored = readStoredIdentity(record.snapshot);
        for (const key of ID_COOKIES) {
          const where = key === 'ajs_anonymous_id' ? stored.anonymousIdIn : stored.userIdIn;
          const seenKey = `${scope} ${key}`;
          if (where.cookie !== null) {
            const pending = missing.get(seenKey);
            // The cookie came back (analytics.js restored it from localStorage): cookies are in use, so it had expired.
            if (pending) {
              context.report({
                anchor: pending.recordId + ':' + key,
                message: `cookie ${key} was gone while localStorage still held ${show(pending.value)}; analytics.js restored it`,
                recordIds: [pending.recordId, record.id],
                at: pending.at,
                scope,
              });
              missing.delete(seenKey);
            }
            cookieSeen.add(seenKey);
            continue;
          }
          if (where.localStorage === null || missing.has(seenKey)) continue;
          if (cookieSeen.has(seenKey)) {
            context.report({
              anchor: record.id + ':' + key,
              message: `cookie ${key} was gone while localStorage still held ${show(where.localStorage)}`,
              recordIds: [record.id],
              at: record.at,
              scope,
            });
            cookieSeen.delete(seenKey);
          } else {
            missing.set(seenKey, { recordId: record.id, at: record.at, value: where.localStorage });
          }
        }
      },
    };
  },
});
