import { defineRule } from './rule';

const hasId = (value: unknown): boolean => (typeof value === 'string' && value.trim() !== '') || typeof value === 'number';

export default defineRule({
  id: 'missing-identity',
  severity: 'error',
  title: 'Event sent with neither userId nor anonymousId',
  why: 'The tracking API rejects an event that carries neither a userId nor an anonymousId ("userId or anonymousId must be set"), so it is lost. It happens when storage is blocked and identity is disabled, or when a proxy or middleware strips the fields.',
  fix: 'Keep analytics.js able to generate an anonymousId (do not disable user persistence without setting one), and check middleware that rewrites payloads.',
  fixCode: "analytics.addSourceMiddleware(({ payload, next }) => {\n  // never delete payload.obj.anonymousId / userId here\n  next(payload);\n});",
  guide: { title: 'AnonymousId generation', anchor: 'anonymousid-generation' },
  example: { scenario: 'a middleware deletes anonymousId from every event', message: 'track "Viewed" went to the tracking API with neither userId nor anonymousId' },
  create: () => ({
    onRecord(record, context) {
      if (record.kind !== 'wire') return;
      record.messages.forEach((message, index) => {
        if (hasId(message.userId) || hasId(message.anonymousId)) return;
        const messageId = typeof message.messageId === 'string' ? message.messageId : `${record.id}#${index}`;
        const label = typeof message.event === 'string' ? `${String(message.type)} "${message.event}"` : String(message.type ?? 'event');
        const call = typeof message.messageId === 'string' ? context.callForMessage(message.messageId) : undefined;
        context.report({
          anchor: messageId,
          message: `${label} went to the tracking API with neither userId nor anonymousId`,
          recordIds: call ? [record.id, call.id] : [record.id],
          at: record.at,
          scope: call ? context.model.scopeOf(call) : context.model.scopeOf(record),
        });
      });
    },
  }),
});
