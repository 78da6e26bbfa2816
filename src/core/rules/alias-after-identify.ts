import { identifyUserId } from '../identity/identity-model';
import { defineRule, show } from './rule';

export default defineRule({
  id: 'alias-after-identify',
  severity: 'error',
  title: 'alias() after identify() for the same user',
  why: 'Destinations that need an alias to merge anonymous history (Mixpanel\'s original ID management, Kissmetrics) must receive it before the user is identified; an alias after identify() links nothing and the anonymous history stays lost.',
  fix: 'Call alias(newUserId) first, then identify(newUserId), then track() the sign-up.',
  fixCode: "analytics.alias(user.id);\nanalytics.identify(user.id);\nanalytics.track('Signed Up');",
  guide: { title: 'Anonymous history is lost', anchor: 'anonymous-history-is-lost' },
  example: { scenario: 'identify("97980cfea0067") then alias("97980cfea0067")', message: 'alias("97980cfea0067") came after identify("97980cfea0067"); alias must come first' },
  create: () => {
    const identifiedBy = new Map<string, string>();
    return {
      onRecord(record, context) {
        if (record.kind !== 'call') return;
        const scope = context.model.scopeOf(record);
        const userId = identifyUserId(record);
        if (userId !== null) {
          if (!identifiedBy.has(`${scope} ${userId}`)) identifiedBy.set(`${scope} ${userId}`, record.id);
          return;
        }
        if (record.method !== 'alias') return;
        const to = record.args[0];
        if (typeof to !== 'string' && typeof to !== 'number') return;
        const identifyId = identifiedBy.get(`${scope} ${String(to)}`);
        if (identifyId === undefined) return;
        context.report({
          anchor: record.id,
          message: `alias(${show(to)}) came after identify(${show(String(to))}); alias must come first`,
          recordIds: [record.id, identifyId],
          at: record.at,
          scope,
        });
      },
    };
  },
});
