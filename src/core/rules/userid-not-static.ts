import { identifyUserId } from '../identity/identity-model';
import { defineRule, show } from './rule';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[\d\s().-]{7,20}$/;
/** Letters with dots, dashes or underscores and no digit: a handle, not a database key. */
const USER_NAME = /^@?[a-z][a-z._-]{2,31}$/i;

export function describeUnstableId(userId: string): 'an email address' | 'a phone number' | 'a user name' | null {
  const value = userId.trim();
  if (EMAIL.test(value)) return 'an email address';
  if (PHONE.test(value) && /\d{7,}/.test(value.replace(/\D/g, '')) && /[\s().+-]/.test(value)) return 'a phone number';
  if (USER_NAME.test(value) && !/^(anonymous|unknown|guest|null|undefined)$/i.test(value)) return 'a user name';
  return null;
}

export default defineRule({
  id: 'userid-not-static',
  severity: 'warning',
  title: 'userId that can change',
  why:
    'Emails, phone numbers and user names change over a customer\'s lifetime. When they do, the same person gets a second userId and their history splits; your analytics can no longer be joined with your own database.',
  fix: 'Use the user\'s database ID (or a UUID you assign) as the userId, and send the email or user name as a trait.',
  fixCode: "analytics.identify(user.id, { email: user.email, username: user.username });",
  guide: { title: 'Best options for userIds', anchor: 'best-options-for-userids' },
  example: {
    scenario: 'identify("peter@example.com")',
    message: 'userId "peter@example.com" looks like an email address, which can change',
  },
  create: () => {
    const seen = new Set<string>();
    return {
      onRecord(record, context) {
        if (record.kind !== 'call') return;
        const userId = identifyUserId(record);
        if (userId === null) return;
        const kind = describeUnstableId(userId);
        const scope = context.model.scopeOf(record);
        if (kind === null || seen.has(`${scope} ${userId}`)) return;
        seen.add(`${scope} ${userId}`);
        context.report({
          anchor: record.id,
          message: `userId ${show(userId)} looks like ${kind}, which can change`,
          recordIds: [record.id],
          at: record.at,
          scope,
        });
      },
    };
  },
});
