import { defineRule } from './rule';

const ID_COOKIES: ReadonlySet<string> = new Set(['ajs_anonymous_id', 'ajs_user_id']);
const DAY_MS = 86_400_000;

export default defineRule({
  id: 'cookie-expiring-soon',
  severity: 'info',
  title: 'Identity cookie expires soon',
  why: 'An identity cookie that lives days instead of a year (a short maxage, a session cookie, or a browser cap such as Safari\'s 7 days for script-set cookies) makes returning visitors anonymous strangers.',
  fix: 'Use the default one-year maxage; where browsers cap script-set cookies, have your server set the ajs_* cookies (first-party, HTTP).',
  fixCode: "analytics.load('WRITE_KEY', { cookie: { maxage: 365 } });",
  guide: { title: 'ID expiration and overwriting', anchor: 'id-expiration-and-overwriting' },
  example: { scenario: "analytics.load('KEY', { cookie: { maxage: 1 } })", message: 'cookie ajs_anonymous_id expires in 1 day' },
  create: () => {
    const reported = new Set<string>();
    return {
      onRecord(record, context) {
        if (record.kind !== 'cookie' || record.change === 'removed') return;
        const scope = context.model.scopeOf(record);
        for (const cookie of record.cookies) {
          if (!ID_COOKIES.has(cookie.name) || reported.has(`${scope} ${cookie.name}`)) continue;
          let when: string | null = null;
          if (cookie.expirationDate === null) when = 'when the browser closes (a session cookie)';
          else {
            const days = (cookie.expirationDate * 1000 - record.at) / DAY_MS;
            if (days < context.options.expiringSoonDays) {
              const rounded = Math.max(0, Math.round(days * 10) / 10);
              when = days < 1 ? `in ${Math.max(0, Math.round(days * 24))} h` : `in ${rounded} day${rounded === 1 ? '' : 's'}`;
            }
          }
          if (when === null) continue;
          reported.add(`${scope} ${cookie.name}`);
          context.report({ anchor: `${record.id}:${cookie.name}`, message: `cookie ${cookie.name} expires ${when}`, recordIds: [record.id], at: record.at, scope });
        }
      },
    };
  },
});
