import type { CallRecord, Cloned } from '../../protocol/records';
import { defineRule, show } from './rule';

const normalise = (value: string): string => value.trim().toLowerCase();

/** The userId an event call names in its options or properties, if any. */
function eventUserId(call: CallRecord): { value: Cloned; where: string } | null {
  if (call.optionsUserId !== null && call.optionsUserId !== undefined) return { value: call.optionsUserId, where: 'options.userId' };
  if (call.method !== 'track' && call.method !== 'page' && call.method !== 'screen') return null;
  const properties = call.method === 'track' ? call.args[1] : call.args.find((a) => typeof a === 'object' && a !== null && !Array.isArray(a));
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) return null;
  const value = (properties as Record<string, Cloned>).userId;
  return value === undefined || value === null ? null : { value, where: 'properties.userId' };
}

export default defineRule({
  id: 'userid-mismatch',
  severity: 'warning',
  title: 'userId that disagrees with the identified user',
  why:
    'An event that names another userId than the identified one, or the same user written differently ("123" and 123, other case, extra spaces), makes destinations see two people. analytics.js compares ids strictly: identify(123) after "123" counts as a new user and rotates the anonymousId.',
  fix: 'Pass the userId in one form everywhere (a string, trimmed, as your database stores it), and let analytics.js add it to events instead of passing it per call.',
  fixCode: "const userId = String(user.id);\nanalytics.identify(userId);\nanalytics.track('Order Completed', { total }); // no userId here: analytics.js adds it",
  guide: { title: 'Merging Identified and Anonymous user profiles', anchor: 'merging-identified-and-anonymous-user-profiles' },
  example: {
    scenario: 'identify("97980cfea0067") then track("Order Completed", {}, { userId: "97980CFEA0067 " })',
    message: 'track() names userId "97980CFEA0067 " in options.userId, a variant of the identified "97980cfea0067"',
  },
  create: () => ({
    onRecord(record, context) {
      if (record.kind !== 'call') return;
      const scope = context.model.scopeOf(record);
      const identified = context.model.userIdNow(scope, record);
      if (identified === null) return;
      if (record.method === 'identify') {
        const raw = record.args[0];
        if (typeof raw === 'number' && String(raw) === identified) {
          context.report({
            anchor: record.id,
            message: `identify(${raw}) passes a number where "${identified}" is stored: analytics.js sees a new user and rotates the anonymousId`,
            recordIds: [record.id],
            at: record.at,
            scope,
          });
        }
        return;
      }
      const named = eventUserId(record);
      if (named === null) return;
      const text = typeof named.value === 'string' || typeof named.value === 'number' ? String(named.value) : JSON.stringify(named.value);
      if (named.value === identified) return;
      const variant = normalise(text) === normalise(identified);
      context.report({
        anchor: record.id,
        message: variant
          ? `${record.method}() names userId ${show(named.value)} in ${named.where}, a variant of the identified ${show(identified)}`
          : `${record.method}() names userId ${show(named.value)} in ${named.where}, but the identified user is ${show(identified)}`,
        recordIds: [record.id],
        at: record.at,
        scope,
      });
    },
  }),
});
