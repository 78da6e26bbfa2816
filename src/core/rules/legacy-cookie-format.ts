import { readStoredIdentity } from '../identity/stored-values';
import { defineRule } from './rule';

export default defineRule({
  id: 'legacy-cookie-format',
  severity: 'info',
  title: 'Classic JSON-quoted identity cookie',
  why: 'Classic analytics.js stored identity cookies JSON-encoded (%22abc%22); analytics-next writes them raw. Server-side code that reads the cookie often gets the quotes too, and one visitor looks like two.',
  fix: 'Strip the quotes when reading ajs_* cookies on the server (JSON-decode when the value starts with a quote); analytics-next rewrites the cookie raw on its next read.',
  fixCode: "const raw = decodeURIComponent(cookies.ajs_anonymous_id);\nconst anonymousId = raw.startsWith('\"') ? JSON.parse(raw) : raw;",
  guide: { title: 'Linking server and client generated Ids', anchor: 'linking-server-and-client-generated-ids' },
  example: { scenario: 'a returning visitor still has a cookie written by analytics.js classic', message: 'cookie ajs_anonymous_id holds the classic JSON-quoted format' },
  create: () => {
    const reported = new Set<string>();
    return {
      onRecord(record, context) {
        if (record.kind !== 'storage') return;
        const scope = context.model.scopeOf(record);
        for (const key of readStoredIdentity(record.snapshot).legacyCookies) {
          if (key === 'ajs_group_id' || reported.has(`${scope} ${key}`)) continue;
          reported.add(`${scope} ${key}`);
          context.report({ anchor: `${record.id}:${key}`, message: `cookie ${key} holds the classic JSON-quoted format`, recordIds: [record.id], at: record.at, scope });
        }
      },
    };
  },
});
