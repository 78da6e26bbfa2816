import type { Cloned } from '../../protocol/records';
import type { HookContext } from '../hook-context';
import { safeClone } from '../safe-clone';
import { reflectApply, weakSetAdd, weakSetHas } from '../intrinsics';
import { defineHidden, isOurWrapper, wrapTrackedMethods, wrapUserAccessor } from '../wrap-methods';

type Listener = (...args: unknown[]) => void;
interface Emitter {
  on(event: string, listener: Listener): unknown;
}

const isEmitter = (value: unknown): value is Emitter =>
  typeof value === 'object' && value !== null && typeof (value as { on?: unknown }).on === 'function';

/** A loaded analytics-next `Analytics`: it has an event queue that emits delivery events. */
export function isAnalyticsNext(value: unknown): value is object {
  try {
    const candidate = value as { track?: unknown; queue?: unknown };
    return typeof candidate === 'object' && candidate !== null && typeof candidate.track === 'function' && isEmitter(candidate.queue);
  } catch {
    return false;
  }
}

export function analyticsNextWriteKey(instance: object): string | null {
  const settings = (instance as { settings?: { writeKey?: unknown } }).settings;
  return typeof settings?.writeKey === 'string' ? settings.writeKey : null;
}

function readString(read: () => unknown): string | null {
  try {
    const value = read();
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

interface NextShape {
  VERSION?: unknown;
  options?: { integrations?: Record<string, { apiHost?: unknown } | boolean> };
  settings?: { cdnSettings?: { integrations?: Record<string, { apiHost?: unknown }> } };
  register?: unknown;
}

/** The tracking API host the instance sends to; load options win over the CDN settings, as in analytics-next. */
export function analyticsNextApiHost(instance: object): string | null {
  const next = instance as NextShape;
  const fromOptions = readString(() => {
    const segment = next.options?.integrations?.['Segment.io'];
    return typeof segment === 'object' ? segment.apiHost : undefined;
  });
  return fromOptions ?? readString(() => next.settings?.cdnSettings?.integrations?.['Segment.io']?.apiHost) ?? 'api.segment.io/v1';
}

/** Contexts already reported as enriched; made now, while `WeakSet` is still the browser's own. */
const enrichedContexts = new WeakSet<object>();

const PLUGIN_HANDLERS = ['load', 'track', 'identify', 'page', 'group', 'alias', 'screen'] as const;

/**
 * Marks the library's plugins as internal: the Segment.io plugin reads
 * `analytics.user()` for every event it sends, and those reads are not the page's.
 */
function guardPlugins(context: HookContext, plugins: unknown[]): void {
  for (let p = 0; p < plugins.length; p += 1) {
    const plugin = plugins[p];
    if (typeof plugin !== 'object' || plugin === null) continue;
    for (let h = 0; h < PLUGIN_HANDLERS.length; h += 1) {
      const handler = PLUGIN_HANDLERS[h] as (typeof PLUGIN_HANDLERS)[number];
      const original = (plugin as Record<string, unknown>)[handler];
      if (typeof original !== 'function' || isOurWrapper(original)) continue;
      const originalFn = original as (...args: unknown[]) => unknown;
      defineHidden(plugin, handler, function identityLensPluginGuard(this: unknown, ...args: unknown[]): unknown {
        context.internalDepth += 1;
        try {
          return reflectApply(originalFn, this, args);
        } finally {
          context.internalDepth -= 1;
        }
      });
    }
  }
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * The event of a context. `full` clones it whole (for the event as analytics.js
 * finished it); otherwise only its ids are read, which is all the earlier phases need
 * and keeps the page from paying for a deep clone of every event more than once.
 */
function eventOf(ctx: unknown, full: boolean): { messageId: string | null; type: string | null; event: Cloned } {
  const event = (ctx as { event?: Record<string, unknown> } | null)?.event;
  const messageId = text(event?.messageId);
  const type = text(event?.type);
  return {
    messageId,
    type,
    event: full ? safeClone(event) : { type, messageId, anonymousId: text(event?.anonymousId), userId: text(event?.userId) },
  };
}

export function hookAnalyticsNext(context: HookContext, instance: object, origin: 'global' | 'inspector', global: string | null): void {
  const ref = context.registerInstance(instance, 'analytics-next', global);
  if (ref === null) return;
  context.recorder.emit({
    kind: 'instance',
    instance: ref,
    origin,
    version: readString(() => (instance as NextShape).VERSION),
    apiHost: context.guard('api-host', () => analyticsNextApiHost(instance), null),
    frameUrl: context.frameUrl(),
  });

  wrapTrackedMethods(context, instance, {});
  wrapUserAccessor(context, instance);

  const register = (instance as NextShape).register;
  if (typeof register === 'function' && !isOurWrapper(register)) {
    const registerFn = register as (...args: unknown[]) => unknown;
    defineHidden(instance, 'register', function identityLensRegister(this: unknown, ...plugins: unknown[]): unknown {
      context.guard('guard-plugins', () => guardPlugins(context, plugins), undefined);
      return reflectApply(registerFn, this, plugins);
    });
  }

  const emitEvent = (phase: 'dispatched' | 'enriched' | 'delivered' | 'failed', ctx: unknown, reason: unknown, callId: string | null = null): void => {
    // Delivered or failed is the event as analytics.js finished it; the earlier phases take its ids.
    const { messageId, type, event } = eventOf(ctx, phase === 'delivered' || phase === 'failed');
    let reasonText: string | null = null;
    if (reason !== undefined && reason !== null) {
      reasonText = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
    }
    context.recorder.emit({
      kind: 'event',
      phase,
      instance: context.instanceRef(instance) ?? ref,
      messageId,
      type,
      event,
      reason: reasonText,
      callId,
    });
    context.watchStorage('event');
  };
  // analytics-next emits dispatch_start synchronously inside track()/identify()…, while our
  // wrapper is on the stack: the one moment the messageId can be tied to its call even if
  // the page dies before the request completes.
  if (isEmitter(instance)) {
    instance.on('dispatch_start', (ctx: unknown) =>
      // Inside the page's call: only the ids are taken, and the call they belong to.
      context.guard('dispatch-start', () => emitEvent('dispatched', ctx, null, context.currentCallId), undefined),
    );
  }

  const queue = (instance as { queue?: unknown }).queue;
  if (!isEmitter(queue)) return;

  queue.on('message_enriched', (ctx: unknown) =>
    context.guard(
      'message-enriched',
      () => {
        // Emitted once per before/enrichment plugin; the first is enough to tie the messageId early.
        if (typeof ctx !== 'object' || ctx === null || weakSetHas(enrichedContexts, ctx)) return;
        weakSetAdd(enrichedContexts, ctx);
        emitEvent('enriched', ctx, null);
      },
      undefined,
    ),
  );
  queue.on('message_delivered', (ctx: unknown) => context.guard('message-delivered', () => emitEvent('delivered', ctx, null), undefined));
  queue.on('delivery_failure', (ctx: unknown, error: unknown) =>
    context.guard('delivery-failure', () => emitEvent('failed', ctx, error), undefined),
  );
}
