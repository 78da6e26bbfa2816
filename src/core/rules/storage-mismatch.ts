import { readStoredIdentity } from '../identity/stored-values';
import { defineRule, show } from './rule';

export default defineRule({
  id: 'storage-mismatch',
  severity: 'warning',
  title: 'Cookie and localStorage disagree',
  why: 'analytics.js reads localStorage first and writes the winner back everywhere, so the cookie value is silently replaced; server-side code and other subdomains that read the cookie have been using a different visitor.',
  fix: 'Find the second writer (another analytics instance, a server Set-Cookie, a subdomain with its own localStorage); share the cookie on the parent domain, or let the cookie win.',
  fixCode: "analytics.load('WRITE_KEY', { storage: { stores: ['cookie', 'localStorage', 'memory'] } });",
  guide: { title: 'ID expiration and overwriting', anchor: 'id-expiration-and-overwriting' },
  example: { scenario: 'a server sets ajs_anonymous_id to a new value while localStorage keeps the old one', message: 'ajs_anonymous_id: cookie "server-81c0…" ≠ localStorage "3f2a…"' },
  create: () => {
    const reported = new Set<string>();
    return {
      onRecord(record, context) {
        if (record.kind !== 'storage') return;
        const scope = context.model.scopeOf(record);
        const stored = readStoredIdentity(record.snapshot);
        for (const [key, where] of [
          ['ajs_anonymous_id', stored.anonymousIdIn],
          ['ajs_user_id', stored.userIdIn],
        ] as const) {
          if (where.cookie === null || where.localStorage === null || where.cookie === where.localStorage) continue;
          const signature = `${scope} ${key} ${where.cookie} ${where.localStorage}`;
          if (reported.has(signature)) continue;
          reported.add(signature);
          context.report({
            anchor: `${record.id}:${key}`,
            message: `${key}: cookie ${show(where.cookie)} ≠ localStorage ${show(where.localStorage)}`,
            recordIds: [record.id],
            at: record.at,
            scope,
          });
        }
      },
    };
  },
});
