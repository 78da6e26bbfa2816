/**
 * Finds the first stack frame outside Identity Lens. The Error is created on the
 * page's hot path (cheap: V8 captures frames lazily) and only formatted later, at
 * flush time, so the page does not pay for string formatting inside its call.
 */

import { getOwnPropertyDescriptor, NativeError } from './intrinsics';

/** Our wrapper and the page's caller are the top two or three frames; more is paid for and thrown away. */
const CALL_SITE_FRAMES = 5;

/**
 * An Error holding the page's call site. Capturing a stack costs in proportion to its
 * frames (V8's default is 10), and this runs inside every analytics call, so the limit
 * is lowered around the capture and put back at once. Firefox ignores the limit. Only a
 * plain writable `Error.stackTraceLimit` is touched (the only kind V8 reads): a page that
 * made it read-only or an accessor keeps it, and none of its code runs here.
 */
export function captureCallStack(): Error {
  const descriptor = getOwnPropertyDescriptor(NativeError, 'stackTraceLimit');
  if (descriptor?.writable !== true) return new NativeError();
  NativeError.stackTraceLimit = CALL_SITE_FRAMES;
  try {
    return new NativeError();
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

/** `ownScript`: the URL of the hook's own bundle, learnt at install from a stack of our own. */
export function resolveCallSite(stack: string | undefined, ownScript: string | null): string | null {
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
