/**
 * Finds the first stack frame outside Identity Lens. The Error is created on the
 * page's hot path (cheap: V8 captures frames lazily) and only formatted later, at
 * flush time, so the page does not pay for string formatting inside its call.
 */

import { getOwnPropertyDescriptor, nativeCaptureStackTrace, NativeError, objectCreate, reflectApply } from './intrinsics';

/** Our wrapper and the page's caller are the top two or three frames; more is paid for and thrown away. */
const CALL_SITE_FRAMES = 5;
/**
 * Frames kept below our wrapper when V8 can start the stack there: the page's caller, and
 * one more in case that caller is our own code (a replay). Capture and formatting both
 * cost in proportion to frames: in Node's V8, 12 frames deep, 5.9 µs to capture 5 frames
 * with `new Error`, 3.3 µs for these 2, and 2.2 µs less to format them later.
 */
const FRAMES_BELOW_WRAPPER = 2;

/**
 * Calls in one run of page script (until its microtasks) whose call site is recorded;
 * the rest of a burst go without. A stack is the largest part of what the hook costs a
 * call (in Chromium about 5 µs to capture and 2 µs to format, of about 13), and a page
 * that fires hundreds of calls in one go is the page where that cost adds up. Calls
 * that change identity always keep theirs: those are the ones a finding points at.
 */
export const CALL_SITES_PER_RUN = 100;

/** Comparisons, not a Set: a page may have replaced `Set.prototype.has` (see intrinsics.ts). */
const alwaysWithCallSite = (method: string): boolean =>
  method === 'identify' || method === 'alias' || method === 'group' || method === 'reset' || method === 'setAnonymousId' || method === 'user.anonymousId' || method === 'user.id';

export interface CallSiteBudget {
  /** Whether a call of `method` made now records its call site. */
  allows(method: string): boolean;
}

/** `defer` runs a function once the current run of script is over (a microtask). */
export function createCallSiteBudget(defer: (fn: () => void) => void, perRun: number = CALL_SITES_PER_RUN): CallSiteBudget {
  let left = perRun;
  let refillScheduled = false;
  const refill = (): void => {
    left = perRun;
    refillScheduled = false;
  };
  return {
    allows(method) {
      if (!refillScheduled) {
        refillScheduled = true;
        defer(refill);
      }
      if (alwaysWithCallSite(method)) return true;
      if (left <= 0) return false;
      left -= 1;
      return true;
    },
  };
}

/** What holds a captured stack; `stack` is formatted (lazily, by V8) on first read. */
export interface CallStack {
  readonly stack?: unknown;
}

/**
 * An Error holding the page's call site. Capturing a stack costs in proportion to its
 * frames (V8's default is 10), and this runs inside every analytics call, so the limit
 * is lowered around the capture and put back at once. Firefox ignores the limit. Only a
 * plain writable `Error.stackTraceLimit` is touched (the only kind V8 reads): a page that
 * made it read-only or an accessor keeps it, and none of its code runs here.
 */
export function captureCallStack(wrapper?: (...args: never[]) => unknown): CallStack {
  const descriptor = getOwnPropertyDescriptor(NativeError, 'stackTraceLimit');
  if (descriptor?.writable !== true) return new NativeError();
  // V8 (the only engine that reads stackTraceLimit) starts the stack below `wrapper`
  // when given it, so none of our frames are paid for. The holder has no prototype, so
  // nothing the page puts on Object.prototype is reachable from it.
  const capture = wrapper !== undefined ? nativeCaptureStackTrace : undefined;
  NativeError.stackTraceLimit = typeof capture === 'function' ? FRAMES_BELOW_WRAPPER : CALL_SITE_FRAMES;
  try {
    if (typeof capture !== 'function') return new NativeError();
    const holder = objectCreate(null) as CallStack;
    reflectApply(capture, NativeError, [holder, wrapper]);
    return holder;
  } finally {
    NativeError.stackTraceLimit = descriptor.value;
  }
}

const FRAME_URL = /((?:https?|file|chrome-extension|moz-extension|blob|data|about):[^\s()]+?):(\d+):(\d+)/;

export function frameLocation(line: string): string | null {
  const match = FRAME_URL.exec(line);
  return match ? `${match[1]}:${match[2]}:${match[3]}` : null;
}

/** The script URL a stack line points into, without line and column. */
export function frameScript(line: string): string | null {
  const match = FRAME_URL.exec(line);
  return match ? (match[1] ?? null) : null;
}

/** `ownScript`: the URL of the hook's own bundle, learnt from a stack of our own (install.ts). */
export function resolveCallSite(stack: unknown, ownScript: string | null): string | null {
  if (typeof stack !== 'string') return null;
  const lines = stack.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const location = frameLocation(lines[i] as string);
    if (location === null) continue;
    if (ownScript !== null && location.startsWith(`${ownScript}:`)) continue;
    return location;
  }
  return null;
}
