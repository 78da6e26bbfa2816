import { defineRule } from './rule';

const ID_COOKIES: ReadonlySet<string> = new Set(['ajs_anonymous_id', 'ajs_user_id']);
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** A host that has a parent domain to share cookies on: not an IP address, not a single label (localhost). */
export function hasParentDomain(host: string): boolean {
  if (IPV4.test(host) || host.startsWith('[') || host.includes(':')) return false;
  return host.split('.').filter(Boolean).length >= 2;
}

export default defineRule({
  id: 'cookie-host-only',
  severity: 'info',
  title: 'Identity cookie limited to one host',
  why: 'A host-only identity cookie is not sent to the site\'s other subdomains (www, app, checkout), which then generate their own anonymousId for the same visitor.',
  fix: 'Set the cookie domain to the parent domain (analytics.js normally finds it; a failed check falls back to host-only).',
  fixCode: "analytics.load('WRITE_KEY', { cookie: { domain: 'example.com' } });",
  guide: { title: 'ID expiration and overwriting', anchor: 'id-expiration-and-overwriting' },
  example: { scenario: 'ajs_anonymous_id set on shop.example.com without a Domain attribute', message: 'cookie ajs_anonymous_id is host-only on shop.example.com: other subdomains get another anonymousId' },
  create: () => {
    const reported = new Set<string>();
    return {
      onRecord(record, context) {
        if (record.kind !== 'cookie' || record.change === 'removed') return;
        for (const cookie of record.cookies) {
          if (!ID_COOKIES.has(cookie.name) || !cookie.hostOnly || !hasParentDomain(cookie.domain)) continue;
          const key = `${cookie.domain} ${cookie.name}`;
          if (reported.has(key)) continue;
          reported.add(key);
          context.report({
            anchor: `${record.id}:${cookie.name}`,
            message: `cookie ${cookie.name} is host-only on ${cookie.domain}: other subdomains get another anonymousId`,
            recordIds: [record.id],
            at: record.at,
            scope: context.model.scopeOf(record),
          });
        }
      },
    };
  },
});
