import type { CallRecord, CapturedRecord, WireRecord } from '../protocol/records';

export interface CallLinks {
  /** messageId → the call that produced it. */
  readonly callByMessageId: ReadonlyMap<string, CallRecord>;
  /** call id → the wire requests that carried its message. */
  readonly wireByCallId: ReadonlyMap<string, WireRecord[]>;
  /** Wire messages no captured call explains (sent by another tool, or captured before the hook). */
  readonly unmatchedMessageIds: readonly string[];
}

/**
 * Ties each wire message to the API call that made it, by messageId: the call's
 * result (analytics-next resolves with the event's context) or the event the
 * library emitted synchronously inside the call (classic) names it.
 */
export function linkRecords(records: readonly CapturedRecord[]): CallLinks {
  const calls = new Map<string, CallRecord>();
  const callIdByMessageId = new Map<string, string>();
  const wires: WireRecord[] = [];
  for (const record of records) {
    switch (record.kind) {
      case 'call':
        calls.set(record.id, record);
        break;
      case 'call-result':
        if (record.messageId !== null) callIdByMessageId.set(record.messageId, record.callId);
        break;
      case 'event':
        if (record.messageId !== null && record.callId !== null) callIdByMessageId.set(record.messageId, record.callId);
        break;
      case 'wire':
        wires.push(record);
        break;
      default:
        break;
    }
  }
  const callByMessageId = new Map<string, CallRecord>();
  for (const [messageId, callId] of callIdByMessageId) {
    const call = calls.get(callId);
    if (call) callByMessageId.set(messageId, call);
  }
  const wireByCallId = new Map<string, WireRecord[]>();
  const unmatched: string[] = [];
  for (const wire of wires) {
    for (const messageId of wire.messageIds) {
      const call = callByMessageId.get(messageId);
      if (!call) {
        unmatched.push(messageId);
        continue;
      }
      const list = wireByCallId.get(call.id) ?? [];
      if (!list.includes(wire)) list.push(wire);
      wireByCallId.set(call.id, list);
    }
  }
  return { callByMessageId, wireByCallId, unmatchedMessageIds: unmatched };
}

/** Records in the order they happened: by time, then by each source's sequence, then by id so that ties never depend on input order. */
export function compareRecords(a: { at: number; seq: number; id: string }, b: { at: number; seq: number; id: string }): number {
  return a.at - b.at || a.seq - b.seq || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
