import { readStoredIdentity } from '../identity/stored-values';
import { defineRule, show } from './rule';

export default defineRule({
  id: 'identity-not-persisted',
  severity: 'warning',
  title: 'Identity kept in memory only',
  why: 'analytics.js sends an anonymousId that neither a cookie nor localStorage holds (storage disabled, blocked, or persistence turned off), so the next page load or reload gives the visitor a new one.',
  fix: 'Let analytics.js persist identity (do not set disableClientPersistence or user.persist: false without a reason), or pass a stable anonymousId you store yourself on every load.',
  fixCode: "analytics.load('WRITE_KEY'); // default: cookie + localStorage\n// or: analytics.setAnonymousId(idFromYourSession) on every page load",
  guide: { title: 'AnonymousId generation', anchor: 'anonymousid-generation' },
  example: { scenario: "AnalyticsBrowser.load({ writeKey }, { disableClientPersistence: true })", message: 'anonymousId "3f2a…" lives in memory only: no cookie or localStorage holds it' },
  create: () => {
    /** Per document: the first event's anonymousId, and whether any storage snapshot held an id. */
    const firstEvent = new Map<string, { anonymousId: string; messageId: string | null; recordId: string }>();
    const stored = new Set<string>();
    const reported = new Set<string>();
    return {
      onRecord(record, context) {
        const document = context.documentOf(record);
        if (!document) return;
        if (record.kind === 'storage') {
          const identity = readStoredIdentity(record.snapshot);
          if (identity.anonymousIdIn.cookie !== null || identity.anonymousIdIn.localStorage !== null) stored.add(document.id);
          return;
        }
        if (record.kind !== 'event' || record.phase === 'failed') return;
        const event = record.event as Record<string, unknown> | null;
        const anonymousId = event && typeof event.anonymousId === 'string' ? event.anonymousId : null;
        if (anonymousId === null) return;
        const first = firstEvent.get(document.id);
        if (!first) {
          firstEvent.set(document.id, { anonymousId, messageId: record.messageId, recordId: record.id });
          return;
        }
        // A second event: the hook has read storage since the first one, so an empty storage is real.
        if (first.messageId === record.messageId || stored.has(document.id) || reported.has(document.scope)) return;
        reported.add(document.scope);
        context.report({
          anchor: record.id,
          message: `anonymousId ${show(anonymousId)} lives in memory only: no cookie or localStorage holds it`,
          recordIds: [record.id, first.recordId],
          at: record.at,
          scope: document.scope,
        });
      },
    };
  },
});
