/**
 * Finds the first stack frame outside Identity Lens. The Error is created on the
 * page's hot path (cheap: V8 captures frames lazily) and only formatted later, at
 * flush time, so the page does not pay for string formatting inside its call.
 */

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
  for (const line of lines) {
    const location = frameLocation(line);
    if (location === null) continue;
    if (ownScript !== null && location.startsWith(`${ownScript}:`)) continue;
    return location;
  }
  return null;
}
