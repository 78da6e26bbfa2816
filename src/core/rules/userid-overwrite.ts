import { defineRule, show } from './rule';

export default defineRule({
  id: 'userid-overwrite',
  severity: 'error',
  title: 'userId overwritten without reset()',
  why:
    'identify() with a userId different from the stored one makes analytics.js treat the visitor as a new person: it generates a new anonymousId and drops the earlier traits, so the two users\' histories are split and the new user inherits nothing, or the wrong things, depending on the destination.',
  fix: 'Call reset() when a user logs out (or before another user logs in on the same browser), then identify() the new user.',
  fixCode: "analytics.reset();\nanalytics.identify('new-user-id', { email });",
  guide: { title: 'ID expiration and overwriting', anchor: 'id-expiration-and-overwriting' },
  example: {
    scenario: 'identify("97980cfea0067") then, with no reset(), identify("user-2-b6f1")',
    message: 'identify() replaced userId "97980cfea0067" → "user-2-b6f1" without reset(); anonymousId rotated "3f2a…" → "9c1d…"; 3 traits dropped (name, email, plan)',
  },
  create: () => ({
    onTransition(transition, context) {
      const userChange = transition.changes.find((c) => c.field === 'userId' && c.cause === 'userid-change');
      if (!userChange) return;
      const anonymous = transition.changes.find((c) => c.field === 'anonymousId');
      const traits = transition.changes.find((c) => c.field === 'traits');
      const droppedTraits = Object.keys((traits?.from as Record<string, unknown> | null) ?? {}).filter(
        (key) => !Object.hasOwn((traits?.to as Record<string, unknown> | null) ?? {}, key),
      );
      const parts = [`identify() replaced userId ${show(userChange.from)} → ${show(userChange.to)} without reset()`];
      if (anonymous) parts.push(`anonymousId rotated ${show(anonymous.from)} → ${show(anonymous.to)}`);
      if (droppedTraits.length > 0) parts.push(`${droppedTraits.length} trait${droppedTraits.length === 1 ? '' : 's'} dropped (${droppedTraits.slice(0, 5).join(', ')})`);
      const anchor = userChange.causeRecordId ?? transition.recordId;
      context.report({
        anchor,
        message: parts.join('; '),
        recordIds: [anchor, transition.recordId].filter((id, i, all) => all.indexOf(id) === i),
        at: transition.at,
        scope: transition.scope,
      });
    },
  }),
});
