import { defineRule, show } from './rule';

const DELIBERATE: Readonly<Record<string, string>> = {
  setAnonymousId: 'setAnonymousId()',
  'options.anonymousId': 'options.anonymousId',
  'query-string': 'the ajs_aid query parameter',
  'server-cookie': "a server response's Set-Cookie",
};

export default defineRule({
  id: 'anonymousid-overwrite',
  severity: 'warning',
  title: 'Existing anonymousId replaced',
  why:
    'The visitor already had an anonymousId; replacing it splits their anonymous history in two, and activity tracked under the old ID is no longer linked to what follows. An anonymousId passed in options also persists for every later call.',
  fix:
    'Set an anonymousId only when none exists yet, before the first call (read the current one rather than generating a new one on the server), or pass the existing browser anonymousId to the server instead of the other way round.',
  fixCode: "// Share the browser's ID with the server instead of replacing it:\nconst anonymousId = analytics.user().anonymousId();\nawait fetch('/session', { method: 'POST', body: JSON.stringify({ anonymousId }) });",
  guide: { title: 'ID expiration and overwriting', anchor: 'id-expiration-and-overwriting' },
  example: {
    scenario: 'a server-generated ID passed to setAnonymousId() after the page already sent events',
    message: 'setAnonymousId() replaced anonymousId "3f2a…" → "server-81c0…"',
  },
  create: () => ({
    onTransition(transition, context) {
      const change = transition.changes.find((c) => c.field === 'anonymousId' && c.from !== null && c.to !== null && c.cause in DELIBERATE);
      if (!change) return;
      const anchor = change.causeRecordId ?? transition.recordId;
      context.report({
        anchor,
        message: `${DELIBERATE[change.cause]} replaced anonymousId ${show(change.from)} → ${show(change.to)}`,
        recordIds: [anchor, transition.recordId].filter((id, i, all) => all.indexOf(id) === i),
        at: transition.at,
        scope: transition.scope,
      });
    },
  }),
});
