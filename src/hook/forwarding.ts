/**
 * The snippet stub and `AnalyticsBrowser` queue calls and later replay them on the
 * loaded instance, whose methods we also wrap. Without this the replay would be
 * captured a second time. A queued call is remembered by its method and the very
 * argument values the page passed; the replay passes the same values (the library
 * only strips the snippet's page context), so identity comparison is exact.
 */

import { append, arrayShift, arraySplice, copyList, objectIs } from './intrinsics';

export interface ForwardedCall {
  readonly callId: string;
  readonly method: string;
  readonly args: readonly unknown[];
}

/** The snippet v5 appends `{ __t: 'bpc', ... }` to queued event calls; it is not the page's argument. */
export function isBufferedPageContext(value: unknown): boolean {
  try {
    return typeof value === 'object' && value !== null && (value as { __t?: unknown }).__t === 'bpc';
  } catch {
    return false;
  }
}

export function withoutPageContext(args: readonly unknown[]): unknown[] {
  const copy = copyList(args);
  if (copy.length > 0 && isBufferedPageContext(copy[copy.length - 1])) copy.length -= 1;
  return copy;
}

/** Pending queued calls older than this many are assumed never to be replayed (an instance that failed to load). */
const MAX_PENDING = 10_000;

export interface ForwardingLedger {
  remember(call: ForwardedCall): void;
  /** Returns the queued call this invocation replays, removing it, or null for a fresh call. */
  claim(method: string, args: readonly unknown[]): ForwardedCall | null;
  readonly size: number;
}

export function createForwardingLedger(): ForwardingLedger {
  const pending: ForwardedCall[] = [];
  const sameArgs = (a: readonly unknown[], b: readonly unknown[]): boolean => {
    const left = withoutPageContext(a);
    const right = withoutPageContext(b);
    // Replays may drop trailing `undefined`s; compare up to the longer defined prefix.
    const length = left.length > right.length ? left.length : right.length;
    for (let i = 0; i < length; i += 1) {
      if (!objectIs(left[i], right[i])) return false;
    }
    return true;
  };
  return {
    remember(call) {
      if (pending.length >= MAX_PENDING) arrayShift(pending);
      append(pending, call);
    },
    claim(method, args) {
      for (let i = 0; i < pending.length; i += 1) {
        const call = pending[i] as ForwardedCall;
        if (call.method === method && sameArgs(call.args, args)) {
          arraySplice(pending, i, 1);
          return call;
        }
      }
      return null;
    },
    get size() {
      return pending.length;
    },
  };
}
