import { defineRule, show } from './rule';

export default defineRule({
  id: 'anonymousid-read-generated',
  severity: 'info',
  title: 'Reading the anonymousId created one',
  why:
    'analytics.user().anonymousId() does not return null when no ID exists: it generates and stores one. Code that reads it early (to send to a server, or to decide something) creates the visitor\'s ID as a side effect, possibly before a setAnonymousId() that then overwrites it.',
  fix: 'Read the anonymousId after analytics.js has loaded and sent its first call, or inside analytics.ready().',
  fixCode: "analytics.ready(() => {\n  const anonymousId = analytics.user().anonymousId();\n});",
  guide: { title: 'ID expiration and overwriting', anchor: 'id-expiration-and-overwriting' },
  example: {
    scenario: 'analytics.user().anonymousId() on a first visit, before any event',
    message: 'user().anonymousId() found no ID and generated "d41c…"',
  },
  create: () => ({
    onRecord(record, context) {
      if (record.kind !== 'call' || record.method !== 'user.anonymousId' || record.args.length > 0) return;
      if ((record.storedBefore ?? null) !== null || typeof record.returned !== 'string') return;
      context.report({
        anchor: record.id,
        message: `user().anonymousId() found no ID and generated ${show(record.returned)}`,
        recordIds: [record.id],
        at: record.at,
        scope: context.model.scopeOf(record),
      });
    },
  }),
});
