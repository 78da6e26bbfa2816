import { appendTo } from '../collections';
import type { CallRecord } from '../../protocol/records';
import { identifyUserId } from '../identity/identity-model';
import { defineRule, show } from './rule';

export default defineRule({
  id: 'identify-without-track',
  severity: 'info',
  title: 'identify() with no track() that says why',
  why: 'An identify() tells who the user is, not what happened. Without a track() on the same page ("Signed Up", "Logged In", "Newsletter Subscribed"), funnels cannot count the moment the user was identified.',
  fix: 'Follow each identify() that identifies someone new, or adds what you learnt, with a track() of the action that caused it.',
  fixCode: "analytics.identify(user.id, { email: user.email });\nanalytics.track('Signed Up', { plan: user.plan });",
  guide: { title: 'Identifying users', anchor: 'identifying-users' },
  example: { scenario: 'a newsletter form calls identify({ email }) and nothing else', message: 'identify() with traits (email) was not followed by a track() on this page' },
  create: () => {
    /** Per document: identify calls that told something new and still wait for a track. */
    const waiting = new Map<string, CallRecord[]>();
    return {
      onRecord(record, context) {
        if (record.kind !== 'call') return;
        const document = context.documentOf(record);
        if (!document) return;
        if (record.method === 'track') {
          waiting.delete(document.id);
          return;
        }
        if (record.method !== 'identify') return;
        const userId = identifyUserId(record);
        const traits = record.args.find((a) => typeof a === 'object' && a !== null && !Array.isArray(a));
        const hasTraits = traits !== undefined && Object.keys(traits as object).length > 0;
        const identified = context.model.userIdNow(document.scope, record);
        // Re-identifying the same user on every page load is fine; only new information needs a cause.
        const isNew = userId !== null ? userId !== identified : hasTraits;
        if (!isNew) return;
        appendTo(waiting, document.id, record);
      },
      onDocumentEnd(document, context) {
        for (const call of waiting.get(document.id) ?? []) {
          const userId = identifyUserId(call);
          const traits = call.args.find((a) => typeof a === 'object' && a !== null && !Array.isArray(a)) as object | undefined;
          const what = userId !== null ? `identify(${show(userId)})` : `identify() with traits (${Object.keys(traits ?? {}).slice(0, 4).join(', ')})`;
          context.report({ anchor: call.id, message: `${what} was not followed by a track() on this page`, recordIds: [call.id], at: call.at, scope: document.scope });
        }
        waiting.delete(document.id);
      },
    };
  },
});
