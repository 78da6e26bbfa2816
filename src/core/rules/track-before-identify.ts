import { appendTo } from '../collections';
import type { CallRecord } from '../../protocol/records';
import { identifyUserId } from '../identity/identity-model';
import { defineRule, show } from './rule';

export default defineRule({
  id: 'track-before-identify',
  severity: 'warning',
  title: 'Sign-up tracked before the identify it belongs to',
  why: 'A "Signed Up" or "Logged In" track sent before identify() leaves with the anonymous identity only, so the event that marks the conversion is not attributed to the user it created.',
  fix: 'Call identify() first, then track() the sign-up or log-in (the sign-up/log-in event names are set in the options).',
  fixCode: "analytics.identify(user.id, { email: user.email });\nanalytics.track('Signed Up');",
  guide: { title: 'Merging Identified and Anonymous user profiles', anchor: 'merging-identified-and-anonymous-user-profiles' },
  example: { scenario: 'track("Signed Up") then identify("97980cfea0067")', message: 'track("Signed Up") was sent before identify("97980cfea0067")' },
  create: () => {
    const early = new Map<string, CallRecord[]>();
    return {
      onRecord(record, context) {
        if (record.kind !== 'call') return;
        const document = context.documentOf(record);
        if (!document) return;
        const identified = context.model.userIdNow(document.scope, record);
        if (record.method === 'track') {
          const name = record.args[0];
          const names = context.options.signupEvents.map((n) => n.toLowerCase());
          if (typeof name === 'string' && names.includes(name.trim().toLowerCase()) && identified === null) {
            appendTo(early, document.id, record);
          }
          return;
        }
        const userId = identifyUserId(record);
        if (userId === null || userId === identified) return;
        for (const track of early.get(document.id) ?? []) {
          context.report({
            anchor: track.id,
            message: `track(${show(track.args[0])}) was sent before identify(${show(userId)})`,
            recordIds: [track.id, record.id],
            at: record.at,
            scope: document.scope,
          });
        }
        early.delete(document.id);
      },
    };
  },
});
