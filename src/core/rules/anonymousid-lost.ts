import { defineRule, show } from './rule';

const LOSS_CAUSES: ReadonlySet<string> = new Set(['storage-cleared', 'cookie-expired', 'unexplained']);

export default defineRule({
  id: 'anonymousid-lost',
  severity: 'warning',
  title: 'anonymousId lost',
  why:
    'A new anonymousId appeared with no call that explains it: storage was cleared, the cookie expired with no localStorage copy, or storage is blocked. Everything the visitor did before is now attributed to someone else.',
  fix:
    'Find what removes the ajs_* cookies or localStorage (consent tools, cookie cleanup scripts, a short cookie maxage, a different cookie domain between subdomains) and keep the ID; identify known users so their history can be merged.',
  fixCode: "// Keep the cookie a year and on the parent domain:\nanalytics.load('WRITE_KEY', { cookie: { maxage: 365, domain: 'example.com' } });",
  guide: { title: 'ID expiration and overwriting', anchor: 'id-expiration-and-overwriting' },
  example: {
    scenario: 'the ajs_anonymous_id cookie and localStorage entry are deleted, then the page tracks again',
    message: 'anonymousId "3f2a…" was lost (storage cleared) and replaced by "77b1…"',
  },
  create: () => {
    /** Per scope: an anonymousId that vanished without reset(), waiting for its replacement. */
    const vanished = new Map<string, { id: string; cause: string; recordId: string }>();
    return {
      onTransition(transition, context) {
        const change = transition.changes.find((c) => c.field === 'anonymousId');
        if (!change) return;
        if (change.to === null) {
          if (change.cause === 'reset') vanished.delete(transition.scope);
          else if (typeof change.from === 'string') vanished.set(transition.scope, { id: change.from, cause: change.cause, recordId: transition.recordId });
          return;
        }
        const lost = vanished.get(transition.scope);
        vanished.delete(transition.scope);
        if (change.from === null && lost && change.cause === 'first-generation') {
          context.report({
            anchor: transition.recordId,
            message: `anonymousId ${show(lost.id)} was lost (${lost.cause.replace('-', ' ')}) and replaced by ${show(change.to)}`,
            recordIds: [transition.recordId, lost.recordId],
            at: transition.at,
            scope: transition.scope,
          });
          return;
        }
        if (change.from !== null && LOSS_CAUSES.has(change.cause)) {
          context.report({
            anchor: transition.recordId,
            message: `anonymousId ${show(change.from)} was replaced by ${show(change.to)} with no call that explains it`,
            recordIds: [transition.recordId],
            at: transition.at,
            scope: transition.scope,
          });
        }
      },
    };
  },
});
