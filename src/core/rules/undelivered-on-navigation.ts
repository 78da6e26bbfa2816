import { appendTo } from '../collections';
import type { CallRecord, WireRecord } from '../../protocol/records';
import { EVENT_METHODS, defineRule, show, type RuleContext } from './rule';

/** The network's word for a request the browser dropped because its page went away. */
export const isAbortError = (error: string | null): boolean => error !== null && /ERR_ABORTED|NS_BINDING_ABORTED|aborted|cancel/i.test(error);

type Delivery = 'delivered' | 'pending' | 'aborted' | 'failed';

const describe = (call: CallRecord): string =>
  call.method === 'track' || call.method === 'identify' || call.method === 'group' || call.method === 'alias'
    ? `${call.method}(${call.args.length > 0 ? show(call.args[0]) : ''})`
    : `${call.method}()`;

export default defineRule({
  id: 'undelivered-on-navigation',
  severity: 'error',
  title: 'Call cut off by a navigation',
  why: 'The page unloaded or navigated before the call\'s request completed, so the event never reached Segment. This is the guide\'s "missing sign-ups": the sign-up page redirects before its identify() and track() are sent.',
  fix: 'Make the calls on the page the user lands on (a welcome page) rather than just before a redirect, or wait for them before navigating.',
  fixCode: "await Promise.all([analytics.identify(user.id), analytics.track('Signed Up')]);\nlocation.assign('/welcome');",
  guide: { title: 'Missing sign-ups', anchor: 'missing-sign-ups' },
  example: { scenario: 'identify() and track("Signed Up") immediately followed by location.assign("/welcome")', message: 'track("Signed Up") never completed: its page unloaded first (net::ERR_ABORTED)' },
  create: () => {
    const callsByDocument = new Map<string, CallRecord[]>();
    const messageByCall = new Map<string, string>();
    const wireByMessage = new Map<string, { state: Delivery; wire: WireRecord }>();
    const delivered = new Set<string>();
    const endedDocuments = new Set<string>();
    const rank: Record<Delivery, number> = { delivered: 3, pending: 2, failed: 1, aborted: 0 };

    const decide = (call: CallRecord, context: RuleContext): void => {
      const messageId = messageByCall.get(call.id);
      const wire = messageId === undefined ? undefined : wireByMessage.get(messageId);
      const scope = context.model.scopeOf(call);
      // The wire is the truth. analytics.js reports a message "delivered" once its destinations are
      // done with it, even when the request failed; that only counts where no request was seen
      // (a tracking host we do not recognise).
      if (wire?.state === 'delivered' || (wire === undefined && messageId !== undefined && delivered.has(messageId))) {
        context.retract(call.id);
        return;
      }
      if (wire?.state === 'pending' || wire?.state === 'failed') {
        // Sent after all: still in flight, or failed for another reason (delivery-failed reports that).
        context.retract(call.id);
        return;
      }
      if (wire?.state === 'aborted') {
        context.report({
          anchor: call.id,
          message: `${describe(call)} never completed: its page unloaded first (${wire.wire.error ?? 'aborted'})`,
          recordIds: [call.id, wire.wire.id],
          at: call.at,
          scope,
        });
        return;
      }
      context.report({ anchor: call.id, message: `${describe(call)} was never sent: its page unloaded first`, recordIds: [call.id], at: call.at, scope });
    };

    const redecideMessage = (messageId: string, context: RuleContext): void => {
      const call = context.callForMessage(messageId);
      if (!call) return;
      const document = context.documentOf(call);
      if (document && endedDocuments.has(document.id)) decide(call, context);
    };

    return {
      onRecord(record, context) {
        if (record.kind === 'call' && EVENT_METHODS.has(record.method)) {
          const document = context.documentOf(record);
          if (document) appendTo(callsByDocument, document.id, record);
          return;
        }
        if ((record.kind === 'event' && record.callId !== null) || record.kind === 'call-result') {
          const callId = record.callId;
          if (callId !== null && record.messageId !== null) messageByCall.set(callId, record.messageId);
        }
        if (record.kind === 'event' && record.phase === 'delivered' && record.messageId !== null) {
          delivered.add(record.messageId);
          redecideMessage(record.messageId, context);
          return;
        }
        if (record.kind !== 'wire') return;
        const state: Delivery =
          record.state === 'pending' ? 'pending' : record.state === 'completed' ? (record.statusCode !== null && record.statusCode < 400 ? 'delivered' : 'failed') : isAbortError(record.error) ? 'aborted' : 'failed';
        for (const messageId of record.messageIds) {
          const known = wireByMessage.get(messageId);
          // A message retried or re-sent from the library's storage on the next page counts if any attempt got through.
          if (known && known.wire.id !== record.id && rank[known.state] >= rank[state]) continue;
          wireByMessage.set(messageId, { state, wire: record });
          redecideMessage(messageId, context);
        }
      },
      onDocumentEnd(document, context) {
        endedDocuments.add(document.id);
        for (const call of callsByDocument.get(document.id) ?? []) decide(call, context);
      },
    };
  },
});
