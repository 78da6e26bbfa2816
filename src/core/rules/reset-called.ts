import { defineRule, show } from './rule';

export default defineRule({
  id: 'reset-called',
  severity: 'info',
  title: 'reset() cleared the identity',
  why:
    'reset() removes the userId, the anonymousId and the traits (in this subdomain\'s storage only). The next event starts a new anonymous visitor; that is right at log-out and wrong anywhere else.',
  fix: 'Call reset() only when a user logs out, and on every subdomain that keeps its own localStorage.',
  fixCode: "function logOut() {\n  analytics.track('Logged Out');\n  analytics.reset();\n}",
  guide: { title: 'ID expiration and overwriting', anchor: 'id-expiration-and-overwriting' },
  example: {
    scenario: 'track("Logged Out") then reset()',
    message: 'reset() cleared userId "97980cfea0067", anonymousId "3f2a…" and 3 traits',
  },
  create: () => ({
    onRecord(record, context) {
      if (record.kind !== 'call' || record.method !== 'reset') return;
      const scope = context.model.scopeOf(record);
      const identity = context.model.identity(scope);
      const traitCount = Object.keys(identity.traits).length;
      context.report({
        anchor: record.id,
        message: `reset() cleared userId ${show(identity.userId)}, anonymousId ${show(identity.anonymousId)} and ${traitCount} trait${traitCount === 1 ? '' : 's'}`,
        recordIds: [record.id],
        at: record.at,
        scope,
      });
    },
  }),
});
