import type { HookContext } from '../hook-context';
import { wrapTrackedMethods } from '../wrap-methods';

/** `AnalyticsBrowser` / `AnalyticsBuffered`: thenable, with methods that return promises. */
export function isBuffered(value: unknown): value is object {
  try {
    const candidate = value as { then?: unknown; track?: unknown; _preInitBuffer?: unknown; load?: unknown };
    return (
      typeof candidate === 'object' &&
      candidate !== null &&
      typeof candidate.then === 'function' &&
      typeof candidate.track === 'function'
    );
  } catch {
    return false;
  }
}

export function bufferedWriteKey(buffered: object): string | null {
  // Known once loaded: the instance carries the settings.
  const settings = (buffered as { instance?: { settings?: { writeKey?: unknown } } }).instance?.settings;
  return typeof settings?.writeKey === 'string' ? settings.writeKey : null;
}

/**
 * An app that put its `AnalyticsBrowser` on window. Its methods forward to the
 * loaded instance (hooked through the inspector), which reports results, so these
 * wrappers only record the page's intent at the moment of the call.
 */
export function hookBuffered(context: HookContext, buffered: object, global: string | null): void {
  if (context.registerInstance(buffered, 'buffered', global) === null) return;
  wrapTrackedMethods(context, buffered, { forwards: true });
}
