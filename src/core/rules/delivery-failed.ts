import { defineRule } from './rule';
import { isAbortError } from './undelivered-on-navigation';

export default defineRule({
  id: 'delivery-failed',
  severity: 'error',
  title: 'Tracking request failed',
  why: 'The tracking API answered with an error or the request failed, so the events in it did not reach Segment (4xx responses are not retried; network failures and 5xx are retried a limited number of times).',
  fix: 'Read the response: a 400 names the invalid field, 401/403 a wrong write key or proxy; for network errors check ad blockers, CSP connect-src and the proxy.',
  fixCode: "// CSP must allow the tracking host:\n// Content-Security-Policy: connect-src 'self' https://api.segment.io",
  guide: { title: 'Common questions', anchor: 'common-questions' },
  example: { scenario: 'the collector answers 400 to a track', message: 'POST /v1/t answered 400 for track "Signed Up"' },
  create: () => ({
    onRecord(record, context) {
      if (record.kind !== 'wire' || record.state === 'pending') return;
      const failedStatus = record.state === 'completed' && record.statusCode !== null && record.statusCode >= 400;
      const failedNetwork = record.state === 'failed' && !isAbortError(record.error);
      if (!failedStatus && !failedNetwork) return;
      let path = record.url;
      try {
        path = new URL(record.url).pathname;
      } catch {
        // keep the raw URL
      }
      const first = record.messages[0];
      const label = first ? `${String(first.type ?? 'event')}${typeof first.event === 'string' ? ` "${first.event}"` : ''}${record.messages.length > 1 ? ` and ${record.messages.length - 1} more` : ''}` : 'a request';
      const calls = record.messageIds.flatMap((id) => {
        const call = context.callForMessage(id);
        return call ? [call.id] : [];
      });
      context.report({
        anchor: record.id,
        message: failedStatus ? `${record.method} ${path} answered ${record.statusCode} for ${label}` : `${record.method} ${path} failed (${record.error ?? 'network error'}) for ${label}`,
        recordIds: [record.id, ...calls],
        at: record.at,
        scope: calls[0] ? context.model.scopeOf(context.callById(calls[0]) ?? record) : context.model.scopeOf(record),
      });
    },
  }),
});
