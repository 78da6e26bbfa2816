/**
 * Makes what a page saw with the extension (A) comparable with what it saw without (B): the
 * fields analytics.js fills with time or randomness are set aside, the write key (each side
 * has its own, so the collector can tell them apart) becomes `<wk>`, and megabyte strings
 * become their length and digest.
 */
import { createHash } from 'node:crypto';
import type { CollectedRequest } from '../fixtures/server';
import type { ProbeCall } from './hostile-values';
import type { CallOutcome } from './page-probe';

/** Stamped by analytics.js with the time or a fresh ID on every event. */
const VOLATILE_KEYS: ReadonlySet<string> = new Set(['messageId', 'timestamp', 'sentAt', 'receivedAt', 'originalTimestamp']);
/** An anonymousId analytics.js generated (after `reset()`, or before the test set one), bare or as stored JSON. */
const GENERATED_ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

export function normalise(value: unknown, writeKey: string): unknown {
  if (typeof value === 'string') {
    const text = value.split(writeKey).join('<wk>').replace(GENERATED_ID, '<generated id>');
    if (text.length <= 200) return text;
    return `<string of ${text.length}, sha1 ${createHash('sha1').update(text).digest('hex').slice(0, 12)}>`;
  }
  if (Array.isArray(value)) return value.map((item) => normalise(item, writeKey));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      if (VOLATILE_KEYS.has(key)) continue;
      Object.defineProperty(out, key.split(writeKey).join('<wk>'), {
        value: normalise((value as Record<string, unknown>)[key], writeKey),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

/**
 * The messages the collector received for one write key, normalised and sorted (requests run
 * in parallel, so their order of arrival is not the page's). A retry repeats its message:
 * only the first attempt counts.
 */
export function wirePayloads(received: readonly CollectedRequest[], writeKey: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const request of receivedFor(received, writeKey)) {
    const body = request.body as { messageId?: unknown } | null;
    const messageId = typeof body?.messageId === 'string' ? body.messageId : null;
    if (messageId !== null) {
      if (seen.has(messageId)) continue;
      seen.add(messageId);
    }
    out.push(`${request.path} ${JSON.stringify(normalise(body ?? request.rawBody, writeKey))}`);
  }
  return out.sort();
}

/**
 * The methods the hook must have recorded for `calls`, in order: every tracked method, whatever
 * it did, and `user()` reads that returned (there is no `user()` on the snippet stub).
 */
export function expectedCapture(calls: readonly ProbeCall[], outcomes: readonly CallOutcome[], onStub: boolean): string[] {
  const methods: string[] = [];
  calls.forEach((call, index) => {
    const outcome = outcomes[index];
    const isRead = call.m === 'user.anonymousId' || call.m === 'user.id';
    if (isRead && (onStub || outcome === undefined || 'threw' in outcome)) return;
    // `group()` with no arguments reads the Group object: not a call of intent. (The stub
    // cannot tell, and queues it like any other call.)
    if (call.m === 'group' && call.args.length === 0 && !onStub) return;
    methods.push(call.m);
  });
  return methods;
}

/** The requests the collector received for one write key. */
export function receivedFor(received: readonly CollectedRequest[], writeKey: string): CollectedRequest[] {
  return received.filter((request) => request.rawBody.includes(writeKey));
}
